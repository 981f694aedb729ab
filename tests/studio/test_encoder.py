"""The Encoder pushing real ffmpeg streams to real RTMP servers (nginx-rtmp, the sandbox ingest)."""

import asyncio
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from server.streams.ingest_events import IngestEvent
from server.streams.sandbox_ingest import SandboxIngest
from studio.core import sources
from studio.core.encoder import Encoder, EncoderState, EncoderStatus, ffmpeg_executable
from studio.core.ffmpeg_output import EncoderStats
from studio.core.quality import PRESETS
from studio.core.sources import Source, VideoFile
from tests.support.live_server import free_port
from tests.support.nginx_rtmp import NginxRtmp, running_nginx

KEY = "sk-test-0123456789abcdef"
S = EncoderState


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[NginxRtmp]:
    with running_nginx(tmp_path / "nginx") as server:
        yield server


@pytest.fixture
def recording_nginx(tmp_path: Path) -> Iterator[NginxRtmp]:
    with running_nginx(tmp_path / "nginx", record=True) as server:
        yield server


@dataclass(frozen=True)
class Received:
    """What a viewer's decoder finds in a file: the video codec, frame size and length."""

    codec: str
    width: int
    height: int
    duration_s: float


_VIDEO_STREAM = re.compile(
    r"Stream #\S+.*?: Video: (?P<codec>\w+).*?, (?P<w>\d{2,5})x(?P<h>\d{2,5})"
)
_DECODED_TIME = re.compile(r"time=(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?)")


def parse_probe(report: str) -> Received:
    """`ffmpeg -i FILE -f null -` output read as ffprobe would (imageio-ffmpeg has no ffprobe);
    the length is the last `time=` of the decode, so a file without a duration tag still has one."""
    stream = _VIDEO_STREAM.search(report)
    times = _DECODED_TIME.findall(report)
    assert stream is not None and times, report
    hours, minutes, seconds = times[-1]
    return Received(
        codec=stream.group("codec"),
        width=int(stream.group("w")),
        height=int(stream.group("h")),
        duration_s=int(hours) * 3600 + int(minutes) * 60 + float(seconds),
    )


async def probe(media: Path) -> Received:
    """Decode the whole video of `media`: a file that does not decode fails the test here."""
    decoder = await asyncio.create_subprocess_exec(
        ffmpeg_executable(), "-hide_banner", "-nostdin", "-i", str(media), "-map", "0:v:0",
        "-f", "null", "-",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, report = await decoder.communicate()
    assert decoder.returncode == 0, report.decode("utf-8", "replace")
    return parse_probe(report.decode("utf-8", "replace"))


def test_parse_probe_reads_codec_size_and_decoded_length() -> None:
    report = (
        "Input #0, flv, from 'sk.flv':\n"
        "  Stream #0:0: Video: h264 (High), yuv420p(progressive), 640x360 [SAR 1:1 DAR 16:9], "
        "30.30 fps\n"
        "  Stream #0:1: Audio: aac (LC), 48000 Hz, stereo, fltp\n"
        "frame=   45 fps=0.0 q=-0.0 size=N/A time=00:00:01.50 bitrate=N/A speed=15x\r"
        "frame=   90 fps=0.0 q=-0.0 Lsize=N/A time=00:00:03.00 bitrate=N/A speed=16x\n"
    )
    assert parse_probe(report) == Received("h264", 640, 360, 3.0)


class Keys:
    def __init__(self) -> None:
        self.keys = {KEY: "stream-1"}
        self.events: list[IngestEvent] = []
        self._arrived = asyncio.Event()

    async def authorize(self, key: str) -> str | None:
        return self.keys.get(key)

    async def on_event(self, event: IngestEvent) -> None:
        self.events.append(event)
        self._arrived.set()

    async def wait_for(self, kind: str) -> None:
        async with asyncio.timeout(20):
            while kind not in [event.kind for event in self.events]:
                self._arrived.clear()
                await self._arrived.wait()


@pytest.fixture
def keys() -> Keys:
    return Keys()


@pytest.fixture
async def sandbox(keys: Keys, tmp_path: Path) -> AsyncIterator[SandboxIngest]:
    ingest = SandboxIngest(
        host="127.0.0.1",
        port=0,
        data_dir=tmp_path / "data",
        authorize=keys.authorize,
        on_event=keys.on_event,
    )
    await ingest.start()
    yield ingest
    await ingest.stop()


class Watched:
    """An Encoder and everything it reported."""

    def __init__(self, ingest_url: str, *, key: str = KEY, source: Source | None = None) -> None:
        self.encoder = Encoder(
            ingest_url=ingest_url,
            stream_key=key,
            source=source or sources.TestPattern(),
            preset=PRESETS["360p"],
        )
        self.statuses: list[EncoderStatus] = []
        self.stats: list[EncoderStats] = []
        self._progress = asyncio.Event()
        self.encoder.state_changed.connect(self.statuses.append)
        self.encoder.stats_updated.connect(self._on_stats)

    def _on_stats(self, stats: EncoderStats) -> None:
        self.stats.append(stats)
        self._progress.set()

    async def next_report(self) -> None:
        self._progress.clear()
        await self._progress.wait()

    async def streamed(self, seconds: float) -> None:
        """Until ffmpeg reports `seconds` of output sent."""
        async with asyncio.timeout(seconds + 15):
            while (self.encoder.stats.out_time_s or 0) < seconds:
                self._progress.clear()
                await self._progress.wait()

    def states(self) -> list[EncoderState]:
        """The states in order, repeats (a new reason for the same state) folded."""
        folded: list[EncoderState] = []
        for status in self.statuses:
            if not folded or folded[-1] != status.state:
                folded.append(status.state)
        return folded

    async def reach(self, *states: EncoderState) -> EncoderStatus:
        async with asyncio.timeout(30):
            return await self.encoder.wait_for(*states)


def ffmpeg_children() -> list[psutil.Process]:
    return [
        child for child in psutil.Process().children(recursive=True) if "ffmpeg" in child.name()
    ]


async def test_goes_live_reports_progress_and_stops_cleanly(nginx: NginxRtmp) -> None:
    watched = Watched(nginx.url)
    await watched.encoder.start()
    await watched.reach(S.LIVE)
    await watched.streamed(1.5)
    await watched.encoder.stop()

    assert watched.states() == [S.CONNECTING, S.LIVE, S.STOPPED]
    latest = watched.stats[-2]
    assert latest.fps > 0 and latest.frame > 0
    assert latest.bitrate_kbps and latest.total_size and latest.out_time_s
    assert (
        watched.stats[0].out_time_s is not None and latest.out_time_s > watched.stats[0].out_time_s
    )
    assert ffmpeg_children() == []


async def test_reconnects_when_the_ingest_returns(nginx: NginxRtmp) -> None:
    watched = Watched(nginx.url)
    await watched.encoder.start()
    await watched.reach(S.LIVE)
    await asyncio.sleep(1)

    await asyncio.to_thread(nginx.stop)
    dropped = await watched.reach(S.RECONNECTING)
    assert dropped.reason and KEY not in dropped.reason
    await asyncio.sleep(1.5)  # offline a while: the encoder keeps trying
    assert watched.encoder.state == S.RECONNECTING

    await asyncio.to_thread(nginx.start)
    returned = time.monotonic()
    await watched.reach(S.LIVE)
    print(f"\nback on air {time.monotonic() - returned:.2f} s after the ingest returned")
    await watched.encoder.stop()
    assert watched.states() == [S.CONNECTING, S.LIVE, S.RECONNECTING, S.LIVE, S.STOPPED]


async def test_stopping_while_reconnecting_stops_at_once(nginx: NginxRtmp) -> None:
    watched = Watched(nginx.url)
    await watched.encoder.start()
    await watched.reach(S.LIVE)
    await asyncio.to_thread(nginx.stop)
    await watched.reach(S.RECONNECTING)
    await watched.encoder.stop()
    assert watched.encoder.state == S.STOPPED
    assert ffmpeg_children() == []


async def test_the_sandbox_ingest_sees_the_whole_broadcast(
    sandbox: SandboxIngest, keys: Keys
) -> None:
    watched = Watched(f"rtmp://127.0.0.1:{sandbox.port}/live")
    await watched.encoder.start()
    await watched.reach(S.LIVE)
    await keys.wait_for("active")
    await watched.encoder.stop()
    await keys.wait_for("disconnected")
    sandbox.end_broadcast("stream-1")  # as completing the stream does, not waiting for the window
    await keys.wait_for("replay_ready")
    assert [event.kind for event in keys.events] == [
        "connected",
        "active",
        "disconnected",
        "replay_ready",
    ]


async def test_a_refused_key_fails_at_once_with_the_ingest_reason(sandbox: SandboxIngest) -> None:
    watched = Watched(f"rtmp://127.0.0.1:{sandbox.port}/live", key="sk-not-a-real-key")
    await watched.encoder.start()
    failed = await watched.reach(S.FAILED, S.LIVE)
    assert failed.state == S.FAILED
    assert failed.reason == "The ingest refused the stream: Unknown or reset stream key"
    assert watched.states() == [S.CONNECTING, S.FAILED]


async def test_an_unreachable_ingest_fails_with_a_reason() -> None:
    port = free_port()  # nothing listens there
    watched = Watched(f"rtmp://127.0.0.1:{port}/live")
    await watched.encoder.start()
    failed = await watched.reach(S.FAILED, S.LIVE)
    assert failed.state == S.FAILED
    assert failed.reason is not None
    assert f"Can't reach the ingest at 127.0.0.1:{port}" in failed.reason
    assert KEY not in failed.reason


async def test_a_video_file_streams_in_a_loop(nginx: NginxRtmp, tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip_maker = await asyncio.create_subprocess_exec(
        *[ffmpeg_executable(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
         "-f", "lavfi", "-i", "sine", "-t", "1", "-c:v", "libx264", "-c:a", "aac", str(clip)],
    )  # fmt: skip
    assert await clip_maker.wait() == 0
    watched = Watched(nginx.url, source=VideoFile(clip))
    await watched.encoder.start()
    await watched.reach(S.LIVE)
    await watched.streamed(2.5)  # well past the clip's one second: it loops
    assert watched.encoder.state == S.LIVE
    await watched.encoder.stop()


async def test_a_missing_ffmpeg_fails_with_a_reason(tmp_path: Path) -> None:
    encoder = Encoder(
        ingest_url="rtmp://127.0.0.1:1935/live",
        stream_key=KEY,
        source=sources.TestPattern(),
        ffmpeg=str(tmp_path / "no-ffmpeg-here"),
    )
    await encoder.start()
    async with asyncio.timeout(10):
        failed = await encoder.wait_for(S.FAILED, S.LIVE)
    assert failed.state == S.FAILED and failed.reason is not None
    assert failed.reason.startswith("Can't start ffmpeg")


async def test_the_ingest_receives_h264_at_the_preset_size_for_as_long_as_sent(
    recording_nginx: NginxRtmp,
) -> None:
    watched = Watched(recording_nginx.url)
    await watched.encoder.start()
    await watched.reach(S.LIVE)
    await watched.streamed(3.0)
    await watched.encoder.stop()
    sent = watched.encoder.stats.out_time_s
    assert sent is not None

    received = await probe(recording_nginx.recordings / f"{KEY}.flv")
    preset = watched.encoder.preset
    assert (received.codec, received.width, received.height) == (
        "h264",
        preset.width,
        preset.height,
    )
    assert abs(received.duration_s - sent) < 0.5, (received, sent)


async def test_a_preset_change_while_live_restarts_ffmpeg_without_leaving_the_air(
    nginx: NginxRtmp,
) -> None:
    watched = Watched(nginx.url)
    watched.encoder.preset = PRESETS["480p"]
    await watched.encoder.start()
    await watched.reach(S.LIVE)
    first_pid = watched.encoder.process_id

    watched.encoder.change_preset(PRESETS["360p"])
    async with asyncio.timeout(15):
        while watched.encoder.process_id == first_pid:  # progress arrives from the new one
            await watched.next_report()
    await watched.streamed(1.0)
    assert watched.encoder.process_id is not None
    running = " ".join(psutil.Process(watched.encoder.process_id).cmdline())
    assert "size=640x360" in running  # the new ffmpeg really encodes the lighter preset
    await watched.encoder.stop()
    assert watched.states() == [S.CONNECTING, S.LIVE, S.STOPPED]
    assert ffmpeg_children() == []


async def test_a_local_copy_of_what_is_sent_is_recorded_and_plays(
    recording_nginx: NginxRtmp, tmp_path: Path
) -> None:
    folder = tmp_path / "Videos [mine]" / "Flash Africa"  # tee's special characters too
    watched = Watched(recording_nginx.url)
    watched.encoder.recordings = folder
    await watched.encoder.start()
    await watched.reach(S.LIVE)  # through tee, which reports no byte count
    await watched.streamed(2.0)
    await watched.encoder.stop()
    sent = watched.encoder.stats.out_time_s
    assert sent is not None and watched.states() == [S.CONNECTING, S.LIVE, S.STOPPED]

    [copy] = watched.encoder.recorded
    assert copy.parent == folder and copy.name.startswith("Flash Africa ")
    assert copy.suffix == ".mp4"
    kept, received = await asyncio.gather(
        probe(copy), probe(recording_nginx.recordings / f"{KEY}.flv")
    )
    assert (kept.codec, kept.width, kept.height) == ("h264", 640, 360)
    assert abs(kept.duration_s - sent) < 0.5 and abs(received.duration_s - sent) < 0.5


async def test_recording_does_not_hide_an_unreachable_ingest(tmp_path: Path) -> None:
    port = free_port()
    watched = Watched(f"rtmp://127.0.0.1:{port}/live")
    watched.encoder.recordings = tmp_path
    await watched.encoder.start()
    failed = await watched.reach(S.FAILED, S.LIVE)
    assert failed.state == S.FAILED and failed.reason is not None
    assert f"Can't reach the ingest at 127.0.0.1:{port}" in failed.reason
