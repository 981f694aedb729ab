"""Queries for card subscriptions: the stored Stripe ids, the subscriptions, their renewals."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.contract.payments import PaymentStatus
from server.db.dialect import insert_for
from server.payments.billing_models import CardSubscriptionRow, StripeCustomerRow, StripeProductRow
from server.payments.models import PaymentRow

SUCCEEDED = PaymentStatus.SUCCEEDED.value


class BillingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def customer(self, user_id: str, mode: str) -> str | None:
        row = await self.session.get(StripeCustomerRow, (user_id, mode))
        return row.customer_id if row is not None else None

    async def keep_customer(self, user_id: str, mode: str, customer_id: str) -> str:
        """Store it unless a concurrent request stored one first; answer the stored one."""
        await self.session.execute(
            insert_for(self.session, StripeCustomerRow)
            .values(user_id=user_id, mode=mode, customer_id=customer_id)
            .on_conflict_do_nothing(index_elements=["user_id", "mode"])
        )
        stored = await self.customer(user_id, mode)
        assert stored is not None
        return stored

    async def product(self, creator_id: str, mode: str) -> str | None:
        row = await self.session.get(StripeProductRow, (creator_id, mode))
        return row.product_id if row is not None else None

    async def keep_product(self, creator_id: str, mode: str, product_id: str) -> str:
        await self.session.execute(
            insert_for(self.session, StripeProductRow)
            .values(creator_id=creator_id, mode=mode, product_id=product_id)
            .on_conflict_do_nothing(index_elements=["creator_id", "mode"])
        )
        stored = await self.product(creator_id, mode)
        assert stored is not None
        return stored

    async def add_subscription(self, row: CardSubscriptionRow) -> None:
        """Once per subscription: a replayed request finds it stored already."""
        await self.session.execute(
            insert_for(self.session, CardSubscriptionRow)
            .values(
                id=row.id,
                mode=row.mode,
                first_payment_id=row.first_payment_id,
                creator_id=row.creator_id,
                member_id=row.member_id,
                customer_id=row.customer_id,
                cancel_at_period_end=False,
                period_end=row.period_end,
                ended_at=None,
                created_at=row.created_at,
                updated_at=row.created_at,
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )

    async def subscription(self, subscription_id: str) -> CardSubscriptionRow | None:
        return await self.session.get(CardSubscriptionRow, subscription_id)

    async def open_subscriptions(
        self, member_id: str, creator_id: str
    ) -> Sequence[CardSubscriptionRow]:
        """The member's card subscriptions of the creator that have not ended and whose
        first payment succeeded (cancelled at period end or not), newest first."""
        rows = await self.session.execute(
            select(CardSubscriptionRow)
            .join(PaymentRow, PaymentRow.id == CardSubscriptionRow.first_payment_id)
            .where(
                CardSubscriptionRow.member_id == member_id,
                CardSubscriptionRow.creator_id == creator_id,
                CardSubscriptionRow.ended_at.is_(None),
                PaymentRow.status == SUCCEEDED,
            )
            .order_by(CardSubscriptionRow.created_at.desc())
        )
        return rows.scalars().all()

    async def update_subscription(
        self, subscription_id: str, now: datetime, **values: object
    ) -> None:
        await self.session.execute(
            update(CardSubscriptionRow)
            .where(CardSubscriptionRow.id == subscription_id)
            .values(updated_at=now, **values)
        )

    async def due_sandbox_renewals(
        self, now: datetime, limit: int
    ) -> Sequence[CardSubscriptionRow]:
        rows = await self.session.execute(
            select(CardSubscriptionRow)
            .join(PaymentRow, PaymentRow.id == CardSubscriptionRow.first_payment_id)
            .where(
                CardSubscriptionRow.mode == "sandbox",
                CardSubscriptionRow.ended_at.is_(None),
                CardSubscriptionRow.period_end <= now,
                PaymentRow.status == SUCCEEDED,
            )
            .order_by(CardSubscriptionRow.period_end)
            .limit(limit)
        )
        return rows.scalars().all()

    async def add_renewal(self, payment: PaymentRow) -> bool:
        """Store a renewal payment unless one for the same invoice (`provider_ref`) exists."""
        columns = PaymentRow.__table__.columns
        values = {c.name: getattr(payment, c.key) for c in columns}
        values = {name: value for name, value in values.items() if value is not None}
        result = await self.session.execute(
            insert_for(self.session, PaymentRow)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["provider_ref"])
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def payment_by_ref(self, provider_ref: str) -> PaymentRow | None:
        rows = await self.session.execute(
            select(PaymentRow).where(
                PaymentRow.provider == "stripe", PaymentRow.provider_ref == provider_ref
            )
        )
        return rows.scalar_one_or_none()
