"""The Earnings screen in the real studio: real sandbox tips, then the server goes away and back.

The server is a real process on a fixed port (as a remote server would be), so
stopping it makes the studio genuinely offline and starting it again on the same
data brings it back. Screenshots land in /tmp/shots for a person to look at.
"""

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from pytestqt.qtbot import QtBot

from studio.startup import Studio
from studio.ui.earnings import EarningsScreen
from studio.ui.earnings.transactions import COLUMNS
from tests.studio.conftest import Places, StudioRunner, finish, start_server, stop_server
from tests.studio.test_accounts_flow import sign_up
from tests.studio.test_earnings_sync import CANCELS, PAYS, tip
from tests.support.live_server import free_port

SHOTS = Path("/tmp/shots")
WAIT_MS = 30_000


class RemoteServer:
    """A server process that can be stopped and started again on the same port and data."""

    def __init__(self, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        monkeypatch.setenv("FLASH_PUBLIC_URL", self.url)
        monkeypatch.setenv("FLASH_MPESA_SANDBOX_DELAY_S", "0.3")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = start_server(self.port, self.data_dir)

    def stop(self) -> None:
        if self.process is not None:
            stop_server(self.process)
            self.process = None


@pytest.fixture
def remote(
    tmp_path: Path, places: Places, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RemoteServer]:
    server = RemoteServer(tmp_path / "remote", monkeypatch)
    server.start()
    places.settings.parent.mkdir(parents=True, exist_ok=True)
    places.settings.write_text(json.dumps({"server_url": server.url}), encoding="utf-8")
    yield server
    server.stop()


def cell(screen: EarningsScreen, row: int, column: str) -> str:
    return str(screen.model.data(screen.model.index(row, COLUMNS.index(column))))


def statuses(screen: EarningsScreen) -> list[str]:
    return sorted(cell(screen, row, "status") for row in range(screen.model.rowCount()))


def shoot(qtbot: QtBot, studio: Studio, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    studio.window.resize(1280, 800)
    qtbot.wait(100)  # let the layouts catch up with new words before the picture
    assert studio.window.grab().save(str(SHOTS / f"earnings_{name}.png"))


def open_earnings(qtbot: QtBot, studio: Studio) -> EarningsScreen:
    studio.shell.open("earnings")
    screen = studio.shell.earnings
    qtbot.waitUntil(screen.isVisible, timeout=WAIT_MS)
    return screen


def test_tips_show_offline_figures_stay_and_sync_resumes(
    qtbot: QtBot, studios: StudioRunner, remote: RemoteServer
) -> None:
    studio = studios.open()
    sign_up(qtbot, studio, "wanjiru@example.com")
    user = studio.session.user
    assert user is not None
    finish(qtbot, tip(remote.url, user.id, PAYS))
    finish(qtbot, tip(remote.url, user.id, CANCELS))

    screen = open_earnings(qtbot, studio)
    qtbot.waitUntil(
        lambda: screen.model.rowCount() == 2 and "KES" in screen.totals.cards, timeout=WAIT_MS
    )
    card = screen.totals.cards["KES"]
    assert card.figures["net"].text() == "KES\u00a0450.00"  # 500.00 less the 10 % fee
    assert card.figures["fees"].text() == "KES\u00a050.00"
    assert statuses(screen) == ["Cancelled", "Paid"]
    assert screen.freshness.text() == "Updated just now"
    assert not screen.notice.isVisible()
    assert screen.by_method.item(0, 0).text() == "M-Pesa"
    screen.status_box.setCurrentIndex(screen.status_box.findData("cancelled"))
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    assert statuses(screen) == ["Cancelled"]
    screen.currency_box.setCurrentIndex(screen.currency_box.findData("KES"))
    screen.status_box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    screen.currency_box.setCurrentIndex(0)
    shoot(qtbot, studio, "light")
    screen.tabs.setCurrentWidget(screen.by_method)
    shoot(qtbot, studio, "by_method")
    screen.tabs.setCurrentIndex(0)
    studios.appearance.set_theme("dark")
    shoot(qtbot, studio, "dark")
    finish(qtbot, studios.appearance.set_language("fr"))
    group = QLocale().groupSeparator()
    qtbot.waitUntil(lambda: screen.freshness.text() == "Mis à jour à l’instant")
    assert card.figures["net"].text() == "450,00\u00a0KES"
    assert statuses(screen) == ["Annulé", "Payé"]
    assert group  # French groups thousands with its own separator
    shoot(qtbot, studio, "fr_dark")
    finish(qtbot, studios.appearance.set_language("en"))
    studios.appearance.set_theme("light")
    first_cursor = finish(qtbot, cursor_of(studio))

    remote.stop()
    studios.close(studio)
    offline = studios.open(wait_ready=False)
    qtbot.waitUntil(lambda: offline.window.pages.currentWidget() is offline.shell, timeout=WAIT_MS)
    screen = open_earnings(qtbot, offline)
    qtbot.waitUntil(lambda: screen.notice.isVisible(), timeout=WAIT_MS)
    assert screen.notice.text.text().startswith("Offline — showing figures from ")
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    assert screen.totals.cards["KES"].figures["net"].text() == "KES\u00a0450.00"
    assert statuses(screen) == ["Cancelled", "Paid"]
    shoot(qtbot, offline, "offline")
    finish(qtbot, studios.appearance.set_language("fr"))
    qtbot.waitUntil(lambda: screen.notice.text.text().startswith("Hors ligne"))
    shoot(qtbot, offline, "offline_fr")
    finish(qtbot, studios.appearance.set_language("en"))

    remote.start()
    qtbot.waitUntil(lambda: offline.connection.status.state.value == "online", timeout=90_000)
    qtbot.waitUntil(lambda: screen.freshness.text() == "Updated just now", timeout=WAIT_MS)
    assert finish(qtbot, cursor_of(offline)) == first_cursor  # nothing new yet
    finish(qtbot, tip(remote.url, user.id, PAYS, amount=100_000))
    screen.refresh_button.click()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: screen.totals.cards["KES"].figures["net"].text() == "KES\u00a01,350.00",
        timeout=WAIT_MS,
    )
    assert not screen.notice.isVisible()
    assert statuses(screen) == ["Cancelled", "Paid", "Paid"]
    assert cell(screen, 0, "amount") == "KES\u00a01,000.00"  # newest first
    cache = offline.earnings.cache
    assert cache is not None and finish(qtbot, cache.count()) == 3
    assert finish(qtbot, cursor_of(offline)) != first_cursor


def test_signing_out_never_shows_the_previous_accounts_money(
    qtbot: QtBot, studios: StudioRunner, remote: RemoteServer
) -> None:
    studio = studios.open()
    sign_up(qtbot, studio, "awa@example.com")
    user = studio.session.user
    assert user is not None
    finish(qtbot, tip(remote.url, user.id, PAYS))
    screen = open_earnings(qtbot, studio)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=WAIT_MS)

    studio.shell.sign_out.click()
    qtbot.waitUntil(lambda: studio.window.pages.currentWidget() is studio.sign_in)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 0 and not screen.totals.cards)
    sign_up(qtbot, studio, "kofi@example.com")
    screen = open_earnings(qtbot, studio)
    qtbot.waitUntil(lambda: screen.freshness.text() == "Updated just now", timeout=WAIT_MS)
    assert screen.model.rowCount() == 0 and not screen.totals.cards
    assert screen.totals.empty.isVisible()


async def cursor_of(studio: Studio) -> str | None:
    assert studio.earnings.cache is not None
    return await studio.earnings.cache.saved_cursor()
