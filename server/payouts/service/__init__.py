"""The payouts workflows, split by what starts them: a creator (create, read) or a provider
(resolve: result callbacks and the sweeper)."""

from server.payouts.service.context import PayoutsContext
from server.payouts.service.create import Answer, create_payout
from server.payouts.service.read import list_payouts, read_payout
from server.payouts.service.resolve import (
    expire_unsent,
    handle_confirmed_callback,
    handle_result,
    handle_status,
    query_stale,
    resolve_payout,
)

__all__ = [
    "Answer",
    "PayoutsContext",
    "create_payout",
    "expire_unsent",
    "handle_confirmed_callback",
    "handle_result",
    "handle_status",
    "list_payouts",
    "query_stale",
    "read_payout",
    "resolve_payout",
]
