"""Payment tables: payments, the payer-scoped idempotency keys, and per-creator change counters."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db.base import Base, UTCDateTime, new_id, utcnow


class PaymentRow(Base):
    """One attempt to pay. `status` leaves `pending` exactly once, by a conditional UPDATE.

    `push_state` tracks the request to the provider, separately from the outcome:
    `not_sent` (safe to send), `sending` (claimed by one request), `accepted` (the
    provider gave `provider_ref`), `uncertain` (it may have reached the provider:
    never sent again) or `refused`.
    """

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_creator_change", "creator_id", "change_seq"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    payer_id: Mapped[str] = mapped_column(String(64), index=True)
    payer_kind: Mapped[str] = mapped_column(String(8))
    payer_name: Mapped[str] = mapped_column(String(60))
    payer_language: Mapped[str] = mapped_column(String(5))
    creator_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    stream_id: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    fee: Mapped[int] = mapped_column(BigInteger)
    fee_bps: Mapped[int] = mapped_column(Integer)
    phone: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(String(280))
    status: Mapped[str] = mapped_column(String(16), index=True)
    failure_code: Mapped[str | None] = mapped_column(String(40))
    provider_result: Mapped[str | None] = mapped_column(String(40))
    provider_ref: Mapped[str | None] = mapped_column(String(200), unique=True)
    # A card subscription's payments (its first and each renewal): the Stripe subscription.
    subscription_ref: Mapped[str | None] = mapped_column(String(100), index=True)
    # The hash of a secret the provider echoes in its callbacks (Orange's `notif_token`).
    callback_proof_hash: Mapped[str | None] = mapped_column(String(64))
    # Refunded or being refunded (reserved before the provider is asked); never above `amount`.
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The provider's action for this very payment (JSON `NextAction`), shown while pending.
    next_action: Mapped[str | None] = mapped_column(Text)
    callback_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    push_state: Mapped[str] = mapped_column(String(16))
    push_attempts: Mapped[int] = mapped_column(Integer, default=0)
    change_seq: Mapped[int] = mapped_column(BigInteger)
    next_check_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class IdempotencyKeyRow(Base):
    """A client's `Idempotency-Key`, scoped to its owner (the token's subject) and a scope.

    `response_*` hold the first final answer, replayed verbatim; they stay empty
    while the request can still be retried (the provider was unreachable).
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("scope", "owner_id", "key", name="uq_idempotency_keys_scope_owner_key"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scope: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    payment_id: Mapped[str | None] = mapped_column(ForeignKey("payments.id"))
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PaymentChangeCounterRow(Base):
    """The last change number given out for one creator's payments.

    Bumped by an UPDATE that holds the row until commit, so one creator's change
    numbers commit in order and a sync cursor can never skip a late commit.
    """

    __tablename__ = "payment_change_counters"

    creator_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class TicketRow(Base):
    """Access to a ticketed stream, granted by the succeeded payment that bought it."""

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_holder_stream", "holder_id", "stream_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), unique=True)
    holder_id: Mapped[str] = mapped_column(String(64))  # the payer: an account or a guest
    stream_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RefundRow(Base):
    """Money given back on a succeeded payment: asked by its creator, or made at the provider.

    `status` is `pending` (reserved in `payments.refunded_amount`, held in the
    ledger, the provider not yet sure), `succeeded` or `failed` (released). `fee`
    is the platform's share given back with it.
    """

    __tablename__ = "refunds"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True)
    origin: Mapped[str] = mapped_column(String(16))  # creator | provider
    amount: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    failure_code: Mapped[str | None] = mapped_column(String(40))
    provider_ref: Mapped[str | None] = mapped_column(String(100), unique=True)
    idempotency_key_id: Mapped[str | None] = mapped_column(
        ForeignKey("idempotency_keys.id"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MembershipRow(Base):
    """A fan's membership of a creator: active while `paid_until` is in the future.

    `paid_until` is always the end of the latest of its months (`membership_months`):
    extended by a succeeded `subscription` payment, and moved back only when one is
    refunded in full (`memberships.take_back_refunded_month`).
    """

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("creator_id", "member_id", name="uq_memberships_creator_member"),
        Index("ix_memberships_member", "member_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    creator_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    member_id: Mapped[str] = mapped_column(ForeignKey("users.id"))  # an account, never a guest
    paid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MembershipMonthRow(Base):
    """One paid month of a membership, granted by the succeeded payment that paid it;
    shorter than a month once that payment was refunded in full (the unused part cut)."""

    __tablename__ = "membership_months"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), unique=True)
    membership_id: Mapped[str] = mapped_column(ForeignKey("memberships.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
