"""Stream rows as the wire shows them: the owner's view, and everyone else's.

Deciding what a reader may see happens here and only here, so a secret cannot
leak through one endpoint that forgot a check the others make.
"""

from typing import Any

from server.contract.streams import (
    LatencyMode,
    OwnerStream,
    Price,
    Replay,
    SimulcastTarget,
    Stream,
    StreamCreator,
    StreamStatus,
    Visibility,
)
from server.streams.models import ReplayRow, SimulcastTargetRow, StreamRow
from server.streams.providers import MUX, StreamUrls


def is_owner(stream: StreamRow, reader_id: str | None) -> bool:
    return reader_id is not None and stream.creator_id == reader_id


def stream_view(
    stream: StreamRow,
    creator_name: str,
    replays: list[ReplayRow],
    urls: StreamUrls,
    *,
    owner: bool,
    ticket_holder: bool = False,
    member: bool = False,
) -> OwnerStream | Stream:
    """A ticketed stream's playback goes to the owner and to those holding a ticket, a
    members-only stream's to the owner and the creator's active subscribers (`member`).
    The playback URL itself is public (Mux signed playback is still to come)."""
    ticketed = stream.visibility == Visibility.TICKETED
    members_only = stream.visibility == Visibility.MEMBERS
    open_to_reader = (
        owner
        or stream.visibility == Visibility.PUBLIC
        or (ticketed and ticket_holder)
        or (members_only and member)
    )
    fields: dict[str, Any] = {
        "id": stream.id,
        "title": stream.title,
        "description": stream.description,
        "language": stream.language,
        "status": StreamStatus(stream.status),
        "visibility": Visibility(stream.visibility),
        "price": _price(stream),
        "latency_mode": LatencyMode(stream.latency_mode),
        "scheduled_at": stream.scheduled_at,
        "playback_url": urls.playback_url(stream) if open_to_reader else None,
        "reconnect_window": stream.reconnect_window,
        "replays": [_replay(replay) for replay in replays] if open_to_reader else [],
        "viewer_count": stream.viewer_count,
        "mode": "live" if stream.provider == MUX else "sandbox",
        "creator": StreamCreator(id=stream.creator_id, display_name=creator_name),
        "created_at": stream.created_at,
    }
    if owner:
        return OwnerStream(
            **fields,
            ingest_url=urls.ingest_url(stream),
            stream_key=stream.stream_key,
        )
    return Stream(**fields)


def simulcast_target_view(target: SimulcastTargetRow) -> SimulcastTarget:
    return SimulcastTarget(
        id=target.id,
        label=target.label,
        url=target.url,
        status=target.status,
        created_at=target.created_at,
    )


def _price(stream: StreamRow) -> Price | None:
    if stream.price_amount is None or stream.price_currency is None:
        return None
    return Price(amount=stream.price_amount, currency=stream.price_currency)


def _replay(replay: ReplayRow) -> Replay:
    return Replay(
        id=replay.id,
        playback_url=replay.playback_url,
        duration=replay.duration,
        created_at=replay.created_at,
    )
