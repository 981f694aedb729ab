"""The Socket.IO edge: authenticate, guard, parse, call one service function, ack.

This is the one place where a chat error becomes an ack (`{ok: false, error}`) or a
disconnect with a reason; nothing a client sends can crash the server or reach
another fan.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from socketio.exceptions import ConnectionRefusedError as Refused

from server.auth.tokens import read_access_token
from server.chat import moderation, service
from server.chat.hub import ChatHub, Connection, log, user_room
from server.contract.chat import (
    ChatErrorBody,
    ChatErrorCode,
    DisconnectReason,
    ErrorAck,
    JoinRequest,
    LeaveRequest,
    ModerateRequest,
    OkAck,
    ReauthRequest,
    SendRequest,
)
from server.errors import FlashError, Unauthorized

Ack = dict[str, Any]
Handler = Callable[[ChatHub, Connection, Any], Awaitable[BaseModel]]
MAX_TOKEN_CHARS = 4096


def register_events(hub: ChatHub) -> None:
    async def connect(sid: str, _environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            message = "connect with auth {token}: an access or guest token"
            raise Refused(message, _code("unauthorized"))
        try:
            principal = read_access_token(hub.settings.secret_key, token)
        except Unauthorized as exc:
            raise Refused(exc.message, _code(exc.code)) from None
        hub.add_connection(sid, principal, token)
        await hub.sio.enter_room(sid, user_room(principal.id))

    async def disconnect(sid: str, *_reason: Any) -> None:
        hub.drop_connection(sid)

    async def unknown_event(event: Any, sid: str, *_args: Any) -> Ack | None:
        connection = hub.connections.get(sid)
        if connection is None or not await _admit(hub, connection, check_token=True):
            return None
        name = str(event)[:40]
        return _error(ChatErrorCode.UNKNOWN_EVENT, f"there is no chat event named {name!r}")

    hub.sio.on("connect", connect)
    hub.sio.on("disconnect", disconnect)
    hub.sio.on("*", unknown_event)
    _on(hub, "join", JoinRequest, service.join)
    _on(hub, "leave", LeaveRequest, service.leave)
    _on(hub, "send", SendRequest, service.send)
    _on(hub, "moderate", ModerateRequest, moderation.moderate)
    _on(hub, "reauth", ReauthRequest, _reauth, check_token=False)


def _on(
    hub: ChatHub, event: str, shape: Any, handler: Handler, *, check_token: bool = True
) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(shape)

    async def dispatch(sid: str, *args: Any) -> Ack | None:
        connection = hub.connections.get(sid)
        if connection is None or not await _admit(hub, connection, check_token=check_token):
            return None
        if len(args) != 1:
            return _error(ChatErrorCode.INVALID_INPUT, f"{event} takes exactly one object")
        try:
            result = await handler(hub, connection, adapter.validate_python(args[0]))
        except ValidationError as exc:
            return _error(ChatErrorCode.INVALID_INPUT, _describe(exc))
        except FlashError as exc:
            details = exc.details if isinstance(exc.details, dict) else {}
            return _error(exc.code, exc.message, details.get("retry_after"))
        except Exception as exc:
            log.error("chat_event_failed", chat_event=event, error=type(exc).__name__, exc_info=exc)
            return _error(ChatErrorCode.INTERNAL_ERROR, "something went wrong on our side")
        return result.model_dump(mode="json")

    hub.sio.on(event, dispatch)


async def _admit(hub: ChatHub, connection: Connection, *, check_token: bool) -> bool:
    """Flood guard and token expiry, checked on every event; failing closes the link."""
    if connection.flood.take() > 0:
        await _close(hub, connection.sid, "flood", "too many events; reconnect more gently")
        return False
    if check_token:
        try:
            connection.principal = read_access_token(hub.settings.secret_key, connection.token)
        except Unauthorized as exc:
            await _close(hub, connection.sid, exc.code, exc.message)
            return False
    return True


async def _reauth(hub: ChatHub, connection: Connection, request: ReauthRequest) -> OkAck:
    principal = read_access_token(hub.settings.secret_key, request.token)
    if principal.id != connection.principal.id:
        raise Unauthorized("this token belongs to someone else", code="invalid_token")
    connection.principal, connection.token = principal, request.token
    return OkAck()


async def _close(hub: ChatHub, sid: str, code: str, message: str) -> None:
    log.info("chat_disconnect", code=code)
    await hub.send_to(sid, "disconnect_reason", DisconnectReason(code=code, message=message))
    await hub.sio.disconnect(sid)
    hub.drop_connection(sid)


def _error(code: str, message: str, retry_after: Any = None) -> Ack:
    wait = float(retry_after) if isinstance(retry_after, int | float) else None
    body = ChatErrorBody(code=str(code), message=message, retry_after=wait)
    return ErrorAck(error=body).model_dump(mode="json", exclude_none=True)


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ()))
    message = str(first.get("msg", "invalid value"))
    return f"{field}: {message}" if field else message


def _code(code: str) -> dict[str, str]:
    return {"code": code}
