"""All SQL of refunds: the payment's refunded total, moved only by conditional UPDATEs.

A refund reserves its amount in `payments.refunded_amount` before the provider is
asked, with `... WHERE refunded_amount = <what we read>`: two refunds racing on
one payment can never together give back more than it took.
"""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.contract.payments import RefundStatus
from server.payments.models import PaymentRow, RefundRow

PENDING = RefundStatus.PENDING.value


class RefundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def payment(self, payment_id: str) -> PaymentRow | None:
        query = (
            select(PaymentRow)
            .where(PaymentRow.id == payment_id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def payment_by_provider_ref(self, provider: str, provider_ref: str) -> PaymentRow | None:
        query = select(PaymentRow).where(
            PaymentRow.provider == provider, PaymentRow.provider_ref == provider_ref
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def move_refunded(self, payment_id: str, seen: int, delta: int, now: datetime) -> bool:
        """Add `delta` (negative: release) to the refunded total if it is still `seen`."""
        result = await self.session.execute(
            update(PaymentRow)
            .where(
                PaymentRow.id == payment_id,
                PaymentRow.refunded_amount == seen,
                PaymentRow.refunded_amount + delta <= PaymentRow.amount,
                PaymentRow.refunded_amount + delta >= 0,
            )
            .values(refunded_amount=PaymentRow.refunded_amount + delta, updated_at=now)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def add(self, refund: RefundRow) -> None:
        self.session.add(refund)
        await self.session.flush()

    async def by_id(self, refund_id: str) -> RefundRow | None:
        query = (
            select(RefundRow)
            .where(RefundRow.id == refund_id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_key(self, idempotency_key_id: str) -> RefundRow | None:
        query = select(RefundRow).where(RefundRow.idempotency_key_id == idempotency_key_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def end(
        self,
        refund_id: str,
        status: RefundStatus,
        *,
        provider_ref: str | None,
        failure_code: str | None,
        now: datetime,
    ) -> bool:
        """Leave `pending` once; True for the one caller that did."""
        result = await self.session.execute(
            update(RefundRow)
            .where(RefundRow.id == refund_id, RefundRow.status == PENDING)
            .values(
                status=status.value,
                provider_ref=provider_ref,
                failure_code=failure_code,
                updated_at=now,
            )
        )
        return bool(getattr(result, "rowcount", 0) == 1)
