"""What a verified Mux webhook event does to our streams.

Each event id is stored in the same transaction as its effects: a redelivery
finds it and changes nothing, and a crash half-way stores neither, so Mux's
retry applies it whole. Events for streams or assets that are not ours, and
types we do not use, are stored and otherwise ignored.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.contract.streams import StreamStatus
from server.streams import lifecycle
from server.streams.lifecycle import StreamStatusChange
from server.streams.providers import StreamUrls
from server.streams.repository import StreamsRepository

LIVE_STREAM_STATUS: dict[str, StreamStatus | None] = {
    # Mux says the encoder is talking, then recording: no viewer sees video yet.
    "video.live_stream.connected": None,
    "video.live_stream.recording": None,
    "video.live_stream.active": StreamStatus.ACTIVE,
    "video.live_stream.disconnected": StreamStatus.DISCONNECTED,
    "video.live_stream.idle": StreamStatus.IDLE,
    "video.live_stream.disabled": StreamStatus.DISABLED,
    "video.live_stream.enabled": StreamStatus.IDLE,
}
REPLAY_EVENTS = frozenset(
    {
        "video.asset.created",
        "video.asset.ready",
        "video.asset.updated",
        "video.asset.live_stream_completed",
    }
)
REPLAY_DELETED = "video.asset.deleted"


@dataclass(frozen=True)
class MuxEvent:
    id: str
    type: str
    created_at: datetime | None
    data: dict[str, Any]


def parse_event(payload: object) -> MuxEvent | None:
    """The fields we rely on, or None when the body is not a Mux event at all."""
    if not isinstance(payload, dict):
        return None
    event_id, event_type, data = payload.get("id"), payload.get("type"), payload.get("data")
    if not isinstance(event_id, str) or not event_id or not isinstance(event_type, str):
        return None
    return MuxEvent(
        id=event_id[:255],
        type=event_type[:100],
        created_at=_timestamp(payload.get("created_at")),
        data=data if isinstance(data, dict) else {},
    )


async def apply_mux_event(
    repo: StreamsRepository, urls: StreamUrls, event: MuxEvent
) -> tuple[bool, list[StreamStatusChange]]:
    """(is_new, status changes). Call first in its unit of work: nothing else is written
    before the event id is claimed."""
    if not await repo.remember_mux_event(event.id, event.type):
        return False, []
    if event.type in LIVE_STREAM_STATUS:
        change = await _apply_status(repo, event)
        return True, [change] if change else []
    if event.type in REPLAY_EVENTS:
        await _save_replay(repo, urls, event)
    elif event.type == REPLAY_DELETED and isinstance(event.data.get("id"), str):
        await repo.delete_replays_from(event.data["id"])
    return True, []


async def _apply_status(repo: StreamsRepository, event: MuxEvent) -> StreamStatusChange | None:
    status = LIVE_STREAM_STATUS[event.type]
    live_stream_id = event.data.get("id")
    if status is None or not isinstance(live_stream_id, str):
        return None
    # Locked: two events for one stream at once must not both pass the ordering check.
    stream = await repo.stream_by_provider_id(live_stream_id, for_update=True)
    if stream is None:
        return None
    change = lifecycle.change_status(stream, status, event.created_at)
    await repo.flush()
    return change


async def _save_replay(repo: StreamsRepository, urls: StreamUrls, event: MuxEvent) -> None:
    asset_id, live_stream_id = event.data.get("id"), event.data.get("live_stream_id")
    if not isinstance(asset_id, str) or not isinstance(live_stream_id, str):
        return  # an uploaded asset, not the recording of a broadcast
    playback_id = _public_playback_id(event.data.get("playback_ids"))
    stream = await repo.stream_by_provider_id(live_stream_id)
    if stream is None or playback_id is None:
        return
    duration = event.data.get("duration")
    await lifecycle.save_replay(
        repo,
        stream,
        asset_id,
        urls.mux_playback_url(playback_id),
        float(duration) if isinstance(duration, int | float) and duration >= 0 else None,
    )


def _public_playback_id(playback_ids: object) -> str | None:
    if not isinstance(playback_ids, list):
        return None
    for playback in playback_ids:
        if isinstance(playback, dict) and playback.get("policy") == "public":
            playback_id = playback.get("id")
            if isinstance(playback_id, str) and playback_id:
                return playback_id
    return None


def _timestamp(value: object) -> datetime | None:
    """Mux's `created_at` is ISO 8601; an unreadable one counts as "now"."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
