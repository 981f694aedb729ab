"""A local Orange Money WebPay: a real HTTP app on loopback that speaks Orange's documented shapes.

OAuth v3 (basic auth and a `grant_type=client_credentials` form → a bearer token
that expires; 401 for wrong credentials), `webpayment` (checks every field and
answers 201 with `pay_token`, `payment_url` and `notif_token`), `transactionstatus`
(INITIATED until the payer acts, then the payer's outcome), and it POSTs Orange's
notification (`{status, notif_token, txnid}`) to the `notif_url` it was given. Tests
choose what the payer does on the payment page and what happens to the
notification (sent, dropped, duplicated or held back), and can make Orange answer
5xx.
"""

import asyncio
import base64
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

CLIENT_ID = "fake-orange-client-id"
CLIENT_SECRET = "fake-orange-client-secret"
MERCHANT_KEY = "fake0merchant0key"

NotificationMode = Literal["send", "drop", "twice", "hold"]
FINAL = ("SUCCESS", "FAILED", "EXPIRED")


@dataclass
class Session:
    country: str
    order_id: str
    amount: int
    currency: str
    return_url: str
    cancel_url: str
    notif_url: str
    lang: str
    reference: str
    pay_token: str
    notif_token: str
    payment_url: str
    status: str = "INITIATED"
    txnid: str | None = None
    notifications_sent: int = 0


@dataclass
class FakeOrange:
    # What the payer does as soon as the page opens; None: nothing until `pay()`.
    payer_does: str | None = None
    notification: NotificationMode = "send"
    sessions: dict[str, Session] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)  # token → when it expires
    token_lifetime_s: float = 7_776_000.0  # Orange's tokens last 90 days
    token_requests: int = 0
    webpayment_calls: list[str] = field(default_factory=list)  # each call's order_id, 5xx too
    status_queries: int = 0
    down: bool = False  # answer 503 to everything, as Orange's gateway does when it is down
    failing_webpayments: int = 0  # answer this many next webpayment calls with a 500
    url: str = ""
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.app = self._build()
        self.loop: asyncio.AbstractEventLoop | None = None

    # --- controls used by the tests -------------------------------------------------

    def session_for(self, order_id: str) -> Session:
        found = [s for s in self.sessions.values() if s.order_id == order_id]
        assert len(found) == 1, f"{len(found)} sessions for {order_id}"
        return found[0]

    def pay(
        self, pay_token: str, status: str, notification: NotificationMode | None = None
    ) -> None:
        """The payer ends the session on Orange's page; the notification follows unless held."""
        session = self.sessions[pay_token]
        session.status = status
        if status == "SUCCESS":
            session.txnid = f"MP{secrets.token_hex(5).upper()}"
        mode = notification or self.notification
        if mode in ("drop", "hold"):
            return
        assert self.loop is not None
        for _ in range(2 if mode == "twice" else 1):
            asyncio.run_coroutine_threadsafe(self._notify(session), self.loop).result(10)

    def deliver_held_notification(self, pay_token: str) -> None:
        assert self.loop is not None
        session = self.sessions[pay_token]
        asyncio.run_coroutine_threadsafe(self._notify(session), self.loop).result(10)

    def expire_tokens(self) -> None:
        self.tokens.clear()

    # --- the HTTP app -----------------------------------------------------------------

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.post("/oauth/v3/token")
        async def token(request: Request) -> JSONResponse:
            self.loop = asyncio.get_running_loop()
            if self.down:
                return _error(503, 5000, "Service unavailable")
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if request.headers.get("authorization") != f"Basic {expected}":
                return JSONResponse(
                    {
                        "error": "invalid_client",
                        "error_description": "The requested service "
                        "needs credentials, but the ones provided were invalid.",
                    },
                    status_code=401,
                )
            form = (await request.body()).decode()
            if form != "grant_type=client_credentials":
                self.errors.append(f"token request body {form!r}")
                return JSONResponse({"error": "invalid_request"}, status_code=400)
            self.token_requests += 1
            value = secrets.token_urlsafe(24)
            self.tokens[value] = time.monotonic() + self.token_lifetime_s
            return JSONResponse(
                {
                    "token_type": "Bearer",
                    "access_token": value,
                    "expires_in": int(self.token_lifetime_s),
                }
            )

        @app.post("/orange-money-webpay/{country}/v1/webpayment")
        async def webpayment(country: str, request: Request) -> JSONResponse:
            self.loop = asyncio.get_running_loop()
            body = await request.json()
            self.webpayment_calls.append(str(body.get("order_id")))
            refused = self._refuse(request)
            if refused is not None:
                return refused
            if self.failing_webpayments:
                self.failing_webpayments -= 1
                return _error(500, 5001, "Internal server error")
            problem = _webpayment_problem(country, body)
            if problem is not None:
                self.errors.append(problem)
                return _error(400, 3, problem)
            pay_token = "v1" + secrets.token_hex(26)
            session = Session(
                country=country,
                order_id=body["order_id"],
                amount=body["amount"],
                currency=body["currency"],
                return_url=body["return_url"],
                cancel_url=body["cancel_url"],
                notif_url=body["notif_url"],
                lang=body["lang"],
                reference=body["reference"],
                pay_token=pay_token,
                notif_token=secrets.token_hex(16),
                payment_url=f"{self.url}/webpayment/{pay_token}",
            )
            self.sessions[pay_token] = session
            if self.payer_does is not None:
                asyncio.get_running_loop().call_later(
                    0.05, lambda: asyncio.ensure_future(self._act(session))
                )
            return JSONResponse(
                {
                    "status": 201,
                    "message": "OK",
                    "pay_token": session.pay_token,
                    "payment_url": session.payment_url,
                    "notif_token": session.notif_token,
                },
                status_code=201,
            )

        @app.post("/orange-money-webpay/{country}/v1/transactionstatus")
        async def transactionstatus(country: str, request: Request) -> JSONResponse:
            refused = self._refuse(request)
            if refused is not None:
                return refused
            body = await request.json()
            self.status_queries += 1
            session = self.sessions.get(str(body.get("pay_token")))
            if (
                session is None
                or session.country != country
                or (session.order_id, session.amount) != (body.get("order_id"), body.get("amount"))
            ):
                self.errors.append(f"transactionstatus for an unknown session: {body}")
                return _error(400, 3, "Bad Request: unknown transaction")
            answer: dict[str, Any] = {"status": session.status, "order_id": session.order_id}
            if session.txnid is not None:
                answer["txnid"] = session.txnid
            return JSONResponse(answer)

        @app.get("/webpayment/{pay_token}")
        async def page(pay_token: str) -> HTMLResponse:
            found = pay_token in self.sessions
            return HTMLResponse("<p>Orange Money</p>", status_code=200 if found else 404)

        return app

    def _refuse(self, request: Request) -> JSONResponse | None:
        if self.down:
            return _error(503, 5000, "Service unavailable")
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        expires = self.tokens.get(token)
        if scheme != "Bearer" or expires is None or expires <= time.monotonic():
            return _error(401, 42, "Expired credentials")
        return None

    async def _act(self, session: Session) -> None:
        assert self.payer_does is not None
        await asyncio.to_thread(self.pay, session.pay_token, self.payer_does)

    async def _notify(self, session: Session) -> None:
        session.notifications_sent += 1
        body: dict[str, Any] = {"status": session.status, "notif_token": session.notif_token}
        if session.txnid is not None:
            body["txnid"] = session.txnid
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                await client.post(session.notif_url, json=body)
        except httpx.HTTPError as exc:
            self.errors.append(f"notification failed: {exc!r}")


def _webpayment_problem(country: str, body: dict[str, Any]) -> str | None:
    if body.get("merchant_key") != MERCHANT_KEY:
        return "Invalid merchant_key"
    expected = {"OUV"} if country == "dev" else {"XOF", "XAF"}
    if body.get("currency") not in expected:
        return f"Invalid currency {body.get('currency')!r} for {country}"
    amount = body.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        return "Invalid amount"
    order_id = body.get("order_id")
    if not isinstance(order_id, str) or not 0 < len(order_id) <= 30:
        return "Invalid order_id"
    for name in ("return_url", "cancel_url", "notif_url"):
        if not str(body.get(name, "")).startswith(("http://", "https://")):
            return f"Invalid {name}"
    if body.get("lang") not in ("fr", "en"):
        return "Invalid lang"
    if not 0 < len(str(body.get("reference", ""))) <= 30:
        return "Invalid reference"
    return None


def _error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse(
        {"code": code, "message": message, "description": message}, status_code=status
    )
