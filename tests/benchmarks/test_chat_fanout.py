"""Chat fan-out: one sender at R msg/s to N fans in one room, our server against Node's.

Each server runs as its own process so its CPU can be read (psutil): the Flash server
through `python -m server run` (SQLite, every message stored), and the plain Node
socket.io server in `node_socketio/` (same events and payloads, nothing stored). The
same fans (`chat_fans.py`: raw Engine.IO WebSockets, in one or two processes) and the
same sender (a raw WebSocket, the stream's creator) drive both. Figures are printed;
the only assertion is that our server delivered every message, however late.

N = 200 and 1000 by default; FLASH_BENCH_FULL=1 adds 2000. Needs node and npm for the
comparison (skipped with a reason without them); `npm ci` runs once into a cache
folder outside the repository.
"""

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx
import psutil
import pytest

from tests.support.live_server import free_port

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parents[2]
NODE_SOURCE = Path(__file__).parent / "node_socketio"
RATE = 20  # messages per second
SECONDS = 3
FANS = [200, 1000, 2000] if os.environ.get("FLASH_BENCH_FULL") == "1" else [200, 1000]
SETTLE_S = 15  # how long to wait for stragglers once no progress is seen


@dataclass
class Run:
    server: str
    fans: int
    expected: int
    received: int
    p50_ms: float
    p99_ms: float
    cpu_percent: float
    clients_cpu_percent: float

    def line(self) -> str:
        lost = self.expected - self.received
        return (
            f"{self.server:>6} N={self.fans:<5} R={RATE}/s delivered={self.received}/"
            f"{self.expected} lost={lost} p50={self.p50_ms:.1f} ms p99={self.p99_ms:.1f} ms "
            f"server CPU={self.cpu_percent:.0f}% of one core "
            f"(fan processes {self.clients_cpu_percent:.0f}%)"
        )


@contextmanager
def _process(
    args: list[str], env: dict[str, str], cwd: Path, log: Path
) -> Iterator[subprocess.Popen[str]]:
    with log.open("w") as errors:
        proc = subprocess.Popen(
            args, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=errors, text=True,
        )
    try:
        yield proc
    finally:
        _end(proc)


def _end(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            pipe.close()


def _wait_for_port(port: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


@contextmanager
def flash_server(tmp: Path) -> Iterator[tuple[str, subprocess.Popen[str], str, str, str]]:
    """Our server on SQLite; answers its URL, process, creator token, stream and fan token."""
    port = free_port()
    env = {
        **os.environ,
        "FLASH_DATA_DIR": str(tmp / "data"),
        "FLASH_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "FLASH_SECRET_KEY": "benchmark-secret-key-long-enough-0123456789",
        "FLASH_RTMP_PORT": "0",
        "FLASH_LOG_LEVEL": "WARNING",
        "FLASH_CHAT_FLOOD_EVENTS_PER_S": "100",
    }
    env.pop("FLASH_REDIS_URL", None)
    args = [sys.executable, "-m", "server", "run", "--port", str(port)]
    with _process(args, env, ROOT, tmp / "flash-server.log") as proc:
        _wait_for_port(port, proc)
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url + "/api/v1", timeout=30) as http:
            creator = http.post("/auth/register", json={
                "email": "bench@example.com", "password": "river-sun-42",
                "display_name": "Bench", "role": "creator", "country": "KE", "currency": "KES",
            }).raise_for_status().json()["access_token"]
            auth = {"Authorization": f"Bearer {creator}"}
            stream = http.post("/streams", json={"title": "bench"}, headers=auth)
            stream_id = stream.raise_for_status().json()["id"]
            fan = http.post("/auth/guest", json={"display_name": "Fan"}).json()["access_token"]
        yield url, proc, creator, stream_id, fan


def _node_dir() -> Path:
    """The reference server with its node_modules, in a cache folder (not the repo)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the Node socket.io comparison")
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "flash-bench-node"
    cache.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json", "server.js"):
        shutil.copy2(NODE_SOURCE / name, cache / name)
    if not (cache / "node_modules" / "socket.io").exists():
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=cache, capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.skip(f"npm ci failed for the Node comparison: {done.stderr.strip()[-300:]}")
    return cache


@contextmanager
def node_server(tmp: Path) -> Iterator[tuple[str, subprocess.Popen[str], str, str, str]]:
    cache = _node_dir()
    port = free_port()
    args = ["node", "server.js", str(port)]
    with _process(args, dict(os.environ), cache, tmp / "node-server.log") as proc:
        _wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}", proc, "creator", "bench-stream", "fan"


async def _sender(url: str, token: str, stream_id: str, messages: int) -> None:
    """The creator sends at a steady RATE, on an absolute schedule, and stays until every
    send is acked (closing earlier would drop the sends the server has not read yet)."""
    ws_url = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as session, session.ws_connect(ws_url) as ws:
        await ws.receive_str()
        await ws.send_str("40" + json.dumps({"token": token}))
        assert (await ws.receive_str()).startswith("40")
        await ws.send_str("42" + json.dumps(["join", {"stream_id": stream_id}]))
        acked = 0
        all_acked = asyncio.Event()

        async def drain() -> None:
            nonlocal acked
            async for frame in ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    break
                if frame.data == "2":
                    await ws.send_str("3")
                elif frame.data.startswith("43"):
                    acked += 1
                    if acked == messages:
                        all_acked.set()

        reader = asyncio.create_task(drain())
        start = time.monotonic()
        for n in range(messages):
            await asyncio.sleep(max(0.0, start + n / RATE - time.monotonic()))
            body = {"stream_id": stream_id, "text": f"{time.time_ns()} {n}", "client_id": f"b{n}"}
            await ws.send_str(f"42{n}" + json.dumps(["send", body]))
        async with asyncio.timeout(120):
            await all_acked.wait()
        reader.cancel()


def _ask(proc: subprocess.Popen[str], line: str) -> str:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(line + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def _measure(name: str, server: tuple[str, subprocess.Popen[str], str, str, str], fans: int,
             tmp: Path) -> Run:
    url, proc, creator, stream_id, fan_token = server
    groups = 1 if fans <= 500 else 2
    sizes = [fans // groups + (1 if i < fans % groups else 0) for i in range(groups)]
    outs = [tmp / f"{name}-{fans}-{i}.json" for i in range(groups)]
    clients = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.benchmarks.chat_fans", url, fan_token, stream_id,
             str(size), str(out)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        for size, out in zip(sizes, outs, strict=True)
    ]
    try:
        for client in clients:
            assert client.stdout is not None
            ready = client.stdout.readline().strip()
            assert ready.startswith("ready"), ready
        messages = RATE * SECONDS
        expected = messages * fans
        watched = [psutil.Process(p.pid) for p in (proc, *clients)]
        cpu_before = [sum(p.cpu_times()[:2]) for p in watched]
        started = time.monotonic()
        asyncio.run(_sender(url, creator, stream_id, messages))
        received, last_progress, seen = 0, time.monotonic(), -1
        while received < expected and time.monotonic() - last_progress < SETTLE_S:
            received = sum(int(_ask(c, "count").split()[1]) for c in clients)
            if received != seen:
                seen, last_progress = received, time.monotonic()
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        used = [
            sum(p.cpu_times()[:2]) - before
            for p, before in zip(watched, cpu_before, strict=True)
        ]
        cpu_percent, clients_cpu_percent = 100 * used[0] / elapsed, 100 * sum(used[1:]) / elapsed
        for client in clients:
            assert client.stdin is not None
            client.stdin.write("stop\n")
            client.stdin.flush()
            client.wait(timeout=60)
    finally:
        for client in clients:
            _end(client)
    latencies: list[float] = []
    total = 0
    for out in outs:
        report = json.loads(out.read_text())
        total += report["received"]
        latencies.extend(report["latencies_ms"])
    return Run(name, fans, expected, total, _percentile(latencies, 0.5),
               _percentile(latencies, 0.99), cpu_percent, clients_cpu_percent)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("fans", FANS)
def test_chat_fanout_against_node(fans: int, tmp_path: Path) -> None:
    with flash_server(tmp_path) as server:
        ours = _measure("flash", server, fans, tmp_path)
    print("\n" + ours.line())
    with node_server(tmp_path) as server:
        node = _measure("node", server, fans, tmp_path)
    print(node.line())
    print(f"p99 flash/node = {ours.p99_ms / node.p99_ms:.1f}x  "
          f"(clients: raw Engine.IO WebSockets in {1 if fans <= 500 else 2} process(es); "
          f"flash stores every message in SQLite, node stores nothing)")
    log = (tmp_path / "flash-server.log").read_text()[-3000:]
    assert ours.received == ours.expected, f"messages lost; the server said:\n{log}"
