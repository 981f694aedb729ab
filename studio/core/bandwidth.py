"""How fast this machine can send to the stream's ingest, and the quality that fits.

What is measured, and why this way: a real RTMP publish of a few seconds to
the stream's ingest (see below where exactly), by the same ffmpeg the encoder uses.
ffmpeg encodes a small test pattern at a constant 8 Mbit/s (x264 pads each
frame with filler to the exact rate, which costs almost no CPU), with a send
buffer of only 64 KiB: once the buffer is full, ffmpeg can only write as fast
as the network carries the bytes to the ingest, so the bytes it reports sent
over wall-clock time are the upstream to that ingest. The first second (RTMP
handshake, buffer filling) is left out of the sum.

Where it publishes: the target the server gives for a connection test
(`POST /streams/{id}/connection-test`), never the stream's own ingest. On the
bundled sandbox that is the ingest's `test` application (same host, same key
check, but the media is dropped); on Mux, whose ingest has no such application,
a throwaway Mux test-mode live stream on the same ingest, with no playback and
no recording, deleted afterwards. Either way the stream never looks live and no
replay is made. This module only publishes where its caller says.

Why not a bare TCP upload timing to the ingest's port: an RTMP server reads a
handshake, then chunks, and closes on anything else (Mux's ingest included),
so junk bytes measure how fast it hangs up, not the link. A publish is the one
thing every RTMP ingest accepts, and it follows the same route, TLS included
(rtmps), as the broadcast itself.

The figure is capped by the 8 Mbit/s sent: a faster link reads "at least
8 Mbit/s", which is above what the 1080p preset needs. The proposal is the
highest preset whose video plus audio takes at most 70% of the measured rate,
leaving room for the link's dips, chat and the other things a laptop sends.
"""

import asyncio
import time
from dataclasses import dataclass, field

from studio.core.encoder import ffmpeg_executable, publish_url
from studio.core.ffmpeg_output import FailureReader, ProgressReader
from studio.core.ffmpeg_process import ask_to_quit, read_lines
from studio.core.quality import PRESETS, Preset

PROBE_KBPS = 8000
"""Above 1080p's 4.6 Mbit/s / 0.7, so every preset can be proposed."""
HEADROOM = 0.7
MEASURE_S = 5.0
WARM_UP_S = 1.0
CONNECT_TIMEOUT_S = 15.0
SEND_BUFFER_BYTES = 64 * 1024


class BandwidthTestFailed(Exception):
    """The test could not push to the ingest; `reason` is one line fit to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Bandwidth:
    """The measured upstream and the preset it supports."""

    upstream_kbps: float
    at_least: bool
    """True when the link carried all that was sent: it may be faster still."""
    proposal: Preset | None
    """None when even the smallest preset would not fit comfortably."""


def total_kbps(preset: Preset) -> int:
    return preset.video_kbps + preset.audio_kbps


def propose_preset(upstream_kbps: float, headroom: float = HEADROOM) -> Preset | None:
    """The highest preset whose total bitrate fits in `headroom` of the upstream."""
    fitting = [p for p in PRESETS.values() if total_kbps(p) <= upstream_kbps * headroom]
    return max(fitting, key=total_kbps, default=None)


def probe_command(ffmpeg: str, ingest_url: str, stream_key: str) -> list[str]:
    """The test publish (it holds the stream key: never log it)."""
    rate = f"{PROBE_KBPS}k"
    return [
        ffmpeg, "-hide_banner", "-loglevel", "warning", "-nostats",
        "-progress", "pipe:1", "-stats_period", "0.25",
        "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
        "-x264-params", "nal-hrd=cbr:force-cfr=1",
        "-b:v", rate, "-minrate", rate, "-maxrate", rate, "-bufsize", f"{PROBE_KBPS // 4}k",
        "-g", "60", "-pix_fmt", "yuv420p", "-an",
        "-send_buffer_size", str(SEND_BUFFER_BYTES),
        "-f", "flv", publish_url(ingest_url, stream_key),
    ]  # fmt: skip


@dataclass
class _Samples:
    """(seconds since the first byte left, bytes sent) as ffmpeg reports them."""

    first_at: float | None = None
    points: list[tuple[float, int]] = field(default_factory=list)
    enough: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, size: int) -> None:
        now = time.monotonic()
        if size <= 0:
            return
        if self.first_at is None:
            self.first_at = now
        elapsed = now - self.first_at
        self.points.append((elapsed, size))
        if elapsed >= MEASURE_S:
            self.enough.set()

    def kbps(self) -> float | None:
        measured = [(t, size) for t, size in self.points if t >= WARM_UP_S]
        if len(measured) < 2 or measured[-1][0] - measured[0][0] <= 0:
            return None
        (t0, s0), (t1, s1) = measured[0], measured[-1]
        return (s1 - s0) * 8 / 1000 / (t1 - t0)


async def measure_upstream(
    ingest_url: str, stream_key: str, *, ffmpeg: str | None = None
) -> Bandwidth:
    """Publish the probe for `MEASURE_S` seconds and turn what got through into a proposal."""
    failures = FailureReader(ingest_url, secrets=(stream_key,))
    progress = ProgressReader()
    samples = _Samples()
    executable = ffmpeg_executable(ffmpeg)
    try:
        process = await asyncio.create_subprocess_exec(
            *probe_command(executable, ingest_url, stream_key),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        raise BandwidthTestFailed(f"Can't start ffmpeg ({executable}): {exc}") from exc

    def on_progress(line: str) -> None:
        stats = progress.feed(line)
        if stats is not None and stats.total_size:
            samples.add(stats.total_size)

    readers = [
        asyncio.create_task(read_lines(process.stdout, on_progress)),
        asyncio.create_task(read_lines(process.stderr, failures.feed)),
    ]
    exited = asyncio.create_task(process.wait())
    enough = asyncio.create_task(samples.enough.wait())
    try:
        limit = CONNECT_TIMEOUT_S + MEASURE_S
        await asyncio.wait({exited, enough}, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
    finally:
        enough.cancel()
        await ask_to_quit(process)
        await asyncio.gather(*readers, exited, enough, return_exceptions=True)
    kbps = samples.kbps()
    if kbps is None:
        if process.returncode and failures.failure is not None:
            raise BandwidthTestFailed(failures.failure.reason)
        if samples.first_at is None:
            raise BandwidthTestFailed(failures.explain(process.returncode or 1).reason)
        raise BandwidthTestFailed("The connection to the ingest was too slow to measure")
    return Bandwidth(kbps, at_least=kbps >= PROBE_KBPS * 0.9, proposal=propose_preset(kbps))
