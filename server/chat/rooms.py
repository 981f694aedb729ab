"""The shared vocabulary of a stream's chat room: ids, roles, messages and rules."""

from server.auth.tokens import Principal
from server.chat.models import ChatMessageRow, ChatRoomRow
from server.chat.repository import ChatRepository, StreamInfo
from server.contract.chat import (
    Audience,
    ChatAuthor,
    ChatErrorCode,
    ChatMessage,
    ChatRole,
    RoomSettings,
)
from server.errors import NotFound

ID_DIGITS = 12


def message_id(seq: int) -> str:
    """Zero-padded, so ids sort as strings in send order."""
    return f"{seq:0{ID_DIGITS}d}"


def to_message(row: ChatMessageRow) -> ChatMessage:
    return ChatMessage(
        id=message_id(row.seq),
        stream_id=row.stream_id,
        author=ChatAuthor(id=row.author_id, name=row.author_name, role=ChatRole(row.author_role)),
        text=row.text,
        sent_at=row.sent_at,
        client_id=row.client_id,
        kind=row.kind if row.kind in ("tip", "member") else "chat",
        amount=row.amount,
        currency=row.currency,
    )


def room_settings(stream_id: str, room: ChatRoomRow | None) -> RoomSettings:
    if room is None:
        return RoomSettings(stream_id=stream_id)
    return RoomSettings(
        stream_id=stream_id, slow_mode_s=room.slow_mode_s, audience=Audience(room.audience)
    )


async def stream_or_error(repo: ChatRepository, stream_id: str) -> StreamInfo:
    stream = await repo.stream(stream_id)
    if stream is None:
        raise NotFound("there is no stream with this id", code=ChatErrorCode.UNKNOWN_STREAM)
    return stream


async def chat_role(repo: ChatRepository, stream: StreamInfo, principal: Principal) -> ChatRole:
    is_creator = principal.kind == "access" and principal.id == stream.creator_id
    moderator = not is_creator and principal.kind == "access"
    return role_of(
        stream, principal, moderator and await repo.is_moderator(stream.id, principal.id)
    )


def role_of(stream: StreamInfo, principal: Principal, is_moderator: bool) -> ChatRole:
    if principal.kind == "access" and principal.id == stream.creator_id:
        return ChatRole.CREATOR
    if principal.kind == "access" and is_moderator:
        return ChatRole.MODERATOR
    return ChatRole.GUEST if principal.kind == "guest" else ChatRole.FAN
