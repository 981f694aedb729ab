"""`flash-server` as an operator starts it: a child process on a loopback port, its stderr kept.

tests/support/live_server.py serves the app inside the test process; these tests need the
real command line instead (its argument parsing, its logging set-up, an installed copy).
"""

import os
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.live_server import free_port

STARTUP_LIMIT_S = 60  # a limit on waiting, not an assertion on speed


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    port: int
    stderr_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stderr_lines(self) -> list[str]:
        return self.stderr_path.read_text().splitlines()


def clean_env(**settings: str) -> dict[str, str]:
    """This machine's environment without Python or FLASH_ leftovers, plus `settings`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASH_", "PYTHON", "VIRTUAL_ENV", "PIP_REQUIRE"))
    }
    env.update(settings)
    return env


@contextmanager
def running_server(
    command: Sequence[str], env: dict[str, str], workdir: Path, port: int | None = None
) -> Iterator[ServerProcess]:
    """Run `command run --host 127.0.0.1 --port P ...` until /api/v1/health answers.

    `port`: a given one (a restarted server on its predecessor's port, where callbacks go).
    """
    port = port or free_port()
    stderr_path = workdir / f"server-{port}.stderr"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    server = ServerProcess(process, port, stderr_path)
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while True:
            if process.poll() is not None:
                raise AssertionError(
                    f"flash-server exited with {process.returncode}:\n"
                    + "\n".join(server.stderr_lines()[-20:])
                )
            try:
                httpx.get(server.url + "/api/v1/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise AssertionError("flash-server never answered /api/v1/health") from None
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
