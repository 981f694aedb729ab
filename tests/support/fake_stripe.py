"""A local Stripe: a real HTTP app on loopback that speaks Stripe's documented REST shapes.

What Flash uses of it (docs.stripe.com/api): form-encoded `POST /v1/payment_intents`
(with `Idempotency-Key` replay: the same key and parameters answer the first
response again, other parameters are 400 `idempotency_error`),
`GET /v1/payment_intents/{id}`, `POST /v1/payment_intents/{id}/cancel` (400
`payment_intent_unexpected_state` once it has succeeded), `POST /v1/refunds`;
errors as `{"error": {"type", "code", "decline_code", "message"}}` with Stripe's
status codes; a bearer secret key is required. Stripe Billing, in the SDK's pinned
API version's shapes: `POST /v1/customers`, `POST /v1/products`, `POST
/v1/subscriptions` (`default_incomplete`: an open first invoice whose
`confirmation_secret` is there only when expanded), `GET|POST|DELETE
/v1/subscriptions/{id}`, `GET /v1/invoices/{id}` (`expand[]=payments`), `POST
/v1/invoices/{id}/void` and `GET /v1/invoice_payments` (by PaymentIntent); `renew`
plays Stripe's billing clock (a test clock advancing one period), charging the saved
card and sending `invoice.paid` or `invoice.payment_failed`. It also plays the fan's browser
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
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
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
                Route("/v1/customers", self._create_customer, methods=["POST"]),
                Route("/v1/products", self._create_product, methods=["POST"]),
                Route("/v1/subscriptions", self._create_subscription, methods=["POST"]),
                Route(
                    "/v1/subscriptions/{id}",
                    self._subscription,
                    methods=["GET", "POST", "DELETE"],
                ),
                Route("/v1/invoices/{id}", self._retrieve_invoice, methods=["GET"]),
                Route("/v1/invoice_payments", self._list_invoice_payments, methods=["GET"]),
                Route("/v1/invoices/{id}/void", self._void_invoice, methods=["POST"]),
            ]
        )

    # --- controls used by the tests -------------------------------------------------

    def intent_for(self, payment_id: str) -> dict[str, Any]:
        """The payment's intent; for a card subscription, its first invoice's intent."""
        found = [i for i in self.intents.values() if i["metadata"].get("payment_id") == payment_id]
        if not found:
            subscription = self.subscription_for(payment_id)
            found = [self.intents[self._intent_of(self.invoices[subscription["latest_invoice"]])]]
        assert len(found) == 1, f"{len(found)} intents for payment {payment_id}"
        return found[0]

    def confirm(
        self, intent_id: str, card: str, *, send_event: bool = True
    ) -> httpx.Response | None:
        """The fan confirms with Stripe.js: the intent succeeds or is declined, and Stripe
        tells our server with `payment_intent.succeeded` or `payment_intent.payment_failed`
        (an invoice's intent: with `invoice.paid` or `invoice.payment_failed`)."""
        invoices = [i for i in self.invoices.values() if self._intent_of(i) == intent_id]
        if invoices:
            return self.pay_invoice(invoices[0]["id"], card, send_event=send_event)
        return self._charge(intent_id, card, send_event=send_event)

    def _charge(
        self, intent_id: str, card: str, *, send_event: bool = True
    ) -> httpx.Response | None:
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

    # --- Stripe Billing: controls --------------------------------------------------

    def subscription_for(self, payment_id: str) -> dict[str, Any]:
        found = [
            s for s in self.subscriptions.values() if s["metadata"].get("payment_id") == payment_id
        ]
        assert len(found) == 1, f"{len(found)} subscriptions for payment {payment_id}"
        return found[0]

    def invoice_view(self, invoice_id: str) -> dict[str, Any]:
        """The invoice as a webhook event carries it (no includable fields)."""
        return {
            k: v
            for k, v in self.invoices[invoice_id].items()
            if k not in ("confirmation_secret", "payments")
        }

    def pay_invoice(
        self, invoice_id: str, card: str, *, send_event: bool = True
    ) -> httpx.Response | None:
        """The fan pays a first invoice with Stripe.js (or the saved card is charged):
        `invoice.paid`, or `invoice.payment_failed` with the intent declined."""
        invoice = self.invoices[invoice_id]
        intent_id = self._intent_of(invoice)
        self._charge(intent_id, card, send_event=False)
        intent = self.intents[intent_id]
        if intent["status"] == "succeeded":
            invoice.update(status="paid", amount_paid=invoice["amount_due"])
            invoice["payments"]["data"][-1]["status"] = "paid"
            subscription = self.subscriptions[_subscription_of(invoice)]
            subscription.update(status="active", default_payment_method=f"pm_{card[-4:]}")
            kind = "invoice.paid"
        else:
            kind = "invoice.payment_failed"
        return self.send_event(kind, self.invoice_view(invoice_id)) if send_event else None

    def renew(
        self, subscription_id: str, card: str = "4242424242424242", *, send_event: bool = True
    ) -> tuple[dict[str, Any], httpx.Response | None]:
        """The test clock passes the period's end: a `subscription_cycle` invoice charged to
        the saved card (`card` says how that card answers)."""
        subscription = self.subscriptions[subscription_id]
        item = subscription["items"]["data"][0]
        start = item["current_period_end"]
        item.update(current_period_start=start, current_period_end=start + 30 * 24 * 3600)
        invoice = self._new_invoice(subscription, "subscription_cycle", start)
        subscription["latest_invoice"] = invoice["id"]
        answer = self.pay_invoice(invoice["id"], card, send_event=send_event)
        return self.invoice_view(invoice["id"]), answer

    def end_subscription(self, subscription_id: str) -> httpx.Response:
        """The period ends on a subscription cancelled at period end (or the Dashboard ends it)."""
        subscription = self.subscriptions[subscription_id]
        subscription.update(status="canceled", ended_at=int(time.time()))
        return self.send_event(
            "customer.subscription.deleted", self._subscription_view(subscription)
        )

    def _new_invoice(
        self, subscription: dict[str, Any], reason: str, period_start: int
    ) -> dict[str, Any]:
        price = subscription["items"]["data"][0]["price"]
        amount, currency = price["unit_amount"], price["currency"]
        intent_id = f"pi_{secrets.token_hex(10)}"
        self.intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "currency": currency,
            "status": "requires_payment_method",
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
            "metadata": {},  # an invoice's intent carries none of the subscription's
            "last_payment_error": None,
            "cancellation_reason": None,
            "latest_charge": None,
            "created": int(time.time()),
            "livemode": False,
        }
        invoice_id = f"in_{secrets.token_hex(10)}"
        self.invoices[invoice_id] = {
            "id": invoice_id,
            "object": "invoice",
            "status": "open",
            "billing_reason": reason,
            "customer": subscription["customer"],
            "amount_due": amount,
            "amount_paid": 0,
            "currency": currency,
            "created": int(time.time()),
            "parent": {
                "type": "subscription_details",
                "subscription_details": {
                    "subscription": subscription["id"],
                    "metadata": dict(subscription["metadata"]),
                },
            },
            "lines": {
                "object": "list",
                "data": [{"period": {"start": period_start, "end": period_start + 30 * 24 * 3600}}],
            },
            "confirmation_secret": {
                "type": "payment_intent",
                "client_secret": self.intents[intent_id]["client_secret"],
            },
            "payments": {
                "object": "list",
                "data": [
                    {
                        "object": "invoice_payment",
                        "status": "open",
                        "payment": {"type": "payment_intent", "payment_intent": intent_id},
                    }
                ],
            },
        }
        return self.invoices[invoice_id]

    @staticmethod
    def _intent_of(invoice: dict[str, Any]) -> str:
        return str(invoice["payments"]["data"][-1]["payment"]["payment_intent"])

    def _subscription_view(
        self, subscription: dict[str, Any], expand: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        view = dict(subscription)
        if "latest_invoice" in expand or "latest_invoice.confirmation_secret" in expand:
            invoice = self.invoice_view(subscription["latest_invoice"])
            if "latest_invoice.confirmation_secret" in expand:
                invoice["confirmation_secret"] = self.invoices[invoice["id"]]["confirmation_secret"]
            view["latest_invoice"] = invoice
        return view

    # --- Stripe Billing: the API ----------------------------------------------------

    async def _create_customer(self, request: Request) -> Response:
        async def create(params: dict[str, str]) -> Response:
            customer_id = f"cus_{secrets.token_hex(7)}"
            self.customers[customer_id] = {
                "id": customer_id,
                "object": "customer",
                "name": params.get("name"),
                "email": params.get("email"),
                "metadata": _metadata(params),
            }
            return JSONResponse(self.customers[customer_id])

        return await self._api(request, create, idempotent=True)

    async def _create_product(self, request: Request) -> Response:
        async def create(params: dict[str, str]) -> Response:
            if not params.get("name"):
                return _error(400, "invalid_request_error", "parameter_missing", "name")
            product_id = f"prod_{secrets.token_hex(7)}"
            self.products[product_id] = {
                "id": product_id,
                "object": "product",
                "name": params["name"],
                "metadata": _metadata(params),
            }
            return JSONResponse(self.products[product_id])

        return await self._api(request, create, idempotent=True)

    async def _create_subscription(self, request: Request) -> Response:
        async def create(params: dict[str, str]) -> Response:
            price = "items[0][price_data]"
            expected = {
                f"{price}[recurring][interval]": "month",
                "payment_behavior": "default_incomplete",
                "payment_settings[save_default_payment_method]": "on_subscription",
                "payment_settings[payment_method_types][0]": "card",
            }
            for name, value in expected.items():
                if params.get(name) != value:
                    self.errors.append(f"/v1/subscriptions: {name} is {params.get(name)!r}")
                    return _error(400, "invalid_request_error", "parameter_invalid", name)
            customer = params.get("customer", "")
            product = params.get(f"{price}[product]", "")
            if customer not in self.customers or product not in self.products:
                return _error(404, "invalid_request_error", "resource_missing", "customer")
            try:
                amount = int(params[f"{price}[unit_amount]"])
                currency = params[f"{price}[currency]"]
            except (KeyError, ValueError):
                return _error(400, "invalid_request_error", "parameter_missing", "unit_amount")
            now = int(time.time())
            subscription_id = f"sub_{secrets.token_hex(10)}"
            subscription: dict[str, Any] = {
                "id": subscription_id,
                "object": "subscription",
                "status": "incomplete",
                "customer": customer,
                "cancel_at_period_end": False,
                "metadata": _metadata(params),
                "items": {
                    "object": "list",
                    "data": [
                        {
                            "object": "subscription_item",
                            "price": {
                                "unit_amount": amount,
                                "currency": currency,
                                "product": product,
                                "recurring": {"interval": "month"},
                            },
                            "current_period_start": now,
                            "current_period_end": now + 30 * 24 * 3600,
                        }
                    ],
                },
            }
            self.subscriptions[subscription_id] = subscription
            invoice = self._new_invoice(subscription, "subscription_create", now)
            subscription["latest_invoice"] = invoice["id"]
            expand = tuple(v for k, v in params.items() if k.startswith("expand["))
            return JSONResponse(self._subscription_view(subscription, expand))

        return await self._api(request, create, idempotent=True)

    async def _subscription(self, request: Request) -> Response:
        async def handle(params: dict[str, str]) -> Response:
            subscription = self.subscriptions.get(request.path_params["id"])
            if subscription is None:
                return _error(404, "invalid_request_error", "resource_missing", "subscription")
            if request.method == "DELETE":
                subscription.update(status="canceled", ended_at=int(time.time()))
            elif request.method == "POST":
                if subscription["status"] == "canceled":
                    return _error(400, "invalid_request_error", None, None, "It is canceled")
                if "cancel_at_period_end" in params:
                    subscription["cancel_at_period_end"] = params["cancel_at_period_end"] == "true"
            return JSONResponse(self._subscription_view(subscription))

        return await self._api(request, handle, idempotent=request.method != "GET")

    async def _retrieve_invoice(self, request: Request) -> Response:
        async def retrieve(params: dict[str, str]) -> Response:
            invoice_id = request.path_params["id"]
            if invoice_id not in self.invoices:
                return _error(404, "invalid_request_error", "resource_missing", "invoice")
            view = self.invoice_view(invoice_id)
            if "payments" in [v for k, v in params.items() if k.startswith("expand[")]:
                view["payments"] = self.invoices[invoice_id]["payments"]
            return JSONResponse(view)

        return await self._api(request, retrieve, idempotent=False)

    async def _list_invoice_payments(self, request: Request) -> Response:
        async def listed(params: dict[str, str]) -> Response:
            intent_id = params.get("payment[payment_intent]")
            if params.get("payment[type]") != "payment_intent" or not intent_id:
                return _error(400, "invalid_request_error", "parameter_missing", "payment")
            found = [
                {**item, "invoice": invoice["id"]}
                for invoice in self.invoices.values()
                for item in invoice["payments"]["data"]
                if item["payment"]["payment_intent"] == intent_id
            ]
            return JSONResponse(
                {"object": "list", "data": found, "has_more": False, "url": "/v1/invoice_payments"}
            )

        return await self._api(request, listed, idempotent=False)

    async def _void_invoice(self, request: Request) -> Response:
        async def void(_params: dict[str, str]) -> Response:
            invoice = self.invoices.get(request.path_params["id"])
            if invoice is None:
                return _error(404, "invalid_request_error", "resource_missing", "invoice")
            if invoice["status"] != "open":
                return _error(400, "invalid_request_error", "invoice_not_open", None)
            invoice["status"] = "void"
            self.intents[self._intent_of(invoice)].update(
                status="canceled", cancellation_reason="void_invoice"
            )
            return JSONResponse(self.invoice_view(invoice["id"]))

        return await self._api(request, void, idempotent=True)

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
        params = dict(parse_qsl(raw or request.url.query))
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


def _metadata(params: dict[str, str]) -> dict[str, str]:
    return {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")}


def _subscription_of(invoice: dict[str, Any]) -> str:
    return str(invoice["parent"]["subscription_details"]["subscription"])


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
