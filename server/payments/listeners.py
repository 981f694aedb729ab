"""Who hears about a tip once its money is confirmed and committed (chat's `announce_tip`, ...).

Listeners live on `app.state.payment_listeners`. Each is awaited after the
transaction that made the tip succeed has committed, so nobody announces money
that could still roll back; a listener that fails is logged and never undoes
or delays the payment itself beyond its own run.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

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
