"""Payments against the ledger, for `flash-server ledger verify`.

Every succeeded payment must have exactly the entries `posting.success_entries`
describes (no more, no fewer, the same postings), and no other payment may
have any capture or settlement entry. Tickets likewise: one per succeeded ticket
payment, none otherwise; and one month of membership per succeeded subscription
payment, none otherwise, each membership paid until the end of its last month;
a payment refunded in full has had the unused part of its month taken back.
Refunds: each payment's refunded amount is exactly what its refund entries took
back from the creator and the platform.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.contract.money import platform_fee
from server.contract.payments import PaymentKind, PaymentStatus, RefundStatus
from server.db.batches import batches_by_id
from server.ledger.accounts import AVAILABLE_SUFFIX, CREATOR_PREFIX, PLATFORM_FEES
from server.ledger.entries import EntryKind, Posting
from server.ledger.models import LedgerAccountRow, LedgerEntryRow, LedgerPostingRow
from server.ledger.verify import LedgerReport
from server.payments.memberships import MONTH
from server.payments.models import (
    MembershipMonthRow,
    MembershipRow,
    PaymentRow,
    RefundRow,
    TicketRow,
)
from server.payments.posting import success_entries

BATCH = 500
PAYMENT_KINDS = (EntryKind.CAPTURE.value, EntryKind.SETTLEMENT.value)
SUCCEEDED = PaymentStatus.SUCCEEDED.value
REFUND_KINDS = (EntryKind.REFUND_HOLD.value, EntryKind.REFUND.value, EntryKind.REVERSAL.value)


async def audit_payments(session: AsyncSession, report: LedgerReport) -> None:
    mismatched: list[str] = []
    wrong_fee: list[str] = []
    succeeded = 0
    async for payments in batches_by_id(
        session, PaymentRow, PaymentRow.id, PaymentRow.status == SUCCEEDED, size=BATCH
    ):
        succeeded += len(payments)
        actual = await _entries_of(session, [p.id for p in payments])
        for payment in payments:
            if payment.fee != platform_fee(payment.amount, payment.fee_bps):
                wrong_fee.append(
                    f"payment {payment.id}: fee {payment.fee} for bps {payment.fee_bps}"
                )
            try:
                expected = {
                    draft.key: (draft.kind.value, draft.normalized())
                    for draft in success_entries(payment)
                }
            except ValueError as exc:
                mismatched.append(str(exc))
                continue
            if actual.get(payment.id, {}) != expected:
                found = len(actual.get(payment.id, {}))
                mismatched.append(
                    f"payment {payment.id} ({payment.amount} {payment.currency}): "
                    f"its {found} entries differ from the 2 expected"
                )
    report.add(f"every succeeded payment ({succeeded}) has exactly its entries", mismatched)
    report.add("every payment's fee is the floor of amount × bps / 10000", wrong_fee)

    strays = await session.execute(
        select(LedgerEntryRow.id, LedgerEntryRow.payment_id, PaymentRow.status)
        .outerjoin(PaymentRow, PaymentRow.id == LedgerEntryRow.payment_id)
        .where(LedgerEntryRow.kind.in_(PAYMENT_KINDS))
        .where((PaymentRow.id.is_(None)) | (PaymentRow.status != SUCCEEDED))
    )
    report.add(
        "no payment entry without a succeeded payment",
        [f"entry {e} for payment {p} ({status or 'missing'})" for e, p, status in strays.all()],
    )

    granted = TicketRow.id.is_not(None)
    paid_ticket = (PaymentRow.kind == PaymentKind.TICKET.value) & (PaymentRow.status == SUCCEEDED)
    tickets = await session.execute(
        select(PaymentRow.id, PaymentRow.kind, PaymentRow.status, TicketRow.id)
        .outerjoin(TicketRow, TicketRow.payment_id == PaymentRow.id)
        .where((paid_ticket & ~granted) | (~paid_ticket & granted))
    )
    report.add(
        "every succeeded ticket payment, and only those, granted a ticket",
        [
            f"payment {p} ({kind}, {status}) {'has a ticket' if t else 'has no ticket'}"
            for p, kind, status, t in tickets.all()
        ],
    )
    await audit_memberships(session, report)
    await audit_refunds(session, report)


async def audit_memberships(session: AsyncSession, report: LedgerReport) -> None:
    """One month per succeeded subscription payment (to its payer, of its creator), none
    for any other payment; a month is whole unless its payment was refunded in full, and
    then it ends no later than that refund (or its own start); a membership's months
    never overlap, and its `paid_until` is the end of its latest month."""
    granted = MembershipMonthRow.id.is_not(None)
    paid = (PaymentRow.kind == PaymentKind.SUBSCRIPTION.value) & (PaymentRow.status == SUCCEEDED)
    refunded = (
        select(
            RefundRow.payment_id.label("payment_id"),
            func.sum(RefundRow.amount).label("amount"),
            func.max(RefundRow.updated_at).label("at"),
        )
        .where(RefundRow.status == RefundStatus.SUCCEEDED.value)
        .group_by(RefundRow.payment_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            PaymentRow.id,
            PaymentRow.kind,
            PaymentRow.status,
            PaymentRow.payer_id,
            PaymentRow.creator_id,
            PaymentRow.amount,
            MembershipMonthRow.id,
            MembershipMonthRow.membership_id,
            MembershipMonthRow.starts_at,
            MembershipMonthRow.ends_at,
            MembershipRow.member_id,
            MembershipRow.creator_id,
            refunded.c.amount,
            refunded.c.at,
        )
        .outerjoin(MembershipMonthRow, MembershipMonthRow.payment_id == PaymentRow.id)
        .outerjoin(MembershipRow, MembershipRow.id == MembershipMonthRow.membership_id)
        .outerjoin(refunded, refunded.c.payment_id == PaymentRow.id)
        .where(paid | granted)
    )
    wrong: list[str] = []
    not_taken_back: list[str] = []
    spans: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for row in rows.all():
        p, kind, status, payer, creator, amount, month, membership, starts, ends = row[:10]
        member, of, refunded_amount, refunded_at = row[10:]
        if kind != PaymentKind.SUBSCRIPTION.value or status != SUCCEEDED:
            wrong.append(f"payment {p} ({kind}, {status}) granted month {month}")
            continue
        if month is None:
            wrong.append(f"payment {p} (subscription, succeeded) granted no month")
            continue
        spans[membership].append((starts, ends, month))
        whole = ends - starts == MONTH
        if (member, of) != (payer, creator) or not timedelta(0) <= ends - starts <= MONTH:
            wrong.append(f"payment {p}: month {month} is not one month of its payer's membership")
        elif int(refunded_amount or 0) < amount:
            if not whole:
                wrong.append(f"payment {p}: month {month} was cut but the payment is not refunded")
        elif ends > max(starts, refunded_at):
            not_taken_back.append(
                f"payment {p}: refunded in full at {refunded_at} but month {month} "
                f"still runs until {ends}"
            )
    report.add("every succeeded subscription payment, and only those, granted one month", wrong)
    report.add("every month of a payment refunded in full was taken back", not_taken_back)
    overlapping: list[str] = []
    for membership, months in spans.items():
        months.sort()
        for (_, end, earlier), (start, _, later) in pairwise(months):
            if start < end:
                overlapping.append(f"membership {membership}: month {later} overlaps {earlier}")
    report.add("no membership's months overlap", overlapping)
    latest = (
        select(
            MembershipMonthRow.membership_id.label("membership_id"),
            func.max(MembershipMonthRow.ends_at).label("ends_at"),
        )
        .group_by(MembershipMonthRow.membership_id)
        .subquery()
    )
    stale = await session.execute(
        select(MembershipRow.id, MembershipRow.paid_until, latest.c.ends_at)
        .outerjoin(latest, latest.c.membership_id == MembershipRow.id)
        .where(latest.c.ends_at.is_(None) | (latest.c.ends_at != MembershipRow.paid_until))
    )
    report.add(
        "every membership is paid until the end of its latest month",
        [f"membership {m}: paid until {until}, last month ends {end}" for m, until, end in stale],
    )


async def audit_refunds(session: AsyncSession, report: LedgerReport) -> None:
    """What each payment says it gave back is what its refund entries (and the reversals
    of refused ones) took from the creator and the platform: `payments.refunded_amount`
    against the ledger."""
    taken_back = -func.sum(LedgerPostingRow.amount)
    rows = await session.execute(
        select(LedgerEntryRow.payment_id, taken_back)
        .join(LedgerPostingRow, LedgerPostingRow.entry_id == LedgerEntryRow.id)
        .join(LedgerAccountRow, LedgerAccountRow.id == LedgerPostingRow.account_id)
        .where(
            LedgerEntryRow.kind.in_(REFUND_KINDS),
            LedgerEntryRow.payment_id.is_not(None),
            (LedgerAccountRow.code == PLATFORM_FEES)
            | (LedgerAccountRow.code.like(f"{CREATOR_PREFIX}%{AVAILABLE_SUFFIX}")),
        )
        .group_by(LedgerEntryRow.payment_id)
    )
    in_ledger = {str(payment_id): int(total) for payment_id, total in rows.all()}
    refunded = await session.execute(
        select(
            PaymentRow.id, PaymentRow.status, PaymentRow.amount, PaymentRow.refunded_amount
        ).where((PaymentRow.refunded_amount != 0) | PaymentRow.id.in_(list(in_ledger)))
    )
    wrong: list[str] = []
    for payment_id, status, amount, refunded_amount in refunded.all():
        booked = in_ledger.get(payment_id, 0)
        if booked != refunded_amount or not 0 <= refunded_amount <= amount:
            wrong.append(
                f"payment {payment_id} ({status}): refunded {refunded_amount} of {amount}, "
                f"the ledger took back {booked}"
            )
        elif refunded_amount and status != SUCCEEDED:
            wrong.append(f"payment {payment_id} is {status} but has refunds")
    report.add("every payment's refunds match its refund entries", wrong)


async def _entries_of(
    session: AsyncSession, payment_ids: list[str]
) -> dict[str, dict[str, tuple[str, tuple[Posting, ...]]]]:
    """payment id → entry key → (kind, sorted postings), for capture and settlement entries."""
    rows = await session.execute(
        select(
            LedgerEntryRow.payment_id,
            LedgerEntryRow.idempotency_key,
            LedgerEntryRow.kind,
            LedgerAccountRow.code,
            LedgerPostingRow.currency,
            LedgerPostingRow.amount,
        )
        .join(LedgerPostingRow, LedgerPostingRow.entry_id == LedgerEntryRow.id)
        .join(LedgerAccountRow, LedgerAccountRow.id == LedgerPostingRow.account_id)
        .where(LedgerEntryRow.payment_id.in_(payment_ids), LedgerEntryRow.kind.in_(PAYMENT_KINDS))
    )
    postings: dict[tuple[str, str, str], list[Posting]] = defaultdict(list)
    for payment_id, key, kind, code, currency, amount in rows.all():
        postings[(str(payment_id), key, kind)].append(Posting(code, currency, int(amount)))
    found: dict[str, dict[str, tuple[str, tuple[Posting, ...]]]] = defaultdict(dict)
    for (payment_id, key, kind), items in postings.items():
        found[payment_id][key] = (kind, tuple(sorted(items)))
    return found
