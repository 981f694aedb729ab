"""`flash-studio go-live` as a creator's script runs it: a real process, a real RTMP server."""

import asyncio
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from server.streams.sandbox_ingest import SandboxIngest
from tests.support.live_server import free_port
from tests.support.nginx_rtmp import NginxRtmp, running_nginx
from tests.support.system_ffmpeg import SystemFfmpeg

KEY = "sk-cli-0123456789abcdef"


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[NginxRtmp]:
    with running_nginx(tmp_path / "nginx") as server:
        yield server


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[SandboxIngest]:
    async def authorize(key: str) -> str | None:
        return "stream-1" if key == "the-only-good-key" else None

    async def ignore(_event: object) -> None:
        return None

    ingest = SandboxIngest(
        host="127.0.0.1", port=0, data_dir=tmp_path / "data", authorize=authorize, on_event=ignore
    )
    await ingest.start()
    yield ingest
    await ingest.stop()


async def go_live(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "studio.core.go_live_cli", *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    async with asyncio.timeout(60):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_streams_for_the_duration_then_exits_0(nginx: NginxRtmp) -> None:
    code, out, err = await go_live(
        "--ingest", nginx.url, "--stream-key", KEY, "--source", "test-pattern",
        "--duration", "2", "--preset", "360p",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "Live at 360p" in out and "Streamed 2" in out
    assert KEY not in out


async def test_a_refused_key_exits_non_zero_with_one_line(sandbox: SandboxIngest) -> None:
    code, out, err = await go_live(
        "--ingest", f"rtmp://127.0.0.1:{sandbox.port}/live", "--stream-key", KEY,
        "--source", "test-pattern", "--duration", "2",
    )  # fmt: skip
    assert code != 0
    assert err.splitlines() == [
        "go-live: The ingest refused the stream: Unknown or reset stream key"
    ]
    assert KEY not in out + err


async def test_an_unreachable_ingest_exits_non_zero_with_one_line() -> None:
    port = free_port()
    code, out, err = await go_live(
        "--ingest", f"rtmp://127.0.0.1:{port}/live", "--stream-key", KEY, "--duration", "2",
    )  # fmt: skip
    assert code != 0
    assert len(err.splitlines()) == 1
    assert err.startswith(f"go-live: Can't reach the ingest at 127.0.0.1:{port}")
    assert KEY not in out + err


async def test_a_wrong_duration_is_a_usage_error() -> None:
    code, _, err = await go_live(
        "--ingest", "rtmp://h/live", "--stream-key", "k", "--duration", "0"
    )
    assert code == 2 and "--duration" in err


async def test_the_ffmpeg_given_with_the_flag_is_the_one_that_streams(
    nginx: NginxRtmp, tmp_path: Path
) -> None:
    system = SystemFfmpeg(tmp_path / "bin")
    code, out, err = await go_live(
        "--ingest", nginx.url, "--stream-key", KEY, "--duration", "1", "--preset", "360p",
        "--video-encoder", "software", "--ffmpeg", str(system.path),
    )  # fmt: skip
    assert (code, err) == (0, "") and KEY not in out
    calls = system.arguments()
    assert calls[0] == "-version"
    assert any(call.endswith(f"{nginx.url}/{KEY}") for call in calls[1:])


async def test_a_missing_ffmpeg_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "ffmpeg"
    code, _, err = await go_live(
        "--ingest", "rtmp://127.0.0.1/live", "--stream-key", KEY, "--duration", "1",
        "--ffmpeg", str(missing),
    )  # fmt: skip
    assert code == 1
    assert err.splitlines() == [f"go-live: There is no file at {missing}."]
