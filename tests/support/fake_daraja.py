"""A local Daraja: a real HTTP app on loopback that speaks Safaricom's documented shapes.

OAuth (basic auth → bearer token), STK push (checks the Password, Timestamp and
fields, answers a CheckoutRequestID), STK query (HTTP 500 `500.001.1001` while
the payer has not answered, then ResultCode/ResultDesc), and it POSTs the real
callback body (`Body.stkCallback` with its `CallbackMetadata.Item` list) to the
CallBackURL it was given. Tests choose per phone number what the payer does and
what happens to the callback (sent, dropped, duplicated or held back).
"""

import asyncio
import base64
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

CONSUMER_KEY = "fake-consumer-key"
CONSUMER_SECRET = "fake-consumer-secret"
SHORTCODE = "174379"
PASSKEY = "fake-passkey-0123456789abcdef"
NAIROBI = ZoneInfo("Africa/Nairobi")

CallbackMode = Literal["send", "drop", "twice", "hold"]


@dataclass
class Behaviour:
    """What the payer behind one phone number does."""

    result_code: int = 0
    result_desc: str = "The service request is processed successfully."
    callback: CallbackMode = "send"
    answers: bool = True  # False: the query says "being processed" until `complete()`


@dataclass
class Checkout:
    checkout_id: str
    merchant_id: str
    phone: str
    amount: int
    callback_url: str
    account_reference: str
    behaviour: Behaviour
    completed: bool = False
    callbacks_sent: int = 0


@dataclass
class FakeDaraja:
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    checkouts: dict[str, Checkout] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    token_requests: int = 0
    pushes: int = 0
    queries: int = 0
    url: str = ""
    down: bool = False  # answer 503 to everything, as Daraja's gateway does when it is down
    refuse_pushes: bool = False  # answer 400 to STK pushes, as for a number M-Pesa does not know
    push_delay_s: float = (
        0.0  # hold the push answer this long (a client timeout makes it uncertain)
    )
    callback_delay_s: float = 0.05
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.app = self._build()
        self.loop: asyncio.AbstractEventLoop | None = None

    # --- controls used by the tests -------------------------------------------------

    def behave(self, phone: str, **kwargs: Any) -> None:
        self.behaviours[phone] = Behaviour(**kwargs)

    def checkout_for(self, phone: str) -> Checkout:
        found = [c for c in self.checkouts.values() if c.phone == phone]
        assert len(found) == 1, f"{len(found)} checkouts for {phone}"
        return found[0]

    def complete(self, checkout_id: str) -> None:
        """The payer answers now: queries give the result, and the callback goes unless held."""
        checkout = self.checkouts[checkout_id]
        checkout.completed = True
        self._schedule_callbacks(checkout)

    def deliver_held_callback(self, checkout_id: str) -> None:
        checkout = self.checkouts[checkout_id]
        assert self.loop is not None
        asyncio.run_coroutine_threadsafe(self._post_callback(checkout), self.loop).result(10)

    def expire_tokens(self) -> None:
        self.tokens.clear()

    # --- the HTTP app -----------------------------------------------------------------

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.get("/oauth/v1/generate")
        async def generate(request: Request) -> JSONResponse:
            self.loop = asyncio.get_running_loop()
            if self.down:
                return _unavailable()
            expected = base64.b64encode(f"{CONSUMER_KEY}:{CONSUMER_SECRET}".encode()).decode()
            if request.query_params.get("grant_type") != "client_credentials":
                return _error(400, "400.008.02", "Invalid grant type passed")
            if request.headers.get("authorization") != f"Basic {expected}":
                return _error(400, "400.008.01", "Invalid Authentication passed")
            self.token_requests += 1
            token = secrets.token_urlsafe(16)
            self.tokens.add(token)
            return JSONResponse({"access_token": token, "expires_in": "3599"})

        @app.post("/mpesa/stkpush/v1/processrequest")
        async def processrequest(request: Request) -> JSONResponse:
            self.loop = asyncio.get_running_loop()
            refused = self._refuse(request)
            if refused is not None:
                return refused
            body = await request.json()
            problem = "Invalid PhoneNumber" if self.refuse_pushes else _push_problem(body)
            if problem is not None:
                if not self.refuse_pushes:
                    self.errors.append(problem)
                return _error(400, "400.002.02", f"Bad Request - {problem}")
            if self.push_delay_s:
                await asyncio.sleep(self.push_delay_s)
            self.pushes += 1
            phone = str(body["PhoneNumber"])
            checkout = Checkout(
                checkout_id=f"ws_CO_{secrets.token_hex(10)}",
                merchant_id=f"{secrets.randbelow(99999)}-{secrets.randbelow(9999999)}-1",
                phone=phone,
                amount=int(body["Amount"]),
                callback_url=str(body["CallBackURL"]),
                account_reference=str(body["AccountReference"]),
                behaviour=self.behaviours.get(phone, Behaviour()),
            )
            self.checkouts[checkout.checkout_id] = checkout
            if checkout.behaviour.answers:
                self.complete(checkout.checkout_id)
            return JSONResponse(
                {
                    "MerchantRequestID": checkout.merchant_id,
                    "CheckoutRequestID": checkout.checkout_id,
                    "ResponseCode": "0",
                    "ResponseDescription": "Success. Request accepted for processing",
                    "CustomerMessage": "Success. Request accepted for processing",
                }
            )

        @app.post("/mpesa/stkpushquery/v1/query")
        async def query(request: Request) -> JSONResponse:
            refused = self._refuse(request)
            if refused is not None:
                return refused
            body = await request.json()
            if not _valid_password(body):
                self.errors.append("query with a bad Password")
                return _error(400, "400.002.02", "Bad Request - Invalid Password")
            self.queries += 1
            checkout = self.checkouts.get(str(body.get("CheckoutRequestID")))
            if checkout is None:
                return _error(400, "400.002.02", "Bad Request - Invalid CheckoutRequestID")
            if not checkout.completed:
                return _error(500, "500.001.1001", "The transaction is being processed")
            return JSONResponse(
                {
                    "ResponseCode": "0",
                    "ResponseDescription": "The service request has been accepted successsfully",
                    "MerchantRequestID": checkout.merchant_id,
                    "CheckoutRequestID": checkout.checkout_id,
                    "ResultCode": str(checkout.behaviour.result_code),
                    "ResultDesc": checkout.behaviour.result_desc,
                }
            )

        return app

    def _refuse(self, request: Request) -> JSONResponse | None:
        if self.down:
            return _unavailable()
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "Bearer" or token not in self.tokens:
            return _error(401, "404.001.03", "Invalid Access Token")
        return None

    def _schedule_callbacks(self, checkout: Checkout) -> None:
        mode = checkout.behaviour.callback
        if mode in ("drop", "hold") or self.loop is None:
            return
        for _ in range(2 if mode == "twice" else 1):
            self.loop.call_soon_threadsafe(
                lambda: asyncio.ensure_future(self._delayed_callback(checkout))
            )

    async def _delayed_callback(self, checkout: Checkout) -> None:
        await asyncio.sleep(self.callback_delay_s)
        await self._post_callback(checkout)

    async def _post_callback(self, checkout: Checkout) -> None:
        checkout.callbacks_sent += 1
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                await client.post(checkout.callback_url, json=callback_body(checkout))
        except httpx.HTTPError as exc:
            self.errors.append(f"callback failed: {exc!r}")


def callback_body(checkout: Checkout) -> dict[str, Any]:
    callback: dict[str, Any] = {
        "MerchantRequestID": checkout.merchant_id,
        "CheckoutRequestID": checkout.checkout_id,
        "ResultCode": checkout.behaviour.result_code,
        "ResultDesc": checkout.behaviour.result_desc,
    }
    if checkout.behaviour.result_code == 0:
        now = datetime.now(NAIROBI).strftime("%Y%m%d%H%M%S")
        callback["CallbackMetadata"] = {
            "Item": [
                {"Name": "Amount", "Value": checkout.amount},
                {"Name": "MpesaReceiptNumber", "Value": "NLJ7RT61SV"},
                {"Name": "Balance"},
                {"Name": "TransactionDate", "Value": int(now)},
                {"Name": "PhoneNumber", "Value": int(checkout.phone)},
            ]
        }
    return {"Body": {"stkCallback": callback}}


def _valid_password(body: dict[str, Any]) -> bool:
    timestamp = str(body.get("Timestamp", ""))
    expected = base64.b64encode(f"{SHORTCODE}{PASSKEY}{timestamp}".encode()).decode()
    return (
        str(body.get("BusinessShortCode")) == SHORTCODE
        and body.get("Password") == expected
        and re.fullmatch(r"20\d{12}", timestamp) is not None
    )


def _push_problem(body: dict[str, Any]) -> str | None:
    if not _valid_password(body):
        return "Invalid Password"
    if body.get("TransactionType") != "CustomerPayBillOnline":
        return "Invalid TransactionType"
    amount = body.get("Amount")
    if not isinstance(amount, int) or amount < 1:
        return "Invalid Amount"
    phone = str(body.get("PhoneNumber"))
    if not re.fullmatch(r"254\d{9}", phone) or str(body.get("PartyA")) != phone:
        return "Invalid PhoneNumber"
    if str(body.get("PartyB")) != SHORTCODE:
        return "Invalid PartyB"
    if not str(body.get("CallBackURL", "")).startswith(("http://", "https://")):
        return "Invalid CallBackURL"
    if not 0 < len(str(body.get("AccountReference", ""))) <= 12:
        return "Invalid AccountReference"
    if not 0 < len(str(body.get("TransactionDesc", ""))) <= 13:
        return "Invalid TransactionDesc"
    return None


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"requestId": secrets.token_hex(6), "errorCode": code, "errorMessage": message},
        status_code=status,
    )


def _unavailable() -> JSONResponse:
    return _error(503, "503.001.01", "Service Unavailable")
