"""Memberships: what a succeeded `subscription` payment buys, and who holds one.

Each succeeded subscription payment grants exactly one month (`membership_months`,
unique per payment) in the transaction that makes it succeed; the month starts
when the membership's paid time runs out, or now if it already has, so paying
early never loses days. Mobile money never debits again by itself: a member
renews by paying again. A card subscription renews by itself: Stripe charges the
saved card each month and its `invoice.paid` is a new subscription payment granting
the next month (`service.card_subscriptions`); the fan stops it with
`DELETE /subscriptions/{creator_id}` and keeps the time already paid.
`payments.audit` checks months against payments.

A refund takes a month back only when it makes the payment refunded in full (its
succeeded refunds add up to its amount), in the transaction that records that
refund: the month is cut to end at the refund (or at its own start, if it had not
begun), so time already watched is not clawed back, and the months after it move
earlier by what was cut, so they stay whole and paid. A partial refund is a
gesture and keeps the month. The cut month is what records it (no other column):
a month shorter than `MONTH` has been taken back, so a second refund event finds
nothing left to cut.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.auth.models import UserRow
from server.contract.payments import PaymentKind, PaymentStatus, RefundStatus
from server.contract.subscriptions import MONTH_DAYS
from server.db.base import new_id, utcnow
from server.db.dialect import insert_for
from server.payments.billing_models import CardSubscriptionRow
from server.payments.models import MembershipMonthRow, MembershipRow, PaymentRow, RefundRow

MONTH = timedelta(days=MONTH_DAYS)


@dataclass(frozen=True)
class MembershipView:
    """A membership with the display name of the other side (subscriber or creator)."""

    user_id: str
    display_name: str
    paid_until: datetime
    renews: bool = False  # a card subscription will pay the next month by itself


async def grant_month(session: AsyncSession, payment: PaymentRow) -> MembershipMonthRow:
    """Add one month to the payer's membership of the creator (creating it at first).

    The membership row is locked before it is read (PostgreSQL `FOR UPDATE`, which the
    upsert's wait on a concurrent grant already implies; SQLite writes one at a time),
    so two months paid at once follow each other instead of overlapping.
    """
    now = utcnow()
    await session.execute(
        insert_for(session, MembershipRow)
        .values(
            id=new_id(),
            creator_id=payment.creator_id,
            member_id=payment.payer_id,
            paid_until=now,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["creator_id", "member_id"])
    )
    membership = (
        await session.execute(
            select(MembershipRow)
            .where(
                MembershipRow.creator_id == payment.creator_id,
                MembershipRow.member_id == payment.payer_id,
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    starts_at = max(now, membership.paid_until)
    month = MembershipMonthRow(
        id=new_id(),
        payment_id=payment.id,
        membership_id=membership.id,
        starts_at=starts_at,
        ends_at=starts_at + MONTH,
    )
    session.add(month)
    await session.execute(
        update(MembershipRow)
        .where(MembershipRow.id == membership.id)
        .values(paid_until=month.ends_at, updated_at=now)
    )
    await session.flush()
    return month


async def take_back_refunded_month(
    session: AsyncSession, payment: PaymentRow, now: datetime
) -> timedelta:
    """If the subscription payment is now refunded in full, cut the unused part of its month
    (see the module's docstring) and answer how much was cut; nothing otherwise, or again.

    The membership row is locked before the refunds are summed, like `grant_month`: of
    two refunds that end together, the later one to get the lock sees both.
    """
    if payment.kind != PaymentKind.SUBSCRIPTION.value:
        return timedelta(0)
    membership = (
        await session.execute(
            select(MembershipRow)
            .join(MembershipMonthRow, MembershipMonthRow.membership_id == MembershipRow.id)
            .where(MembershipMonthRow.payment_id == payment.id)
            .with_for_update(of=MembershipRow)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if membership is None:
        return timedelta(0)
    refunded = (
        await session.execute(
            select(func.coalesce(func.sum(RefundRow.amount), 0)).where(
                RefundRow.payment_id == payment.id,
                RefundRow.status == RefundStatus.SUCCEEDED.value,
            )
        )
    ).scalar_one()
    if int(refunded) < payment.amount:
        return timedelta(0)  # a partial refund keeps the month
    months = list(
        (
            await session.execute(
                select(MembershipMonthRow)
                .where(MembershipMonthRow.membership_id == membership.id)
                .execution_options(populate_existing=True)
            )
        ).scalars()
    )
    (month,) = [m for m in months if m.payment_id == payment.id]
    cut = month.ends_at - max(now, month.starts_at)
    if month.ends_at - month.starts_at < MONTH or cut <= timedelta(0):
        return timedelta(0)  # taken back already, or used up before the refund
    for later in months:
        if later.id != month.id and later.starts_at >= month.ends_at:
            later.starts_at -= cut
            later.ends_at -= cut
    month.ends_at -= cut
    await session.execute(
        update(MembershipRow)
        .where(MembershipRow.id == membership.id)
        .values(paid_until=membership.paid_until - cut, updated_at=now)
    )
    await session.flush()
    return cut


async def is_member(session: AsyncSession, member_id: str, creator_id: str) -> bool:
    """An account whose membership of the creator is paid until later than now (the
    streams domain asks this before playing a members-only stream)."""
    query = select(MembershipRow.id).where(
        MembershipRow.creator_id == creator_id,
        MembershipRow.member_id == member_id,
        MembershipRow.paid_until > utcnow(),
    )
    return (await session.execute(query.limit(1))).first() is not None


async def subscribers_of(session: AsyncSession, creator_id: str) -> Sequence[MembershipView]:
    rows = await session.execute(
        select(MembershipRow.member_id, UserRow.display_name, MembershipRow.paid_until)
        .join(UserRow, UserRow.id == MembershipRow.member_id)
        .where(MembershipRow.creator_id == creator_id)
        .order_by(MembershipRow.paid_until.desc(), MembershipRow.id)
    )
    return [MembershipView(*row) for row in rows.all()]


async def memberships_of(session: AsyncSession, member_id: str) -> Sequence[MembershipView]:
    first = aliased(PaymentRow)
    renews = (
        select(CardSubscriptionRow.id)
        .join(first, first.id == CardSubscriptionRow.first_payment_id)
        .where(
            CardSubscriptionRow.member_id == MembershipRow.member_id,
            CardSubscriptionRow.creator_id == MembershipRow.creator_id,
            CardSubscriptionRow.ended_at.is_(None),
            ~CardSubscriptionRow.cancel_at_period_end,
            first.status == PaymentStatus.SUCCEEDED.value,
        )
        .exists()
    )
    rows = await session.execute(
        select(MembershipRow.creator_id, UserRow.display_name, MembershipRow.paid_until, renews)
        .join(UserRow, UserRow.id == MembershipRow.creator_id)
        .where(MembershipRow.member_id == member_id)
        .order_by(MembershipRow.paid_until.desc(), MembershipRow.id)
    )
    return [MembershipView(*row) for row in rows.all()]
