"""Payouts against the ledger, for `flash-server ledger verify`.

Every payout has exactly the entries `posting.expected_entries` describes for its
status (a hold; then nothing while pending, the payment and disbursement once
succeeded, the release once failed), no payout entry belongs to no payout, and
each creator's payout-pending balance is exactly the sum of their pending payouts.
"""

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import String, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.contract.money import format_amount
from server.contract.payouts import PayoutStatus
from server.db.batches import batches_by_id
from server.ledger.accounts import creator_payout_pending, is_creator_payout_pending
from server.ledger.entries import EntryKind, Posting
from server.ledger.models import LedgerAccountRow, LedgerEntryRow, LedgerPostingRow
from server.ledger.verify import LedgerReport
from server.payouts.models import PayoutRow
from server.payouts.posting import expected_entries

BATCH = 500
PAYOUT_KINDS = (EntryKind.PAYOUT_HOLD.value, EntryKind.PAYOUT.value, EntryKind.DISBURSEMENT.value)


async def audit_payouts(session: AsyncSession, report: LedgerReport) -> None:
    mismatched: list[str] = []
    count = 0
    async for payouts in batches_by_id(session, PayoutRow, PayoutRow.id, size=BATCH):
        count += len(payouts)
        mismatched.extend(await _check_batch(session, payouts))
    report.add(f"every payout ({count}) has exactly the entries of its status", mismatched)
    report.add("no payout entry without its payout", await _strays(session))
    report.add(
        "every creator's payout-pending balance is the sum of their pending payouts",
        await _held_mismatches(session),
    )


async def _check_batch(session: AsyncSession, payouts: Sequence[PayoutRow]) -> list[str]:
    expected: dict[str, dict[str, tuple[str, tuple[Posting, ...]]]] = {}
    problems: list[str] = []
    for payout in payouts:
        try:
            drafts = expected_entries(payout)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        expected[payout.id] = {d.key: (d.kind.value, d.normalized()) for d in drafts}
    keys = [key for entries in expected.values() for key in entries]
    actual = await _entries_by_key(session, keys) if keys else {}
    for payout in payouts:
        wanted = expected.get(payout.id)
        if wanted is None:
            continue
        found = {key: actual[key] for key in wanted if key in actual}
        if found != wanted:
            problems.append(
                f"payout {payout.id} ({payout.status}, "
                f"{format_amount(payout.amount, payout.currency)}): "
                f"{len(found)} of its {len(wanted)} entries match"
            )
    return problems


async def _entries_by_key(
    session: AsyncSession, keys: list[str]
) -> dict[str, tuple[str, tuple[Posting, ...]]]:
    rows = await session.execute(
        select(
            LedgerEntryRow.idempotency_key,
            LedgerEntryRow.kind,
            LedgerAccountRow.code,
            LedgerPostingRow.currency,
            LedgerPostingRow.amount,
        )
        .join(LedgerPostingRow, LedgerPostingRow.entry_id == LedgerEntryRow.id)
        .join(LedgerAccountRow, LedgerAccountRow.id == LedgerPostingRow.account_id)
        .where(LedgerEntryRow.idempotency_key.in_(keys))
    )
    postings: dict[tuple[str, str], list[Posting]] = defaultdict(list)
    for key, kind, code, currency, amount in rows.all():
        postings[(key, kind)].append(Posting(code, currency, int(amount)))
    return {key: (kind, tuple(sorted(items))) for (key, kind), items in postings.items()}


async def _strays(session: AsyncSession) -> list[str]:
    """Payout-kind entries (and payout releases) that no payout in its status explains."""
    key = LedgerEntryRow.idempotency_key
    provider_ref = (
        func.replace(PayoutRow.provider, "_", "-", type_=String())
        .concat(":")
        .concat(PayoutRow.conversation_id)
    )
    belongs = or_(
        key == ("payout:" + PayoutRow.id).concat(":hold"),
        and_(
            PayoutRow.status == PayoutStatus.FAILED.value,
            key == ("payout:" + PayoutRow.id).concat(":release"),
        ),
        and_(
            PayoutRow.status == PayoutStatus.SUCCEEDED.value,
            or_(key == provider_ref, key == provider_ref.concat(":disbursed")),
        ),
    )
    rows = await session.execute(
        select(LedgerEntryRow.id, LedgerEntryRow.kind, key).where(
            or_(
                LedgerEntryRow.kind.in_(PAYOUT_KINDS),
                and_(LedgerEntryRow.kind == EntryKind.REVERSAL.value, key.like("payout:%")),
            ),
            ~exists().where(belongs),
        )
    )
    return [f"entry {entry_id} ({kind}, {k})" for entry_id, kind, k in rows.all()]


async def _held_mismatches(session: AsyncSession) -> list[str]:
    pending = await session.execute(
        select(PayoutRow.creator_id, PayoutRow.currency, func.sum(PayoutRow.amount))
        .where(PayoutRow.status == PayoutStatus.PENDING.value)
        .group_by(PayoutRow.creator_id, PayoutRow.currency)
    )
    owed = {
        (creator_payout_pending(creator_id), currency): int(total)
        for creator_id, currency, total in pending.all()
    }
    accounts = await session.execute(
        select(LedgerAccountRow.code, LedgerAccountRow.currency, LedgerAccountRow.balance).where(
            LedgerAccountRow.code.like("creator:%:payout_pending")
        )
    )
    held = {
        (code, currency): int(balance)
        for code, currency, balance in accounts.all()
        if is_creator_payout_pending(code)
    }
    return [
        f"{code} holds {format_amount(held.get(slot, 0), currency)}, "
        f"pending payouts total {format_amount(owed.get(slot, 0), currency)}"
        for slot in sorted(set(owed) | set(held))
        for code, currency in [slot]
        if held.get(slot, 0) != owed.get(slot, 0)
    ]
