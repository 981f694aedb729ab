"""The payments workflows, split by what starts them: a payer (create), a provider
(resolve: callbacks and the sweeper), or a reader (read)."""

from server.payments.service.context import PaymentsContext
from server.payments.service.create import Answer, create_payment
from server.payments.service.read import read_payment
from server.payments.service.resolve import (
    confirm_with_provider,
    handle_callback,
    resolve_payment,
    sweep_once,
)

__all__ = [
    "Answer",
    "PaymentsContext",
    "confirm_with_provider",
    "create_payment",
    "handle_callback",
    "read_payment",
    "resolve_payment",
    "sweep_once",
]
