"""The bundled server as a real child process: starts, answers, restarts, stops, gives up."""

import asyncio
import os
import signal
import sys
from pathlib import Path

import psutil
import pytest

from studio.core.api_client import ApiClient
from studio.core.backoff import Backoff
from studio.core.bundled_server import BundledServer, BundledServerError, ServerExit, stop_process

SECRET = "bundled-test-secret-key-0123456789-abcdefgh"
QUICK = Backoff(first=0.1, longest=0.5)


def bundled(data_dir: Path, max_restarts: int = 5) -> BundledServer:
    return BundledServer(
        data_dir=data_dir, secret_key=SECRET, restart_backoff=QUICK, max_restarts=max_restarts
    )


async def health_of(url: str) -> bool:
    client = ApiClient(url)
    try:
        return (await client.health()).sandbox
    finally:
        await client.aclose()


async def test_starts_answers_health_and_stops(tmp_path: Path) -> None:
    server = bundled(tmp_path / "data")
    url = await server.start()
    try:
        assert url.startswith("http://127.0.0.1:")
        assert await health_of(url) is True  # no provider credentials: sandbox
        assert (tmp_path / "data" / "flash.db").exists()
        pid = server.pid
        assert pid is not None and psutil.pid_exists(pid)
    finally:
        await server.stop()
    assert not server.running
    assert not psutil.pid_exists(pid)


async def test_a_crashed_server_is_restarted(tmp_path: Path) -> None:
    server = bundled(tmp_path / "data")
    exits: list[ServerExit] = []
    ready: asyncio.Queue[str] = asyncio.Queue()
    server.exited.connect(exits.append)
    await server.start()
    server.ready.connect(ready.put_nowait)
    try:
        first_pid = server.pid
        assert first_pid is not None
        os.kill(first_pid, signal.SIGKILL if sys.platform != "win32" else signal.SIGTERM)
        url = await asyncio.wait_for(ready.get(), 90)
        assert len(exits) == 1 and exits[0].restarting
        assert server.pid != first_pid
        assert await health_of(url) is True
    finally:
        await server.stop()


async def test_a_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("a file where the data folder should be")
    server = bundled(not_a_folder)
    with pytest.raises(BundledServerError) as failure:
        await server.start()
    assert "stopped while starting" in failure.value.message
    assert server.last_output
    assert not server.running


async def test_it_gives_up_on_a_server_that_keeps_dying(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = bundled(data, max_restarts=2)
    reasons: asyncio.Queue[str] = asyncio.Queue()
    server.gave_up.connect(reasons.put_nowait)
    await server.start()
    try:
        data.rename(tmp_path / "moved")
        data.write_text("the data folder is gone")
        assert server.pid is not None
        os.kill(server.pid, signal.SIGTERM)
        reason = await asyncio.wait_for(reasons.get(), 90)
        assert "stopped 3 times" in reason
    finally:
        await server.stop()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGTERM to ignore")
async def test_stop_kills_a_process_that_ignores_terminate() -> None:
    stubborn = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n",
        stdout=asyncio.subprocess.PIPE,
    )
    assert stubborn.stdout is not None
    assert await stubborn.stdout.readline() == b"ready\n"
    returncode = await stop_process(stubborn, grace=0.5)
    assert returncode == -signal.SIGKILL
