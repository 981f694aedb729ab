"""`PUT|POST /webhooks/mtn-momo-payout/{token}`: MoMo's transfer callback for one payout.

MoMo does not sign its callbacks, so the body is never believed: on the payout's own
unguessable URL it only makes us ask MoMo (the transfer's status), and that answer is
applied once (see `server/providers/mtn_momo_disbursement.py`). An unknown token is 404,
a body that names another payout is 400, and both change nothing, as does a duplicate
or a status that is not final yet. MoMo calls back once and never retries: the payouts
sweeper's status queries cover a lost one.
"""

from typing import Any

from fastapi import Request

from server.payouts import service
from server.payouts.routes import PayoutsDep
from server.webhooks.callbacks import CallbackToken, callback_router, json_body

router = callback_router()
PROVIDER = "mtn_momo_payout"


@router.put("/webhooks/mtn-momo-payout/{token}")
@router.post("/webhooks/mtn-momo-payout/{token}", include_in_schema=False)
# A transfer the sweeper sent again names the URL status answers come to: the same handler.
@router.put("/webhooks/mtn-momo-payout/{token}/status", include_in_schema=False)
@router.post("/webhooks/mtn-momo-payout/{token}/status", include_in_schema=False)
async def momo_payout_callback(
    token: CallbackToken, request: Request, payouts: PayoutsDep
) -> dict[str, Any]:
    body = await json_body(request)
    await service.handle_confirmed_callback(payouts, PROVIDER, token, body)
    return {"received": True}
