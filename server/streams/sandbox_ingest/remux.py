"""The ffmpeg child that turns one publish into HLS: a rolling live playlist and a recording.

It copies the encoder's H.264/AAC (`-c copy`, no re-encode, so it costs almost
no CPU on a creator's laptop) from FLV on its stdin into two HLS outputs:
- live: 2 s segments, the last six listed, older ones deleted; no end tag, so
  viewers' players keep polling through an encoder's reconnect, which appends
  to the same playlist after a discontinuity (the sandbox's reconnect window);
- recording: 6 s segments, all kept, in the replay's folder as one EVENT
  playlist per publish (a "part") that survives a crash; when the broadcast
  ends, `replay.assemble_replay` joins its parts into the one VOD playlist.
  A part after the first starts its timestamps where the recording so far
  ends (`starts_at_s`), so the joined replay's clock never runs backwards.
"""

import asyncio
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from server.logs import get_logger

log = get_logger("flash.streams.sandbox_ingest")

LIVE_SEGMENT_S = 2
LIVE_PLAYLIST_LENGTH = 6
REPLAY_SEGMENT_S = 6
_EXIT_WAIT_S = 10.0

# FLV file header (audio and video present) followed by PreviousTagSize0.
FLV_HEADER = b"FLV\x01\x05\x00\x00\x00\x09" + bytes(4)
_OPENING = re.compile(r"Opening '(?P<path>[^']+)' for writing")
_PROBLEM = re.compile(r"error|invalid|failed|could not|cannot", re.IGNORECASE)


def flv_tag(type_id: int, timestamp: int, body: bytes) -> bytes:
    """One FLV tag: 11-byte header, the body, then the tag's size for backward reading."""
    size = len(body)
    header = (
        bytes((type_id,))
        + size.to_bytes(3, "big")
        + (timestamp & 0xFFFFFF).to_bytes(3, "big")
        + bytes(((timestamp >> 24) & 0xFF,))
        + bytes(3)
    )
    return header + body + struct.pack(">I", size + 11)


class RemuxStopped(Exception):
    """The remux child died mid-publish; the publisher is dropped so its encoder reconnects."""


@dataclass(frozen=True)
class RemuxLine:
    """What one line of the child's stderr tells us."""

    live_playlist_written: bool = False
    problem: str | None = None


def read_remux_line(line: str, live_playlist: Path) -> RemuxLine:
    """The one place the remux child's stderr is understood."""
    opened = _OPENING.search(line)
    if opened:
        written = Path(opened.group("path").removesuffix(".tmp"))
        return RemuxLine(live_playlist_written=written == live_playlist)
    if _PROBLEM.search(line):
        return RemuxLine(problem=line.strip())
    return RemuxLine()


class Remux:
    """Owns one ffmpeg child for one publish: start, feed, finish."""

    def __init__(
        self,
        ffmpeg: str,
        *,
        live_playlist: Path,
        recording_playlist: Path,
        publish_id: str,
        continuing: bool,
        starts_at_s: float = 0.0,
        on_live_playlist: Callable[[], None],
    ) -> None:
        self._ffmpeg = ffmpeg
        self._live = live_playlist
        self._recording = recording_playlist
        self._publish_id = publish_id
        self._continuing = continuing
        self._starts_at_s = starts_at_s
        self._on_live_playlist = on_live_playlist
        self._process: asyncio.subprocess.Process | None = None
        self._stderr_task: asyncio.Task[None] | None = None

    def command(self) -> list[str]:
        live_flags = "delete_segments+temp_file+omit_endlist+append_list"
        if self._continuing:
            live_flags += "+discont_start"
        return [
            self._ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "info", "-nostats",
            "-f", "flv", "-i", "pipe:0",
            "-map", "0", "-c", "copy", "-f", "hls",
            "-hls_time", str(LIVE_SEGMENT_S), "-hls_list_size", str(LIVE_PLAYLIST_LENGTH),
            "-hls_flags", live_flags,
            "-hls_segment_filename", str(self._live.parent / f"{self._publish_id}-%05d.ts"),
            str(self._live),
            "-map", "0", "-c", "copy", "-output_ts_offset", f"{self._starts_at_s:.3f}",
            "-f", "hls", "-hls_time", str(REPLAY_SEGMENT_S), "-hls_list_size", "0",
            "-hls_playlist_type", "event",
            "-hls_segment_filename", str(self._recording.with_suffix("")) + "-%05d.ts",
            str(self._recording),
        ]  # fmt: skip

    async def start(self) -> None:
        await asyncio.to_thread(self._prepare_folders)
        self._process = await asyncio.create_subprocess_exec(
            *self.command(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        self._stderr_task = asyncio.create_task(self._read_stderr(), name="remux-stderr")
        await self.feed(FLV_HEADER)

    def _prepare_folders(self) -> None:
        """A fresh live folder unless this publish continues the last one."""
        live_dir = self._live.parent
        if not self._continuing and live_dir.exists():
            for old in live_dir.iterdir():
                old.unlink(missing_ok=True)
        live_dir.mkdir(parents=True, exist_ok=True)
        self._recording.parent.mkdir(parents=True, exist_ok=True)

    async def feed(self, data: bytes) -> None:
        """Hand FLV bytes to the child; RemuxStopped if it died (a new publish starts a new one)."""
        process = self._process
        if process is None or process.stdin is None:
            return
        try:
            process.stdin.write(data)
            await process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError) as exc:
            log.error("sandbox_remux_stopped_early", publish_id=self._publish_id)
            raise RemuxStopped from exc

    async def _read_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        announced = False
        async for raw in self._process.stderr:
            seen = read_remux_line(raw.decode("utf-8", "replace"), self._live)
            if seen.live_playlist_written and not announced:
                announced = True
                self._on_live_playlist()
            elif seen.problem:
                log.warning("sandbox_remux_said", publish_id=self._publish_id, line=seen.problem)

    async def finish(self) -> None:
        """End of input: let ffmpeg write its last segments, killing it if it hangs."""
        process = self._process
        if process is None:
            return
        if process.stdin is not None and not process.stdin.is_closing():
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), _EXIT_WAIT_S)
        except TimeoutError:
            log.error("sandbox_remux_hung", publish_id=self._publish_id)
            process.kill()
            await process.wait()
        if self._stderr_task is not None:
            await self._stderr_task
        if process.returncode:
            log.warning(
                "sandbox_remux_exit", publish_id=self._publish_id, returncode=process.returncode
            )

    def kill(self) -> None:
        """Stop at once (ingest shutting down past its grace time)."""
        if self._process is not None and self._process.returncode is None:
            self._process.kill()
