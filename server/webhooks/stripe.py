"""`POST /webhooks/stripe`: Stripe's signed events, verified with the SDK, then applied once.

`Stripe-Signature` is checked against every secret in `FLASH_STRIPE_WEBHOOK_SECRET`
(comma-separated, so a secret can be rotated: any one valid signature is enough),
within the SDK's default tolerance of 300 s. A bad, stale or missing signature is
400 and changes nothing; an event of a type we do not use is 200.
"""

from typing import Any

from fastapi import APIRouter, Request

from server.config import Settings
from server.contract.errors import ErrorBody
from server.errors import FlashError
from server.payments.routes import PaymentsDep
from server.payments.service.stripe_events import apply_stripe_event

router = APIRouter(tags=["webhooks"], responses={400: {"model": ErrorBody}})


class InvalidSignature(FlashError):
    status = 400
    code = "invalid_signature"


@router.post("/webhooks/stripe")
@router.put("/webhooks/stripe", include_in_schema=False)
async def stripe_webhook(request: Request, payments: PaymentsDep) -> dict[str, Any]:
    body = await request.body()
    event = verified_event(payments.settings, request.headers.get("stripe-signature"), body)
    applied = await apply_stripe_event(payments, event)
    return {"received": True, "applied": applied}


def webhook_secrets(settings: Settings) -> list[str]:
    return [s.strip() for s in (settings.stripe_webhook_secret or "").split(",") if s.strip()]


def verified_event(settings: Settings, header: str | None, body: bytes) -> dict[str, Any]:
    """The event, parsed, if one of our secrets signed it; `InvalidSignature` otherwise."""
    import json

    import stripe

    secrets = webhook_secrets(settings)
    if not secrets:
        raise FlashError(
            "Stripe webhooks are refused: FLASH_STRIPE_WEBHOOK_SECRET is not set",
            code="webhook_not_configured",
        )
    try:
        payload = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidSignature("the body is not UTF-8 text") from None
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(
                payload, header, secret, tolerance=stripe.Webhook.DEFAULT_TOLERANCE
            )
        except stripe.SignatureVerificationError:
            continue
        break
    else:
        raise InvalidSignature("the Stripe-Signature header is missing, stale or wrong")
    try:
        event = json.loads(payload)
    except ValueError:
        event = None
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise FlashError("the body is not a Stripe event", code="malformed_event")
    return event
