"""Who hears about a tip or a new subscriber once the money is confirmed and committed.

Tip listeners live on `app.state.payment_listeners` (chat's `announce_tip`, ...),
subscriber listeners on `app.state.subscriber_listeners` (chat's `announce_subscriber`).
Each is awaited after the transaction that made the payment succeed has committed,
so nobody announces money that could still roll back; a listener that fails is
logged and never undoes or delays the payment itself beyond its own run.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from server.logs import get_logger

log = get_logger("flash.payments")


@dataclass(frozen=True)
class TipSucceeded:
    payment_id: str
    creator_id: str
    stream_id: str | None
    amount: int
    currency: str
    payer_name: str
    message: str | None


TipListener = Callable[[TipSucceeded], Awaitable[None]]


async def notify_tip(listeners: Sequence[TipListener], event: TipSucceeded) -> None:
    for listener in list(listeners):
        try:
            await listener(event)
        except Exception as exc:  # a listener's bug must not touch the payment
            log.error("tip_listener_failed", payment_id=event.payment_id, error=type(exc).__name__)


@dataclass(frozen=True)
class SubscriberGained:
    """A month of membership paid: a new subscriber, or one renewing."""

    payment_id: str
    creator_id: str
    stream_id: str | None
    subscriber_id: str
    subscriber_name: str
    paid_until: datetime


SubscriberListener = Callable[[SubscriberGained], Awaitable[None]]


async def notify_subscriber(
    listeners: Sequence[SubscriberListener], event: SubscriberGained
) -> None:
    for listener in list(listeners):
        try:
            await listener(event)
        except Exception as exc:  # a listener's bug must not touch the payment
            log.error(
                "subscriber_listener_failed", payment_id=event.payment_id, error=type(exc).__name__
            )
