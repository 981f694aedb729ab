"""All SQL of the earnings domain: read-only sums over the ledger and the payments."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from server.contract.payments import PaymentStatus
from server.ledger.accounts import PLATFORM_FEES, creator_available, creator_payout_pending
from server.ledger.entries import EntryKind
from server.ledger.models import LedgerAccountRow, LedgerEntryRow, LedgerPostingRow
from server.payments.models import PaymentRow
from server.streams.models import StreamRow

# Entries that move a creator's earnings: settlements, and refunds (with their reversals).
EARNING_KINDS = (
    EntryKind.SETTLEMENT.value,
    EntryKind.REFUND_HOLD.value,
    EntryKind.REFUND.value,
    EntryKind.REVERSAL.value,
)


@dataclass(frozen=True)
class SettledGroup:
    method: str
    stream_id: str | None
    currency: str
    fees: int
    net: int
    count: int


class EarningsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def settled(
        self, creator_id: str, start: datetime | None, end: datetime | None
    ) -> list[SettledGroup]:
        """Fees and net of the creator's settled payments, by method, stream and currency,
        read from the settlement, refund and reversal entries' postings (refunds reduce them)."""
        mine = creator_available(creator_id)
        fees = func.sum(
            case((LedgerAccountRow.code == PLATFORM_FEES, LedgerPostingRow.amount), else_=0)
        )
        net = func.sum(case((LedgerAccountRow.code == mine, LedgerPostingRow.amount), else_=0))
        query = (
            select(
                PaymentRow.method,
                PaymentRow.stream_id,
                LedgerPostingRow.currency,
                fees,
                net,
                func.count(func.distinct(PaymentRow.id)),
            )
            .join(LedgerEntryRow, LedgerEntryRow.id == LedgerPostingRow.entry_id)
            .join(LedgerAccountRow, LedgerAccountRow.id == LedgerPostingRow.account_id)
            .join(PaymentRow, PaymentRow.id == LedgerEntryRow.payment_id)
            .where(
                PaymentRow.creator_id == creator_id,
                LedgerEntryRow.kind.in_(EARNING_KINDS),
                LedgerAccountRow.code.in_((PLATFORM_FEES, mine)),
                *_window(LedgerEntryRow.created_at, start, end),
            )
            .group_by(PaymentRow.method, PaymentRow.stream_id, LedgerPostingRow.currency)
        )
        rows = (await self.session.execute(query)).all()
        return [
            SettledGroup(method, stream_id, currency, int(fee_sum), int(net_sum), int(count))
            for method, stream_id, currency, fee_sum, net_sum, count in rows
        ]

    async def paid_out(
        self, creator_id: str, start: datetime | None, end: datetime | None
    ) -> dict[str, int]:
        """Payouts the provider confirmed, by when it did: the payout entries draw them from
        the money held for the creator's payouts (`payouts.posting`)."""
        query = (
            select(LedgerPostingRow.currency, -func.sum(LedgerPostingRow.amount))
            .join(LedgerEntryRow, LedgerEntryRow.id == LedgerPostingRow.entry_id)
            .join(LedgerAccountRow, LedgerAccountRow.id == LedgerPostingRow.account_id)
            .where(
                LedgerAccountRow.code == creator_payout_pending(creator_id),
                LedgerEntryRow.kind == EntryKind.PAYOUT.value,
                *_window(LedgerEntryRow.created_at, start, end),
            )
            .group_by(LedgerPostingRow.currency)
        )
        return {
            currency: int(total) for currency, total in (await self.session.execute(query)).all()
        }

    async def available(self, creator_id: str) -> dict[str, int]:
        """What the creator may withdraw now: amounts held for pending payouts are not in it."""
        query = select(LedgerAccountRow.currency, LedgerAccountRow.balance).where(
            LedgerAccountRow.code == creator_available(creator_id)
        )
        return {
            currency: int(balance)
            for currency, balance in (await self.session.execute(query)).all()
        }

    async def pending_net(self, creator_id: str) -> dict[str, int]:
        """What the creator will get from payments still waiting for the payer or provider."""
        query = (
            select(PaymentRow.currency, func.sum(PaymentRow.amount - PaymentRow.fee))
            .where(
                PaymentRow.creator_id == creator_id,
                PaymentRow.status == PaymentStatus.PENDING.value,
            )
            .group_by(PaymentRow.currency)
        )
        return {
            currency: int(total) for currency, total in (await self.session.execute(query)).all()
        }

    async def stream_titles(self, stream_ids: Sequence[str]) -> dict[str, str]:
        if not stream_ids:
            return {}
        query = select(StreamRow.id, StreamRow.title).where(StreamRow.id.in_(stream_ids))
        return {stream_id: title for stream_id, title in (await self.session.execute(query)).all()}

    async def changes_after(
        self, creator_id: str, after_seq: int, limit: int
    ) -> Sequence[PaymentRow]:
        query = (
            select(PaymentRow)
            .where(PaymentRow.creator_id == creator_id, PaymentRow.change_seq > after_seq)
            .order_by(PaymentRow.change_seq)
            .limit(limit)
        )
        return (await self.session.execute(query)).scalars().all()


def _window(
    column: InstrumentedAttribute[datetime], start: datetime | None, end: datetime | None
) -> list[ColumnElement[bool]]:
    """`start` inclusive, `end` exclusive, either may be open."""
    clauses: list[ColumnElement[bool]] = []
    if start is not None:
        clauses.append(column >= start)
    if end is not None:
        clauses.append(column < end)
    return clauses
