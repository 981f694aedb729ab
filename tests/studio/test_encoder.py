"""The Encoder pushing real ffmpeg streams to real RTMP servers (nginx-rtmp, the sandbox ingest)."""

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
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
