"""All SQL of the payments domain.

Every change of `status` is a conditional UPDATE `... WHERE status = 'pending'`:
whoever changes the row first wins, and every later callback, query or sweep
finds nothing to change.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.models import UserRow
from server.contract.payments import PaymentStatus
from server.db.base import new_id, utcnow
from server.db.dialect import insert_for
from server.payments.models import (
    IdempotencyKeyRow,
    PaymentChangeCounterRow,
    PaymentRow,
    TicketRow,
)
from server.streams.models import StreamRow

PENDING = PaymentStatus.PENDING.value


class PaymentsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def user(self, user_id: str) -> UserRow | None:
        return await self.session.get(UserRow, user_id)

    async def stream(self, stream_id: str) -> StreamRow | None:
        """A stream that is not deleted (read only: the streams domain owns the table)."""
        query = select(StreamRow).where(StreamRow.id == stream_id, StreamRow.deleted_at.is_(None))
        return (await self.session.execute(query)).scalar_one_or_none()

    # --- tickets ----------------------------------------------------------------------

    async def has_ticket(self, holder_id: str, stream_id: str) -> bool:
        """A ticket admits while its payment is not wholly refunded (or being refunded):
        a refund that fails gives the amount back, and with it the seat."""
        query = (
            select(TicketRow.id)
            .join(PaymentRow, PaymentRow.id == TicketRow.payment_id)
            .where(
                TicketRow.holder_id == holder_id,
                TicketRow.stream_id == stream_id,
                PaymentRow.refunded_amount < PaymentRow.amount,
            )
            .limit(1)
        )
        return (await self.session.execute(query)).first() is not None

    async def grant_ticket(self, payment: PaymentRow) -> None:
        """One ticket per succeeded ticket payment, whatever calls this."""
        assert payment.stream_id is not None
        await self.session.execute(
            insert_for(self.session, TicketRow)
            .values(
                id=new_id(),
                payment_id=payment.id,
                holder_id=payment.payer_id,
                stream_id=payment.stream_id,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["payment_id"])
        )

    # --- idempotency keys -------------------------------------------------------------

    async def idempotency_key(
        self, scope: str, owner_id: str, key: str
    ) -> IdempotencyKeyRow | None:
        query = select(IdempotencyKeyRow).where(
            IdempotencyKeyRow.scope == scope,
            IdempotencyKeyRow.owner_id == owner_id,
            IdempotencyKeyRow.key == key,
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def claim_idempotency_key(self, row: IdempotencyKeyRow) -> bool:
        """Insert the key unless a concurrent request holds it; answer whether we did."""
        statement = (
            insert_for(self.session, IdempotencyKeyRow)
            .values(
                id=row.id,
                scope=row.scope,
                owner_id=row.owner_id,
                key=row.key,
                request_hash=row.request_hash,
                payment_id=row.payment_id,
                created_at=row.created_at,
            )
            .on_conflict_do_nothing(index_elements=["scope", "owner_id", "key"])
            .returning(IdempotencyKeyRow.id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def store_answer(self, key_id: str, status: int, body: str) -> None:
        """Keep the first final answer only."""
        await self.session.execute(
            update(IdempotencyKeyRow)
            .where(IdempotencyKeyRow.id == key_id, IdempotencyKeyRow.response_status.is_(None))
            .values(response_status=status, response_body=body)
        )

    # --- payments ---------------------------------------------------------------------

    async def add(self, payment: PaymentRow) -> None:
        self.session.add(payment)
        await self.session.flush()

    async def by_id(self, payment_id: str) -> PaymentRow | None:
        query = (
            select(PaymentRow)
            .where(PaymentRow.id == payment_id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_callback_token_hash(self, token_hash: str) -> PaymentRow | None:
        query = select(PaymentRow).where(PaymentRow.callback_token_hash == token_hash)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def claim_push(self, payment_id: str, now: datetime) -> bool:
        """Take the right to send the provider request: only from `not_sent`, only while pending."""
        result = await self.session.execute(
            update(PaymentRow)
            .where(
                PaymentRow.id == payment_id,
                PaymentRow.status == PENDING,
                PaymentRow.push_state == "not_sent",
            )
            .values(
                push_state="sending", push_attempts=PaymentRow.push_attempts + 1, updated_at=now
            )
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def set_push_state(self, payment_id: str, state: str, now: datetime) -> None:
        await self.session.execute(
            update(PaymentRow)
            .where(PaymentRow.id == payment_id, PaymentRow.push_state == "sending")
            .values(push_state=state, updated_at=now)
        )

    async def accept_push(
        self,
        payment_id: str,
        provider_ref: str,
        now: datetime,
        next_action: str | None = None,
        *,
        callback_proof_hash: str | None = None,
    ) -> bool:
        """Record the provider's reference (and this payment's own next action, JSON, and the
        hash of the secret its callbacks must carry); a callback may have recorded the same
        reference first."""
        result = await self.session.execute(
            update(PaymentRow)
            .where(
                PaymentRow.id == payment_id,
                or_(PaymentRow.provider_ref.is_(None), PaymentRow.provider_ref == provider_ref),
            )
            .values(
                provider_ref=provider_ref,
                push_state="accepted",
                next_action=next_action,
                callback_proof_hash=callback_proof_hash,
                updated_at=now,
            )
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def resolve(
        self,
        payment_id: str,
        *,
        status: PaymentStatus,
        failure_code: str | None,
        provider_result: str | None,
        provider_ref: str | None,
        now: datetime,
    ) -> bool:
        """Leave `pending` for good. True for exactly one caller, whatever the order of events.

        With `provider_ref` (the reference the provider confirmed this outcome for), only a
        payment with that reference, or with none yet (its push answer was lost), changes.
        """
        statement = update(PaymentRow).where(
            PaymentRow.id == payment_id, PaymentRow.status == PENDING
        )
        values: dict[str, object] = {
            "status": status.value,
            "failure_code": failure_code,
            "provider_result": provider_result,
            "resolved_at": now,
            "updated_at": now,
        }
        if provider_ref is not None:
            statement = statement.where(
                or_(PaymentRow.provider_ref.is_(None), PaymentRow.provider_ref == provider_ref)
            )
            values["provider_ref"] = provider_ref
        result = await self.session.execute(statement.values(values))
        return bool(getattr(result, "rowcount", 0) == 1)

    async def set_change_seq(self, payment_id: str, seq: int) -> None:
        await self.session.execute(
            update(PaymentRow).where(PaymentRow.id == payment_id).values(change_seq=seq)
        )

    async def next_change_seq(self, creator_id: str) -> int:
        """Bump the creator's change counter; the row stays locked until commit (see the model)."""
        statement = insert_for(self.session, PaymentChangeCounterRow).values(
            creator_id=creator_id, last_seq=1
        )
        statement = statement.on_conflict_do_update(
            index_elements=["creator_id"],
            set_={"last_seq": PaymentChangeCounterRow.last_seq + 1},
        ).returning(PaymentChangeCounterRow.last_seq)
        return int((await self.session.execute(statement)).scalar_one())

    async def due_for_check(
        self, now: datetime, created_before: datetime, limit: int
    ) -> Sequence[PaymentRow]:
        """Pending payments old enough to ask about, whose last check is far enough behind."""
        query = (
            select(PaymentRow)
            .where(
                PaymentRow.status == PENDING,
                PaymentRow.next_check_at <= now,
                PaymentRow.created_at <= created_before,
            )
            .order_by(PaymentRow.next_check_at)
            .limit(limit)
        )
        return (await self.session.execute(query)).scalars().all()

    async def postpone_check(self, payment_ids: Sequence[str], at: datetime) -> None:
        if payment_ids:
            await self.session.execute(
                update(PaymentRow)
                .where(and_(PaymentRow.id.in_(payment_ids), PaymentRow.status == PENDING))
                .values(next_check_at=at)
            )
