"""`Encoder`: the one owner of the ffmpeg child that carries a creator's live.

It builds the command, starts ffmpeg, reads its progress and errors without
blocking the event loop, and reports typed events (`state_changed`,
`stats_updated`). Creators stream over links that drop: once the stream has
been on air, a drop is met with "reconnecting" and a new ffmpeg as soon as the
ingest answers again (checked every half second, cheaply, with a bare TCP
connect, so an offline laptop is not spawning encoders), which keeps the
broadcast within the ingest's reconnect window (Mux's keeps it one asset).
Before the stream was ever on air, a failure is reported at once with its
reason instead: the creator is still at the Go Live button and can fix it.

With `recordings`, ffmpeg's tee muxer also writes the very same encoded
stream to an .mp4 (no second encode). The push stays the slave that may abort
ffmpeg, since the reconnect logic depends on seeing it fail; the file is the
slave that may fail quietly (a full disk must not end a broadcast). Each
ffmpeg run, so each reconnect, starts a new file: fragmented MP4, playable even
when the laptop dies mid-stream.
"""

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from studio.core.backoff import Backoff
from studio.core.events import Event
from studio.core.ffmpeg_output import (
    EncoderStats,
    Failure,
    FailureKind,
    FailureReader,
    ProgressReader,
    unreachable,
)
from studio.core.ffmpeg_process import ask_to_quit, read_lines
from studio.core.quality import (
    PRESETS,
    SOFTWARE_CODEC,
    Preset,
    audio_args,
    network_args,
    video_args,
)
from studio.core.sources import Source, source_inputs

PROGRESS_PERIOD_S = 0.5

log = logging.getLogger(__name__)


class EncoderState(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True)
class EncoderStatus:
    state: EncoderState
    reason: str | None = None
    """Why, in one line, for `failed` and `reconnecting`."""


QUICK_RETRY = Backoff(first=0.5, factor=2.0, longest=2.0)
"""Short waits: a creator is back on air within ~3 s of the network returning."""


@dataclass(frozen=True)
class Reconnect:
    """How the encoder gets back on air after a drop."""

    probe_every_s: float = 0.5
    probe_timeout_s: float = 2.0
    retry: Backoff = QUICK_RETRY
    stalled_after_s: float = 6.0
    """No byte reaches the ingest for this long while live: the link is dead."""
    connect_timeout_s: float = 15.0
    refused_for_s: float = 60.0
    """After a drop the ingest may refuse the key ("already publishing") until it notices
    our old connection died; Mux's default reconnect window is as long."""


def ffmpeg_executable(preferred: str | None = None) -> str:
    """The chosen ffmpeg, else the one in the imageio-ffmpeg wheel (same on every OS)."""
    if preferred:
        return preferred
    import imageio_ffmpeg

    path: str = imageio_ffmpeg.get_ffmpeg_exe()
    return path


def publish_url(ingest_url: str, stream_key: str) -> str:
    return f"{ingest_url.rstrip('/')}/{stream_key}"


def _tee_escape(text: str) -> str:
    """The tee muxer splits on | and reads [options] and \\ escapes in each slave's name."""
    for special in ("\\", "|", "[", "]", "'"):
        text = text.replace(special, "\\" + special)
    return text


def recording_name(now: datetime) -> str:
    """One file per ffmpeg run, named so a folder of them sorts by time."""
    return f"Flash Africa {now:%Y-%m-%d %H-%M-%S}.mp4"


class Encoder:
    """Streams one source to one ingest until stopped; see the module docstring for how."""

    def __init__(
        self,
        *,
        ingest_url: str,
        stream_key: str,
        source: Source,
        preset: Preset = PRESETS["480p"],
        video_codec: str = SOFTWARE_CODEC,
        ffmpeg: str | None = None,
        reconnect: Reconnect = Reconnect(),
        recordings: Path | None = None,
    ) -> None:
        self._ingest_url = ingest_url
        self._stream_key = stream_key
        self.source = source
        self.preset = preset
        self.video_codec = video_codec
        self._ffmpeg = ffmpeg_executable(ffmpeg)
        self._reconnect = reconnect
        self.recordings = recordings
        """A folder to keep a copy of what is sent in (None: no copy)."""
        self.recorded: list[Path] = []
        """The copies written so far, one per ffmpeg run."""
        self.state_changed = Event[EncoderStatus]()
        self.stats_updated = Event[EncoderStats]()
        self.status = EncoderStatus(EncoderState.STOPPED)
        self.stats = EncoderStats()
        self.process_id: int | None = None
        """The running ffmpeg's pid (benchmarks and diagnostics read it)."""
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._restarting = asyncio.Event()

    @property
    def state(self) -> EncoderState:
        return self.status.state

    def command(self, recording: Path | None = None) -> list[str]:
        """The full ffmpeg command line (it holds the stream key: never log it); with
        `recording`, the same encoded stream also goes to that file."""
        inputs = source_inputs(self.source, self.preset)
        filters = ["-vf", inputs.video_filter] if inputs.video_filter else []
        push = publish_url(self._ingest_url, self._stream_key)
        output = ["-f", "flv", "-flvflags", "no_duration_filesize", push]
        if recording is not None:
            # tee does not ask the encoders for global headers as flv and mp4 need: without
            # this flag the ingest gets H.264 and AAC with no decoder configuration at all
            output = ["-flags", "+global_header", "-f", "tee", (
                f"[f=flv:flvflags=no_duration_filesize]{_tee_escape(push)}|"
                f"[f=mp4:movflags=+frag_keyframe+empty_moov:onfail=ignore]"
                f"{_tee_escape(recording.as_posix())}"
            )]  # fmt: skip
        return [
            self._ffmpeg, "-hide_banner", "-loglevel", "warning", "-nostats",
            "-progress", "pipe:1", "-stats_period", str(PROGRESS_PERIOD_S),
            *inputs.args,
            "-map", inputs.video_map, "-map", inputs.audio_map, *filters,
            *video_args(self.video_codec, self.preset), *audio_args(self.preset),
            *network_args(self.preset), *output,
        ]  # fmt: skip

    def _next_recording(self) -> Path | None:
        if self.recordings is None:
            return None
        self.recordings.mkdir(parents=True, exist_ok=True)
        path = self.recordings / recording_name(datetime.now())
        if path in self.recorded:  # a reconnect within the same second
            path = path.with_stem(f"{path.stem} ({len(self.recorded) + 1})")
        self.recorded.append(path)
        return path

    async def start(self) -> None:
        """Begin going live; returns at once, progress arrives through the events."""
        if self._task is not None and not self._task.done():
            return
        self._stopping.clear()
        self._restarting.clear()
        self._set(EncoderState.CONNECTING)
        self._task = asyncio.create_task(self._run(), name="encoder")

    def change_preset(self, preset: Preset) -> None:
        """Carry on at `preset`: the running ffmpeg quits cleanly and a new one starts at
        once on the same key, so viewers see a short pause rather than an end."""
        self.preset = preset
        if self._task is not None and not self._task.done():
            self._restarting.set()

    async def stop(self) -> None:
        """End the stream cleanly (the ingest sees an unpublish) and wait for ffmpeg."""
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def wait_for(self, *states: EncoderState) -> EncoderStatus:
        """The next status (or the current one) in `states`; wrap in a timeout."""
        if self.state in states:
            return self.status
        reached: asyncio.Future[EncoderStatus] = asyncio.get_running_loop().create_future()

        def check(status: EncoderStatus) -> None:
            if status.state in states and not reached.done():
                reached.set_result(status)

        disconnect = self.state_changed.connect(check)
        try:
            return await reached
        finally:
            disconnect()

    def _set(self, state: EncoderState, reason: str | None = None) -> None:
        if self.status != EncoderStatus(state, reason):
            self.status = EncoderStatus(state, reason)
            self.state_changed.emit(self.status)

    async def _run(self) -> None:
        was_live = False
        attempt = 0
        refused_since: float | None = None
        try:
            while not self._stopping.is_set():
                if was_live and not await self._wait_for_ingest():
                    break
                went_live, failure = await self._run_ffmpeg()
                if self._stopping.is_set():
                    break
                if self._restarting.is_set():  # change_preset: straight back on air
                    self._restarting.clear()
                    was_live = was_live or went_live
                    continue
                if went_live:
                    was_live, attempt, refused_since = True, 0, None
                failure = failure or Failure(FailureKind.OTHER, "ffmpeg stopped on its own")
                if not was_live or failure.kind in (FailureKind.SOURCE, FailureKind.ENCODER):
                    self._set(EncoderState.FAILED, failure.reason)
                    return
                if failure.kind == FailureKind.REFUSED:
                    refused_since = refused_since or time.monotonic()
                    if time.monotonic() - refused_since > self._reconnect.refused_for_s:
                        self._set(EncoderState.FAILED, failure.reason)
                        return
                attempt += 1
                self._set(EncoderState.RECONNECTING, failure.reason)
                await self._pause(self._reconnect.retry.delay(attempt))
            self._set(EncoderState.STOPPED)
        except Exception as exc:  # a bug of ours must still end in a state the UI can show
            log.exception("the encoder's supervisor failed")
            self._set(
                EncoderState.FAILED, f"The encoder stopped unexpectedly ({type(exc).__name__})"
            )

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake at once when asked to stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _wait_for_ingest(self) -> bool:
        """Poll the ingest's TCP port until it answers; False when stopped meanwhile."""
        parts = urlsplit(self._ingest_url)
        port = parts.port or (443 if parts.scheme.startswith("rtmps") else 1935)
        while not self._stopping.is_set():
            try:
                async with asyncio.timeout(self._reconnect.probe_timeout_s):
                    _, writer = await asyncio.open_connection(parts.hostname, port)
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
                return True
            except TimeoutError:
                self._set(EncoderState.RECONNECTING, unreachable(self._ingest_url, "no answer"))
            except OSError as exc:
                detail = (exc.strerror or "no answer").lower()
                self._set(EncoderState.RECONNECTING, unreachable(self._ingest_url, detail))
            await self._pause(self._reconnect.probe_every_s)
        return False

    async def _run_ffmpeg(self) -> tuple[bool, Failure | None]:
        """One ffmpeg run: whether it got on air, and why it ended (None: a clean exit)."""
        failures = FailureReader(self._ingest_url, secrets=(self._stream_key,))
        try:
            recording = await asyncio.to_thread(self._next_recording)
            process = await asyncio.create_subprocess_exec(
                *self.command(recording),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            return False, Failure(
                FailureKind.ENCODER, f"Can't start ffmpeg ({self._ffmpeg}): {exc}"
            )
        self.process_id = process.pid
        run = _Run(started=time.monotonic())
        readers = [
            asyncio.create_task(self._read_progress(process, run)),
            asyncio.create_task(read_lines(process.stderr, failures.feed)),
        ]
        watchdog = asyncio.create_task(self._watch(process, run))
        try:
            await process.wait()
        finally:  # even when cancelled: never leave an encoder streaming on its own
            if process.returncode is None:
                process.kill()
                await process.wait()
            watchdog.cancel()
            await asyncio.gather(*readers, watchdog, return_exceptions=True)
        if run.killed_because is not None:
            return run.went_live, run.killed_because
        if not process.returncode:
            return run.went_live, None
        return run.went_live, failures.explain(process.returncode)

    async def _read_progress(self, process: asyncio.subprocess.Process, run: "_Run") -> None:
        progress = ProgressReader()

        def on_line(line: str) -> None:
            stats = progress.feed(line)
            if stats is None:
                return
            sent = _sent_so_far(stats)
            if sent and sent > run.bytes_sent:
                run.bytes_sent, run.last_sent = sent, time.monotonic()
                if not run.went_live and not stats.ended:
                    run.went_live = True
                    self._set(EncoderState.LIVE)
            self.stats = stats
            self.stats_updated.emit(stats)

        await read_lines(process.stdout, on_line)

    async def _watch(self, process: asyncio.subprocess.Process, run: "_Run") -> None:
        """Stop ffmpeg when asked, or when the link is dead but no error says so."""
        limits = self._reconnect
        while process.returncode is None:
            if self._stopping.is_set() or self._restarting.is_set():
                await ask_to_quit(process)
                return
            now = time.monotonic()
            if run.went_live and now - run.last_sent > limits.stalled_after_s:
                run.killed_because = Failure(
                    FailureKind.DROPPED, "The connection to the ingest stalled"
                )
            elif not run.went_live and now - run.started > limits.connect_timeout_s:
                run.killed_because = Failure(
                    FailureKind.UNREACHABLE, "The ingest did not accept the stream in time"
                )
            if run.killed_because is not None:
                process.kill()
                return
            await self._pause(0.25)


@dataclass
class _Run:
    """What one ffmpeg run has done so far."""

    started: float
    went_live: bool = False
    bytes_sent: int = 0
    last_sent: float = 0.0
    killed_because: Failure | None = None


def _sent_so_far(stats: EncoderStats) -> int | None:
    """How far the push has got: bytes out, or (through tee, which reports no size) the
    microseconds of stream written, which only move once the ingest took the header."""
    if stats.total_size is not None:
        return stats.total_size
    return round(stats.out_time_s * 1_000_000) if stats.out_time_s is not None else None
