"""A stream's life after creation: status changes, replays, and who may publish.

Mux webhooks (server/streams/mux_events.py) and the sandbox RTMP ingest (through
`ingest_events`) both report here, so a stream moves through the same states
whichever provider carries it. Listeners (the chat's `stream_status` event) hear
of each change only after it is committed, so a client that polls right after
the event never reads the old status.
"""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.config import Settings
from server.contract.streams import StreamStatus
from server.db import Database
from server.db.base import utcnow
from server.logs import get_logger
from server.streams import ingest_events
from server.streams.ingest_events import IngestEvent, PublishGrant
from server.streams.models import ReplayRow, StreamRow
from server.streams.providers import SANDBOX
from server.streams.repository import StreamsRepository

log = get_logger("flash.streams")

# A stream that may no longer take a broadcast.
CLOSED = frozenset({StreamStatus.COMPLETED, StreamStatus.DISABLED})


@dataclass(frozen=True)
class StreamStatusChange:
    stream_id: str
    creator_id: str
    status: StreamStatus


StreamStatusListener = Callable[[StreamStatusChange], Awaitable[None]]


def stream_status_listeners(app: Any) -> list[StreamStatusListener]:
    """The app's listener list (`app.state.stream_status_listeners`); append to subscribe."""
    listeners: list[StreamStatusListener] | None = getattr(
        app.state, "stream_status_listeners", None
    )
    if listeners is None:
        listeners = []
        app.state.stream_status_listeners = listeners
    return listeners


async def notify(
    listeners: Iterable[StreamStatusListener], changes: Iterable[StreamStatusChange | None]
) -> None:
    """Tell every listener; one that fails is logged and never undoes the change."""
    for change in (change for change in changes if change is not None):
        for listener in list(listeners):
            try:
                await listener(change)
            except Exception as exc:
                log.error(
                    "stream_status_listener_failed",
                    stream_id=change.stream_id,
                    status=change.status.value,
                    error=type(exc).__name__,
                    exc_info=exc,
                )


def change_status(
    stream: StreamRow, status: StreamStatus, at: datetime | None = None
) -> StreamStatusChange | None:
    """Move a stream to `status` as reported at `at`; None when nothing changed.

    A completed stream stays completed: the creator ended it, and the provider's
    trailing events (idle, disabled) must not reopen it. News older than the last
    change is ignored, since Mux does not promise to deliver events in order.
    """
    at = at or utcnow()
    if stream.status == StreamStatus.COMPLETED or stream.status == status:
        return None
    if at < stream.status_changed_at:
        return None
    stream.status = status.value
    stream.status_changed_at = at
    stream.updated_at = utcnow()
    return StreamStatusChange(stream_id=stream.id, creator_id=stream.creator_id, status=status)


async def save_replay(
    repo: StreamsRepository,
    stream: StreamRow,
    source_id: str,
    playback_url: str,
    duration: float | None,
) -> None:
    """Add the replay of one broadcast, or update it when the provider reports it again."""
    replay = await repo.replay_by_source(stream.id, source_id)
    if replay is None:
        await repo.add_replay(
            ReplayRow(
                stream_id=stream.id,
                source_id=source_id,
                playback_url=playback_url,
                duration=duration,
            )
        )
        return
    replay.playback_url = playback_url
    if duration is not None:
        replay.duration = duration
    await repo.flush()


async def authorize_publish(database: Database, stream_key: str) -> PublishGrant | None:
    """The stream (and its reconnect window) for a current key of a sandbox stream that may
    still broadcast.

    A Mux stream's key is refused here: its video belongs at Mux's ingest.
    """
    async with database.session() as session:
        stream = await StreamsRepository(session).stream_by_key(stream_key)
        if stream is None or stream.provider != SANDBOX or stream.status in CLOSED:
            return None
        return PublishGrant(stream.id, float(stream.reconnect_window))


async def handle_ingest_event(
    database: Database,
    settings: Settings,
    event: IngestEvent,
    *,
    listeners: Iterable[StreamStatusListener] = (),
) -> None:
    """Apply what the sandbox ingest saw; `listeners` hear of a status change once committed."""
    changes: list[StreamStatusChange | None] = []
    async with database.session() as session:
        repo = StreamsRepository(session)
        stream = await repo.stream(event.stream_id, for_update=True)
        if stream is None:
            log.info("ingest_event_for_unknown_stream", kind=event.kind)
            return
        if event.kind == "active":
            changes.append(change_status(stream, StreamStatus.ACTIVE))
        elif event.kind == "disconnected":
            changes.append(change_status(stream, StreamStatus.DISCONNECTED))
        elif event.kind == "replay_ready" and event.replay_id:
            url = ingest_events.replay_url(settings.public_url, stream.id, event.replay_id)
            await save_replay(repo, stream, event.replay_id, url, event.duration_s)
            # The recording is closed, so the broadcast is over: as on Mux, idle again.
            if stream.status == StreamStatus.DISCONNECTED:
                changes.append(change_status(stream, StreamStatus.IDLE))
        elif event.kind == "idle" and stream.status == StreamStatus.DISCONNECTED:
            # Over with nothing recorded (an encoder that never sent video).
            changes.append(change_status(stream, StreamStatus.IDLE))
        # "connected": an encoder is talking RTMP but no video yet; stay as we are.
        await session.flush()
    await notify(listeners, changes)
