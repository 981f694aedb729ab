"""The studio's side of the chat: one Socket.IO connection, kept up, with no gap and no repeat.

python-socketio's own reconnection resends the same auth, so it cannot refresh an
expired token; this client runs its own loop instead: each attempt asks the session
for a fresh token, then rejoins every room with `since` = the last id seen. Catch-up
comes in the join ack only, so messages are merged by id and each is told once.
Listeners are plain `Event`s (no Qt): with qasync they run on the UI thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from server.contract.chat import (
    ChatMessage,
    Deleted,
    DisconnectReason,
    ErrorAck,
    JoinAck,
    ModerateRequest,
    ModerationNotice,
    Pinned,
    RoomSettings,
    StreamStatus,
    SubscriberEvent,
    TipEvent,
    Viewers,
)
from studio.core.backoff import Backoff
from studio.core.chat_ids import SeenIds, merge_by_id
from studio.core.errors import FlashError, ServerUnreachable, Unauthorized
from studio.core.events import Event

if TYPE_CHECKING:
    import socketio

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
log = logging.getLogger("studio.chat")

CALL_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0
SEND_ATTEMPTS = 3
TOKEN_CODES = frozenset({"token_expired", "invalid_token", "unauthorized"})
_moderation = TypeAdapter[Any](ModerateRequest)


class Authorizer(Protocol):
    """What the session offers: run a call with a valid access token, refreshing once."""

    async def authorized(self, call: Callable[[str], Awaitable[T]]) -> T: ...


class ChatState(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    OFFLINE = "offline"


@dataclass(frozen=True)
class ChatStatus:
    state: ChatState
    retry_in: float | None = None
    """Seconds until the next attempt, while reconnecting."""
    reason: str = ""


class ChatRefused(FlashError):
    """The server refused a chat event (`{ok: false, error}`); `code` is the contract's."""

    def __init__(self, message: str, *, code: str, retry_after: float | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class ChatClient:
    """One connection for the signed-in account, shared by every room it joins."""

    def __init__(
        self,
        auth: Authorizer,
        base_url: Callable[[], str],
        *,
        backoff: Backoff | None = None,
        transports: list[str] | None = None,
    ) -> None:
        self._auth = auth
        self._base_url = base_url
        self.backoff = backoff or Backoff(first=1.0, longest=30.0)
        self._transports = transports or ["websocket"]
        self.status = ChatStatus(ChatState.OFFLINE)
        self.status_changed = Event[ChatStatus]()
        self.messages = Event[list[ChatMessage]]()
        """New messages of a joined room, oldest first, each told once (catch-up in one list)."""
        self.deleted = Event[Deleted]()
        self.viewers = Event[Viewers]()
        self.tip = Event[TipEvent]()
        self.subscriber = Event[SubscriberEvent]()
        """A month of membership paid to this creator (their own clients only)."""
        self.stream_status = Event[StreamStatus]()
        self.pinned = Event[Pinned]()
        self.room_settings = Event[RoomSettings]()
        self.joined = Event[JoinAck]()
        self.moderation = Event[ModerationNotice]()
        self._sio: socketio.AsyncClient | None = None
        self._token = ""
        self._rooms: dict[str, SeenIds] = {}
        self._joining: dict[str, list[ChatMessage]] = {}
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()
        self._wake = asyncio.Event()
        self._connected = asyncio.Event()
        self._last_error: Any = None
        self._never_connected = True

    @property
    def rooms(self) -> list[str]:
        return list(self._rooms)

    def last_id(self, stream_id: str) -> str | None:
        seen = self._rooms.get(stream_id)
        return seen.last if seen is not None else None

    def start(self) -> None:
        """Connect, and keep reconnecting until `stop()`."""
        if self._task is None or self._task.done():
            self._never_connected = True
            self._set(ChatStatus(ChatState.CONNECTING))
            self._task = asyncio.create_task(self._run())

    def retry_now(self) -> None:
        """Skip the wait before the next attempt (the server is known to be back)."""
        self._wake.set()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            # Bounded: a connect stuck in the network must never hold up sign-out or quit.
            await asyncio.wait({task}, timeout=STOP_TIMEOUT_S)
        await self._close_socket()
        self._rooms.clear()
        self._set(ChatStatus(ChatState.OFFLINE))

    async def join(self, stream_id: str) -> JoinAck | None:
        """Follow a room from now on (rejoined after every reconnect); None while offline."""
        self._rooms.setdefault(stream_id, SeenIds())
        if not self._connected.is_set():
            return None
        return await self._join(stream_id)

    async def leave(self, stream_id: str) -> None:
        if self._rooms.pop(stream_id, None) is not None and self._connected.is_set():
            with contextlib.suppress(FlashError):
                await self._call("leave", {"stream_id": stream_id})

    async def send(self, stream_id: str, text: str) -> str:
        """Send a message; answers its id or raises ChatRefused. A send cut by a reconnect
        is sent again with the same client_id, which the server shows only once."""
        body = {"stream_id": stream_id, "text": text, "client_id": uuid.uuid4().hex}
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                ack = await self._call("send", body)
            except ServerUnreachable:
                if attempt == SEND_ATTEMPTS:
                    raise
                await self._wait_connected()
                continue
            return str(ack["id"])
        raise ServerUnreachable("the chat is not connected", code="chat_offline")

    async def moderate(self, stream_id: str, action: str, **fields: Any) -> dict[str, Any]:
        """`delete`, `pin`, `unpin`, `timeout`, `ban`, `unban`, `slow_mode`, `members_only`,
        `blocked_words`: checked against the contract before it leaves."""
        body = {"stream_id": stream_id, "action": action, **fields}
        try:
            _moderation.validate_python(body)
        except ValidationError as exc:
            raise ChatRefused(str(exc.errors()[0]["msg"]), code="invalid_input") from None
        return await self._call("moderate", body)

    async def _run(self) -> None:
        failures = 0
        while True:
            self._lost.clear()
            try:
                await self._auth.authorized(self._connect)
            except Unauthorized as exc:
                self._set(ChatStatus(ChatState.OFFLINE, reason=exc.message))
                return
            except FlashError as exc:
                failures += 1
                delay = self.backoff.delay(failures)
                state = ChatState.CONNECTING if self._never_connected else ChatState.RECONNECTING
                self._set(ChatStatus(state, retry_in=delay, reason=exc.message))
                await self._pause(delay)
                continue
            failures = 0
            self._never_connected = False
            self._connected.set()
            self._set(ChatStatus(ChatState.CONNECTED))
            for stream_id in list(self._rooms):
                with contextlib.suppress(FlashError):
                    await self._join(stream_id)
            await self._lost.wait()
            self._connected.clear()
            await self._close_socket()
            self._set(ChatStatus(ChatState.RECONNECTING, reason=self._describe_loss()))

    async def _connect(self, token: str) -> None:
        url = self._base_url()
        if not url:
            raise ServerUnreachable("no server to talk to yet", code="no_server")
        await self._close_socket()
        import socketio  # on first connect: it pulls in aiohttp, ~30 MB the sign-in never needs

        sio = socketio.AsyncClient(reconnection=False)
        self._register(sio)
        self._last_error = None
        try:
            await sio.connect(
                url,
                auth={"token": token},
                transports=self._transports,
                wait_timeout=CONNECT_TIMEOUT_S,
            )
        except (socketio.exceptions.ConnectionError, OSError) as exc:
            code = _error_code(self._last_error)
            if code in TOKEN_CODES:
                raise Unauthorized(f"the chat refused the sign-in ({code})", code=code) from exc
            raise ServerUnreachable(f"cannot reach the chat: {exc}", code="unreachable") from exc
        self._sio, self._token = sio, token

    def _register(self, sio: socketio.AsyncClient) -> None:
        def on(event: str, model: type[M], emit: Callable[[M], None]) -> None:
            def handler(data: Any = None) -> None:
                try:
                    value = model.model_validate(data)
                except ValidationError:
                    log.warning("chat: ignored a malformed %s event", event)
                    return
                emit(value)

            sio.on(event, handler)

        on("message", ChatMessage, self._on_message)
        on("deleted", Deleted, self.deleted.emit)
        on("viewers", Viewers, self.viewers.emit)
        on("tip", TipEvent, self.tip.emit)
        on("subscriber", SubscriberEvent, self.subscriber.emit)
        on("stream_status", StreamStatus, self.stream_status.emit)
        on("pinned", Pinned, self.pinned.emit)
        on("chat_settings", RoomSettings, self.room_settings.emit)
        on("moderation", ModerationNotice, self.moderation.emit)
        on("disconnect_reason", DisconnectReason, self._on_reason)
        sio.on("connect_error", self._on_connect_error)
        sio.on("disconnect", lambda *_args: self._on_disconnect(sio))

    def _on_connect_error(self, data: Any = None) -> None:
        self._last_error = data

    def _on_reason(self, reason: DisconnectReason) -> None:
        self._last_error = {"data": {"code": reason.code}, "message": reason.message}

    def _on_disconnect(self, sio: socketio.AsyncClient) -> None:
        if sio is self._sio:
            self._lost.set()

    def _on_message(self, message: ChatMessage) -> None:
        seen = self._rooms.get(message.stream_id)
        if seen is None:
            return  # a tip of another of the creator's streams: told through `tip`
        if message.stream_id in self._joining:
            self._joining[message.stream_id].append(message)
        elif seen.add(message.id):
            self.messages.emit([message])

    async def _join(self, stream_id: str) -> JoinAck:
        """Join with `since`; events that race the ack are held and merged with the history."""
        self._joining[stream_id] = []
        try:
            while True:
                seen = self._rooms.get(stream_id) or SeenIds()
                body: dict[str, Any] = {"stream_id": stream_id}
                if seen.last is not None:
                    body["since"] = seen.last
                ack = JoinAck.model_validate(await self._call("join", body))
                fresh = [m for m in merge_by_id(ack.history) if seen.add(m.id)]
                if fresh:
                    self.messages.emit(fresh)
                if not ack.has_more:
                    break
        finally:
            held = self._joining.pop(stream_id, [])
        seen = self._rooms.get(stream_id) or SeenIds()
        late = [m for m in merge_by_id(held) if seen.add(m.id)]
        if late:
            self.messages.emit(late)
        self.joined.emit(ack)
        return ack

    async def _call(self, event: str, body: dict[str, Any]) -> dict[str, Any]:
        """One acknowledged event, with a fresh token first if the old one is near expiry."""
        sio = self._sio
        if sio is None or not self._connected.is_set():
            raise ServerUnreachable("the chat is not connected", code="chat_offline")
        token = await self._auth.authorized(_same)
        if token != self._token:
            await self._raw_call(sio, "reauth", {"token": token})
            self._token = token
        ack = await self._raw_call(sio, event, body)
        if not ack.get("ok"):
            error = ErrorAck.model_validate(ack).error
            raise ChatRefused(error.message, code=error.code, retry_after=error.retry_after)
        return ack

    async def _raw_call(
        self, sio: socketio.AsyncClient, event: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        import socketio

        try:
            ack = await sio.call(event, body, timeout=CALL_TIMEOUT_S)
        except (socketio.exceptions.SocketIOError, OSError) as exc:
            message = f"the chat did not answer {event}"
            raise ServerUnreachable(message, code="chat_offline") from exc
        if not isinstance(ack, dict):
            raise ChatRefused(f"unexpected answer to {event}", code="unexpected_answer")
        return ack

    async def _wait_connected(self) -> None:
        try:
            await asyncio.wait_for(self._connected.wait(), CALL_TIMEOUT_S)
        except TimeoutError:
            raise ServerUnreachable("the chat is not connected", code="chat_offline") from None

    async def _close_socket(self) -> None:
        sio, self._sio = self._sio, None
        if sio is not None and sio.connected:
            closing = asyncio.ensure_future(sio.disconnect())
            await asyncio.wait({closing}, timeout=STOP_TIMEOUT_S)
            if closing.done() and not closing.cancelled():
                closing.exception()  # a failed goodbye changes nothing: the socket is dropped

    async def _pause(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    def _describe_loss(self) -> str:
        code = _error_code(self._last_error)
        return code or "connection lost"

    def _set(self, status: ChatStatus) -> None:
        if status != self.status:
            self.status = status
            self.status_changed.emit(status)


async def _same(token: str) -> str:
    return token


def _error_code(data: Any) -> str:
    """`connect_error` data is `{message, data: {code}}`; `disconnect_reason` is mapped alike."""
    if isinstance(data, dict):
        inner = data.get("data")
        if isinstance(inner, dict) and isinstance(inner.get("code"), str):
            return str(inner["code"])
        if isinstance(data.get("code"), str):
            return str(data["code"])
    return ""
