"""`SandboxIngest`: the RTMP server creators rehearse against when nothing is configured.

It listens for encoders at `rtmp://HOST:PORT/live/{stream key}`, asks the
streams domain (`authorize`) which stream a key belongs to, remuxes each
accepted publish to HLS, and tells the domain what happened through
`ingest_events`: connected, active, disconnected for each publish, then
replay_ready (or idle) once per broadcast. Events go out through one queue, so
a slow listener never holds up media.

A broadcast is what fans see as one live, as on Mux: a publish that returns
within the stream's reconnect window after a drop continues it (the live
playlist carries on after a discontinuity, the recording gains a part); when
the window passes with no encoder, or the stream is completed, the broadcast
ends and its parts become one replay.

`rtmp://HOST:PORT/test/{stream key}` takes the studio's connection test: the
key is checked as for a live, the media is read and dropped, and nothing else
happens (no event, no file, no replay).
"""

import asyncio
import contextlib
import re
import time
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.logs import get_logger
from server.streams import ingest_events
from server.streams.ingest_events import (
    CONNECTION_TEST_APP,
    AuthorizePublish,
    IngestEvent,
    OnIngestEvent,
    PublishGrant,
)
from server.streams.sandbox_ingest.connection import Connection, Publish, PublishCut
from server.streams.sandbox_ingest.remux import Remux, flv_tag
from server.streams.sandbox_ingest.replay import (
    assemble_replay,
    next_part_start,
    part_playlist,
)

log = get_logger("flash.streams.sandbox_ingest")

STOP_GRACE_S = 10.0
_KILL_WAIT_S = 2.0
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def default_ffmpeg() -> str:
    """The ffmpeg shipped in the imageio-ffmpeg wheel, the same on every OS."""
    import imageio_ffmpeg

    path: str = imageio_ffmpeg.get_ffmpeg_exe()
    return path


@dataclass(eq=False)
class _Broadcast:
    """One live as fans see it: one or more publishes (parts), one replay."""

    stream_id: str
    replay_id: str
    reconnect_window_s: float
    parts: int = 0
    on_air: "_Publish | None" = None
    last: "_Publish | None" = None
    expiry: asyncio.Task[None] | None = None
    ending: bool = False
    """No publish may join it any more: the window passed, or the stream was completed."""
    ended: bool = False


@dataclass(eq=False)
class _Publish:
    """One accepted publish: its broadcast, its own id (live segment names), its part of
    the recording, its remux."""

    broadcast: _Broadcast
    publish_id: str
    part: int
    remux: Remux | None = None
    active: bool = False
    ended: bool = False
    cut: bool = False
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def stream_id(self) -> str:
        return self.broadcast.stream_id

    async def forward(self, type_id: int, timestamp: int, body: bytes) -> None:
        if self.cut:
            raise PublishCut
        if self.remux is not None and not self.ended:
            await self.remux.feed(flv_tag(type_id, timestamp, body))


class _ConnectionTest:
    """A publish to the `test` app: the bytes are read (that is the measurement) and dropped."""

    async def forward(self, type_id: int, timestamp: int, body: bytes) -> None:
        return None


class SandboxIngest:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        data_dir: Path,
        authorize: AuthorizePublish,
        on_event: OnIngestEvent,
        ffmpeg: str | None = None,
    ) -> None:
        self._host = host
        self._port = port
        self._data_dir = data_dir
        self._authorize = authorize
        self._on_event = on_event
        self._ffmpeg = ffmpeg or default_ffmpeg()
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], Connection] = {}
        self._live: dict[str, _Publish] = {}
        self._claimed: set[str] = set()
        self._unfinished: set[_Publish] = set()
        self._broadcasts: dict[str, _Broadcast] = {}
        self._endings: set[asyncio.Task[None]] = set()
        self._events: asyncio.Queue[IngestEvent | None] = asyncio.Queue()
        self._dispatcher: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def port(self) -> int:
        return self._port

    def publish_url(self, stream_key: str) -> str:
        return f"rtmp://127.0.0.1:{self._port}/{ingest_events.INGEST_APP}/{stream_key}"

    async def start(self) -> int:
        """Listen; answers the bound port (a free one when constructed with 0)."""
        hls = ingest_events.hls_root(self._data_dir)
        await asyncio.to_thread(hls.mkdir, parents=True, exist_ok=True)
        self._stopping = False
        self._dispatcher = asyncio.create_task(self._dispatch(), name="sandbox-ingest-events")
        self._server = await asyncio.start_server(self._accept, self._host, self._port)
        self._port = int(self._server.sockets[0].getsockname()[1])
        log.info("sandbox_ingest_listening", host=self._host, port=self._port)
        return self._port

    async def stop(self) -> None:
        """Close the socket, end every publish and broadcast (writing its replay), stop every
        child."""
        self._stopping = True
        for broadcast in self._broadcasts.values():
            broadcast.ending = True  # each publish that ends now ends its broadcast too
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections.values()):
            connection.close()
        late: set[asyncio.Task[None]] = set(self._connections)
        if late:
            _, late = await asyncio.wait(late, timeout=STOP_GRACE_S)
        if late:  # a remux that will not finish: kill it, keep what it wrote
            for publish in self._unfinished:
                if publish.remux is not None:
                    publish.remux.kill()
            _, late = await asyncio.wait(late, timeout=_KILL_WAIT_S)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        for broadcast in list(self._broadcasts.values()):  # those waiting for their encoder
            self.end_broadcast(broadcast.stream_id)
        if self._endings:
            await asyncio.gather(*self._endings, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
        if self._dispatcher is not None:
            self._events.put_nowait(None)
            try:
                await asyncio.wait_for(self._dispatcher, STOP_GRACE_S)
            except TimeoutError:
                log.error("sandbox_ingest_events_undelivered", left=self._events.qsize())
            self._dispatcher = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        connection = Connection(reader, writer, self)
        self._connections[task] = connection
        try:
            await connection.serve()
        except Exception as exc:
            log.error("sandbox_connection_failed", peer=connection.peer, exc_info=exc)
        finally:
            self._connections.pop(task, None)

    async def begin(self, key: str, *, app: str = ingest_events.INGEST_APP) -> Publish | str:
        """Accept a publish for `key`, or say why not (the encoder shows it)."""
        if self._stopping:
            return "The sandbox ingest is shutting down"
        try:
            answer = await self._authorize(key)
        except Exception as exc:
            log.error("sandbox_authorize_failed", exc_info=exc)
            return "The stream key could not be checked; try again"
        if answer is None:
            return "Unknown or reset stream key"
        grant = answer if isinstance(answer, PublishGrant) else PublishGrant(answer)
        if app == CONNECTION_TEST_APP:
            log.info("sandbox_connection_test_started", stream_id=grant.stream_id)
            return _ConnectionTest()
        stream_id = grant.stream_id
        if not _SAFE_ID.match(stream_id):
            log.error("sandbox_unsafe_stream_id")
            return "This stream cannot be recorded"
        if stream_id in self._live or stream_id in self._claimed:
            return "This stream key is already live"
        self._claimed.add(stream_id)  # before any await: a rival push is refused
        try:
            return await self._start_publish(grant)
        finally:
            self._claimed.discard(stream_id)

    async def _start_publish(self, grant: PublishGrant) -> Publish | str:
        """Continue the stream's broadcast if its encoder is back within the window, else
        start a new one; then start this publish's remux."""
        stream_id = grant.stream_id
        broadcast = self._broadcasts.get(stream_id)
        if broadcast is not None and broadcast.last is not None:
            with contextlib.suppress(TimeoutError):  # its last part written out first
                await asyncio.wait_for(broadcast.last.finished.wait(), STOP_GRACE_S)
        continuing = broadcast is not None and not broadcast.ending
        if broadcast is None or broadcast.ending:
            broadcast = _Broadcast(stream_id, uuid.uuid4().hex, grant.reconnect_window_s)
            self._broadcasts[stream_id] = broadcast
        elif broadcast.expiry is not None:
            broadcast.expiry.cancel()  # back within the window: the same live goes on
            broadcast.expiry = None
        # Claimed before the next await: completing the stream now cuts this publish.
        publish = _Publish(broadcast, uuid.uuid4().hex, part=broadcast.parts)
        broadcast.parts += 1
        broadcast.on_air = publish
        replay_folder = ingest_events.replay_playlist(
            self._data_dir, stream_id, broadcast.replay_id
        ).parent
        starts_at_s = await asyncio.to_thread(next_part_start, replay_folder, publish.part)
        remux = Remux(
            self._ffmpeg,
            live_playlist=ingest_events.live_playlist(self._data_dir, stream_id),
            recording_playlist=part_playlist(replay_folder, publish.part),
            publish_id=publish.publish_id,
            continuing=continuing,
            starts_at_s=starts_at_s,
            on_live_playlist=lambda: self._mark_active(publish),
        )
        try:
            await remux.start()
        except OSError as exc:
            log.error("sandbox_remux_start_failed", stream_id=stream_id, error=str(exc))
            broadcast.on_air = None
            self._after_part(broadcast, time.monotonic())
            return "The sandbox ingest cannot record right now"
        broadcast.last = publish
        publish.remux = remux
        self._live[stream_id] = publish
        self._unfinished.add(publish)
        log.info("sandbox_publish_started", stream_id=stream_id, continuing=continuing)
        self._emit(IngestEvent(stream_id, "connected"))
        return publish

    def _mark_active(self, publish: _Publish) -> None:
        if not publish.ended and not publish.active:
            publish.active = True
            self._emit(IngestEvent(publish.stream_id, "active"))

    async def end(self, publish: Publish) -> None:
        """The encoder left: free the key at once, write its part out, then wait for it to
        come back within the reconnect window (or end the broadcast now if it is ending)."""
        if isinstance(publish, _ConnectionTest):
            log.info("sandbox_connection_test_ended")
            return
        assert isinstance(publish, _Publish)
        left_at = time.monotonic()
        publish.ended = True
        broadcast = publish.broadcast
        if broadcast.on_air is publish:
            broadcast.on_air = None
        if self._live.get(publish.stream_id) is publish:
            del self._live[publish.stream_id]
        log.info("sandbox_publish_ended", stream_id=publish.stream_id)
        self._emit(IngestEvent(publish.stream_id, "disconnected"))
        try:
            if publish.remux is not None:
                await publish.remux.finish()
        finally:
            self._unfinished.discard(publish)
            publish.finished.set()
            self._after_part(broadcast, left_at)

    def _after_part(self, broadcast: _Broadcast, left_at: float) -> None:
        """No encoder on air any more: end the broadcast if it is ending (or never got on
        air), else give the encoder the reconnect window from `left_at` to come back."""
        if broadcast.on_air is not None or broadcast.ended:
            return
        if broadcast.ending or broadcast.last is None:
            self._track(self._end(broadcast))
        elif broadcast.expiry is None:
            broadcast.expiry = self._track(self._expire(broadcast, left_at))

    async def _expire(self, broadcast: _Broadcast, left_at: float) -> None:
        """End the broadcast once the window has passed with no encoder back."""
        left = broadcast.reconnect_window_s - (time.monotonic() - left_at)
        if left > 0:
            await asyncio.sleep(left)
        broadcast.ending = True  # no await since waking: a publish arriving now starts anew
        broadcast.expiry = None
        await self._end(broadcast)

    def end_broadcast(self, stream_id: str) -> None:
        """End the stream's broadcast now (the creator completed the stream): an encoder on
        air is dropped, and the replay is written without waiting for the window."""
        broadcast = self._broadcasts.get(stream_id)
        if broadcast is None or broadcast.ended:
            return
        broadcast.ending = True
        if broadcast.on_air is not None:
            broadcast.on_air.cut = True  # its next media message ends it; `end` finishes
            return
        if broadcast.last is not None and not broadcast.last.finished.is_set():
            return  # its part is being written out; `end` ends the broadcast after
        if broadcast.expiry is not None:
            broadcast.expiry.cancel()
            broadcast.expiry = None
        self._track(self._end(broadcast))

    async def _end(self, broadcast: _Broadcast) -> None:
        """Join the broadcast's parts into its replay and say so, exactly once."""
        if broadcast.ended:
            return
        broadcast.ended = True
        if self._broadcasts.get(broadcast.stream_id) is broadcast:
            del self._broadcasts[broadcast.stream_id]
        folder = ingest_events.replay_playlist(
            self._data_dir, broadcast.stream_id, broadcast.replay_id
        ).parent
        duration = await asyncio.to_thread(assemble_replay, folder, broadcast.parts)
        log.info("sandbox_broadcast_ended", stream_id=broadcast.stream_id, parts=broadcast.parts)
        if duration is None:
            self._emit(IngestEvent(broadcast.stream_id, "idle"))
            return
        self._emit(
            IngestEvent(
                broadcast.stream_id,
                "replay_ready",
                replay_id=broadcast.replay_id,
                duration_s=duration,
            )
        )

    def _track(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run `work` in the background; `stop` waits for it."""
        task = asyncio.create_task(work)
        self._endings.add(task)
        task.add_done_callback(self._endings.discard)
        return task

    def _emit(self, event: IngestEvent) -> None:
        self._events.put_nowait(event)

    async def _dispatch(self) -> None:
        while (event := await self._events.get()) is not None:
            try:
                await self._on_event(event)
            except Exception as exc:
                log.error(
                    "sandbox_ingest_event_failed",
                    stream_id=event.stream_id,
                    kind=event.kind,
                    exc_info=exc,
                )
