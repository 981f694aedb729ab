"""`POST|PUT /webhooks/mpesa-b2c/{token}`: Daraja's B2C result for one payout,
`.../{token}/status`: the answer to a Transaction Status query about it, and
`.../{token}/timeout`: a queue-timeout notice.

Daraja does not sign these. The unguessable per-payout token in the path picks
the payout, and the body must match it (see `server/providers/mpesa_b2c.py` for
the rule); an unknown token is 404, a result that is not this payout's is 400,
and both change nothing, as does a duplicate.
"""

from typing import Any

from fastapi import Request

from server.payouts import service
from server.payouts.routes import PayoutsDep
from server.payouts.service.resolve import check_timeout_notice
from server.webhooks.callbacks import CallbackToken, callback_router, json_body

router = callback_router()
PROVIDER = "mpesa_b2c"
ACCEPTED = {"ResultCode": 0, "ResultDesc": "Accepted"}


@router.post("/webhooks/mpesa-b2c/{token}")
@router.put("/webhooks/mpesa-b2c/{token}", include_in_schema=False)
async def mpesa_b2c_result(
    token: CallbackToken, request: Request, payouts: PayoutsDep
) -> dict[str, Any]:
    body = await json_body(request)
    await service.handle_result(payouts, PROVIDER, token, body)
    return ACCEPTED


@router.post("/webhooks/mpesa-b2c/{token}/status")
@router.put("/webhooks/mpesa-b2c/{token}/status", include_in_schema=False)
async def mpesa_b2c_status(
    token: CallbackToken, request: Request, payouts: PayoutsDep
) -> dict[str, Any]:
    body = await json_body(request)
    await service.handle_status(payouts, PROVIDER, token, body)
    return ACCEPTED


@router.post("/webhooks/mpesa-b2c/{token}/timeout")
@router.put("/webhooks/mpesa-b2c/{token}/timeout", include_in_schema=False)
async def mpesa_b2c_timeout(token: CallbackToken, payouts: PayoutsDep) -> dict[str, Any]:
    await check_timeout_notice(payouts, PROVIDER, token)
    return ACCEPTED
