"""The studio's HTTP client for the Flash Africa API (`/api/v1`).

Requests and answers are the contract's own models (`server.contract`), and every
failure leaves here as a `FlashError`: callers never see httpx or a raw body.
"""

import ssl
from functools import cache
from typing import Any, TypeVar, overload
from urllib.parse import quote, urlencode

import httpx
from pydantic import BaseModel, RootModel, ValidationError

from server.contract import (
    API_PREFIX,
    Health,
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    User,
)
from server.contract.chat import ChatSettings, Moderator, ModeratorRequest
from server.contract.earnings import EarningsSummary, EarningsTransactions
from server.contract.payouts import CreatePayoutRequest, Payout, Payouts
from server.contract.streams import StreamList, ViewerStats
from studio.core.errors import ServerError, ServerUnreachable, error_from_response

M = TypeVar("M", bound=BaseModel)
ModeratorList = RootModel[list[Moderator]]

DEFAULT_TIMEOUT_S = 15.0
HEALTH_TIMEOUT_S = 5.0


@cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every client: each would otherwise load the CA bundle (~1 MB)."""
    return httpx.create_ssl_context()


class ApiClient:
    """One connection pool to one server; point it elsewhere with `base_url`."""

    def __init__(
        self,
        base_url: str = "",
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base_url = ""
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport, verify=tls_context())
        self.base_url = base_url

    @property
    def base_url(self) -> str:
        """The server's root, e.g. `http://127.0.0.1:8000` (no `/api/v1`)."""
        return self._base_url

    @base_url.setter
    def base_url(self, url: str) -> None:
        self._base_url = url.rstrip("/")

    async def aclose(self) -> None:
        await self._http.aclose()

    async def health(self) -> Health:
        return await self.send("GET", "/health", answer=Health, time_limit=HEALTH_TIMEOUT_S)

    async def register(self, body: RegisterRequest) -> TokenPair:
        return await self.send("POST", "/auth/register", body=body, answer=TokenPair)

    async def login(self, body: LoginRequest) -> TokenPair:
        return await self.send("POST", "/auth/login", body=body, answer=TokenPair)

    async def refresh(self, refresh_token: str) -> TokenPair:
        body = RefreshRequest(refresh_token=refresh_token)
        return await self.send("POST", "/auth/refresh", body=body, answer=TokenPair)

    async def logout(self, refresh_token: str) -> None:
        await self.send("POST", "/auth/logout", body=LogoutRequest(refresh_token=refresh_token))

    async def me(self, access_token: str) -> User:
        return await self.send("GET", "/me", token=access_token, answer=User)

    async def earnings_summary(self, access_token: str) -> EarningsSummary:
        return await self.send(
            "GET", "/earnings/summary", token=access_token, answer=EarningsSummary
        )

    async def earnings_transactions(
        self, access_token: str, cursor: str | None, limit: int
    ) -> EarningsTransactions:
        """Every change to the creator's payments after `cursor` (None: from the start)."""
        query = {"limit": str(limit)} | ({"cursor": cursor} if cursor else {})
        return await self.send(
            "GET",
            f"/earnings/transactions?{urlencode(query)}",
            token=access_token,
            answer=EarningsTransactions,
        )

    async def create_payout(
        self, access_token: str, body: CreatePayoutRequest, idempotency_key: str
    ) -> Payout:
        """Withdraw to mobile money; the same key (and body) on a retry never pays twice."""
        return await self.send(
            "POST",
            "/payouts",
            body=body,
            token=access_token,
            answer=Payout,
            headers={"Idempotency-Key": idempotency_key},
        )

    async def payout(self, access_token: str, payout_id: str) -> Payout:
        return await self.send(
            "GET", f"/payouts/{quote(payout_id)}", token=access_token, answer=Payout
        )

    async def payouts(self, access_token: str, limit: int = 50) -> Payouts:
        """The creator's payouts, newest first."""
        return await self.send("GET", f"/payouts?limit={limit}", token=access_token, answer=Payouts)

    async def my_streams(self, access_token: str, limit: int = 20) -> StreamList:
        """The signed-in creator's streams, newest first."""
        return await self.send(
            "GET", f"/streams?limit={limit}", token=access_token, answer=StreamList
        )

    async def viewer_stats(self, access_token: str, stream_id: str) -> ViewerStats:
        return await self.send(
            "GET", f"/streams/{quote(stream_id)}/viewers", token=access_token, answer=ViewerStats
        )

    async def chat_settings(self, access_token: str, stream_id: str) -> ChatSettings:
        return await self.send(
            "GET",
            f"/streams/{quote(stream_id)}/chat-settings",
            token=access_token,
            answer=ChatSettings,
        )

    async def put_chat_settings(
        self, access_token: str, stream_id: str, body: ChatSettings
    ) -> ChatSettings:
        return await self.send(
            "PUT",
            f"/streams/{quote(stream_id)}/chat-settings",
            body=body,
            token=access_token,
            answer=ChatSettings,
        )

    async def moderators(self, access_token: str, stream_id: str) -> list[Moderator]:
        answer = await self.send(
            "GET",
            f"/streams/{quote(stream_id)}/moderators",
            token=access_token,
            answer=ModeratorList,
        )
        return answer.root

    async def add_moderator(self, access_token: str, stream_id: str, user_id: str) -> Moderator:
        return await self.send(
            "POST",
            f"/streams/{quote(stream_id)}/moderators",
            body=ModeratorRequest(user_id=user_id),
            token=access_token,
            answer=Moderator,
        )

    async def remove_moderator(self, access_token: str, stream_id: str, user_id: str) -> None:
        await self.send(
            "DELETE",
            f"/streams/{quote(stream_id)}/moderators/{quote(user_id)}",
            token=access_token,
        )

    @overload
    async def send(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        token: str | None = None,
        answer: type[M],
        headers: dict[str, str] | None = None,
        time_limit: float | None = None,
    ) -> M: ...

    @overload
    async def send(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        token: str | None = None,
        answer: None = None,
        headers: dict[str, str] | None = None,
        time_limit: float | None = None,
    ) -> None: ...

    async def send(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        token: str | None = None,
        answer: type[M] | None = None,
        headers: dict[str, str] | None = None,
        time_limit: float | None = None,
    ) -> M | None:
        """Send one request; answer the parsed `answer` model (or None) or raise a FlashError."""
        if not self._base_url:
            raise ServerUnreachable("no server to talk to yet", code="no_server")
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        payload = body.model_dump(mode="json", exclude_none=True) if body is not None else None
        extra: dict[str, Any] = {} if time_limit is None else {"timeout": time_limit}
        try:
            response = await self._http.request(
                method,
                self._base_url + API_PREFIX + path,
                json=payload,
                headers=all_headers,
                **extra,
            )
        except httpx.TransportError as exc:
            raise ServerUnreachable(
                f"cannot reach {self._base_url}: {type(exc).__name__}", code="unreachable"
            ) from exc
        if response.is_error:
            raise error_from_response(
                response.status_code, _json_or_none(response), response.headers.get("Retry-After")
            )
        if answer is None:
            return None
        try:
            return answer.model_validate_json(response.content)
        except ValidationError as exc:
            raise ServerError(
                f"the server's answer to {path} is not what this studio expects",
                code="unexpected_answer",
                status=response.status_code,
            ) from exc


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
