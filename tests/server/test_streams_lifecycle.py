"""The streams domain's side of the sandbox ingest (`authorize_publish`, `handle_ingest_event`)
and the viewer counts, called directly against a real migrated database."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from server.auth.models import UserRow
from server.auth.tokens import Principal
from server.config import Settings
from server.contract.streams import (
    OwnerStream,
    StreamCreate,
    StreamStatus,
    ViewerPoint,
    ViewerStats,
)
from server.db import Database
from server.db.base import new_id
from server.streams import service
from server.streams.ingest_events import IngestEvent, PublishGrant, replay_url
from server.streams.lifecycle import StreamStatusChange, authorize_publish, handle_ingest_event
from server.streams.models import StreamRow
from server.streams.providers import StreamProviders, StreamUrls
from server.streams.repository import StreamsRepository
from server.streams.viewers import record_viewer_count, viewer_stats

T0 = datetime(2030, 1, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.resolved_database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def creator(database: Database) -> Principal:
    async with database.session() as session:
        user = UserRow(
            email=f"{new_id()}@example.com",
            password_hash="not-a-real-hash",
            display_name="Awa Diop",
            role="creator",
            country="SN",
            currency="XOF",
            language="fr",
        )
        session.add(user)
    return Principal(id=user.id, kind="access", name=user.display_name, role="creator")


async def new_stream(database: Database, settings: Settings, creator: Principal) -> OwnerStream:
    async with database.session() as session:
        stream = await service.create_stream(
            StreamsRepository(session),
            StreamProviders(settings),
            StreamUrls.build(settings, None),
            settings,
            creator,
            StreamCreate(title="Rehearsal"),
        )
    assert isinstance(stream, OwnerStream)
    return stream


async def read(database: Database, stream_id: str) -> StreamRow:
    async with database.session() as session:
        stream = await StreamsRepository(session).stream(stream_id)
    assert stream is not None
    return stream


class Listener:
    def __init__(self) -> None:
        self.heard: list[StreamStatusChange] = []

    async def __call__(self, change: StreamStatusChange) -> None:
        self.heard.append(change)


async def test_authorize_publish_knows_current_keys_only(
    database: Database, settings: Settings, creator: Principal
) -> None:
    stream = await new_stream(database, settings, creator)
    window = float(settings.mux_reconnect_window_s)
    assert await authorize_publish(database, stream.stream_key) == PublishGrant(stream.id, window)
    assert await authorize_publish(database, "not-a-key") is None
    async with database.session() as session:
        reset = await service.reset_key(
            StreamsRepository(session),
            StreamProviders(settings),
            StreamUrls.build(settings, None),
            creator,
            stream.id,
        )
    assert isinstance(reset, OwnerStream)
    assert await authorize_publish(database, stream.stream_key) is None
    assert await authorize_publish(database, reset.stream_key) == PublishGrant(stream.id, window)


@pytest.mark.parametrize("status", ["completed", "disabled"])
async def test_authorize_publish_refuses_a_closed_stream(
    database: Database, settings: Settings, creator: Principal, status: str
) -> None:
    stream = await new_stream(database, settings, creator)
    async with database.session() as session:
        row = await StreamsRepository(session).stream(stream.id)
        assert row is not None
        row.status = status
    assert await authorize_publish(database, stream.stream_key) is None


async def test_authorize_publish_refuses_deleted_and_mux_streams(
    database: Database, settings: Settings, creator: Principal
) -> None:
    deleted = await new_stream(database, settings, creator)
    on_mux = await new_stream(database, settings, creator)
    async with database.session() as session:
        repo = StreamsRepository(session)
        await service.delete_stream(repo, StreamProviders(settings), creator, deleted.id)
        row = await repo.stream(on_mux.id)
        assert row is not None
        row.provider = "mux"  # its video belongs at Mux's ingest, not ours
    assert await authorize_publish(database, deleted.stream_key) is None
    assert await authorize_publish(database, on_mux.stream_key) is None


async def test_ingest_events_drive_the_status(
    database: Database, settings: Settings, creator: Principal
) -> None:
    stream = await new_stream(database, settings, creator)
    listener = Listener()
    seen = []
    for kind in ("connected", "active", "active", "disconnected", "active"):
        event = IngestEvent(stream.id, kind)
        await handle_ingest_event(database, settings, event, listeners=[listener])
        seen.append((await read(database, stream.id)).status)
    assert seen == ["idle", "active", "active", "disconnected", "active"]
    assert [(c.stream_id, c.creator_id, c.status) for c in listener.heard] == [
        (stream.id, creator.id, StreamStatus.ACTIVE),
        (stream.id, creator.id, StreamStatus.DISCONNECTED),
        (stream.id, creator.id, StreamStatus.ACTIVE),
    ]


async def test_replay_ready_adds_one_replay_and_ends_the_broadcast(
    database: Database, settings: Settings, creator: Principal
) -> None:
    stream = await new_stream(database, settings, creator)
    listener = Listener()
    for event in (
        IngestEvent(stream.id, "active"),
        IngestEvent(stream.id, "disconnected"),
        IngestEvent(stream.id, "replay_ready", replay_id="r1", duration_s=12.5),
        IngestEvent(stream.id, "replay_ready", replay_id="r1", duration_s=13.0),
    ):
        await handle_ingest_event(database, settings, event, listeners=[listener])
    async with database.session() as session:
        view = await service.get_stream(
            StreamsRepository(session), StreamUrls.build(settings, None), stream.id, None
        )
    assert view.status == StreamStatus.IDLE
    assert [(r.playback_url, r.duration) for r in view.replays] == [
        (replay_url(settings.public_url, stream.id, "r1"), 13.0)
    ]
    assert [c.status for c in listener.heard][-1] == StreamStatus.IDLE


async def test_a_broadcast_that_recorded_nothing_ends_idle_without_a_replay(
    database: Database, settings: Settings, creator: Principal
) -> None:
    stream = await new_stream(database, settings, creator)
    for kind in ("connected", "disconnected", "idle"):
        await handle_ingest_event(database, settings, IngestEvent(stream.id, kind))
    async with database.session() as session:
        view = await service.get_stream(
            StreamsRepository(session), StreamUrls.build(settings, None), stream.id, None
        )
    assert (view.status, view.replays) == (StreamStatus.IDLE, [])


async def test_a_completed_stream_stays_completed(
    database: Database, settings: Settings, creator: Principal
) -> None:
    stream = await new_stream(database, settings, creator)
    async with database.session() as session:
        await service.complete(
            StreamsRepository(session),
            StreamProviders(settings),
            StreamUrls.build(settings, None),
            creator,
            stream.id,
        )
    listener = Listener()
    for kind in ("active", "disconnected"):
        event = IngestEvent(stream.id, kind)
        await handle_ingest_event(database, settings, event, listeners=[listener])
    assert (await read(database, stream.id)).status == "completed"
    assert listener.heard == []


async def test_a_failing_listener_never_undoes_the_change(
    database: Database, settings: Settings, creator: Principal
) -> None:
    stream = await new_stream(database, settings, creator)
    after = Listener()

    async def broken(change: StreamStatusChange) -> None:
        raise RuntimeError("chat is down")

    event = IngestEvent(stream.id, "active")
    await handle_ingest_event(database, settings, event, listeners=[broken, after])
    assert (await read(database, stream.id)).status == "active"
    assert len(after.heard) == 1


async def test_events_for_unknown_streams_are_ignored(
    database: Database, settings: Settings
) -> None:
    await handle_ingest_event(database, settings, IngestEvent("no-such-stream", "active"))


async def test_viewer_counts_keep_one_point_per_window(
    database: Database, settings: Settings, creator: Principal
) -> None:
    stream = await new_stream(database, settings, creator)
    async with database.session() as session:
        for seconds, count in ((0, 5), (10, 8), (40, 3), (45, 4), (120, 0)):
            assert await record_viewer_count(
                session, stream.id, count, now=T0 + timedelta(seconds=seconds)
            )
        assert not await record_viewer_count(session, "no-such-stream", 1, now=T0)
    async with database.session() as session:
        stats = await viewer_stats(StreamsRepository(session), stream.id)
    assert stats == ViewerStats(
        stream_id=stream.id,
        count=0,
        peak=8,
        history=[
            ViewerPoint(at=T0, count=8),
            ViewerPoint(at=T0 + timedelta(seconds=40), count=4),
            ViewerPoint(at=T0 + timedelta(seconds=120), count=0),
        ],
    )


async def test_a_negative_viewer_count_is_a_bug(
    database: Database, settings: Settings, creator: Principal
) -> None:
    stream = await new_stream(database, settings, creator)
    async with database.session() as session:
        with pytest.raises(ValueError, match="negative"):
            await record_viewer_count(session, stream.id, -1)
