"""A local Stripe: a real HTTP app on loopback that speaks Stripe's documented REST shapes.

What Flash uses of it (docs.stripe.com/api): form-encoded `POST /v1/payment_intents`
(with `Idempotency-Key` replay: the same key and parameters answer the first
response again, other parameters are 400 `idempotency_error`),
`GET /v1/payment_intents/{id}`, `POST /v1/payment_intents/{id}/cancel` (400
`payment_intent_unexpected_state` once it has succeeded), `POST /v1/refunds`;
errors as `{"error": {"type", "code", "decline_code", "message"}}` with Stripe's
status codes; a bearer secret key is required. It also plays the fan's browser
(Stripe.js confirming with a test card) and SENDS signed webhook events to our
server: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
"""

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SECRET_KEY = "sk_test_fake_0123456789"
PUBLISHABLE_KEY = "pk_test_fake_0123456789"
WEBHOOK_SECRET = "whsec_fake_0123456789abcdef"

# Stripe's test cards: number → (error code, decline code); (None, None) pays.
TEST_CARDS: dict[str, tuple[str | None, str | None]] = {
    "4242424242424242": (None, None),
    "4000000000000002": ("card_declined", "generic_decline"),
    "4000000000009995": ("card_declined", "insufficient_funds"),
    "4000000000000069": ("expired_card", None),
}


@dataclass
class FakeStripe:
    url: str = ""
    webhook_url: str = ""  # our server's /api/v1/webhooks/stripe
    webhook_secret: str = WEBHOOK_SECRET
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    charges: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)  # method, path, key
    fail_with: int | None = None  # answer this 5xx to every API call (not stored for replay)
    errors: list[str] = field(default_factory=list)
    _idempotent: dict[str, tuple[str, int, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.app = Starlette(
            routes=[
                Route("/v1/payment_intents", self._create_intent, methods=["POST"]),
                Route("/v1/payment_intents/{id}", self._retrieve_intent, methods=["GET"]),
                Route("/v1/payment_intents/{id}/cancel", self._cancel_intent, methods=["POST"]),
                Route("/v1/refunds", self._create_refund, methods=["POST"]),
            ]
        )

    # --- controls used by the tests -------------------------------------------------

    def intent_for(self, payment_id: str) -> dict[str, Any]:
        found = [i for i in self.intents.values() if i["metadata"].get("payment_id") == payment_id]
        assert len(found) == 1, f"{len(found)} intents for payment {payment_id}"
        return found[0]

    def confirm(
        self, intent_id: str, card: str, *, send_event: bool = True
    ) -> httpx.Response | None:
        """The fan confirms with Stripe.js: the intent succeeds or is declined, and Stripe
        tells our server with `payment_intent.succeeded` or `payment_intent.payment_failed`."""
        intent = self.intents[intent_id]
        code, decline = TEST_CARDS[card]
        if code is None:
            charge_id = f"ch_{secrets.token_hex(8)}"
            self.charges[charge_id] = {
                "id": charge_id,
                "object": "charge",
                "amount": intent["amount"],
                "amount_refunded": 0,
                "currency": intent["currency"],
                "payment_intent": intent_id,
                "refunded": False,
            }
            intent.update(status="succeeded", latest_charge=charge_id, last_payment_error=None)
            kind = "payment_intent.succeeded"
        else:
            error = {"type": "card_error", "code": code, "decline_code": decline}
            intent.update(status="requires_payment_method", last_payment_error=error)
            kind = "payment_intent.payment_failed"
        return self.send_event(kind, dict(intent)) if send_event else None

    def refund_in_dashboard(self, intent_id: str, amount: int) -> dict[str, Any]:
        """A refund made at Stripe itself; answers the charge, for a `charge.refunded` event."""
        charge = self.charges[self.intents[intent_id]["latest_charge"]]
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return dict(charge)

    def event(self, kind: str, obj: dict[str, Any]) -> bytes:
        body = {
            "id": f"evt_{secrets.token_hex(8)}",
            "object": "event",
            "type": kind,
            "created": int(time.time()),
            "data": {"object": obj},
        }
        return json.dumps(body).encode()

    def send_event(
        self,
        kind: str,
        obj: dict[str, Any],
        *,
        body: bytes | None = None,
        header: str | None = None,
    ) -> httpx.Response:
        payload = body if body is not None else self.event(kind, obj)
        headers = {"Content-Type": "application/json"}
        signature = header if header is not None else sign(payload, self.webhook_secret)
        if signature:
            headers["Stripe-Signature"] = signature
        return httpx.post(self.webhook_url, content=payload, headers=headers, timeout=15)

    # --- the API --------------------------------------------------------------------

    async def _create_intent(self, request: Request) -> Response:
        async def create(params: dict[str, str]) -> Response:
            try:
                amount = int(params["amount"])
                currency = params["currency"]
            except (KeyError, ValueError):
                return _error(400, "invalid_request_error", "parameter_missing", "amount")
            if currency != currency.lower() or amount < 1:
                return _error(400, "invalid_request_error", "parameter_invalid", "amount")
            intent_id = f"pi_{secrets.token_hex(10)}"
            metadata = {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")}
            self.intents[intent_id] = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "currency": currency,
                "status": "requires_payment_method",
                "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
                "metadata": metadata,
                "description": params.get("description"),
                "payment_method_types": [
                    v for k, v in params.items() if "payment_method_types[" in k
                ],
                "last_payment_error": None,
                "cancellation_reason": None,
                "latest_charge": None,
                "created": int(time.time()),
                "livemode": False,
            }
            return JSONResponse(self.intents[intent_id])

        return await self._api(request, create, idempotent=True)

    async def _retrieve_intent(self, request: Request) -> Response:
        async def retrieve(_params: dict[str, str]) -> Response:
            intent = self.intents.get(request.path_params["id"])
            if intent is None:
                return _error(404, "invalid_request_error", "resource_missing", "intent")
            return JSONResponse(intent)

        return await self._api(request, retrieve, idempotent=False)

    async def _cancel_intent(self, request: Request) -> Response:
        async def cancel(params: dict[str, str]) -> Response:
            intent = self.intents.get(request.path_params["id"])
            if intent is None:
                return _error(404, "invalid_request_error", "resource_missing", "intent")
            if intent["status"] in ("succeeded", "canceled", "processing"):
                return _error(400, "invalid_request_error", "payment_intent_unexpected_state", None)
            intent.update(status="canceled", cancellation_reason=params.get("cancellation_reason"))
            return JSONResponse(intent)

        return await self._api(request, cancel, idempotent=True)

    async def _create_refund(self, request: Request) -> Response:
        async def refund(params: dict[str, str]) -> Response:
            intent = self.intents.get(params.get("payment_intent", ""))
            if intent is None:
                return _error(404, "invalid_request_error", "resource_missing", "payment_intent")
            if intent["status"] != "succeeded":
                return _error(400, "invalid_request_error", "charge_not_refundable", None)
            charge = self.charges[intent["latest_charge"]]
            amount = int(params.get("amount", charge["amount"] - charge["amount_refunded"]))
            if amount < 1 or charge["amount_refunded"] + amount > charge["amount"]:
                return _error(400, "invalid_request_error", "amount_too_large", "amount")
            charge["amount_refunded"] += amount
            refund_id = f"re_{secrets.token_hex(8)}"
            self.refunds[refund_id] = {
                "id": refund_id,
                "object": "refund",
                "amount": amount,
                "currency": intent["currency"],
                "payment_intent": intent["id"],
                "charge": charge["id"],
                "status": "succeeded",
                "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
            }
            return JSONResponse(self.refunds[refund_id])

        return await self._api(request, refund, idempotent=True)

    async def _api(self, request: Request, handle: Any, *, idempotent: bool) -> Response:
        key = request.headers.get("idempotency-key")
        self.requests.append((request.method, request.url.path, key))
        if request.headers.get("authorization") != f"Bearer {SECRET_KEY}":
            return _error(401, "invalid_request_error", None, None, "Invalid API Key provided")
        if self.fail_with is not None:
            return _error(self.fail_with, "api_error", None, None, "Stripe is having trouble")
        raw = (await request.body()).decode()
        if raw and request.headers.get("content-type") != "application/x-www-form-urlencoded":
            self.errors.append(f"{request.url.path}: body is not form-encoded")
        params = dict(parse_qsl(raw))
        if idempotent and key:
            seen = self._idempotent.get(key)
            if seen is not None:
                if seen[0] != raw:
                    return _error(
                        400,
                        "idempotency_error",
                        None,
                        None,
                        "Keys for idempotent requests can only be used with the same parameters",
                    )
                return Response(
                    seen[2],
                    status_code=seen[1],
                    media_type="application/json",
                    headers={"Idempotent-Replayed": "true"},
                )
        response: Response = await handle(params)
        if idempotent and key:
            self._idempotent[key] = (raw, response.status_code, bytes(response.body).decode())
        return response


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """Stripe's scheme: `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def _error(
    status: int, kind: str, code: str | None, param: str | None, message: str | None = None
) -> JSONResponse:
    error: dict[str, Any] = {"type": kind, "message": message or (code or kind)}
    if code is not None:
        error["code"] = code
    if param is not None:
        error["param"] = param
    return JSONResponse({"error": error}, status_code=status)
