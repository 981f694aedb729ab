"""A room's standing rules as the creator sets them over REST: settings and moderators."""

from server.auth.tokens import Principal
from server.chat.hub import ChatHub, stream_room
from server.chat.moderation import PRIVILEGED, normalize_words
from server.chat.repository import ChatRepository, StreamInfo
from server.chat.rooms import chat_role, room_settings, stream_or_error
from server.contract.chat import Audience, ChatRole, ChatSettings, Moderator
from server.errors import Forbidden, InvalidInput, NotFound


async def read_settings(hub: ChatHub, principal: Principal, stream_id: str) -> ChatSettings:
    async with hub.database.session() as session:
        repo = ChatRepository(session)
        await _staff_stream(repo, principal, stream_id)
        room = await repo.room(stream_id)
    if room is None:
        return ChatSettings()
    return ChatSettings(
        slow_mode_s=room.slow_mode_s,
        audience=Audience(room.audience),
        blocked_words=[str(word) for word in room.blocked_words],
    )


async def write_settings(
    hub: ChatHub, principal: Principal, stream_id: str, body: ChatSettings
) -> ChatSettings:
    words = normalize_words(body.blocked_words)
    async with hub.database.session() as session:
        repo = ChatRepository(session)
        stream = await _staff_stream(repo, principal, stream_id)
        await repo.update_room(
            stream_id,
            slow_mode_s=body.slow_mode_s,
            audience=body.audience.value,
            blocked_words=words,
        )
        room = await repo.ensure_room(stream_id)
    hub.creators[stream.id] = stream.creator_id
    await hub.emit("chat_settings", room_settings(stream_id, room), stream_room(stream_id))
    return ChatSettings(slow_mode_s=body.slow_mode_s, audience=body.audience, blocked_words=words)


async def list_moderators(hub: ChatHub, principal: Principal, stream_id: str) -> list[Moderator]:
    async with hub.database.session() as session:
        repo = ChatRepository(session)
        await _staff_stream(repo, principal, stream_id)
        rows = await repo.moderators(stream_id)
    return [
        Moderator(user_id=row.user_id, display_name=name, added_at=row.added_at)
        for row, name in rows
    ]


async def add_moderator(
    hub: ChatHub, principal: Principal, stream_id: str, user_id: str
) -> Moderator:
    async with hub.database.session() as session:
        repo = ChatRepository(session)
        stream = await _creator_stream(repo, principal, stream_id)
        if user_id == stream.creator_id:
            raise InvalidInput("the creator already moderates their own chat", code="invalid_input")
        user = await repo.user(user_id)
        if user is None:
            raise NotFound("there is no account with this id", code="unknown_user")
        await repo.add_moderator(stream_id, user_id, principal.id)
        rows = await repo.moderators(stream_id)
    row = next(row for row, _name in rows if row.user_id == user_id)
    return Moderator(user_id=user_id, display_name=user.display_name, added_at=row.added_at)


async def remove_moderator(
    hub: ChatHub, principal: Principal, stream_id: str, user_id: str
) -> None:
    async with hub.database.session() as session:
        repo = ChatRepository(session)
        await _creator_stream(repo, principal, stream_id)
        if not await repo.remove_moderator(stream_id, user_id):
            raise NotFound("this account is not a moderator of this stream")


async def _staff_stream(repo: ChatRepository, principal: Principal, stream_id: str) -> StreamInfo:
    stream = await stream_or_error(repo, stream_id)
    if await chat_role(repo, stream, principal) not in PRIVILEGED:
        raise Forbidden("only the creator and their moderators can see or change this")
    return stream


async def _creator_stream(
    repo: ChatRepository, principal: Principal, stream_id: str
) -> StreamInfo:
    stream = await stream_or_error(repo, stream_id)
    if await chat_role(repo, stream, principal) is not ChatRole.CREATOR:
        raise Forbidden("only the stream's creator can name moderators")
    return stream
