"""A local MTN MoMo: a real HTTP app on loopback that speaks MoMo Collections' documented shapes.

Token (`POST /collection/token/`: basic auth with the API user and key plus the
`Ocp-Apim-Subscription-Key`; 401 when either is wrong), request to pay (checks
the headers and body, 202 without a body, 409 `RESOURCE_ALREADY_EXIST` for an
`X-Reference-Id` used before), status (`PENDING` until the payer answers, then
`SUCCESSFUL` or `FAILED` with a `reason`; 404 `RESOURCE_NOT_FOUND`), and the
callback, a PUT of the status body to the request's `X-Callback-Url`. Tests
choose per phone number what the payer does and what happens to the callback
(sent, dropped, duplicated or held back), and can make MoMo fail with 5xx.

Disbursements too, with their own API user, key and subscription key (MTN issues
them per product, and a collection token is no disbursement token):
`POST /disbursement/token/`, `POST /disbursement/v1_0/transfer` (the same checks,
`payee` instead of `payer`, 202 / 409) and `GET /disbursement/v1_0/transfer/{id}`;
the per-number behaviours and callback modes apply to transfers as well.
"""

import asyncio
import base64
import re
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

API_USER = "3f1c6a52-6a0e-4f43-9b5b-1d7f1e1f0a11"
API_KEY = "fake-momo-api-key-0123456789"
SUBSCRIPTION_KEY = "fake-momo-subscription-key"
DISBURSEMENT_API_USER = "8d2b0c4e-1f3a-4b6c-9d8e-7a6b5c4d3e2f"
DISBURSEMENT_API_KEY = "fake-momo-disbursement-api-key-987654"
DISBURSEMENT_SUBSCRIPTION_KEY = "fake-momo-disbursement-subscription-key"
CREDENTIALS = {
    "collection": (API_USER, API_KEY, SUBSCRIPTION_KEY),
    "disbursement": (DISBURSEMENT_API_USER, DISBURSEMENT_API_KEY, DISBURSEMENT_SUBSCRIPTION_KEY),
}
PARTY = {"collection": "payer", "disbursement": "payee"}

CallbackMode = Literal["send", "drop", "twice", "hold"]


@dataclass
class Behaviour:
    """What the payer behind one MSISDN does."""

    status: str = "SUCCESSFUL"
    reason: str | None = None
    callback: CallbackMode = "send"
    answers: bool = True  # False: the status says PENDING until `complete()`


@dataclass
class Request2Pay:
    reference_id: str
    body: dict[str, Any]
    target_environment: str
    callback_url: str
    behaviour: Behaviour
    financial_transaction_id: str
    completed: bool = False
    callbacks_sent: int = 0

    @property
    def msisdn(self) -> str:
        party = self.body.get("payer") or self.body["payee"]
        return str(party["partyId"])


@dataclass
class FakeMomo:
    target_environment: str = "sandbox"
    currency: str = "EUR"  # what this environment takes: EUR in MoMo's sandbox
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    requests: dict[str, Request2Pay] = field(default_factory=dict)
    attempted_references: list[str] = field(default_factory=list)  # every X-Reference-Id sent
    transfers: dict[str, Request2Pay] = field(default_factory=dict)  # disbursements
    tokens: set[str] = field(default_factory=set)
    token_requests: int = 0
    disbursement_tokens: set[str] = field(default_factory=set)
    disbursement_token_requests: int = 0
    transfer_status_queries: int = 0
    transfers_down: bool = False  # 503 to transfers only (a token is still given)
    duplicates: int = 0  # requests to pay answered 409
    status_queries: int = 0
    down: bool = False  # 503 to everything, before doing anything
    requests_down: bool = False  # 503 to requests to pay only (a token is still given)
    slow_answers: int = 0  # this many requests to pay or transfers are created, then answered late
    slow_answer_s: float = 1.0
    fail_after_create: bool = False  # create the request to pay (or transfer), then answer 500
    callback_delay_s: float = 0.05
    url: str = ""
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.app = Starlette(
            routes=[
                Route("/collection/token/", self._token, methods=["POST"]),
                Route("/collection/v1_0/requesttopay", self._request_to_pay, methods=["POST"]),
                Route(
                    "/collection/v1_0/requesttopay/{reference_id}", self._status, methods=["GET"]
                ),
                Route("/disbursement/token/", self._token, methods=["POST"]),
                Route("/disbursement/v1_0/transfer", self._transfer, methods=["POST"]),
                Route(
                    "/disbursement/v1_0/transfer/{reference_id}",
                    self._transfer_status,
                    methods=["GET"],
                ),
            ]
        )
        self.loop: asyncio.AbstractEventLoop | None = None

    # --- controls used by the tests -------------------------------------------------

    def behave(self, msisdn: str, **kwargs: Any) -> None:
        self.behaviours[msisdn] = Behaviour(**kwargs)

    def request_for(self, msisdn: str) -> Request2Pay:
        found = [r for r in self.requests.values() if r.msisdn == msisdn]
        assert len(found) == 1, f"{len(found)} requests to pay for {msisdn}"
        return found[0]

    def transfer_to(self, msisdn: str) -> Request2Pay:
        found = [t for t in self.transfers.values() if t.msisdn == msisdn]
        assert len(found) == 1, f"{len(found)} transfers to {msisdn}"
        return found[0]

    def complete(self, reference_id: str) -> None:
        """The payer answers now: the status gives the result, and the callback goes unless held."""
        request = self.requests.get(reference_id) or self.transfers[reference_id]
        request.completed = True
        self._schedule_callbacks(request)

    def deliver_held_callback(self, reference_id: str) -> None:
        assert self.loop is not None
        request = self.requests.get(reference_id) or self.transfers[reference_id]
        asyncio.run_coroutine_threadsafe(self._put_callback(request), self.loop).result(10)

    def expire_tokens(self) -> None:
        self.tokens.clear()
        self.disbursement_tokens.clear()

    # --- the HTTP app -----------------------------------------------------------------

    async def _token(self, request: Request) -> Response:
        self.loop = asyncio.get_running_loop()
        if self.down:
            return _error(503, "SERVICE_UNAVAILABLE", "Service unavailable")
        product = _product(request)
        api_user, api_key, subscription_key = CREDENTIALS[product]
        if request.headers.get("ocp-apim-subscription-key") != subscription_key:
            return _subscription_refused()
        expected = base64.b64encode(f"{api_user}:{api_key}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return JSONResponse({"error": "login_failed"}, status_code=401)
        token = secrets.token_urlsafe(24)
        if product == "disbursement":
            self.disbursement_token_requests += 1
            self.disbursement_tokens.add(token)
        else:
            self.token_requests += 1
            self.tokens.add(token)
        return JSONResponse(
            {"access_token": token, "token_type": "access_token", "expires_in": 3600}
        )

    async def _request_to_pay(self, request: Request) -> Response:
        return await self._create(request, "collection")

    async def _transfer(self, request: Request) -> Response:
        return await self._create(request, "disbursement")

    async def _create(self, request: Request, product: str) -> Response:
        answer = await self._handle_create(request, product)
        if self.slow_answers > 0:
            self.slow_answers -= 1
            await asyncio.sleep(self.slow_answer_s)  # done, but a client timeout loses the answer
        return answer

    async def _handle_create(self, request: Request, product: str) -> Response:
        self.loop = asyncio.get_running_loop()
        reference = request.headers.get("x-reference-id", "")
        self.attempted_references.append(reference)
        refused = self._refuse(request)
        if refused is not None:
            return refused
        if self.requests_down if product == "collection" else self.transfers_down:
            return _error(503, "SERVICE_UNAVAILABLE", "Service unavailable")
        created_ones = self.requests if product == "collection" else self.transfers
        if not _is_uuid4(reference):
            self.errors.append(f"X-Reference-Id {reference!r} is not a UUID v4")
            return _error(400, "INVALID_REFERENCE_ID", "X-Reference-Id must be a UUID v4")
        try:
            body = await request.json()
        except ValueError:
            body = None
        problem = _body_problem(body, self.currency, PARTY[product])
        callback_url = request.headers.get("x-callback-url", "")
        if problem is None and not callback_url.startswith(("http://", "https://")):
            problem = "X-Callback-Url is missing"
        if problem is not None:
            self.errors.append(problem)
            return _error(400, "BAD_REQUEST", problem)
        assert isinstance(body, dict)
        if reference in created_ones:
            self.duplicates += 1
            return _error(
                409,
                "RESOURCE_ALREADY_EXIST",
                "Duplicated reference id. Creation of resource failed.",
            )
        msisdn = str(body[PARTY[product]]["partyId"])
        created = Request2Pay(
            reference_id=reference,
            body=body,
            target_environment=request.headers.get("x-target-environment", ""),
            callback_url=callback_url,
            behaviour=self.behaviours.get(msisdn, Behaviour()),
            financial_transaction_id=str(secrets.randbelow(10**9)),
        )
        created_ones[reference] = created
        if created.behaviour.answers:
            self.complete(reference)
        if self.fail_after_create:
            return _error(500, "INTERNAL_PROCESSING_ERROR", "An internal error occurred")
        return Response(status_code=202)

    async def _status(self, request: Request) -> Response:
        refused = self._refuse(request)
        if refused is not None:
            return refused
        self.status_queries += 1
        found = self.requests.get(request.path_params["reference_id"])
        if found is None:
            return _error(404, "RESOURCE_NOT_FOUND", "Requested resource was not found.")
        return JSONResponse(status_body(found))

    async def _transfer_status(self, request: Request) -> Response:
        refused = self._refuse(request)
        if refused is not None:
            return refused
        self.transfer_status_queries += 1
        found = self.transfers.get(request.path_params["reference_id"])
        if found is None:
            return _error(404, "RESOURCE_NOT_FOUND", "Requested resource was not found.")
        return JSONResponse(status_body(found))

    def _refuse(self, request: Request) -> Response | None:
        if self.down:
            return _error(503, "SERVICE_UNAVAILABLE", "Service unavailable")
        product = _product(request)
        if request.headers.get("ocp-apim-subscription-key") != CREDENTIALS[product][2]:
            return _subscription_refused()
        tokens = self.disbursement_tokens if product == "disbursement" else self.tokens
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "Bearer" or token not in tokens:
            return JSONResponse(
                {"statusCode": 401, "message": "Access denied due to invalid access token."},
                status_code=401,
            )
        if request.headers.get("x-target-environment") != self.target_environment:
            self.errors.append("wrong X-Target-Environment")
            return _error(
                500, "NOT_ALLOWED_TARGET_ENVIRONMENT", "Access to target environment is forbidden."
            )
        return None

    def _schedule_callbacks(self, request: Request2Pay) -> None:
        mode = request.behaviour.callback
        if mode in ("drop", "hold") or self.loop is None:
            return
        for _ in range(2 if mode == "twice" else 1):
            self.loop.call_soon_threadsafe(
                lambda: asyncio.ensure_future(self._delayed_callback(request))
            )

    async def _delayed_callback(self, request: Request2Pay) -> None:
        await asyncio.sleep(self.callback_delay_s)
        await self._put_callback(request)

    async def _put_callback(self, request: Request2Pay) -> None:
        request.callbacks_sent += 1
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                answer = await client.put(request.callback_url, json=status_body(request))
            if answer.status_code != 200:
                self.errors.append(f"callback answered {answer.status_code}")
        except httpx.HTTPError as exc:
            self.errors.append(f"callback failed: {exc!r}")


def status_body(request: Request2Pay) -> dict[str, Any]:
    """The status answer (and the callback body): the request, its status, and why it failed."""
    body = request.body
    status = request.behaviour.status if request.completed else "PENDING"
    party = "payer" if "payer" in body else "payee"
    answer: dict[str, Any] = {
        "amount": body["amount"],
        "currency": body["currency"],
        "externalId": body["externalId"],
        party: body[party],
        "payerMessage": body.get("payerMessage", ""),
        "payeeNote": body.get("payeeNote", ""),
        "status": status,
    }
    if status == "SUCCESSFUL":
        answer["financialTransactionId"] = request.financial_transaction_id
    if status == "FAILED" and request.behaviour.reason is not None:
        answer["reason"] = request.behaviour.reason
    return answer


def _product(request: Request) -> str:
    return "disbursement" if request.url.path.startswith("/disbursement/") else "collection"


def _body_problem(body: Any, currency: str, party_key: str = "payer") -> str | None:
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    amount = body.get("amount")
    if not isinstance(amount, str) or not re.fullmatch(r"\d+(\.\d{1,2})?", amount):
        return f"amount {amount!r} is not a string of digits"
    if body.get("currency") != currency:
        return f"currency {body.get('currency')!r} is not {currency}"
    if not isinstance(body.get("externalId"), str) or not body["externalId"]:
        return "externalId is missing"
    party = body.get(party_key)
    if not isinstance(party, dict) or party.get("partyIdType") != "MSISDN":
        return f"{party_key}.partyIdType is not MSISDN"
    if not re.fullmatch(r"\d{9,15}", str(party.get("partyId"))):
        return f"{party_key}.partyId is not an MSISDN without '+'"
    for name in ("payerMessage", "payeeNote"):
        if not isinstance(body.get(name), str) or len(body[name]) > 160:
            return f"{name} is missing or too long"
    return None


def _is_uuid4(value: str) -> bool:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return False
    return parsed.version == 4 and str(parsed) == value


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def _subscription_refused() -> JSONResponse:
    return JSONResponse(
        {
            "statusCode": 401,
            "message": "Access denied due to invalid subscription key. "
            "Make sure to provide a valid key for an active subscription.",
        },
        status_code=401,
    )
