"""`GET /subscriptions`: a creator's subscribers and a fan's memberships, for accounts only."""

from typing import Any

from fastapi import APIRouter

from server.contract.errors import ErrorBody
from server.contract.subscriptions import Membership, Subscriber, Subscriptions
from server.db.base import utcnow
from server.deps import AccountDep, SessionDep
from server.payments.memberships import memberships_of, subscribers_of

ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 403)}
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
            )
            for m in memberships
        ],
    )
