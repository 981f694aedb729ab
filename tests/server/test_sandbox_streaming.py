"""Sandbox streaming end to end: the real app, a real `flash-studio go-live` push to the
ingest URL and key the API gave, statuses by polling, HLS and the replay over HTTP."""

import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from server.app import create_app
from server.config import Settings
from tests.support.live_server import LiveServer, serve
from tests.support.streams import bearer, create_stream, register

SHORT_WINDOW_S = 1
"""New streams' reconnect window here: a broadcast ends (and its replay appears) a second
after the encoder leaves, rather than Mux's default minute."""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"mux_reconnect_window_s": SHORT_WINDOW_S})


@pytest.fixture
def long_window_server(settings: Settings, live_port: int) -> Iterator[LiveServer]:
    """The app with a reconnect window no test outlasts: only `complete` ends a broadcast."""
    patient = settings.model_copy(update={"mux_reconnect_window_s": 1800})
    with serve(create_app(patient), port=live_port) as server:
        yield server


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


def test_back_within_the_reconnect_window_is_the_same_live_and_one_replay(
    long_window_server: LiveServer,
) -> None:
    with long_window_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
        assert stream["reconnect_window"] == 1800

        def status() -> str:
            value: str = client.get(f"/streams/{stream['id']}").json()["status"]
            return value

        def seen(value: str) -> bool:
            return status() == value

        for _ in range(2):  # the encoder drops, and comes back well within the window
            push = go_live(stream["ingest_url"], stream["stream_key"], seconds=4)
            assert wait_for(lambda: seen("active"))
            assert httpx.get(stream["playback_url"], timeout=10).status_code == 200
            _, stderr = push.communicate(timeout=60)
            assert push.returncode == 0, stderr
            assert wait_for(lambda: seen("disconnected"))
        playlist = httpx.get(stream["playback_url"], timeout=10).text
        assert "#EXT-X-DISCONTINUITY" in playlist and "#EXT-X-ENDLIST" not in playlist
        # Still one broadcast: never idle in between, and no replay while it may go on.
        assert client.get(f"/streams/{stream['id']}").json()["replays"] == []

        done = client.post(f"/streams/{stream['id']}/complete", headers=bearer(token))
        assert done.status_code == 200 and done.json()["status"] == "completed"

        def replays() -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = client.get(f"/streams/{stream['id']}").json()["replays"]
            return found

        (replay,) = wait_for(replays)
        assert replay["duration"] > 6  # both parts, about 4 s each
        vod = httpx.get(replay["playback_url"], timeout=10).text
        assert vod.count("#EXT-X-DISCONTINUITY") == 1 and "#EXT-X-ENDLIST" in vod
        assert status() == "completed"
