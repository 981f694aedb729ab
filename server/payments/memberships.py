"""Memberships: what a succeeded `subscription` payment buys, and who holds one.

Each succeeded subscription payment grants exactly one month (`membership_months`,
unique per payment) in the transaction that makes it succeed; the month starts
when the membership's paid time runs out, or now if it already has, so paying
early never loses days. Mobile money never debits again by itself: a member
renews by paying again. `payments.audit` checks months against payments.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.models import UserRow
from server.contract.subscriptions import MONTH_DAYS
from server.db.base import new_id, utcnow
from server.db.dialect import insert_for
from server.payments.models import MembershipMonthRow, MembershipRow, PaymentRow

MONTH = timedelta(days=MONTH_DAYS)


@dataclass(frozen=True)
class MembershipView:
    """A membership with the display name of the other side (subscriber or creator)."""

    user_id: str
    display_name: str
    paid_until: datetime


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
    rows = await session.execute(
        select(MembershipRow.creator_id, UserRow.display_name, MembershipRow.paid_until)
        .join(UserRow, UserRow.id == MembershipRow.creator_id)
        .where(MembershipRow.member_id == member_id)
        .order_by(MembershipRow.paid_until.desc(), MembershipRow.id)
    )
    return [MembershipView(*row) for row in rows.all()]
