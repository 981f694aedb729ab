"""Card subscriptions (Stripe Billing): the Stripe objects we made once and reuse, and
each card subscription that renews a membership by itself.

`mode` is `live` (Stripe) or `sandbox` (the card sandbox): a server moved from the
sandbox to Stripe never hands Stripe an id the sandbox made up.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db.base import Base, UTCDateTime, utcnow


class StripeCustomerRow(Base):
    """The Stripe Customer a payer's card subscriptions are billed to, made once per mode."""

    __tablename__ = "stripe_customers"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StripeProductRow(Base):
    """The Stripe Product a creator's memberships are priced against, made once per mode."""

    __tablename__ = "stripe_products"

    creator_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CardSubscriptionRow(Base):
    """A Stripe subscription paying a fan's membership of a creator month after month.

    Its first invoice is the payment `first_payment_id`; each renewal is a payment of
    its own (`payments.subscription_ref` = `id`). It renews while its first payment has
    succeeded, `cancel_at_period_end` is false and it has not ended (`ended_at`).
    `period_end`: when the current paid period ends, as Stripe last told us (the card
    sandbox renews at that time).
    """

    __tablename__ = "card_subscriptions"
    __table_args__ = (Index("ix_card_subscriptions_member_creator", "member_id", "creator_id"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # Stripe's `sub_...`
    mode: Mapped[str] = mapped_column(String(8))
    first_payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), unique=True)
    creator_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    member_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    customer_id: Mapped[str] = mapped_column(String(100))
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, default=False)
    period_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
