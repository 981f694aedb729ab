"""`SandboxIngest`: the RTMP server creators rehearse against when nothing is configured.

It listens for encoders at `rtmp://HOST:PORT/live/{stream key}`, asks the
streams domain (`authorize`) which stream a key belongs to, remuxes each
accepted publish to HLS, and tells the domain what happened through
`ingest_events` (connected, active, disconnected, replay_ready), in that order.
Events go out through one queue, so a slow listener never holds up media.
"""

import asyncio
import contextlib
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from server.logs import get_logger
from server.streams import ingest_events
from server.streams.ingest_events import AuthorizePublish, IngestEvent, OnIngestEvent
from server.streams.sandbox_ingest.connection import Connection, Publish
from server.streams.sandbox_ingest.remux import Remux, finalize_replay, flv_tag

log = get_logger("flash.streams.sandbox_ingest")

# A publish that returns within this long continues the same live playlist, as Mux's
# default reconnect window keeps one broadcast across an encoder's reconnect.
RECONNECT_WINDOW_S = 60.0
STOP_GRACE_S = 10.0
_KILL_WAIT_S = 2.0
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def default_ffmpeg() -> str:
    """The ffmpeg shipped in the imageio-ffmpeg wheel, the same on every OS."""
    import imageio_ffmpeg

    path: str = imageio_ffmpeg.get_ffmpeg_exe()
    return path


@dataclass(eq=False)
class _Publish:
    """One accepted publish: its stream, its replay id, and its remux child."""

    stream_id: str
    replay_id: str
    remux: Remux | None = None
    active: bool = False
    ended: bool = False
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    async def forward(self, type_id: int, timestamp: int, body: bytes) -> None:
        if self.remux is not None and not self.ended:
            await self.remux.feed(flv_tag(type_id, timestamp, body))


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
        self._unfinished: set[_Publish] = set()
        self._last: dict[str, tuple[_Publish, float]] = {}
        self._events: asyncio.Queue[IngestEvent | None] = asyncio.Queue()
        self._dispatcher: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def port(self) -> int:
        return self._port

    def publish_url(self, stream_key: str) -> str:
        return f"rtmp://127.0.0.1:{self._port}/live/{stream_key}"

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
        """Close the socket, end every publish (finalizing its replay), stop every child."""
        self._stopping = True
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

    async def begin(self, key: str) -> Publish | str:
        """Accept a publish for `key`, or say why not (the encoder shows it)."""
        if self._stopping:
            return "The sandbox ingest is shutting down"
        try:
            stream_id = await self._authorize(key)
        except Exception as exc:
            log.error("sandbox_authorize_failed", exc_info=exc)
            return "The stream key could not be checked; try again"
        if stream_id is None:
            return "Unknown or reset stream key"
        if not _SAFE_ID.match(stream_id):
            log.error("sandbox_unsafe_stream_id")
            return "This stream cannot be recorded"
        if stream_id in self._live:
            return "This stream key is already live"
        publish = _Publish(stream_id=stream_id, replay_id=uuid.uuid4().hex)
        self._live[stream_id] = publish  # claimed before any await: a rival push is refused
        continuing = await self._after_previous(stream_id)
        remux = Remux(
            self._ffmpeg,
            live_playlist=ingest_events.live_playlist(self._data_dir, stream_id),
            recording_playlist=ingest_events.replay_playlist(
                self._data_dir, stream_id, publish.replay_id
            ),
            publish_id=publish.replay_id,
            continuing=continuing,
            on_live_playlist=lambda: self._mark_active(publish),
        )
        try:
            await remux.start()
        except OSError as exc:
            log.error("sandbox_remux_start_failed", stream_id=stream_id, error=str(exc))
            del self._live[stream_id]
            return "The sandbox ingest cannot record right now"
        publish.remux = remux
        self._unfinished.add(publish)
        log.info("sandbox_publish_started", stream_id=stream_id, continuing=continuing)
        self._emit(IngestEvent(stream_id, "connected"))
        return publish

    async def _after_previous(self, stream_id: str) -> bool:
        """Wait for the stream's last publish to be written out; True if it ended just now."""
        last = self._last.get(stream_id)
        if last is None:
            return False
        previous, ended_at = last
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(previous.finished.wait(), STOP_GRACE_S)
        return time.monotonic() - ended_at <= RECONNECT_WINDOW_S

    def _mark_active(self, publish: _Publish) -> None:
        if not publish.ended and not publish.active:
            publish.active = True
            self._emit(IngestEvent(publish.stream_id, "active"))

    async def end(self, publish: Publish) -> None:
        """The encoder left: free the key at once, then finalize the recording as a replay."""
        assert isinstance(publish, _Publish)
        publish.ended = True
        if self._live.get(publish.stream_id) is publish:
            del self._live[publish.stream_id]
        self._last[publish.stream_id] = (publish, time.monotonic())
        log.info("sandbox_publish_ended", stream_id=publish.stream_id)
        self._emit(IngestEvent(publish.stream_id, "disconnected"))
        try:
            if publish.remux is not None:
                await publish.remux.finish()
            playlist = ingest_events.replay_playlist(
                self._data_dir, publish.stream_id, publish.replay_id
            )
            duration = await asyncio.to_thread(finalize_replay, playlist)
            if duration is None:
                await asyncio.to_thread(_remove_empty_replay, playlist.parent)
            else:
                self._emit(
                    IngestEvent(
                        publish.stream_id,
                        "replay_ready",
                        replay_id=publish.replay_id,
                        duration_s=duration,
                    )
                )
        finally:
            self._unfinished.discard(publish)
            publish.finished.set()

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


def _remove_empty_replay(folder: Path) -> None:
    """A publish that never sent media leaves no replay behind."""
    if folder.exists():
        for leftover in folder.iterdir():
            leftover.unlink(missing_ok=True)
        folder.rmdir()
