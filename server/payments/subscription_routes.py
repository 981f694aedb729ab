"""`GET /subscriptions`: a creator's subscribers and a fan's memberships, for accounts only;
`DELETE /subscriptions/{creator_id}`: the fan stops their card subscription renewing."""

from typing import Any

from fastapi import APIRouter

from server.contract.errors import ErrorBody
from server.contract.subscriptions import Membership, Subscriber, Subscriptions
from server.db.base import utcnow
from server.deps import AccountDep, SessionDep
from server.errors import NotFound
from server.payments.memberships import memberships_of, subscribers_of
from server.payments.routes import PaymentsDep
from server.payments.service.card_subscriptions import stop_renewing

ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 403)}
STOP_ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (404, 502)}
router = APIRouter(tags=["subscriptions"], responses=ERRORS)


@router.get("/subscriptions", response_model=Subscriptions)
async def list_subscriptions(account: AccountDep, session: SessionDep) -> Subscriptions:
    now = utcnow()
    subscribers = await subscribers_of(session, account.id)
    memberships = await memberships_of(session, account.id)
    return Subscriptions(
        subscribers=[
            Subscriber(
                subscriber_id=s.user_id,
                display_name=s.display_name,
                paid_until=s.paid_until,
                active=s.paid_until > now,
            )
            for s in subscribers
        ],
        memberships=[
            Membership(
                creator_id=m.user_id,
                display_name=m.display_name,
                paid_until=m.paid_until,
                active=m.paid_until > now,
                renews=m.renews,
            )
            for m in memberships
        ],
    )


@router.delete("/subscriptions/{creator_id}", response_model=Membership, responses=STOP_ERRORS)
async def stop_card_subscription(
    creator_id: str, account: AccountDep, payments: PaymentsDep, session: SessionDep
) -> Membership:
    """Stripe is told `cancel_at_period_end`: the time already paid is kept, nothing more is
    charged. Again is the same answer; no card subscription that renews is 404."""
    await stop_renewing(payments, account.id, creator_id)
    now = utcnow()
    for m in await memberships_of(session, account.id):
        if m.user_id == creator_id:
            return Membership(
                creator_id=m.user_id,
                display_name=m.display_name,
                paid_until=m.paid_until,
                active=m.paid_until > now,
                renews=m.renews,
            )
    raise NotFound("you are not a member of this creator", code="not_renewing")
