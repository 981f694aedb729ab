"""What our hand-written mobile-money clients share: a bearer token cached until shortly
before it expires, calls that carry it, and reading the providers' JSON answers.

Daraja (M-Pesa), Orange Money WebPay and MTN MoMo each hand out a client-credentials
token (`{"access_token", "expires_in"}`) and refuse an expired one with 401. No
maintained async library covers any of them (see each client's docstring), so the
clients are hand-written over httpx; this module keeps the token and failure rules in
one place so they cannot drift apart. Each provider keeps its own paths, auth style,
headers and answers in its own module.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from server.providers.errors import ProviderUncertain, ProviderUnreachable

TOKEN_MARGIN_S = 60.0  # a token is renewed this long before the provider says it expires

TokenRequest = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]
"""Asks the provider for a token over the connection's client (its path and auth style)."""


@dataclass(frozen=True)
class ProviderNames:
    """How failure messages name a provider; they never carry secrets."""

    provider: str  # "Daraja": "no answer from Daraja (ReadTimeout)"
    token_service: str  # "Daraja's OAuth": "Daraja's OAuth answered HTTP 401"
    token_refused: str  # when even a fresh token is refused


class CachedToken:
    """A bearer token, fetched when first needed and again shortly before it expires or
    when refused; one lock, so callers arriving together fetch it once."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        request: TokenRequest,
        names: ProviderNames,
        *,
        default_lifetime_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._request = request
        self._names = names
        self._default_lifetime_s = default_lifetime_s
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def bearer(self, *, renew: bool = False) -> str:
        async with self._lock:
            if renew or self._token is None or self._clock() >= self._expires:
                self._token, lifetime = await self._fetch()
                self._expires = self._clock() + max(0.0, lifetime - TOKEN_MARGIN_S)
            return self._token

    async def _fetch(self) -> tuple[str, float]:
        service = self._names.token_service
        try:
            response = await self._request(self._http)
        except httpx.HTTPError as exc:
            raise ProviderUnreachable(f"{service} is unreachable ({type(exc).__name__})") from None
        if response.status_code != 200:
            # A refused key or secret: nothing was asked of the provider, so nothing to undo.
            raise ProviderUnreachable(f"{service} answered HTTP {response.status_code}")
        return read_token(response, self._names, default_lifetime_s=self._default_lifetime_s)


def read_token(
    response: httpx.Response, names: ProviderNames, *, default_lifetime_s: float
) -> tuple[str, float]:
    """The token and its lifetime in seconds (`expires_in`, a number or a numeric string)."""
    data = json_object(response, names.provider)
    token = data.get("access_token")
    if not isinstance(token, str) or not token:
        raise ProviderUnreachable(f"{names.token_service} answer has no access_token")
    try:
        lifetime = float(data.get("expires_in", default_lifetime_s))
    except (TypeError, ValueError):
        lifetime = default_lifetime_s
    return token, lifetime


def json_object(
    response: httpx.Response,
    provider: str,
    *,
    error: type[ProviderUnreachable | ProviderUncertain] = ProviderUnreachable,
) -> dict[str, Any]:
    """The answer's JSON object, or `error`: an answer we cannot read tells us nothing."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        return data
    raise error(f"{provider} answered HTTP {response.status_code} without a JSON object")


class BearerConnection:
    """HTTP to one provider under its cached token; a refused token is renewed once.

    `sends_money` on each call: a request that may have reached the provider without
    an answer is `ProviderUncertain` (never send it again), not `ProviderUnreachable`.
    """

    def __init__(
        self,
        *,
        base_url: str,
        names: ProviderNames,
        request_token: TokenRequest,
        default_lifetime_s: float = 3600.0,
        timeout_s: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout_s)
        self._names = names
        self.token = CachedToken(
            self._http, request_token, names, default_lifetime_s=default_lifetime_s, clock=clock
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        sends_money: bool,
    ) -> httpx.Response:
        provider = self._names.provider
        for attempt in range(2):
            token = await self.token.bearer(renew=attempt > 0)
            all_headers = {"Authorization": f"Bearer {token}", **(headers or {})}
            try:
                response = await self._http.request(method, path, json=json, headers=all_headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                failure = type(exc).__name__
                raise ProviderUnreachable(f"{provider} is unreachable ({failure})") from None
            except httpx.HTTPError as exc:
                error = ProviderUncertain if sends_money else ProviderUnreachable
                raise error(f"no answer from {provider} ({type(exc).__name__})") from None
            if response.status_code != 401:
                return response
        raise ProviderUnreachable(self._names.token_refused)
