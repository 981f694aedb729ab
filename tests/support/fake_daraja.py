"""A local Daraja: a real HTTP app on loopback that speaks Safaricom's documented shapes.

OAuth (basic auth → bearer token), STK push (checks the Password, Timestamp and
fields, answers a CheckoutRequestID), STK query (HTTP 500 `500.001.1001` while
the payer has not answered, then ResultCode/ResultDesc), and it POSTs the real
callback body (`Body.stkCallback` with its `CallbackMetadata.Item` list) to the
CallBackURL it was given. Tests choose per phone number what the payer does and
what happens to the callback (sent, dropped, duplicated or held back).

B2C payouts too: `POST /mpesa/b2c/v3/paymentrequest` (checks the initiator, the
credential, the shortcode and the fields, answers a ConversationID) and the
result body (`Result` with its `ResultParameters`) POSTed to the ResultURL, with
the same per-phone choice of outcome and of what happens to the result; and the
Transaction Status query by `OriginalConversationID`, answered at its ResultURL.
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
B2C_SHORTCODE = "600978"
B2C_INITIATOR = "testapi"
B2C_CREDENTIAL = "fake-security-credential=="
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
class PayoutBehaviour:
    """What M-Pesa does with a B2C payment to one phone number."""

    result_code: int = 0
    result_desc: str = "The service request is processed successfully."
    callback: CallbackMode = "send"


@dataclass
class B2CPayment:
    conversation_id: str
    originator_id: str
    phone: str
    amount: int
    result_url: str
    timeout_url: str
    behaviour: PayoutBehaviour
    transaction_id: str
    results_sent: int = 0


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
    push_arrivals: int = 0  # well-formed STK pushes that reached us, answered yet or not
    callback_delay_s: float = 0.05
    errors: list[str] = field(default_factory=list)
    payout_behaviours: dict[str, PayoutBehaviour] = field(default_factory=dict)
    b2c_payments: dict[str, B2CPayment] = field(default_factory=dict)
    b2c_requests: int = 0  # B2C payment requests that reached us, accepted or not
    b2c_down: bool = False  # answer 503 to B2C requests only
    status_queries: int = 0  # Transaction Status queries about our B2C payments

    def __post_init__(self) -> None:
        self.app = self._build()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._held: asyncio.Event | None = None  # set: the held requests go on

    # --- controls used by the tests -------------------------------------------------

    def behave(self, phone: str, **kwargs: Any) -> None:
        self.behaviours[phone] = Behaviour(**kwargs)

    def hold_answers(self) -> None:
        """Leave STK pushes and B2C requests unanswered (and not acted on) until
        `release_answers()`: a stalled Daraja, so a test can kill the server mid-request."""
        self._held = asyncio.Event()

    def release_answers(self) -> None:
        """The held requests go on, even those whose client has gone: Daraja acts on what
        reached it."""
        held, self._held = self._held, None
        if held is not None and self.loop is not None:
            self.loop.call_soon_threadsafe(held.set)

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

    def behave_payout(self, phone: str, **kwargs: Any) -> None:
        self.payout_behaviours[phone] = PayoutBehaviour(**kwargs)

    def payout_to(self, phone: str) -> B2CPayment:
        found = [p for p in self.b2c_payments.values() if p.phone == phone]
        assert len(found) == 1, f"{len(found)} B2C payments to {phone}"
        return found[0]

    def deliver_result(self, conversation_id: str, body: dict[str, Any] | None = None) -> None:
        """POST the payment's result now (or another body to its ResultURL), from the test."""
        payment = self.b2c_payments[conversation_id]
        assert self.loop is not None
        asyncio.run_coroutine_threadsafe(self._post_result(payment, body), self.loop).result(10)

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
            self.push_arrivals += 1
            await self._while_held()
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

        @app.post("/mpesa/b2c/v3/paymentrequest")
        async def b2c_paymentrequest(request: Request) -> JSONResponse:
            self.loop = asyncio.get_running_loop()
            if self.b2c_down:
                return _unavailable()
            refused = self._refuse(request)
            if refused is not None:
                return refused
            body = await request.json()
            self.b2c_requests += 1
            problem = _b2c_problem(body)
            if problem is not None:
                self.errors.append(problem)
                return _error(400, "400.002.02", f"Bad Request - {problem}")
            await self._while_held()
            phone = str(body["PartyB"])
            payment = B2CPayment(
                conversation_id=f"AG_20261125_{secrets.token_hex(10)}",
                originator_id=str(body["OriginatorConversationID"]),
                phone=phone,
                amount=int(body["Amount"]),
                result_url=str(body["ResultURL"]),
                timeout_url=str(body["QueueTimeOutURL"]),
                behaviour=self.payout_behaviours.get(phone, PayoutBehaviour()),
                transaction_id=f"TK{secrets.token_hex(4).upper()}",
            )
            self.b2c_payments[payment.conversation_id] = payment
            mode = payment.behaviour.callback
            if mode not in ("drop", "hold"):
                for _ in range(2 if mode == "twice" else 1):
                    asyncio.get_running_loop().call_later(
                        self.callback_delay_s,
                        lambda: asyncio.ensure_future(self._post_result(payment, None)),
                    )
            return JSONResponse(
                {
                    "ConversationID": payment.conversation_id,
                    "OriginatorConversationID": payment.originator_id,
                    "ResponseCode": "0",
                    "ResponseDescription": "Accept the service request successfully.",
                }
            )

        @app.post("/mpesa/transactionstatus/v1/query")
        async def transaction_status(request: Request) -> JSONResponse:
            self.loop = asyncio.get_running_loop()
            refused = self._refuse(request)
            if refused is not None:
                return refused
            body = await request.json()
            problem = _status_problem(body)
            if problem is not None:
                self.errors.append(problem)
                return _error(400, "400.002.02", f"Bad Request - {problem}")
            self.status_queries += 1
            originator = str(body["OriginalConversationID"])
            found = [p for p in self.b2c_payments.values() if p.originator_id == originator]
            answer = status_body(found[0]) if found else not_found_body()
            url = str(body["ResultURL"])
            asyncio.get_running_loop().call_later(
                self.callback_delay_s,
                lambda: asyncio.ensure_future(self._post_to(url, answer, must_arrive=False)),
            )
            return JSONResponse(
                {
                    "OriginatorConversationID": f"{secrets.randbelow(99999)}-1",
                    "ConversationID": f"AG_20261125_{secrets.token_hex(10)}",
                    "ResponseCode": "0",
                    "ResponseDescription": "Accept the service request successfully.",
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

    async def _while_held(self) -> None:
        held = self._held
        if held is not None:
            await held.wait()

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

    async def _post_result(self, payment: B2CPayment, body: dict[str, Any] | None) -> None:
        payment.results_sent += 1
        await self._post_to(payment.result_url, body or result_body(payment))

    async def _post_to(self, url: str, body: dict[str, Any], *, must_arrive: bool = True) -> None:
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                await client.post(url, json=body)
        except httpx.HTTPError as exc:
            if must_arrive:  # a status answer may outlive the test's server: that is fine
                self.errors.append(f"B2C result failed: {exc!r}")


def status_body(payment: B2CPayment) -> dict[str, Any]:
    """Daraja's Transaction Status result about one B2C payment."""
    paid = payment.behaviour.result_code == 0
    return {
        "Result": {
            "ResultType": 0,
            "ResultCode": 0,
            "ResultDesc": "The service request is processed successfully.",
            "OriginatorConversationID": f"{secrets.randbelow(99999)}-2",
            "ConversationID": f"AG_20261125_{secrets.token_hex(10)}",
            "TransactionID": f"TQ{secrets.token_hex(4).upper()}",
            "ResultParameters": {
                "ResultParameter": [
                    {"Key": "DebitPartyName", "Value": f"{B2C_SHORTCODE} - Flash Africa"},
                    {"Key": "CreditPartyName", "Value": f"{payment.phone} - Jane Doe"},
                    {"Key": "OriginatorConversationID", "Value": payment.originator_id},
                    {"Key": "InitiatedTime", "Value": 20261125114550},
                    {"Key": "DebitAccountType", "Value": "Utility Account"},
                    {"Key": "ReasonType", "Value": "Business Payment to Customer via API"},
                    {"Key": "TransactionStatus", "Value": "Completed" if paid else "Failed"},
                    {"Key": "FinalisedTime", "Value": 20261125114551},
                    {"Key": "Amount", "Value": payment.amount},
                    {"Key": "ConversationID", "Value": payment.conversation_id},
                    {"Key": "ReceiptNo", "Value": payment.transaction_id},
                ]
            },
        }
    }


def not_found_body() -> dict[str, Any]:
    return {
        "Result": {
            "ResultType": 0,
            "ResultCode": 2032,
            "ResultDesc": "The transaction receipt number does not exist.",
            "OriginatorConversationID": f"{secrets.randbelow(99999)}-3",
            "ConversationID": f"AG_20261125_{secrets.token_hex(10)}",
            "TransactionID": f"TQ{secrets.token_hex(4).upper()}",
        }
    }


def _status_problem(body: dict[str, Any]) -> str | None:
    if body.get("Initiator") != B2C_INITIATOR:
        return "Invalid Initiator"
    if body.get("SecurityCredential") != B2C_CREDENTIAL:
        return "Invalid SecurityCredential"
    if body.get("CommandID") != "TransactionStatusQuery":
        return "Invalid CommandID"
    if str(body.get("PartyA")) != B2C_SHORTCODE or str(body.get("IdentifierType")) != "4":
        return "Invalid PartyA"
    if not body.get("OriginalConversationID") and not body.get("TransactionID"):
        return "Invalid OriginalConversationID"
    for url in ("ResultURL", "QueueTimeOutURL"):
        if not str(body.get(url, "")).startswith(("http://", "https://")):
            return f"Invalid {url}"
    return None


def result_body(payment: B2CPayment, **overrides: Any) -> dict[str, Any]:
    """Daraja's B2C result; `overrides` replace fields of `Result` (to forge one in a test)."""
    result: dict[str, Any] = {
        "ResultType": 0,
        "ResultCode": payment.behaviour.result_code,
        "ResultDesc": payment.behaviour.result_desc,
        "OriginatorConversationID": payment.originator_id,
        "ConversationID": payment.conversation_id,
        "TransactionID": payment.transaction_id,
        "ReferenceData": {
            "ReferenceItem": {"Key": "QueueTimeoutURL", "Value": payment.timeout_url}
        },
    }
    if payment.behaviour.result_code == 0:
        result["ResultParameters"] = {
            "ResultParameter": [
                {"Key": "TransactionAmount", "Value": payment.amount},
                {"Key": "TransactionReceipt", "Value": payment.transaction_id},
                {"Key": "B2CRecipientIsRegisteredCustomer", "Value": "Y"},
                {"Key": "B2CChargesPaidAccountAvailableFunds", "Value": -4510.00},
                {"Key": "ReceiverPartyPublicName", "Value": f"{payment.phone} - Jane Doe"},
                {"Key": "TransactionCompletedDateTime", "Value": "25.11.2026 11:45:50"},
                {"Key": "B2CUtilityAccountAvailableFunds", "Value": 10116.00},
                {"Key": "B2CWorkingAccountAvailableFunds", "Value": 900000.00},
            ]
        }
    result.update(overrides)
    return {"Result": result}


def _b2c_problem(body: dict[str, Any]) -> str | None:
    if body.get("InitiatorName") != B2C_INITIATOR:
        return "Invalid InitiatorName"
    if body.get("SecurityCredential") != B2C_CREDENTIAL:
        return "Invalid SecurityCredential"
    if body.get("CommandID") != "BusinessPayment":
        return "Invalid CommandID"
    if str(body.get("PartyA")) != B2C_SHORTCODE:
        return "Invalid PartyA"
    if not re.fullmatch(r"254\d{9}", str(body.get("PartyB"))):
        return "Invalid PartyB"
    amount = body.get("Amount")
    if not isinstance(amount, int) or amount < 10:
        return "Invalid Amount"
    if not 0 < len(str(body.get("OriginatorConversationID", ""))) <= 100:
        return "Invalid OriginatorConversationID"
    for url in ("ResultURL", "QueueTimeOutURL"):
        if not str(body.get(url, "")).startswith(("http://", "https://")):
            return f"Invalid {url}"
    if not 0 < len(str(body.get("Remarks", ""))) <= 100:
        return "Invalid Remarks"
    return None


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
