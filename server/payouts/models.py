"""The payouts table: one row per withdrawal, its idempotency key and its provider state.

`status` leaves `pending` exactly once, by a conditional UPDATE, in the same
transaction as the ledger entry that pays or releases the held amount.
`push_state` tracks the request to the provider apart from the outcome, as for
payments: `sending` (claimed by one request), `not_sent` (it surely never
reached the provider: safe to send again), `accepted` (the provider answered
with `conversation_id`), `uncertain` (it may have reached the provider: never
sent again) or `refused`.
"""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db.base import Base, UTCDateTime, new_id, utcnow


class PayoutRow(Base):
    __tablename__ = "payouts"
    __table_args__ = (
        UniqueConstraint("creator_id", "idempotency_key", name="uq_payouts_creator_key"),
        Index("ix_payouts_creator_created", "creator_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    creator_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str] = mapped_column(String(16))  # the clearing account: clearing:<provider>
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    phone: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))  # the creator's, for failure messages
    status: Mapped[str] = mapped_column(String(16), index=True)
    failure_code: Mapped[str | None] = mapped_column(String(40))
    provider_result: Mapped[str | None] = mapped_column(String(40))
    push_state: Mapped[str] = mapped_column(String(16))
    push_attempts: Mapped[int] = mapped_column(Integer, default=0)
    conversation_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    transaction_id: Mapped[str | None] = mapped_column(String(40))
    callback_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first final answer to POST /payouts, replayed verbatim for the same key and body.
    answer_status: Mapped[int | None] = mapped_column(Integer)
    answer_body: Mapped[str | None] = mapped_column(Text)
    # When to ask the provider about a payout whose result has not come (see `resolve.py`).
    next_check_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
