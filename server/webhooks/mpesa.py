"""`POST|PUT /webhooks/mpesa/{token}`: Daraja's STK callback for one payment.

Daraja does not sign its callbacks, so the body is never believed: it only makes
us ask Daraja (STK query) how the payment ended, and that answer is applied
once. The unguessable per-payment token in the path picks the payment; an
unknown token is 404 and changes nothing, and so does a duplicate.
"""

from typing import Any

from fastapi import Request

from server.payments import service
from server.payments.routes import PaymentsDep
from server.webhooks.callbacks import CallbackToken, callback_router, json_body

router = callback_router()


@router.post("/webhooks/mpesa/{token}")
@router.put("/webhooks/mpesa/{token}", include_in_schema=False)
async def mpesa_callback(
    token: CallbackToken, request: Request, payments: PaymentsDep
) -> dict[str, Any]:
    body = await json_body(request)
    await service.handle_callback(payments, "mpesa", token, body)
    return {"ResultCode": 0, "ResultDesc": "Accepted"}
