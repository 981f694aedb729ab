"""Stream rules: who may create, read, edit, end or delete a stream, and in which state.

Provider first, then the row: a stream is stored only once Mux has made its live
stream, and a key, a latency mode, an end or a deletion is written only once Mux
has accepted it. A provider failure therefore leaves nothing half-written; the
one gap (Mux succeeded, then our insert failed) is closed by deleting the new
Mux stream again, and any orphan still carries our id in its `passthrough`.
"""

import base64
import binascii
from datetime import datetime

from server.auth.tokens import Principal
from server.config import Settings
from server.contract.auth import Role
from server.contract.streams import (
    LatencyMode,
    OwnerStream,
    Price,
    Stream,
    StreamCreate,
    StreamList,
    StreamStatus,
    StreamUpdate,
    Visibility,
)
from server.db.base import new_id, utcnow
from server.errors import Conflict, Forbidden, InvalidInput, NotFound, ProviderUnavailable
from server.logs import get_logger
from server.payments.memberships import is_member
from server.payments.tickets import has_ticket
from server.providers.mux import LiveStreamSpec
from server.streams import lifecycle
from server.streams.models import StreamRow
from server.streams.providers import StreamProviders, StreamUrls
from server.streams.repository import StreamsRepository
from server.streams.views import is_owner, stream_view

log = get_logger("flash.streams")

BROADCASTING = frozenset({StreamStatus.ACTIVE, StreamStatus.DISCONNECTED})


async def create_stream(
    repo: StreamsRepository,
    providers: StreamProviders,
    urls: StreamUrls,
    settings: Settings,
    principal: Principal,
    body: StreamCreate,
) -> OwnerStream | Stream:
    user = await repo.user(principal.id)
    if user is None:
        raise NotFound("the account no longer exists", code="account_not_found")
    if user.role != Role.CREATOR:
        raise Forbidden("only creators can create streams", code="creators_only")
    stream_id = new_id()
    provider = providers.for_new_stream()
    made = await provider.create_stream(
        LiveStreamSpec(
            passthrough=stream_id,
            latency_mode=body.latency_mode.value,
            reconnect_window=settings.mux_reconnect_window_s,
        )
    )
    stream = StreamRow(
        id=stream_id,
        creator_id=user.id,
        title=body.title,
        description=body.description,
        language=body.language or user.language,
        visibility=body.visibility.value,
        price_amount=body.price.amount if body.price else None,
        price_currency=body.price.currency if body.price else None,
        latency_mode=body.latency_mode.value,
        scheduled_at=body.scheduled_at,
        status=StreamStatus.IDLE.value,
        provider=provider.name,
        provider_stream_id=made.id,
        stream_key=made.stream_key,
        playback_id=made.playback_id,
        reconnect_window=settings.mux_reconnect_window_s,
    )
    try:
        await repo.add_stream(stream)
    except Exception:
        try:
            await provider.delete_stream(made.id)
        except ProviderUnavailable:
            log.error("orphan_provider_stream", stream_id=stream_id, provider=provider.name)
        raise
    return stream_view(stream, user.display_name, [], urls, owner=True)


async def get_stream(
    repo: StreamsRepository, urls: StreamUrls, stream_id: str, reader_id: str | None
) -> OwnerStream | Stream:
    stream = await _existing(repo, stream_id)
    return await _view(repo, urls, stream, reader_id)


async def list_streams(
    repo: StreamsRepository,
    urls: StreamUrls,
    reader_id: str | None,
    creator_id: str,
    cursor: str | None,
    limit: int,
) -> StreamList:
    """One creator's streams, newest first: the owner's view to the owner, public to others."""
    before = _decode_cursor(cursor) if cursor else None
    rows = await repo.streams_of(creator_id, before=before, limit=limit + 1)
    page = rows[:limit]
    names = await repo.display_names([creator_id])
    replays = await repo.replays_of([stream.id for stream in page])
    owner = reader_id == creator_id
    items = [
        stream_view(stream, names.get(creator_id, ""), replays[stream.id], urls, owner=owner)
        for stream in page
    ]
    next_cursor = _encode_cursor(page[-1]) if len(rows) > limit else None
    return StreamList(items=items, next_cursor=next_cursor)


async def update_stream(
    repo: StreamsRepository,
    providers: StreamProviders,
    urls: StreamUrls,
    principal: Principal,
    stream_id: str,
    body: StreamUpdate,
) -> OwnerStream | Stream:
    stream = await owned_stream(repo, principal, stream_id)
    changes = body.changes()
    visibility = Visibility(changes.get("visibility", stream.visibility))
    price = _price_after(stream, visibility, changes)
    try:
        StreamUpdate.check_price(visibility, price)
    except ValueError as exc:
        raise InvalidInput(
            f"price: {exc}", details=[{"field": "price", "message": str(exc)}]
        ) from None
    latency = changes.get("latency_mode")
    if latency is not None and latency != stream.latency_mode:
        _refuse_when_live(stream, "change the latency mode")
        _refuse_when_ended(stream, "change the latency mode")
        await providers.for_stream(stream).set_latency_mode(
            stream.provider_stream_id, latency.value, stream.reconnect_window
        )
        stream.latency_mode = LatencyMode(latency).value
    for name in ("title", "description", "language", "scheduled_at"):
        if name in changes:
            setattr(stream, name, changes[name])
    stream.visibility = visibility.value
    stream.price_amount = price.amount if price else None
    stream.price_currency = price.currency if price else None
    stream.updated_at = utcnow()
    await repo.flush()
    return await _view(repo, urls, stream, principal.id)


async def delete_stream(
    repo: StreamsRepository, providers: StreamProviders, principal: Principal, stream_id: str
) -> None:
    """Hidden at once, and its Mux stream deleted; the row stays for the money it earned."""
    stream = await owned_stream(repo, principal, stream_id)
    _refuse_when_live(stream, "delete it")
    stream.deleted_at = utcnow()
    await repo.flush()
    await providers.for_stream(stream).delete_stream(stream.provider_stream_id)


async def reset_key(
    repo: StreamsRepository,
    providers: StreamProviders,
    urls: StreamUrls,
    principal: Principal,
    stream_id: str,
) -> OwnerStream | Stream:
    """A new key; the old one is refused from now on, even mid-broadcast (a leaked key)."""
    stream = await owned_stream(repo, principal, stream_id)
    _refuse_when_ended(stream, "reset its key")
    stream.stream_key = await providers.for_stream(stream).reset_stream_key(
        stream.provider_stream_id
    )
    stream.updated_at = utcnow()
    await repo.flush()
    return await _view(repo, urls, stream, principal.id)


async def complete(
    repo: StreamsRepository,
    providers: StreamProviders,
    urls: StreamUrls,
    principal: Principal,
    stream_id: str,
) -> tuple[OwnerStream | Stream, lifecycle.StreamStatusChange | None]:
    """End the stream for good; ending an ended stream again is a no-op, not an error."""
    stream = await owned_stream(repo, principal, stream_id)
    change = None
    if stream.status != StreamStatus.COMPLETED:
        await providers.for_stream(stream).complete_stream(stream.provider_stream_id)
        stream.status = StreamStatus.COMPLETED.value
        stream.status_changed_at = stream.updated_at = utcnow()
        change = lifecycle.StreamStatusChange(
            stream_id=stream.id, creator_id=stream.creator_id, status=StreamStatus.COMPLETED
        )
        await repo.flush()
    return await _view(repo, urls, stream, principal.id), change


async def owned_stream(repo: StreamsRepository, principal: Principal, stream_id: str) -> StreamRow:
    """The stream, locked for the write; 404 if unknown, 403 if it is someone else's
    (its existence is public anyway: anyone may read a stream)."""
    stream = await _existing(repo, stream_id, for_update=True)
    if stream.creator_id != principal.id:
        raise Forbidden("only the stream's creator can do this", code="not_stream_owner")
    return stream


def refuse_unless_idle(stream: StreamRow, action: str) -> None:
    _refuse_when_live(stream, action)
    _refuse_when_ended(stream, action)


async def _existing(
    repo: StreamsRepository, stream_id: str, *, for_update: bool = False
) -> StreamRow:
    stream = await repo.stream(stream_id, for_update=for_update)
    if stream is None:
        raise NotFound("there is no such stream", code="stream_not_found")
    return stream


async def _view(
    repo: StreamsRepository, urls: StreamUrls, stream: StreamRow, reader_id: str | None
) -> OwnerStream | Stream:
    names = await repo.display_names([stream.creator_id])
    replays = await repo.replays_of([stream.id])
    owner = is_owner(stream, reader_id)
    ticket_holder = (
        not owner
        and reader_id is not None
        and stream.visibility == Visibility.TICKETED
        and await has_ticket(repo.session, reader_id, stream.id)
    )
    member = (
        not owner
        and reader_id is not None
        and stream.visibility == Visibility.MEMBERS
        and await is_member(repo.session, reader_id, stream.creator_id)
    )
    return stream_view(
        stream,
        names.get(stream.creator_id, ""),
        replays[stream.id],
        urls,
        owner=owner,
        ticket_holder=ticket_holder,
        member=member,
    )


def _price_after(
    stream: StreamRow, visibility: Visibility, changes: dict[str, object]
) -> Price | None:
    """The price after an edit; leaving `ticketed` without naming a price drops the old one."""
    if "price" in changes:
        price = changes["price"]
        return price if isinstance(price, Price) else None
    if visibility is not Visibility.TICKETED or stream.price_amount is None:
        return None
    return Price(amount=stream.price_amount, currency=stream.price_currency or "")


def _refuse_when_live(stream: StreamRow, action: str) -> None:
    if stream.status in BROADCASTING:
        raise Conflict(
            f"the stream is live; end the broadcast before you {action}", code="stream_live"
        )


def _refuse_when_ended(stream: StreamRow, action: str) -> None:
    if stream.status in lifecycle.CLOSED:
        raise Conflict(f"the stream has ended; you can no longer {action}", code="stream_ended")


def _encode_cursor(stream: StreamRow) -> str:
    raw = f"{stream.created_at.isoformat()}|{stream.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, stream_id = raw.split("|", 1)
        moment = datetime.fromisoformat(created_at)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput(
            "cursor is not one this server gave out", code="invalid_cursor"
        ) from None
    if moment.tzinfo is None:
        raise InvalidInput("cursor is not one this server gave out", code="invalid_cursor")
    return moment, stream_id
