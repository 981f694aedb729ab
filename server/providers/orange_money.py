"""Orange Money WebPay: OAuth token, payment session (`webpayment`) and `transactionstatus`.

Hand-written over httpx: Orange publishes no SDK and no maintained Python library
exists (the PyPI and Packagist wrappers are small, unmaintained and synchronous),
so a small typed client of the three calls we use is safer than depending on one.
Its token cache and transport failure rules are shared with the other mobile-money
clients (`oauth_client.py`). `SandboxOrange` (`orange_money_sandbox.py`) answers the
same `WebPayApi` when no credentials are set.

WebPay shapes (https://developer.orange.com/apis/om-webpay):
- `POST /oauth/v3/token` with HTTP basic auth (client id and secret) and the form
  `grant_type=client_credentials` → `{"token_type": "Bearer", "access_token", "expires_in"}`.
- `POST /orange-money-webpay/{country}/v1/webpayment` with `{merchant_key, currency,
  order_id, amount, return_url, cancel_url, notif_url, lang, reference}` → 201
  `{"status": 201, "message": "OK", "pay_token", "payment_url", "notif_token"}`.
  `country` is `dev` in Orange's sandbox, whose only currency is `OUV`.
- `POST /orange-money-webpay/{country}/v1/transactionstatus` with `{order_id, amount,
  pay_token}` → `{"status": "INITIATED"|"PENDING"|"SUCCESS"|"FAILED"|"EXPIRED", "txnid"?}`.
- Errors: `{"code", "message", "description"}` with a 4xx or 5xx status.

A `webpayment` call only opens a payment page; no money moves until the payer
pays on that page, whose address only we hand out. So a call whose answer was
lost is safe to send again (under the same `order_id`): every transport failure
is `ProviderUnreachable`, never `ProviderUncertain`.
"""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from server.providers.errors import ProviderRefused, ProviderUnreachable
from server.providers.oauth_client import BearerConnection, ProviderNames, json_object

ORANGE = ProviderNames(
    provider="Orange Money",
    token_service="Orange's OAuth",
    token_refused="Orange Money refused our access token",
)
SANDBOX_COUNTRY = "dev"
SANDBOX_CURRENCY = "OUV"  # the sandbox's play currency: real codes are refused there
PENDING_STATUSES = frozenset({"INITIATED", "PENDING"})
FINAL_STATUSES = frozenset({"SUCCESS", "FAILED", "EXPIRED"})
MAX_TOKEN_CHARS = 120  # longer answers are refused: the pay_token goes into our reference


@dataclass(frozen=True)
class WebPaymentStarted:
    pay_token: str  # names the session in `transactionstatus`
    payment_url: str  # Orange's page, where the payer pays
    notif_token: str  # echoed in Orange's notification: proves it is about this session


@dataclass(frozen=True)
class TransactionStatus:
    status: str  # one of PENDING_STATUSES or FINAL_STATUSES
    txnid: str | None


class WebPayApi(Protocol):
    """The part of WebPay the payments domain uses; Orange and the sandbox both speak it."""

    async def web_payment(
        self,
        *,
        order_id: str,
        amount: int,
        currency: str,
        return_url: str,
        cancel_url: str,
        notif_url: str,
        lang: str,
        reference: str,
    ) -> WebPaymentStarted:
        """`amount` in whole units of `currency` (XOF and XAF have no minor unit)."""
        ...

    async def transaction_status(
        self, *, order_id: str, amount: int, pay_token: str
    ) -> TransactionStatus: ...

    async def aclose(self) -> None: ...


class OrangeWebPayClient:
    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        merchant_key: str,
        country: str,
        timeout_s: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        auth = (client_id, client_secret)

        def request_token(http: httpx.AsyncClient) -> Awaitable[httpx.Response]:
            return http.post(
                "/oauth/v3/token",
                data={"grant_type": "client_credentials"},
                auth=auth,
                headers={"Accept": "application/json"},
            )

        self._connection = BearerConnection(
            base_url=base_url,
            names=ORANGE,
            request_token=request_token,
            timeout_s=timeout_s,
            clock=clock,
        )
        self._merchant_key = merchant_key
        self._country = country

    async def aclose(self) -> None:
        await self._connection.aclose()

    async def web_payment(
        self,
        *,
        order_id: str,
        amount: int,
        currency: str,
        return_url: str,
        cancel_url: str,
        notif_url: str,
        lang: str,
        reference: str,
    ) -> WebPaymentStarted:
        body = {
            "merchant_key": self._merchant_key,
            "currency": SANDBOX_CURRENCY if self._country == SANDBOX_COUNTRY else currency,
            "order_id": order_id,
            "amount": amount,
            "return_url": return_url,
            "cancel_url": cancel_url,
            "notif_url": notif_url,
            "lang": lang,
            "reference": reference,
        }
        response = await self._post("webpayment", body)
        data = _answer(response)
        pay_token = data.get("pay_token")
        payment_url = data.get("payment_url")
        notif_token = data.get("notif_token")
        if not (
            _token(pay_token)
            and _token(notif_token)
            and isinstance(payment_url, str)
            and payment_url.startswith(("https://", "http://"))
        ):
            raise ProviderUnreachable("Orange's webpayment answer lacks a usable token or URL")
        assert isinstance(pay_token, str) and isinstance(notif_token, str)
        return WebPaymentStarted(pay_token, payment_url, notif_token)

    async def transaction_status(
        self, *, order_id: str, amount: int, pay_token: str
    ) -> TransactionStatus:
        body = {"order_id": order_id, "amount": amount, "pay_token": pay_token}
        data = _answer(await self._post("transactionstatus", body))
        status = str(data.get("status", "")).upper()
        if status not in PENDING_STATUSES | FINAL_STATUSES:
            raise ProviderUnreachable("Orange's transactionstatus answer has no known status")
        txnid = data.get("txnid")
        return TransactionStatus(status, str(txnid) if txnid else None)

    async def _post(self, call: str, body: dict[str, Any]) -> httpx.Response:
        """No money moves on these calls (see above): a lost answer is always unreachable."""
        path = f"/orange-money-webpay/{self._country}/v1/{call}"
        headers = {"Accept": "application/json"}
        return await self._connection.send(
            "POST", path, json=body, headers=headers, sends_money=False
        )


def _answer(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a 2xx answer; a 5xx is unreachable, any other 4xx a refusal."""
    if response.status_code >= 500:
        raise ProviderUnreachable(f"Orange Money answered HTTP {response.status_code}")
    if response.status_code >= 400:
        try:
            data = json_object(response, ORANGE.provider)
        except ProviderUnreachable:
            data = {}
        code = data.get("code") or f"http_{response.status_code}"
        message = data.get("description") or data.get("message") or "refused"
        raise ProviderRefused(str(code)[:40], str(message)[:200])
    return json_object(response, ORANGE.provider)


def _token(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_TOKEN_CHARS and value.isprintable()
