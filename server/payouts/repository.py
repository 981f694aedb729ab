"""All SQL of the payouts domain.

Every change of `status` or `push_state` is a conditional UPDATE: whoever changes
the row first wins, and every later result, retry or sweep finds nothing to change.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.models import UserRow
from server.contract.payouts import PayoutStatus
from server.db.dialect import insert_for
from server.ledger.models import LedgerEntryRow
from server.payouts.models import PayoutRow

PENDING = PayoutStatus.PENDING.value


class PayoutsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def user(self, user_id: str) -> UserRow | None:
        return await self.session.get(UserRow, user_id)

    async def insert(self, payout: PayoutRow) -> bool:
        """Insert unless the creator used this idempotency key before; answer whether we did.

        A concurrent request with the same key waits on the unique index, then inserts
        nothing and reads the first one's payout.
        """
        values = {column.name: getattr(payout, column.key) for column in PayoutRow.__table__.c}
        statement = (
            insert_for(self.session, PayoutRow)
            .values(values)
            .on_conflict_do_nothing(index_elements=["creator_id", "idempotency_key"])
            .returning(PayoutRow.id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def by_key(self, creator_id: str, key: str) -> PayoutRow | None:
        query = (
            select(PayoutRow)
            .where(PayoutRow.creator_id == creator_id, PayoutRow.idempotency_key == key)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_id(self, payout_id: str) -> PayoutRow | None:
        query = (
            select(PayoutRow)
            .where(PayoutRow.id == payout_id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_callback_token_hash(self, token_hash: str) -> PayoutRow | None:
        query = select(PayoutRow).where(PayoutRow.callback_token_hash == token_hash)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def of_creator(self, creator_id: str, limit: int) -> Sequence[PayoutRow]:
        query = (
            select(PayoutRow)
            .where(PayoutRow.creator_id == creator_id)
            .order_by(PayoutRow.created_at.desc(), PayoutRow.id.desc())
            .limit(limit)
        )
        return (await self.session.execute(query)).scalars().all()

    async def hold_entry_id(self, key: str) -> str | None:
        query = select(LedgerEntryRow.id).where(LedgerEntryRow.idempotency_key == key)
        found = (await self.session.execute(query)).scalar_one_or_none()
        return str(found) if found is not None else None

    async def claim_push(self, payout_id: str, now: datetime) -> bool:
        """Take the right to send the provider request: only from `not_sent`, only while pending."""
        result = await self.session.execute(
            update(PayoutRow)
            .where(
                PayoutRow.id == payout_id,
                PayoutRow.status == PENDING,
                PayoutRow.push_state == "not_sent",
            )
            .values(push_state="sending", push_attempts=PayoutRow.push_attempts + 1, updated_at=now)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def set_push_state(self, payout_id: str, state: str, now: datetime) -> None:
        await self.session.execute(
            update(PayoutRow)
            .where(PayoutRow.id == payout_id, PayoutRow.push_state == "sending")
            .values(push_state=state, updated_at=now)
        )

    async def accept_push(self, payout_id: str, conversation_id: str, now: datetime) -> None:
        """Record Daraja's ConversationID; a result callback may have recorded the same first."""
        await self.session.execute(
            update(PayoutRow)
            .where(
                PayoutRow.id == payout_id,
                or_(
                    PayoutRow.conversation_id.is_(None),
                    PayoutRow.conversation_id == conversation_id,
                ),
            )
            .values(conversation_id=conversation_id, push_state="accepted", updated_at=now)
        )

    async def resolve(
        self,
        payout_id: str,
        *,
        status: PayoutStatus,
        failure_code: str | None,
        provider_result: str | None,
        conversation_id: str | None,
        transaction_id: str | None,
        now: datetime,
        only_if_unsent: bool = False,
    ) -> bool:
        """Leave `pending` for good. True for exactly one caller, whatever the order of events.

        With `conversation_id` (the provider's reference the outcome is for), only a payout
        with that reference, or with none yet (our request's answer was lost), changes.
        `only_if_unsent`: only a payout whose request surely never reached the provider.
        """
        statement = update(PayoutRow).where(PayoutRow.id == payout_id, PayoutRow.status == PENDING)
        values: dict[str, object] = {
            "status": status.value,
            "failure_code": failure_code,
            "provider_result": provider_result,
            "transaction_id": transaction_id,
            "resolved_at": now,
            "updated_at": now,
        }
        if conversation_id is not None:
            statement = statement.where(
                or_(
                    PayoutRow.conversation_id.is_(None),
                    PayoutRow.conversation_id == conversation_id,
                )
            )
            values["conversation_id"] = conversation_id
        if only_if_unsent:
            statement = statement.where(PayoutRow.push_state.in_(("not_sent", "refused")))
        result = await self.session.execute(statement.values(values))
        return bool(getattr(result, "rowcount", 0) == 1)

    async def store_answer(self, payout_id: str, status: int, body: str) -> None:
        """Keep the first final answer only."""
        await self.session.execute(
            update(PayoutRow)
            .where(PayoutRow.id == payout_id, PayoutRow.answer_status.is_(None))
            .values(answer_status=status, answer_body=body)
        )

    async def unsent_before(self, cutoff: datetime, limit: int) -> Sequence[str]:
        """Pending payouts whose request never reached the provider (or was refused by it, and
        the server stopped before recording the failure), older than `cutoff`."""
        query = (
            select(PayoutRow.id)
            .where(
                PayoutRow.status == PENDING,
                PayoutRow.push_state.in_(("not_sent", "refused")),
                PayoutRow.updated_at <= cutoff,
            )
            .order_by(PayoutRow.updated_at)
            .limit(limit)
        )
        return [str(payout_id) for payout_id in (await self.session.execute(query)).scalars()]

    async def due_for_status(
        self, now: datetime, sending_before: datetime, limit: int
    ) -> Sequence[PayoutRow]:
        """Pending payouts that may have reached the provider, whose check is due."""
        reached = or_(
            PayoutRow.push_state.in_(("accepted", "uncertain")),
            and_(PayoutRow.push_state == "sending", PayoutRow.updated_at <= sending_before),
        )
        query = (
            select(PayoutRow)
            .where(PayoutRow.status == PENDING, PayoutRow.next_check_at <= now, reached)
            .order_by(PayoutRow.next_check_at)
            .limit(limit)
        )
        return (await self.session.execute(query)).scalars().all()

    async def postpone_check(self, payout_ids: Sequence[str], at: datetime) -> None:
        if payout_ids:
            await self.session.execute(
                update(PayoutRow)
                .where(PayoutRow.id.in_(payout_ids), PayoutRow.status == PENDING)
                .values(next_check_at=at)
            )
