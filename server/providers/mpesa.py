"""Safaricom M-Pesa Daraja: OAuth, STK Push (Lipa na M-Pesa Online) and STK Push Query.

Hand-written over httpx: Safaricom publishes no Python SDK, and the community
packages are unmaintained or synchronous, so a small typed client of the three
calls we use is safer than depending on one. `SandboxMpesa`
(`mpesa_sandbox.py`) answers the same `StkApi` when no credentials are set.

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

import asyncio
import base64
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import httpx

from server.providers.errors import ProviderRefused, ProviderUncertain, ProviderUnreachable

NAIROBI = ZoneInfo("Africa/Nairobi")
STILL_PROCESSING = "500.001.1001"
TOKEN_MARGIN_S = 60.0


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


def _number(value: str) -> int | str:
    """Daraja's samples send short codes and phone numbers as JSON numbers."""
    return int(value) if value.isdigit() else value


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
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout_s)
        self._auth = (consumer_key, consumer_secret)
        self._shortcode = shortcode
        self._passkey = passkey
        self._clock = clock
        self._token: str | None = None
        self._token_expires = 0.0
        self._token_lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._http.aclose()

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
            "BusinessShortCode": _number(self._shortcode),
            "Password": stk_password(self._shortcode, self._passkey, timestamp),
            "Timestamp": timestamp,
            "TransactionType": "CustomerPayBillOnline",
            "Amount": amount,
            "PartyA": _number(phone),
            "PartyB": _number(self._shortcode),
            "PhoneNumber": _number(phone),
            "CallBackURL": callback_url,
            "AccountReference": account_reference[:12],
            "TransactionDesc": description[:13],
        }
        response = await self._post("/mpesa/stkpush/v1/processrequest", body, sends_money=True)
        data = _json(response, sends_money=True)
        if response.status_code >= 500:
            raise ProviderUnreachable(f"Daraja answered HTTP {response.status_code}")
        if response.status_code >= 400 or str(data.get("ResponseCode")) != "0":
            raise ProviderRefused(*_error(data, response.status_code))
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
            "BusinessShortCode": _number(self._shortcode),
            "Password": stk_password(self._shortcode, self._passkey, timestamp),
            "Timestamp": timestamp,
            "CheckoutRequestID": checkout_request_id,
        }
        response = await self._post("/mpesa/stkpushquery/v1/query", body, sends_money=False)
        data = _json(response, sends_money=False)
        if data.get("errorCode") == STILL_PROCESSING:
            return None
        if response.status_code >= 500:
            raise ProviderUnreachable(f"Daraja answered HTTP {response.status_code}")
        if response.status_code >= 400:
            raise ProviderRefused(*_error(data, response.status_code))
        code = data.get("ResultCode")
        try:
            result_code = int(str(code))
        except ValueError:
            raise ProviderUnreachable("Daraja's query answer has no ResultCode") from None
        return StkResult(result_code=result_code, result_desc=str(data.get("ResultDesc", "")))

    async def _post(self, path: str, body: dict[str, Any], *, sends_money: bool) -> httpx.Response:
        """POST with a bearer token; a refused token is renewed once and the call repeated."""
        for attempt in range(2):
            token = await self._access_token(renew=attempt > 0)
            try:
                response = await self._http.post(
                    path, json=body, headers={"Authorization": f"Bearer {token}"}
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                raise ProviderUnreachable(f"Daraja is unreachable ({type(exc).__name__})") from None
            except httpx.HTTPError as exc:
                error = ProviderUncertain if sends_money else ProviderUnreachable
                raise error(f"no answer from Daraja ({type(exc).__name__})") from None
            if response.status_code != 401:
                return response
        raise ProviderUnreachable("Daraja refused our access token")

    async def _access_token(self, *, renew: bool) -> str:
        async with self._token_lock:
            if renew or self._token is None or self._clock() >= self._token_expires:
                self._token, lifetime = await self._fetch_token()
                self._token_expires = self._clock() + max(0.0, lifetime - TOKEN_MARGIN_S)
            return self._token

    async def _fetch_token(self) -> tuple[str, float]:
        try:
            response = await self._http.get(
                "/oauth/v1/generate",
                params={"grant_type": "client_credentials"},
                auth=self._auth,
            )
        except httpx.HTTPError as exc:
            raise ProviderUnreachable(
                f"Daraja's OAuth is unreachable ({type(exc).__name__})"
            ) from None
        if response.status_code != 200:
            raise ProviderUnreachable(f"Daraja's OAuth answered HTTP {response.status_code}")
        data = _json(response, sends_money=False)
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise ProviderUnreachable("Daraja's OAuth answer has no access_token")
        try:
            lifetime = float(data.get("expires_in", 3599))
        except (TypeError, ValueError):
            lifetime = 3599.0
        return token, lifetime


def _json(response: httpx.Response, *, sends_money: bool) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        return data
    if response.status_code >= 500:
        return {}
    error = ProviderUncertain if sends_money and response.status_code < 400 else ProviderUnreachable
    raise error(f"Daraja answered HTTP {response.status_code} without a JSON object")


def _error(data: dict[str, Any], status: int) -> tuple[str, str]:
    code = data.get("errorCode") or data.get("ResponseCode") or f"http_{status}"
    message = data.get("errorMessage") or data.get("ResponseDescription") or "refused"
    return str(code), str(message)
