"""What streaming through our Encoder costs over plain ffmpeg; how soon Go Live reaches the ingest.

Measured at 720p30, the quality the "Go live" issue sets as the reference for a
creator's laptop. Figures are printed (run with -s); the assertions only check they
were measured. Targets: CPU ≤ 1.05× the same ffmpeg command run alone; Go Live to
ingest ≤ 2 s.
"""

import asyncio
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from server.streams.ingest_events import IngestEvent
from server.streams.sandbox_ingest import SandboxIngest
from studio.core import sources
from studio.core.encoder import Encoder, EncoderState
from studio.core.quality import PRESETS
from tests.support.nginx_rtmp import NginxRtmp, running_nginx

pytestmark = pytest.mark.benchmark

WINDOW_S = 10.0
WARM_UP_S = 1.0
GO_LIVE_RUNS = 3
PRESET = "720p"
LABEL = f"{PRESET}{PRESETS[PRESET].fps}"


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[NginxRtmp]:
    with running_nginx(tmp_path / "nginx") as server:
        yield server


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def encoder_720p(ingest_url: str, key: str) -> Encoder:
    return Encoder(
        ingest_url=ingest_url,
        stream_key=key,
        source=sources.TestPattern(),
        preset=PRESETS[PRESET],
    )


async def test_encoder_cpu_against_plain_ffmpeg(nginx: NginxRtmp) -> None:
    # The same command alone: ffmpeg started and left to run, nothing reading its output.
    command = encoder_720p(nginx.url, "alone").command()
    alone = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await asyncio.sleep(WARM_UP_S + 0.7)  # ours goes live ~0.7 s after start
        ffmpeg = psutil.Process(alone.pid)
        before = cpu_seconds(ffmpeg)
        await asyncio.sleep(WINDOW_S)
        baseline = cpu_seconds(ffmpeg) - before
    finally:
        alone.kill()
        await alone.wait()

    # Ours: the Encoder with its readers and watchdog in this Python process.
    encoder = encoder_720p(nginx.url, "ours")
    await encoder.start()
    async with asyncio.timeout(30):
        await encoder.wait_for(EncoderState.LIVE)
    await asyncio.sleep(WARM_UP_S)
    assert encoder.process_id is not None
    ffmpeg, python = psutil.Process(encoder.process_id), psutil.Process()
    ffmpeg_before, python_before = cpu_seconds(ffmpeg), cpu_seconds(python)
    await asyncio.sleep(WINDOW_S)
    ffmpeg_ours = cpu_seconds(ffmpeg) - ffmpeg_before
    python_ours = cpu_seconds(python) - python_before
    assert encoder.state == EncoderState.LIVE
    await encoder.stop()

    ours = ffmpeg_ours + python_ours
    print(
        f"\nCPU over {WINDOW_S:.0f} s of {LABEL} test pattern to nginx-rtmp: "
        f"ffmpeg alone {baseline:.2f} s; ours {ours:.2f} s "
        f"(ffmpeg {ffmpeg_ours:.2f} s + Python {python_ours:.3f} s, "
        f"{python_ours / ffmpeg_ours:.1%} of ffmpeg's); ratio {ours / baseline:.3f}x "
        "(target <= 1.05x)"
    )
    assert baseline > 0 and ours > 0


async def test_go_live_to_ingest(tmp_path: Path) -> None:
    seen: list[float] = []

    async def authorize(key: str) -> str | None:
        seen.append(time.monotonic())  # the ingest has the publish command in hand
        return "stream-1"

    async def ignore(_event: IngestEvent) -> None:
        return None

    ingest = SandboxIngest(
        host="127.0.0.1", port=0, data_dir=tmp_path, authorize=authorize, on_event=ignore
    )
    port = await ingest.start()
    to_ingest: list[float] = []
    to_live: list[float] = []
    try:
        for run in range(GO_LIVE_RUNS):
            encoder = encoder_720p(f"rtmp://127.0.0.1:{port}/live", f"key-{run}")
            started = time.monotonic()
            await encoder.start()
            async with asyncio.timeout(30):
                await encoder.wait_for(EncoderState.LIVE)
            to_live.append(time.monotonic() - started)
            to_ingest.append(seen[-1] - started)
            await encoder.stop()
    finally:
        await ingest.stop()
    print(
        f"\nGo Live to ingest at {LABEL} (start() to the publish at the sandbox ingest): "
        f"{', '.join(f'{t:.2f}' for t in to_ingest)} s, median "
        f"{statistics.median(to_ingest):.2f} s (target <= 2 s); to the encoder's LIVE state: "
        f"median {statistics.median(to_live):.2f} s"
    )
    assert len(to_ingest) == GO_LIVE_RUNS
