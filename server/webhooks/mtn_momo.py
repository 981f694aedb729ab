"""`PUT|POST /webhooks/mtn-momo/{token}`: MoMo's request-to-pay callback for one payment.

MoMo does not sign its callbacks, so the body is never believed: it only makes
us ask MoMo (the request's status) how the payment ended, and that answer is
applied once. The unguessable per-payment token in the path picks the payment;
an unknown token is 404 and changes nothing, and so does a duplicate. MoMo
calls back once and never retries: the sweeper's status queries cover a lost one.
"""

from typing import Any

from fastapi import Request

from server.payments import service
from server.payments.routes import PaymentsDep
from server.webhooks.callbacks import CallbackToken, callback_router, json_body

router = callback_router()


@router.put("/webhooks/mtn-momo/{token}")
@router.post("/webhooks/mtn-momo/{token}", include_in_schema=False)
async def momo_callback(
    token: CallbackToken, request: Request, payments: PaymentsDep
) -> dict[str, Any]:
    body = await json_body(request)
    await service.handle_callback(payments, "mtn_momo", token, body)
    return {"received": True}
