"""Safaricom M-Pesa Daraja: OAuth, STK Push (Lipa na M-Pesa Online) and STK Push Query.
(B2C payouts live in `mpesa_b2c.py`, over the same `DarajaConnection`.)

Hand-written over httpx: Safaricom publishes no Python SDK, and the community
packages are unmaintained or synchronous, so a small typed client of the three
calls we use is safer than depending on one. Its token cache and transport
failure rules are those of every mobile-money client (`oauth_client.py`).
`SandboxMpesa` (`mpesa_sandbox.py`) answers the same `StkApi` when no
credentials are set.

Daraja shapes (https://developer.safaricom.co.ke, "M-Pesa Express"):
- `GET /oauth/v1/generate?grant_type=client_credentials` with HTTP basic auth
  (consumer key and secret) → `{"access_token", "expires_in"}` (seconds, a string).
- `POST /mpesa/stkpush/v1/processrequest` → `{"MerchantRequestID",
  "CheckoutRequestID", "ResponseCode": "0", "ResponseDescription", "CustomerMessage"}`.
- `POST /mpesa/stkpushquery/v1/query` → `{"ResultCode", "ResultDesc", ...}` once
  the payer has answered; while the prompt is still open Daraja answers HTTP 500
  with `{"errorCode": "500.001.1001", "errorMessage": "The transaction is being processed"}`.
- Errors: `{"requestId", "errorCode", "errorMessage"}` with a 4xx or 5xx status.
"""

import base64
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import httpx

from server.providers.errors import ProviderRefused, ProviderUncertain, ProviderUnreachable
from server.providers.oauth_client import BearerConnection, ProviderNames, json_object

NAIROBI = ZoneInfo("Africa/Nairobi")
STILL_PROCESSING = "500.001.1001"


@dataclass(frozen=True)
class StkPushAccepted:
    checkout_request_id: str
    merchant_request_id: str
    customer_message: str


@dataclass(frozen=True)
class StkResult:
    """The payer's final answer, as Daraja's query reports it."""

    result_code: int
    result_desc: str


class StkApi(Protocol):
    """The part of Daraja the payments domain uses; Daraja and the sandbox both speak it."""

    async def stk_push(
        self,
        *,
        phone: str,
        amount: int,
        account_reference: str,
        description: str,
        callback_url: str,
    ) -> StkPushAccepted:
        """`phone` in Daraja's form (`2547XXXXXXXX`), `amount` in whole shillings."""
        ...

    async def stk_query(self, checkout_request_id: str) -> StkResult | None:
        """The final result, or None while the payer has not answered yet."""
        ...

    async def aclose(self) -> None: ...


def daraja_timestamp(now: datetime | None = None) -> str:
    """Daraja wants the local time in Nairobi as `YYYYMMDDHHMMSS`."""
    return (now or datetime.now(NAIROBI)).astimezone(NAIROBI).strftime("%Y%m%d%H%M%S")


def stk_password(shortcode: str, passkey: str, timestamp: str) -> str:
    return base64.b64encode(f"{shortcode}{passkey}{timestamp}".encode()).decode()


def daraja_number(value: str) -> int | str:
    """Daraja's samples send short codes and phone numbers as JSON numbers."""
    return int(value) if value.isdigit() else value


DARAJA = ProviderNames(
    provider="Daraja",
    token_service="Daraja's OAuth",
    token_refused="Daraja refused our access token",
)


class DarajaConnection(BearerConnection):
    """HTTP to Daraja with a cached OAuth token: shared by STK (here) and B2C (`mpesa_b2c`)."""

    def __init__(
        self,
        *,
        base_url: str,
        consumer_key: str,
        consumer_secret: str,
        timeout_s: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        auth = (consumer_key, consumer_secret)

        def request_token(http: httpx.AsyncClient) -> Awaitable[httpx.Response]:
            return http.get(
                "/oauth/v1/generate", params={"grant_type": "client_credentials"}, auth=auth
            )

        super().__init__(
            base_url=base_url,
            names=DARAJA,
            request_token=request_token,
            default_lifetime_s=3599.0,
            timeout_s=timeout_s,
            clock=clock,
        )

    async def post(self, path: str, body: dict[str, Any], *, sends_money: bool) -> httpx.Response:
        """POST with a bearer token; a refused token is renewed once and the call repeated."""
        return await self.send("POST", path, json=body, sends_money=sends_money)


class DarajaClient:
    def __init__(
        self,
        *,
        base_url: str,
        consumer_key: str,
        consumer_secret: str,
        shortcode: str,
        passkey: str,
        timeout_s: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.connection = DarajaConnection(
            base_url=base_url,
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
            timeout_s=timeout_s,
            clock=clock,
        )
        self._shortcode = shortcode
        self._passkey = passkey

    async def aclose(self) -> None:
        await self.connection.aclose()

    async def stk_push(
        self,
        *,
        phone: str,
        amount: int,
        account_reference: str,
        description: str,
        callback_url: str,
    ) -> StkPushAccepted:
        timestamp = daraja_timestamp()
        body = {
            "BusinessShortCode": daraja_number(self._shortcode),
            "Password": stk_password(self._shortcode, self._passkey, timestamp),
            "Timestamp": timestamp,
            "TransactionType": "CustomerPayBillOnline",
            "Amount": amount,
            "PartyA": daraja_number(phone),
            "PartyB": daraja_number(self._shortcode),
            "PhoneNumber": daraja_number(phone),
            "CallBackURL": callback_url,
            "AccountReference": account_reference[:12],
            "TransactionDesc": description[:13],
        }
        response = await self.connection.post(
            "/mpesa/stkpush/v1/processrequest", body, sends_money=True
        )
        data = accepted_answer(response, sends_money=True)
        checkout = data.get("CheckoutRequestID")
        if not isinstance(checkout, str) or not checkout:
            raise ProviderUncertain("Daraja accepted the push without a CheckoutRequestID")
        return StkPushAccepted(
            checkout_request_id=checkout,
            merchant_request_id=str(data.get("MerchantRequestID", "")),
            customer_message=str(data.get("CustomerMessage", "")),
        )

    async def stk_query(self, checkout_request_id: str) -> StkResult | None:
        timestamp = daraja_timestamp()
        body = {
            "BusinessShortCode": daraja_number(self._shortcode),
            "Password": stk_password(self._shortcode, self._passkey, timestamp),
            "Timestamp": timestamp,
            "CheckoutRequestID": checkout_request_id,
        }
        response = await self.connection.post(
            "/mpesa/stkpushquery/v1/query", body, sends_money=False
        )
        data = read_json(response, sends_money=False)
        if data.get("errorCode") == STILL_PROCESSING:
            return None
        if response.status_code >= 500:
            raise ProviderUnreachable(f"Daraja answered HTTP {response.status_code}")
        if response.status_code >= 400:
            raise ProviderRefused(*error_of(data, response.status_code))
        code = data.get("ResultCode")
        try:
            result_code = int(str(code))
        except ValueError:
            raise ProviderUnreachable("Daraja's query answer has no ResultCode") from None
        return StkResult(result_code=result_code, result_desc=str(data.get("ResultDesc", "")))


def read_json(response: httpx.Response, *, sends_money: bool) -> dict[str, Any]:
    """Daraja's JSON object; a 5xx without one reads as empty (its status says enough)."""
    if response.status_code >= 500:
        try:
            return json_object(response, DARAJA.provider)
        except ProviderUnreachable:
            return {}
    uncertain = sends_money and response.status_code < 400
    error = ProviderUncertain if uncertain else ProviderUnreachable
    return json_object(response, DARAJA.provider, error=error)


def accepted_answer(response: httpx.Response, *, sends_money: bool) -> dict[str, Any]:
    """The answer to a request Daraja took on (`ResponseCode` "0"): a 5xx is unreachable,
    any other failure Daraja's refusal."""
    data = read_json(response, sends_money=sends_money)
    if response.status_code >= 500:
        raise ProviderUnreachable(f"Daraja answered HTTP {response.status_code}")
    if response.status_code >= 400 or str(data.get("ResponseCode")) != "0":
        raise ProviderRefused(*error_of(data, response.status_code))
    return data


def error_of(data: dict[str, Any], status: int) -> tuple[str, str]:
    code = data.get("errorCode") or data.get("ResponseCode") or f"http_{status}"
    message = data.get("errorMessage") or data.get("ResponseDescription") or "refused"
    return str(code), str(message)
