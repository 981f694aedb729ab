"""MTN MoMo Open API: the product access token, and Collections' request-to-pay and its status.

Hand-written over httpx: MTN publishes no maintained Python library for the
Open API (the community `mtnmomo` package is unmaintained and synchronous), so
a small typed client of the calls we use is safer than depending on one. Its
token cache and transport failure rules are shared with the other mobile-money
clients (`oauth_client.py`). `SandboxMomo` (`mtn_momo_sandbox.py`) answers the
same `CollectionApi` when no credentials are set.

MoMo shapes (https://momodeveloper.mtn.com, "Collection" and "Common error"):
- `POST /{product}/token/` with HTTP basic auth (API user : API key) and the
  product's `Ocp-Apim-Subscription-Key` → `{"access_token", "token_type", "expires_in"}`.
  Every product (`collection`, `disbursement`, ...) has its own key and token:
  `MomoProductClient` serves any of them.
- `POST /collection/v1_0/requesttopay` with `X-Reference-Id` (a UUID v4 the
  caller chooses), `X-Target-Environment` and `X-Callback-Url`; body `{"amount"
  (a string), "currency", "externalId", "payer": {"partyIdType": "MSISDN",
  "partyId"}, "payerMessage", "payeeNote"}` → 202 without a body, or 409
  `RESOURCE_ALREADY_EXIST` when that reference was already used.
- `GET /collection/v1_0/requesttopay/{referenceId}` → the request with its
  `status` (`PENDING`, `SUCCESSFUL`, `FAILED`), a `reason` once failed (a string,
  or `{"code", "message"}` in older versions) and the `financialTransactionId`;
  404 `RESOURCE_NOT_FOUND` for a reference MoMo never created.
- Errors: `{"code", "message"}` with a 4xx or 5xx status.
- The callback goes once, without retries, to `X-Callback-Url` (PUT, sometimes
  POST) with the same body as the status answer; it is not signed.
"""

import hashlib
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import httpx

from server.providers.errors import ProviderRefused, ProviderUncertain, ProviderUnreachable
from server.providers.oauth_client import BearerConnection, ProviderNames, json_object

MOMO = ProviderNames(
    provider="MoMo",
    token_service="MoMo's token service",
    token_refused="MoMo refused our access token or subscription key",
)
COLLECTION = "collection"


@dataclass(frozen=True)
class MomoCredentials:
    """One product's API user, API key and subscription key (MTN issues them per product)."""

    api_user: str
    api_key: str
    subscription_key: str


@dataclass(frozen=True)
class RequestToPay:
    reference_id: str  # X-Reference-Id: a UUID v4, the same on every retry
    amount: str  # major units, as MoMo wants it: "5000", "12.50"
    currency: str
    external_id: str
    payer_msisdn: str  # international digits without '+': "256772123456"
    payer_message: str
    payee_note: str
    callback_url: str


@dataclass(frozen=True)
class RequestToPayStatus:
    """What MoMo's status query says of one request to pay."""

    status: str  # PENDING, SUCCESSFUL or FAILED (MoMo's sandbox also says REJECTED, TIMEOUT)
    reason: str | None
    financial_transaction_id: str | None
    amount: str
    currency: str
    external_id: str


class CollectionApi(Protocol):
    """The part of MoMo Collections the payments domain uses; MoMo and the sandbox speak it."""

    async def request_to_pay(self, request: RequestToPay) -> None:
        """Accepted (202), or already accepted under this reference (409): both return."""
        ...

    async def request_to_pay_status(self, reference_id: str) -> RequestToPayStatus: ...

    async def aclose(self) -> None: ...


def momo_reference_id(product: str, key: str) -> str:
    """The X-Reference-Id for one of our records (a payment, a payout): always the same UUID v4,
    so sending the request again can only meet MoMo's 409, never make a second request."""
    digest = hashlib.sha256(f"flash:momo:{product}:{key}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def is_reference_id(value: str) -> bool:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return False
    return parsed.version == 4 and str(parsed) == value.lower()


class MomoProductClient:
    """Calls to one MoMo product (each subclass names its `product`) with the product's
    token, subscription key and target environment."""

    product: ClassVar[str]

    def __init__(
        self,
        *,
        base_url: str,
        credentials: MomoCredentials,
        target_environment: str,
        timeout_s: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.target_environment = target_environment
        self._subscription_key = credentials.subscription_key

        def request_token(http: httpx.AsyncClient) -> Awaitable[httpx.Response]:
            return http.post(
                f"/{self.product}/token/",
                auth=(credentials.api_user, credentials.api_key),
                headers={"Ocp-Apim-Subscription-Key": credentials.subscription_key},
            )

        self._connection = BearerConnection(
            base_url=base_url,
            names=MOMO,
            request_token=request_token,
            timeout_s=timeout_s,
            clock=clock,
        )

    async def aclose(self) -> None:
        await self._connection.aclose()

    async def send(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        sends_money: bool,
    ) -> httpx.Response:
        """One call under `/{product}` with the product's subscription key and environment."""
        all_headers = {
            "Ocp-Apim-Subscription-Key": self._subscription_key,
            "X-Target-Environment": self.target_environment,
            **(headers or {}),
        }
        return await self._connection.send(
            method,
            f"/{self.product}{path}",
            json=body,
            headers=all_headers,
            sends_money=sends_money,
        )


class MomoCollections(MomoProductClient):
    product = COLLECTION

    async def request_to_pay(self, request: RequestToPay) -> None:
        body = {
            "amount": request.amount,
            "currency": request.currency,
            "externalId": request.external_id,
            "payer": {"partyIdType": "MSISDN", "partyId": request.payer_msisdn},
            "payerMessage": request.payer_message,
            "payeeNote": request.payee_note,
        }
        headers = {"X-Reference-Id": request.reference_id, "X-Callback-Url": request.callback_url}
        response = await self.send(
            "POST", "/v1_0/requesttopay", headers=headers, body=body, sends_money=True
        )
        if response.status_code in (202, 409):
            return  # 409: an earlier attempt under this very reference reached MoMo
        if response.status_code >= 500:
            # The reference makes a retry safe: MoMo answers it 409 if this one got through.
            raise ProviderUnreachable(f"MoMo answered HTTP {response.status_code}")
        if response.status_code >= 400:
            raise ProviderRefused(*error_of(response))
        raise ProviderUncertain(
            f"MoMo answered the request to pay with HTTP {response.status_code}"
        )

    async def request_to_pay_status(self, reference_id: str) -> RequestToPayStatus:
        response = await self.send("GET", f"/v1_0/requesttopay/{reference_id}", sends_money=False)
        if response.status_code >= 500:
            raise ProviderUnreachable(f"MoMo answered HTTP {response.status_code}")
        if response.status_code >= 400:
            raise ProviderRefused(*error_of(response))
        data = json_object(response, MOMO.provider)
        status = data.get("status")
        if not isinstance(status, str) or not status:
            raise ProviderUnreachable("MoMo's status answer has no status")
        return parse_status(data)


def parse_status(data: dict[str, Any]) -> RequestToPayStatus:
    """The status answer, which is also the callback's body."""
    reason = data.get("reason")
    if isinstance(reason, dict):  # older versions: {"code": ..., "message": ...}
        reason = reason.get("code")
    transaction = data.get("financialTransactionId")
    return RequestToPayStatus(
        status=str(data.get("status", "")).upper(),
        reason=str(reason) if reason else None,
        financial_transaction_id=str(transaction) if transaction else None,
        amount=str(data.get("amount", "")),
        currency=str(data.get("currency", "")),
        external_id=str(data.get("externalId", "")),
    )


def error_of(response: httpx.Response) -> tuple[str, str]:
    """MoMo's `{"code", "message"}` error, or the HTTP status when it sent none."""
    try:
        data = json_object(response, MOMO.provider)
    except ProviderUnreachable:
        data = {}
    code = data.get("code") or f"http_{response.status_code}"
    message = data.get("message") or "refused"
    return str(code), str(message)
