"""The server bundled with the studio, run as a child process on a free loopback port.

`BundledServer` is the one owner of that process: it starts it, reads its
output, waits for `/health`, restarts it when it dies (with growing pauses),
and stops it on exit (terminate, then kill after a grace period). It reports
through typed events; it knows nothing of windows.
"""

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from studio.core.api_client import ApiClient
from studio.core.backoff import Backoff
from studio.core.errors import FlashError, ServerUnreachable
from studio.core.events import Event

HOST = "127.0.0.1"
OUTPUT_LINES_KEPT = 40
LINE_LIMIT = 1 << 20
LEAN = ("--loop", "asyncio", "--http", "h11")
"""The standard library's event loop and HTTP parser: a few MB and threads fewer than
uvloop and httptools, and plenty for one creator's studio (and the same on Windows)."""


class BundledServerError(FlashError):
    """The bundled server could not be started."""


@dataclass(frozen=True)
class ServerExit:
    """The bundled server stopped without being asked to."""

    returncode: int
    last_output: str
    restarting: bool


def free_port(host: str = HOST) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _port_free(port: int, host: str = HOST) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


async def stop_process(process: asyncio.subprocess.Process, grace: float) -> int:
    """Ask the process to end; kill it if it has not within `grace` seconds."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            return await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
    return await process.wait()


class BundledServer:
    """Runs `python -m server run` for this studio and keeps it running until `stop()`."""

    def __init__(
        self,
        *,
        data_dir: Path,
        secret_key: str,
        python: str = sys.executable,
        start_timeout: float = 120.0,
        stop_grace: float = 5.0,
        restart_backoff: Backoff | None = None,
        max_restarts: int = 5,
        stable_after: float = 60.0,
    ) -> None:
        self.data_dir = data_dir
        self._secret_key = secret_key
        self.python = python
        self.start_timeout = start_timeout
        self.stop_grace = stop_grace
        self.restart_backoff = restart_backoff or Backoff(first=1.0, longest=30.0)
        self.max_restarts = max_restarts
        self.stable_after = stable_after
        self.ready = Event[str]()
        """The server answers `/health` at this URL (after the first start and every restart)."""
        self.exited = Event[ServerExit]()
        self.gave_up = Event[str]()
        """It kept dying; no more restarts. Carries a readable reason."""
        self.output = Event[str]()
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._port: int | None = None
        self._tail: deque[str] = deque(maxlen=OUTPUT_LINES_KEPT)
        self._stopping = False
        self.url: str | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    @property
    def last_output(self) -> str:
        return "\n".join(self._tail)

    async def start(self) -> str:
        """Start the server and answer its URL once `/health` answers."""
        self._stopping = False
        try:
            url = await self._launch()
        except BaseException:
            await self._stop_process()
            raise
        self._supervisor = asyncio.create_task(self._supervise())
        return url

    async def stop(self) -> None:
        """Stop for good (no restart): terminate, then kill after `stop_grace` seconds."""
        self._stopping = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        await self._stop_process()

    async def _stop_process(self) -> None:
        if self._process is not None:
            await stop_process(self._process, self.stop_grace)
        if self._reader is not None:
            await self._reader
            self._reader = None

    async def _launch(self) -> str:
        """One start: spawn on a free port, then wait for health (or for it to die)."""
        port = self._port if self._port and _port_free(self._port) else free_port()
        url = f"http://{HOST}:{port}"
        self._process = await asyncio.create_subprocess_exec(
            *[self.python, "-m", "server", "run", "--host", HOST, "--port", str(port), *LEAN],
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=self._environment(url),
            limit=LINE_LIMIT,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),  # no console on Windows
        )
        self._port = port
        self._reader = asyncio.create_task(self._read_output(self._process))
        await self._wait_healthy(self._process, url)
        self.url = url
        self.ready.emit(url)
        return url

    def _environment(self, url: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            FLASH_DATA_DIR=str(self.data_dir),
            FLASH_RTMP_PORT="0",
            FLASH_SECRET_KEY=self._secret_key,
            FLASH_PUBLIC_URL=url,
            PYTHONUNBUFFERED="1",
        )
        return env

    async def _read_output(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while True:
            try:
                raw = await process.stdout.readline()
            except ValueError:
                continue  # a line over LINE_LIMIT: dropped, the rest still read
            if not raw:
                return
            line = raw.decode("utf-8", errors="replace").rstrip()
            self._tail.append(line)
            self.output.emit(line)

    async def _wait_healthy(self, process: asyncio.subprocess.Process, url: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.start_timeout
        probe = ApiClient(url, timeout=2.0)
        try:
            while True:
                if process.returncode is not None:
                    if self._reader is not None:
                        await self._reader
                    raise BundledServerError(
                        f"the bundled server stopped while starting (exit code "
                        f"{process.returncode}): {self._tail[-1] if self._tail else 'no output'}",
                        code="bundled_server_failed",
                    )
                try:
                    await probe.health()
                    return
                except ServerUnreachable:
                    pass
                if loop.time() > deadline:
                    await stop_process(process, self.stop_grace)
                    raise BundledServerError(
                        f"the bundled server did not answer within {self.start_timeout:.0f} s",
                        code="bundled_server_timeout",
                    )
                await asyncio.sleep(0.1)
        finally:
            await probe.aclose()

    async def _supervise(self) -> None:
        """Wait for the process to die; restart it unless we are stopping or it keeps dying."""
        loop = asyncio.get_running_loop()
        failures = 0
        healthy_since: float | None = loop.time()
        while True:
            assert self._process is not None
            returncode = await self._process.wait()
            if self._reader is not None:
                await self._reader
            if healthy_since is not None and loop.time() - healthy_since >= self.stable_after:
                failures = 0  # it ran well for a while: this is a new problem, not the same one
            healthy_since = None
            failures += 1
            restarting = failures <= self.max_restarts
            self.url = None
            self.exited.emit(ServerExit(returncode, self.last_output, restarting))
            if not restarting:
                self.gave_up.emit(
                    f"the bundled server stopped {failures} times in a row; last words: "
                    f"{self._tail[-1] if self._tail else 'none'}"
                )
                return
            await asyncio.sleep(self.restart_backoff.delay(failures))
            with contextlib.suppress(BundledServerError):
                await self._launch()
                healthy_since = loop.time()
