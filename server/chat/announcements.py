"""What other domains tell the chat: a tip or a new subscriber to highlight, a stream's status.

Payments calls `announce_tip` once a tip has succeeded and `announce_subscriber` once a
month of membership is paid; streams calls
`broadcast_stream_status` on each status change. Both take the app, its `state`, or
the hub itself, and reach the room and the creator's own clients on every replica.
"""

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from server.chat.hub import ChatHub, user_room
from server.chat.models import ChatMessageRow
from server.chat.moderation import blocked_word_in
from server.chat.repository import ChatRepository
from server.chat.rooms import stream_or_error, to_message
from server.chat.service import store_and_emit
from server.contract.chat import (
    MAX_MESSAGE_CHARS,
    ChatMessage,
    ChatRole,
    StreamStatus,
    SubscriberEvent,
    TipAnnouncement,
    TipEvent,
)
from server.db.base import utcnow
from server.errors import Conflict, InvalidInput
from server.payments.listeners import SubscriberGained, TipSucceeded

ANONYMOUS = "A fan"


def hub_of(target: object) -> ChatHub:
    """The chat hub of an app, of its `state`, or the hub given."""
    if isinstance(target, ChatHub):
        return target
    for holder in (target, getattr(target, "state", None)):
        hub = getattr(holder, "chat", None)
        if isinstance(hub, ChatHub):
            return hub
    raise TypeError("pass the FastAPI app, app.state or the ChatHub")


async def announce_tip(
    target: object, stream_id: str | None, tip: Mapping[str, Any]
) -> ChatMessage | None:
    """Highlight a tip in the stream's chat: stored in history (once per payment, so a
    retried webhook shows it once), then `message` (kind "tip") and `tip` to the room
    and to the creator's clients. A tip's note with a blocked word is shown without it.
    A tip made outside a stream (`stream_id` None, `creator_id` in `tip`) only tells the
    creator's clients, and answers None."""
    hub = hub_of(target)
    announcement = TipAnnouncement.model_validate(dict(tip))
    if stream_id is None:
        await _tell_creator_only(hub, announcement)
        return None
    async with hub.database.session() as session:
        repo = ChatRepository(session)
        earlier = await repo.message_by_payment(announcement.payment_id)
        if earlier is not None:
            return to_message(earlier)
        stream = await stream_or_error(repo, stream_id)
        room = await repo.room(stream.id)
    hub.creators[stream.id] = stream.creator_id
    note = " ".join((announcement.message or "").split())[:MAX_MESSAGE_CHARS]
    if room is not None and blocked_word_in(note, room.blocked_words):
        note = ""
    payer_id = announcement.payer_id or "anonymous"
    row = ChatMessageRow(
        stream_id=stream.id,
        author_id=payer_id,
        author_name=announcement.payer_name.strip() or ANONYMOUS,
        author_role=(ChatRole.GUEST if payer_id.startswith("guest_") else ChatRole.FAN).value,
        kind="tip",
        text=note,
        payment_id=announcement.payment_id,
        amount=announcement.amount,
        currency=announcement.currency,
        sent_at=utcnow(),
    )
    message = await store_and_emit(hub, row, creator_too=True)
    if message is None:  # the same payment was announced concurrently
        async with hub.database.session() as session:
            earlier = await ChatRepository(session).message_by_payment(announcement.payment_id)
        if earlier is None:
            raise Conflict("the tip could not be announced; try again")
        return to_message(earlier)
    event = TipEvent(
        stream_id=stream.id,
        message_id=message.id,
        payment_id=announcement.payment_id,
        amount=announcement.amount,
        currency=announcement.currency,
        payer_name=message.author.name,
        message=note,
        sent_at=message.sent_at,
    )
    await hub.emit_to_stream("tip", event, stream.id, creator_too=True)
    return message


async def _tell_creator_only(hub: ChatHub, announcement: TipAnnouncement) -> None:
    if announcement.creator_id is None:
        raise InvalidInput("a tip outside a stream needs its creator_id")
    event = TipEvent(
        stream_id=None,
        message_id=None,
        payment_id=announcement.payment_id,
        amount=announcement.amount,
        currency=announcement.currency,
        payer_name=announcement.payer_name.strip() or ANONYMOUS,
        message=" ".join((announcement.message or "").split())[:MAX_MESSAGE_CHARS],
        sent_at=utcnow(),
    )
    await hub.emit("tip", event, user_room(announcement.creator_id))


def chat_tip_listener(hub: ChatHub) -> Callable[[TipSucceeded], Awaitable[None]]:
    """The payments domain's tip listener (`app.state.payment_listeners`)."""

    async def on_tip(event: TipSucceeded) -> None:
        tip = {
            "payment_id": event.payment_id,
            "creator_id": event.creator_id,
            "amount": event.amount,
            "currency": event.currency,
            "payer_name": event.payer_name,
            "message": event.message,
        }
        await announce_tip(hub, event.stream_id, tip)

    return on_tip


async def announce_subscriber(target: object, gained: SubscriberGained) -> None:
    """Tell the creator's clients (`subscriber`) and, when the fan subscribed during a
    stream, highlight "<name> subscribed" in its chat, stored once per payment."""
    hub = hub_of(target)
    name = gained.subscriber_name.strip() or ANONYMOUS
    message = None
    if gained.stream_id is not None:
        message = await _highlight_subscriber(hub, gained, name)
    event = SubscriberEvent(
        stream_id=message.stream_id if message is not None else None,
        message_id=message.id if message is not None else None,
        payment_id=gained.payment_id,
        subscriber_id=gained.subscriber_id,
        subscriber_name=name,
        paid_until=gained.paid_until,
        sent_at=message.sent_at if message is not None else utcnow(),
    )
    await hub.emit("subscriber", event, user_room(gained.creator_id))


async def _highlight_subscriber(
    hub: ChatHub, gained: SubscriberGained, name: str
) -> ChatMessage | None:
    """The chat line in the stream the fan subscribed from; None if it is not the creator's."""
    assert gained.stream_id is not None
    async with hub.database.session() as session:
        repo = ChatRepository(session)
        earlier = await repo.message_by_payment(gained.payment_id)
        if earlier is not None:
            return to_message(earlier)
        stream = await repo.stream(gained.stream_id)
    if stream is None or stream.creator_id != gained.creator_id:
        return None
    hub.creators[stream.id] = stream.creator_id
    row = ChatMessageRow(
        stream_id=stream.id,
        author_id=gained.subscriber_id,
        author_name=name,
        author_role=ChatRole.FAN.value,
        kind="member",
        text="subscribed",  # shown after the author's name: "<name> subscribed"
        payment_id=gained.payment_id,
        sent_at=utcnow(),
    )
    message = await store_and_emit(hub, row, creator_too=True)
    if message is None:  # the same payment was announced concurrently
        async with hub.database.session() as session:
            earlier = await ChatRepository(session).message_by_payment(gained.payment_id)
        return to_message(earlier) if earlier is not None else None
    return message


def chat_subscriber_listener(hub: ChatHub) -> Callable[[SubscriberGained], Awaitable[None]]:
    """The payments domain's subscriber listener (`app.state.subscriber_listeners`)."""

    async def on_subscriber(event: SubscriberGained) -> None:
        await announce_subscriber(hub, event)

    return on_subscriber


async def broadcast_stream_status(
    target: object, stream_id: str, status: str, creator_id: str | None = None
) -> None:
    """Tell the room and the creator's clients a stream's new status (`active`, ...)."""
    hub = hub_of(target)
    if creator_id is not None:
        hub.creators[stream_id] = creator_id
    elif stream_id not in hub.creators:
        async with hub.database.session() as session:
            stream = await ChatRepository(session).stream(stream_id)
        if stream is not None:
            hub.creators[stream_id] = stream.creator_id
    payload = StreamStatus(stream_id=stream_id, status=status)
    await hub.emit_to_stream("stream_status", payload, stream_id, creator_too=True)
