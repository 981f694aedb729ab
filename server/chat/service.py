"""Chat's main workflow: join a stream's room with catch-up, send a message, store it."""

from sqlalchemy.exc import IntegrityError

from server.chat import moderation
from server.chat.hub import ChatHub, Connection
from server.chat.models import ChatMessageRow
from server.chat.repository import ChatRepository
from server.chat.rooms import (
    chat_role,
    message_id,
    role_of,
    room_settings,
    stream_or_error,
    to_message,
)
from server.chat.viewers import live_count
from server.contract.chat import (
    HISTORY_DEFAULT,
    HISTORY_MAX,
    MAX_MESSAGE_CHARS,
    ChatErrorCode,
    ChatMessage,
    JoinAck,
    JoinRequest,
    LeaveRequest,
    OkAck,
    SendAck,
    SendRequest,
)
from server.db.base import utcnow
from server.errors import Conflict, FlashError, InvalidInput, NotFound


async def join(hub: ChatHub, connection: Connection, request: JoinRequest) -> JoinAck:
    async with hub.database.session() as session:
        repo = ChatRepository(session)
        stream = await stream_or_error(repo, request.stream_id)
        role = await chat_role(repo, stream, connection.principal)
        room = await repo.room(stream.id)
        pinned = None
        if room is not None and room.pinned_seq is not None:
            pinned = await repo.message(stream.id, room.pinned_seq)
    hub.creators[stream.id] = stream.creator_id
    async with hub.stream_lock(stream.id):
        await hub.enter_stream(connection, stream.id)
        async with hub.database.session() as session:
            repo = ChatRepository(session)
            if request.since is None:
                rows = await repo.latest_messages(stream.id, HISTORY_DEFAULT)
                has_more = False
            else:
                found = await repo.messages_after(stream.id, int(request.since), HISTORY_MAX + 1)
                rows, has_more = list(found[:HISTORY_MAX]), len(found) > HISTORY_MAX
    return JoinAck(
        history=[to_message(row) for row in rows],
        has_more=has_more,
        settings=room_settings(stream.id, room),
        pinned=to_message(pinned) if pinned is not None and pinned.deleted_at is None else None,
        viewers=await live_count(hub, stream.id),
        role=role,
    )


async def leave(hub: ChatHub, connection: Connection, request: LeaveRequest) -> OkAck:
    if request.stream_id in connection.streams:
        await hub.leave_stream(connection, request.stream_id)
    return OkAck()


async def send(hub: ChatHub, connection: Connection, request: SendRequest) -> SendAck:
    text = request.text.strip()
    if not text:
        raise InvalidInput("the message is empty", code=ChatErrorCode.EMPTY)
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(
            f"a message holds at most {MAX_MESSAGE_CHARS} characters",
            code=ChatErrorCode.TOO_LONG,
            details={"max": MAX_MESSAGE_CHARS},
        )
    if request.stream_id not in connection.streams:
        raise Conflict("join the stream's chat before writing", code=ChatErrorCode.NOT_JOINED)
    principal = connection.principal
    async with hub.database.session() as session:
        repo = ChatRepository(session)
        context = await repo.send_context(request.stream_id, principal.id)
        if context is None:
            raise NotFound("there is no stream with this id", code=ChatErrorCode.UNKNOWN_STREAM)
        stream = context.stream
        role = role_of(stream, principal, context.is_moderator)
        try:
            await moderation.check_may_send(
                repo, hub.sender_limits, context, principal, role, text
            )
        except FlashError:
            # A retry of a message already stored (slow mode would refuse it) gets its id.
            earlier = await repo.message_by_client_id(stream.id, principal.id, request.client_id)
            if earlier is None:
                raise
            return SendAck(id=message_id(earlier.seq))
    row = ChatMessageRow(
        stream_id=stream.id,
        author_id=principal.id,
        author_name=principal.name,
        author_role=role.value,
        kind="chat",
        text=text,
        client_id=request.client_id,
        sent_at=utcnow(),
    )
    message = await store_and_emit(hub, row)
    if message is None:  # this client_id is stored already: a retry, shown once
        async with hub.database.session() as session:
            earlier = await ChatRepository(session).message_by_client_id(
                stream.id, principal.id, request.client_id
            )
        if earlier is None:
            raise Conflict("the message could not be stored; send it again", code="conflict")
        return SendAck(id=message_id(earlier.seq))
    return SendAck(id=message.id)


async def store_and_emit(
    hub: ChatHub, row: ChatMessageRow, *, creator_too: bool = False
) -> ChatMessage | None:
    """Number, store and fan out one message; None when a unique key says it exists."""
    async with hub.stream_lock(row.stream_id):
        try:
            async with hub.database.session() as session:
                repo = ChatRepository(session)
                row.seq = await repo.next_seq(row.stream_id)
                await repo.add_message(row)
        except IntegrityError:
            return None
        message = to_message(row)
        await hub.emit_to_stream("message", message, row.stream_id, creator_too=creator_too)
    return message
