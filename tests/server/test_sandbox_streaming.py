"""Sandbox streaming end to end: the real app, a real `flash-studio go-live` push to the
ingest URL and key the API gave, statuses by polling, HLS and the replay over HTTP."""

import subprocess
import sys
import time
from typing import Any

import httpx

from tests.support.live_server import LiveServer
from tests.support.streams import bearer, create_stream, register


def wait_for(predicate: Any, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def go_live(ingest_url: str, key: str, seconds: int) -> subprocess.Popen[str]:
    command = [
        sys.executable, "-m", "studio.core.go_live_cli",
        "--ingest", ingest_url, "--stream-key", key,
        "--source", "test-pattern", "--duration", str(seconds), "--preset", "360p",
    ]  # fmt: skip
    return subprocess.Popen(command, stderr=subprocess.PIPE, text=True)


def test_go_live_to_the_bundled_ingest_is_watched_and_replayed(live_server: LiveServer) -> None:
    with live_server.client() as client:
        health = client.get("/health").json()
        assert health["rtmp_port"], "the sandbox ingest reports its bound port"
        token, _ = register(client)
        stream = create_stream(client, token)
        assert stream["ingest_url"] == f"rtmp://127.0.0.1:{health['rtmp_port']}/live"
        assert stream["status"] == "idle"

        push = go_live(stream["ingest_url"], stream["stream_key"], seconds=6)
        live = wait_for(lambda: client.get(f"/streams/{stream['id']}").json()["status"] == "active")
        assert live
        playlist = httpx.get(stream["playback_url"], timeout=10)
        assert playlist.status_code == 200
        assert "#EXTM3U" in playlist.text
        _, stderr = push.communicate(timeout=60)
        assert push.returncode == 0, stderr

        def replay() -> list[dict[str, Any]]:
            replays: list[dict[str, Any]] = client.get(f"/streams/{stream['id']}").json()["replays"]
            return replays

        replays = wait_for(replay)
        assert replays[0]["duration"] > 2
        vod = httpx.get(replays[0]["playback_url"], timeout=10)
        assert "#EXT-X-ENDLIST" in vod.text
        status = client.get(f"/streams/{stream['id']}", headers=bearer(token)).json()["status"]
        assert status in ("idle", "disconnected")


def test_a_reset_key_is_refused_by_the_bundled_ingest(live_server: LiveServer) -> None:
    with live_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
        reset = client.post(f"/streams/{stream['id']}/reset-key", headers=bearer(token))
        assert reset.status_code == 200
        push = go_live(stream["ingest_url"], stream["stream_key"], seconds=3)
        _, stderr = push.communicate(timeout=60)
        assert push.returncode != 0
        assert len(stderr.strip().splitlines()) == 1, stderr
        assert stream["stream_key"] not in stderr
        assert client.get(f"/streams/{stream['id']}").json()["status"] == "idle"
