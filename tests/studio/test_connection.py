"""Offline and back: a remote server that does not answer, and a bundled server that crashes."""

import asyncio
import os
import signal
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from studio.core.api_client import ApiClient
from studio.core.backoff import Backoff
from studio.core.connection import LinkState, ServerConnection, ServerStatus
from studio.core.settings import SERVER_URL, StudioSettings
from tests.studio.conftest import SERVER_START_MS, Places, StudioRunner, start_server, stop_server
from tests.support.live_server import LiveServer, free_port


async def test_the_connection_goes_offline_and_recovers(tmp_path: Path) -> None:
    port = free_port()
    api = ApiClient()
    connection = ServerConnection(api, check_every=0.2, backoff=Backoff(first=0.1, longest=0.5))
    statuses: asyncio.Queue[ServerStatus] = asyncio.Queue()
    connection.changed.connect(statuses.put_nowait)
    connection.watch(f"http://127.0.0.1:{port}")
    server = None
    try:
        while (status := await statuses.get()).state is not LinkState.OFFLINE:
            pass
        assert status.retry_in is not None and status.reason
        server = start_server(port, tmp_path / "remote")
        while (status := await asyncio.wait_for(statuses.get(), 90)).state is not LinkState.ONLINE:
            pass
        assert status.sandbox
    finally:
        await connection.stop()
        await api.aclose()
        if server is not None:
            stop_server(server)


def test_offline_remote_server_is_shown_and_recovers(
    qtbot: QtBot, studios: StudioRunner, places: Places, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    places.settings.parent.mkdir(parents=True)
    places.settings.write_text(f'{{"server_url": "{url}"}}')

    studio = studios.open(wait_ready=False)
    window = studio.window
    qtbot.waitUntil(window.offline_badge.isVisible)
    assert window.offline_banner.isVisible()
    assert url in window.offline_banner.text.text()
    assert studio.bundled is None  # a remote server is configured: nothing started here

    server = start_server(port, tmp_path / "remote")
    try:
        qtbot.waitUntil(window.sandbox_badge.isVisible, timeout=SERVER_START_MS)
        assert not window.offline_badge.isVisible()
        assert not window.offline_banner.isVisible()
        assert window.server_label.text() == f"Connected to {url}"
    finally:
        stop_server(server)
    qtbot.waitUntil(window.offline_badge.isVisible, timeout=SERVER_START_MS)


def test_a_crashed_bundled_server_is_restarted_and_the_studio_recovers(
    qtbot: QtBot, studios: StudioRunner
) -> None:
    studio = studios.open()
    window = studio.window
    assert studio.bundled is not None and studio.bundled.pid is not None
    first_pid = studio.bundled.pid

    os.kill(first_pid, signal.SIGKILL if sys.platform != "win32" else signal.SIGTERM)
    qtbot.waitUntil(window.offline_badge.isVisible, timeout=SERVER_START_MS)
    assert not window.sandbox_badge.isVisible()
    qtbot.waitUntil(window.sandbox_badge.isVisible, timeout=SERVER_START_MS)
    assert not window.offline_badge.isVisible()
    assert window.server_label.text() == "Connected to the built-in server"
    assert studio.bundled.pid not in (None, first_pid)


def test_choosing_a_server_in_settings_switches_to_it(
    live_server: LiveServer, qtbot: QtBot, studios: StudioRunner, places: Places
) -> None:
    studio = studios.open()
    assert studio.bundled is not None
    studio.sign_in.to_settings.click()
    screen = studio.early_settings
    assert studio.window.pages.currentWidget() is screen

    screen.server_input.setText("ftp://nowhere")
    screen.apply_server.click()
    qtbot.waitUntil(lambda: screen.server.error_text != "")
    assert screen.server.error_text.startswith("A server address starts with http://")

    screen.server_input.setText(live_server.url + "/")
    screen.apply_server.click()
    qtbot.waitUntil(
        lambda: studio.window.server_label.text() == f"Connected to {live_server.url}",
        timeout=SERVER_START_MS,
    )
    assert studio.bundled is None
    assert StudioSettings.load(places.settings).get(SERVER_URL) == live_server.url

    screen.server_input.setText("")
    screen.apply_server.click()
    qtbot.waitUntil(
        lambda: studio.window.server_label.text() == "Connected to the built-in server",
        timeout=SERVER_START_MS,
    )
    assert studio.bundled is not None
