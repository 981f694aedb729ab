"""Who is signed in to the current server, and keeping their tokens fresh.

Refresh tokens rotate: every refresh answers a new pair and spends the old
refresh token, so the newest pair is stored before it is used, and only one
refresh runs at a time (two with the same token would close the sign-in).
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from server.contract import LoginRequest, RegisterRequest, TokenPair, User
from studio.core.api_client import ApiClient
from studio.core.errors import FlashError, Unauthorized
from studio.core.events import Event
from studio.core.token_store import StoredSignIn, TokenStore

T = TypeVar("T")


class Session:
    """The account signed in on one server; its sign-in survives restarts via the vault."""

    def __init__(self, api: ApiClient, store: TokenStore) -> None:
        self.api = api
        self.store = store
        self.server_id = ""
        self._current: StoredSignIn | None = None
        self._refreshing = asyncio.Lock()
        self.signed_in = Event[User]()
        self.signed_out = Event[FlashError | None]()
        """Carries why the sign-in ended when the user did not choose to (None when they did)."""

    @property
    def user(self) -> User | None:
        return self._current.user if self._current else None

    async def use_server(self, server_id: str) -> User | None:
        """Switch to a server's stored sign-in, if any: the studio opens signed in, even offline."""
        self.server_id = server_id
        self._current = await self.store.load(server_id)
        if self._current is None:
            self.signed_out.emit(None)
            return None
        self.signed_in.emit(self._current.user)
        return self._current.user

    async def sign_up(self, form: RegisterRequest) -> User:
        return await self._open(await self.api.register(form))

    async def sign_in(self, form: LoginRequest) -> User:
        return await self._open(await self.api.login(form))

    async def sign_out(self) -> None:
        """Forget the sign-in here first, then tell the server; offline is fine."""
        current, self._current = self._current, None
        await self.store.clear(self.server_id)
        self.signed_out.emit(None)
        if current is not None:
            try:
                await self.api.logout(current.refresh_token)
            except FlashError:
                pass  # the server will let the refresh token expire on its own

    async def confirm(self) -> User | None:
        """Ask the server whether the stored sign-in still holds, and refresh the account."""
        if self._current is None:
            return None
        user = await self.authorized(self.api.me)
        if self._current is not None and self._current.user != user:
            self._current = self._current.model_copy(update={"user": user})
            await self.store.save(self.server_id, self._current)
            self.signed_in.emit(user)
        return user

    async def authorized(self, call: Callable[[str], Awaitable[T]]) -> T:
        """Run `call(access_token)`; on a refusal, refresh once and try again."""
        token = await self._access_token()
        try:
            return await call(token)
        except Unauthorized:
            return await call(await self._access_token(stale=token))

    async def _open(self, pair: TokenPair) -> User:
        user = await self.api.me(pair.access_token)
        self._current = StoredSignIn.from_pair(pair, user)
        await self.store.save(self.server_id, self._current)
        self.signed_in.emit(user)
        return user

    async def _access_token(self, stale: str | None = None) -> str:
        current = self._require()
        if current.access_token != stale and not current.access_expired():
            return current.access_token
        async with self._refreshing:
            current = self._require()
            if current.access_token != stale and not current.access_expired():
                return current.access_token  # another call refreshed while we waited
            try:
                pair = await self.api.refresh(current.refresh_token)
            except Unauthorized as exc:
                await self._end(exc)
                raise
            self._current = StoredSignIn.from_pair(pair, current.user)
            await self.store.save(self.server_id, self._current)
            return pair.access_token

    async def _end(self, reason: FlashError) -> None:
        self._current = None
        await self.store.clear(self.server_id)
        self.signed_out.emit(reason)

    def _require(self) -> StoredSignIn:
        if self._current is None:
            raise Unauthorized("you are not signed in", code="not_signed_in")
        return self._current
