"""`flash-server ledger verify`: recompute everything from the postings and check every rule.

The checks run as SQL aggregates, so they read the whole ledger without loading
it into memory. Each broken rule becomes a `Finding`; any finding fails the run.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.contract.money import format_amount
from server.db.base import Base
from server.ledger.accounts import (
    CREATOR_PREFIX,
    is_clearing,
    is_creator_available,
    is_creator_payout_pending,
)
from server.ledger.models import LedgerAccountRow, LedgerEntryRow, LedgerPostingRow

SHOWN_PER_CHECK = 20


@dataclass(frozen=True)
class Finding:
    check: str
    detail: str


@dataclass
class LedgerReport:
    accounts: int = 0
    entries: int = 0
    postings: int = 0
    # (account group, currency) → recomputed balance: external, clearing:*, platform:fees, creators
    groups: dict[tuple[str, str], int] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, check: str, details: Sequence[str]) -> None:
        self.checks.append(check)
        self.findings.extend(Finding(check, detail) for detail in details)


async def verify_ledger(session: AsyncSession) -> LedgerReport:
    report = LedgerReport()
    report.accounts = await _count(session, LedgerAccountRow)
    report.entries = await _count(session, LedgerEntryRow)
    report.postings = await _count(session, LedgerPostingRow)

    amount = LedgerPostingRow.amount
    unbalanced = await session.execute(
        select(LedgerPostingRow.entry_id, LedgerPostingRow.currency, func.sum(amount))
        .group_by(LedgerPostingRow.entry_id, LedgerPostingRow.currency)
        .having(func.sum(amount) != 0)
    )
    report.add(
        "every entry sums to zero per currency",
        [f"entry {e} is off by {format_amount(int(s), c)}" for e, c, s in unbalanced.all()],
    )

    mixed = await session.execute(
        select(LedgerPostingRow.entry_id)
        .group_by(LedgerPostingRow.entry_id)
        .having(func.count(func.distinct(LedgerPostingRow.currency)) > 1)
    )
    report.add(
        "every entry is in one currency",
        [f"entry {e} mixes currencies" for (e,) in mixed.all()],
    )

    thin = await session.execute(
        select(LedgerEntryRow.id, func.count(LedgerPostingRow.id))
        .outerjoin(LedgerPostingRow, LedgerPostingRow.entry_id == LedgerEntryRow.id)
        .group_by(LedgerEntryRow.id)
        .having(func.count(LedgerPostingRow.id) < 2)
    )
    report.add(
        "every entry has two postings or more",
        [f"entry {e} has {n} posting(s)" for e, n in thin.all()],
    )

    wrong_currency = await session.execute(
        select(LedgerPostingRow.id, LedgerAccountRow.code)
        .join(LedgerAccountRow, LedgerAccountRow.id == LedgerPostingRow.account_id)
        .where(LedgerPostingRow.currency != LedgerAccountRow.currency)
    )
    report.add(
        "every posting is in its account's currency",
        [f"posting {p} on {code}" for p, code in wrong_currency.all()],
    )

    recomputed = func.coalesce(func.sum(amount), literal(0))
    balances = (
        await session.execute(
            select(
                LedgerAccountRow.code,
                LedgerAccountRow.currency,
                LedgerAccountRow.balance,
                recomputed,
            )
            .outerjoin(LedgerPostingRow, LedgerPostingRow.account_id == LedgerAccountRow.id)
            .group_by(
                LedgerAccountRow.id,
                LedgerAccountRow.code,
                LedgerAccountRow.currency,
                LedgerAccountRow.balance,
            )
        )
    ).all()
    stale, negative, negative_held, uncleared = [], [], [], []
    for code, currency, cached, total in balances:
        total = int(total)
        group = _group(code)
        report.groups[(group, currency)] = report.groups.get((group, currency), 0) + total
        if int(cached) != total:
            stale.append(
                f"{code} {currency}: stored {format_amount(int(cached), currency)}, "
                f"postings say {format_amount(total, currency)}"
            )
        if is_creator_available(code) and total < 0:
            negative.append(f"{code} is {format_amount(total, currency)}")
        if is_creator_payout_pending(code) and total < 0:
            negative_held.append(f"{code} is {format_amount(total, currency)}")
        if is_clearing(code) and total != 0:
            uncleared.append(f"{code} holds {format_amount(total, currency)} after reconciliation")
    report.add("every stored balance equals the sum of its postings", stale)
    report.add("no creator's available balance is negative", negative)
    report.add("no creator's payout-pending balance is negative", negative_held)
    report.add("every provider clearing account is back to zero", uncleared)

    totals: dict[str, int] = {}
    for (_group_name, currency), total in report.groups.items():
        totals[currency] = totals.get(currency, 0) + total
    report.add(
        "all balances of a currency sum to zero",
        [
            f"{currency} accounts sum to {format_amount(t, currency)}"
            for currency, t in totals.items()
            if t
        ],
    )
    return report


def render(report: LedgerReport) -> str:
    lines = [
        f"ledger: {report.accounts} accounts, {report.entries} entries, {report.postings} postings",
    ]
    for (group, currency), total in sorted(report.groups.items()):
        lines.append(f"  {group:<24} {format_amount(total, currency):>24}")
    by_check: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_check.setdefault(finding.check, []).append(finding)
    for check in report.checks:
        failures = by_check.get(check, [])
        lines.append(f"{'FAIL' if failures else 'ok  '} {check}")
        for finding in failures[:SHOWN_PER_CHECK]:
            lines.append(f"       {finding.detail}")
        if len(failures) > SHOWN_PER_CHECK:
            lines.append(f"       ... and {len(failures) - SHOWN_PER_CHECK} more")
    lines.append(
        "ledger verify: OK"
        if report.ok
        else f"ledger verify: FAILED ({len(report.findings)} problems)"
    )
    return "\n".join(lines)


def _group(code: str) -> str:
    """Creators are summed together in the summary (money held for payouts apart); every
    other account shows on its own."""
    if is_creator_payout_pending(code):
        return "creator:* (payouts pending)"
    return "creator:* (all creators)" if code.startswith(CREATOR_PREFIX) else code


async def _count(session: AsyncSession, table: type[Base]) -> int:
    return int((await session.execute(select(func.count()).select_from(table))).scalar_one())
