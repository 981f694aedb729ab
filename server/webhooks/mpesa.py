"""`POST|PUT /webhooks/mpesa/{token}`: Daraja's STK callback for one payment.

Daraja does not sign its callbacks, so the body is never believed: it only makes
us ask Daraja (STK query) how the payment ended, and that answer is applied
once. The unguessable per-payment token in the path picks the payment; an
unknown token is 404 and changes nothing, and so does a duplicate.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from server.contract.errors import ErrorBody
from server.errors import FlashError
from server.payments import service
from server.payments.routes import PaymentsDep

router = APIRouter(
    tags=["webhooks"], responses={400: {"model": ErrorBody}, 404: {"model": ErrorBody}}
)

CallbackToken = Annotated[str, Path(min_length=8, max_length=100)]


@router.post("/webhooks/mpesa/{token}")
@router.put("/webhooks/mpesa/{token}", include_in_schema=False)
async def mpesa_callback(
    token: CallbackToken, request: Request, payments: PaymentsDep
) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise FlashError("the callback body is not JSON", code="malformed_json") from None
    await service.handle_callback(payments, "mpesa", token, body)
    return {"ResultCode": 0, "ResultDesc": "Accepted"}
