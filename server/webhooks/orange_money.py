"""`POST|PUT /webhooks/orange-money/{token}`: Orange Money WebPay's notification for one payment.

Orange does not sign its notification (`{"status", "notif_token", "txnid"}`), so
the body is never believed: a `notif_token` other than the one Orange gave us for
this payment changes nothing, and a matching one only makes us ask Orange
(`transactionstatus`) how the payment ended; that answer is applied once. The
unguessable per-payment token in the path picks the payment; an unknown token is
404 and changes nothing, and so does a duplicate.
"""

from typing import Any

from fastapi import Request

from server.payments import service
from server.payments.routes import PaymentsDep
from server.webhooks.callbacks import CallbackToken, callback_router, json_body

router = callback_router()


@router.post("/webhooks/orange-money/{token}")
@router.put("/webhooks/orange-money/{token}", include_in_schema=False)
async def orange_money_notification(
    token: CallbackToken, request: Request, payments: PaymentsDep
) -> dict[str, Any]:
    body = await json_body(request, "notification")
    notif_token = body.get("notif_token") if isinstance(body, dict) else None
    await service.handle_callback(
        payments,
        "orange_money",
        token,
        body,
        proof=notif_token if isinstance(notif_token, str) else "",
    )
    return {"status": "received"}
