"""The update banner in a real studio window: the release feed is read in the background
once the server answers, and a newer version is offered without stopping the creator.

Our own server always runs some provider as a sandbox without live credentials, and a
studio on a sandbox server reads no feed (`studio.core.updates`). So the server here is a
stand-in for a live one: a loopback app that answers `/api/v1/health` in the contract's
shape with `sandbox` false, beside the release host of tests/studio/test_updates.py.
"""

import json
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.contract.health import Health, ProviderStatus
from studio.startup import Studio
from studio.ui.banner import Banner
from tests.studio.conftest import Places, StudioRunner
from tests.studio.test_updates import PAYLOAD, ReleaseHost, feed, release_app
from tests.support.live_server import LiveServer, free_port, serve

INSTALLER = "files/FlashAfricaStudio-0.2.0.AppImage"
SHOTS = Path(os.environ.get("FLASH_SHOTS_DIR", "/tmp/shots"))


class Server:
    """The stand-in server's answers, and a gate that holds the feed until opened."""

    def __init__(self) -> None:
        self.sandbox = False
        self.feed_gate = threading.Event()
        self.feed_gate.set()


def server_app(host: ReleaseHost, server: Server) -> Starlette:
    async def health(_request: Request) -> Response:
        body = Health(
            status="ok",
            version="0.1.0",
            database="ok",
            providers=[ProviderStatus(name="mpesa", mode="sandbox" if server.sandbox else "live")],
            sandbox=server.sandbox,
        )
        return JSONResponse(body.model_dump(mode="json"))

    async def slow_feed(request: Request) -> Response:
        host.requests.append(request.url.path)
        await run_in_threadpool(server.feed_gate.wait, 30)
        return JSONResponse(host.feed)

    release = release_app(host)
    routes = [Route("/api/v1/health", health), Route("/slow-feed.json", slow_feed)]
    return Starlette(routes=[*routes, *release.routes])


@pytest.fixture
def host() -> ReleaseHost:
    return ReleaseHost(feed=feed(INSTALLER, version="9999.0"))


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()
    yield state
    state.feed_gate.set()  # never leave a request hanging


@pytest.fixture
def live(host: ReleaseHost, server: Server) -> Iterator[LiveServer]:
    with serve(server_app(host, server)) as running:
        yield running


def configure(places: Places, tmp_path: Path, server_url: str, feed_url: str) -> Path:
    places.settings.parent.mkdir(parents=True, exist_ok=True)
    places.settings.write_text(json.dumps({"server_url": server_url, "update_feed_url": feed_url}))
    return tmp_path / "updates"


def open_studio(studios: StudioRunner, folder: Path) -> Studio:
    studio = studios.open()
    studio.update_offer.folder = folder  # never the real cache of the machine running tests
    return studio


def checked(caplog: pytest.LogCaptureFixture) -> bool:
    return any(
        r.getMessage().startswith(("update check", "no update check")) for r in caplog.records
    )


def test_a_newer_version_is_offered_after_start_up_and_fetched_when_asked(
    studios: StudioRunner, places: Places, live: LiveServer, qtbot: QtBot, tmp_path: Path
) -> None:
    folder = configure(places, tmp_path, live.url, f"{live.url}/feed.json")
    studio = open_studio(studios, folder)
    banner = studio.window.update_banner
    qtbot.waitUntil(banner.isVisible, timeout=15_000)
    assert banner.text.text() == "Version 9999.0 of Flash Africa Studio is available."
    assert banner.action.text() == "Download" and banner.close_button.text() == "Later"
    SHOTS.mkdir(parents=True, exist_ok=True)
    studio.window.grab().save(str(SHOTS / "studio_update_banner.png"))

    banner.action.click()
    qtbot.waitUntil(lambda: banner.action.text() == "Install", timeout=15_000)
    assert "downloaded and checked" in banner.text.text()
    installer = folder / "FlashAfricaStudio-0.2.0.AppImage"
    assert installer.read_bytes() == PAYLOAD

    # Damaged on disk after the download: refused before anything is opened, offered again.
    damaged = bytearray(PAYLOAD)
    damaged[10] ^= 0xFF
    installer.write_bytes(bytes(damaged))
    banner.action.click()
    qtbot.waitUntil(lambda: banner.action.text() == "Try again", timeout=15_000)
    assert "not the one the release feed announced" in banner.text.text()
    banner.action.click()
    qtbot.waitUntil(lambda: banner.action.text() == "Install", timeout=15_000)
    assert installer.read_bytes() == PAYLOAD

    banner.close_button.click()  # "Later"
    assert not banner.isVisible()


def test_the_studio_is_usable_while_the_feed_is_slow(
    studios: StudioRunner,
    places: Places,
    live: LiveServer,
    host: ReleaseHost,
    server: Server,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    server.feed_gate.clear()
    studio = open_studio(
        studios, configure(places, tmp_path, live.url, f"{live.url}/slow-feed.json")
    )
    qtbot.waitUntil(lambda: "/slow-feed.json" in host.requests, timeout=15_000)
    # The feed has not answered, yet the studio is ready and its sign-in screen is up.
    assert studio.ready.is_set()
    assert studio.window.pages.currentWidget() is studio.sign_in
    assert not studio.window.update_banner.isVisible()
    server.feed_gate.set()
    qtbot.waitUntil(studio.window.update_banner.isVisible, timeout=15_000)


@pytest.mark.parametrize("case", ["offline feed", "sandbox server"])
def test_an_unreachable_feed_or_a_sandbox_server_shows_nothing(
    studios: StudioRunner,
    places: Places,
    live: LiveServer,
    host: ReleaseHost,
    server: Server,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    case: str,
) -> None:
    caplog.set_level(logging.INFO, logger="studio.updates")
    if case == "offline feed":
        feed_url = f"http://127.0.0.1:{free_port()}/feed.json"
    else:
        server.sandbox = True
        feed_url = f"{live.url}/feed.json"
    studio = open_studio(studios, configure(places, tmp_path, live.url, feed_url))
    qtbot.waitUntil(lambda: checked(caplog), timeout=15_000)
    assert not studio.window.update_banner.isVisible()
    assert host.requests == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "update" in r.name]
    assert not [banner for banner in studio.window.findChildren(Banner) if banner.isVisible()]


def test_the_banner_speaks_french(
    studios: StudioRunner, places: Places, live: LiveServer, qtbot: QtBot, tmp_path: Path
) -> None:
    folder = configure(places, tmp_path, live.url, f"{live.url}/feed.json")
    settings = json.loads(places.settings.read_text())
    places.settings.write_text(json.dumps({**settings, "language": "fr"}))
    studio = open_studio(studios, folder)
    banner = studio.window.update_banner
    qtbot.waitUntil(banner.isVisible, timeout=15_000)
    assert banner.text.text() == "La version 9999.0 de Flash Africa Studio est disponible."
    assert banner.action.text() == "Télécharger" and banner.close_button.text() == "Plus tard"
    SHOTS.mkdir(parents=True, exist_ok=True)
    studio.window.grab().save(str(SHOTS / "studio_update_banner_fr.png"))
