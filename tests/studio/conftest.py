"""Studio fixtures: an in-memory keyring, a qasync loop inside pytest-qt, a real studio.

Tests never touch the keyring of the machine that runs them: every test gets a
file-less in-memory backend unless it asks for none at all.
"""

import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import keyring
import pytest
import qasync
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from studio.core.backoff import Backoff
from studio.core.settings import LANGUAGE, THEME, StudioSettings
from studio.startup import Studio, StudioOptions
from studio.ui.appearance import Appearance
from studio.ui.main_window import MainWindow
from tests.support.databases import sqlite_database_url as database_url  # noqa: F401

T = TypeVar("T")
SERVER_START_MS = 90_000
QUICK = Backoff(first=0.2, factor=2.0, longest=1.0)


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps secrets in a dict: real keyring API, nothing on disk."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring(memory_keyring: MemoryKeyring) -> fail.Keyring:
    """A bare Linux session: keyring finds no backend at all."""
    backend = fail.Keyring()
    keyring.set_keyring(backend)
    return backend


UNEXPECTED_FAILURE_LOGGERS = ("studio", "studio.core.events")
"""Where the studio reports work that failed with nobody to tell: background tasks, listeners."""


@pytest.fixture(autouse=True)
def no_unexpected_failures(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A background task or listener that failed fails the test, even when nothing raised."""
    caplog.set_level(logging.INFO, logger="studio")
    yield
    errors = [
        record
        for record in caplog.get_records("call")
        if record.levelno >= logging.ERROR and record.name in UNEXPECTED_FAILURE_LOGGERS
    ]
    assert not errors, "\n".join(record.getMessage() for record in errors)


@pytest.fixture(autouse=True)
def no_stray_widgets() -> Iterator[None]:
    """Delete what a test left behind (pages never placed in a window, combo-box popups).

    Left alone they pile up across the run, and every theme or language change restyles
    all of them: studio tests got slower and slower as the suite went on.
    """
    yield
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    for widget in app.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="session")
def session_loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """One qasync loop for the whole run, stopped only at the end.

    Stopping a qasync loop calls QApplication.exit(), after which Qt's nested
    event loops (the ones qtbot.waitUntil runs) return at once: so no test may stop it.
    """
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.events._set_running_loop(None)
    yield loop
    loop.stop()
    loop.close()


@pytest.fixture
def qloop(session_loop: asyncio.AbstractEventLoop) -> Iterator[asyncio.AbstractEventLoop]:
    """The qasync loop, running for this test only (other tests run their own asyncio loops)."""
    asyncio.events._set_running_loop(session_loop)
    asyncio.set_event_loop(session_loop)
    yield session_loop
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


def finish(qtbot: QtBot, work: Coroutine[Any, Any, T], timeout_ms: int = SERVER_START_MS) -> T:
    """Run a coroutine on the qasync loop while Qt keeps processing events."""
    task = asyncio.get_event_loop().create_task(work)
    qtbot.waitUntil(task.done, timeout=timeout_ms)
    return task.result()


@dataclass
class Places:
    """A fresh home for one studio: its settings file and the bundled server's data."""

    settings: Path
    data_dir: Path


@pytest.fixture
def places(tmp_path: Path) -> Places:
    return Places(settings=tmp_path / "config" / "studio.json", data_dir=tmp_path / "data")


class StudioRunner:
    """Opens studios the way `flash-studio` does, and closes each one at the end."""

    def __init__(self, qtbot: QtBot, qapp: QApplication, places: Places) -> None:
        self.qtbot = qtbot
        self.places = places
        self.appearance = Appearance(qapp)
        self.open_studios: list[Studio] = []

    def open(self, *, wait_ready: bool = True) -> Studio:
        settings = StudioSettings.load(self.places.settings)
        self.appearance.apply_now(settings.get(LANGUAGE), settings.get(THEME))
        window = MainWindow()
        self.qtbot.addWidget(window)
        window.show()
        options = StudioOptions(
            data_dir=self.places.data_dir, check_every=0.5, retry=QUICK, server_restart=QUICK
        )
        studio = Studio(window, settings, self.appearance, options)
        self.open_studios.append(studio)
        finish(self.qtbot, studio.start())
        if wait_ready:
            self.qtbot.waitUntil(studio.ready.is_set, timeout=SERVER_START_MS)
        return studio

    def close(self, studio: Studio) -> None:
        studio.window.close()
        finish(self.qtbot, studio.shutdown())
        self.open_studios.remove(studio)

    def close_all(self) -> None:
        for studio in list(self.open_studios):
            self.close(studio)
        finish(self.qtbot, self.appearance.set_language("en"))
        self.appearance.set_theme("light")


@pytest.fixture
def studios(
    qtbot: QtBot, qapp: QApplication, qloop: asyncio.AbstractEventLoop, places: Places
) -> Iterator[StudioRunner]:
    runner = StudioRunner(qtbot, qapp, places)
    yield runner
    runner.close_all()


def start_server(port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    """A real server process on a chosen port, as a remote server would be."""
    env = dict(os.environ)
    env.update(
        FLASH_DATA_DIR=str(data_dir),
        FLASH_SECRET_KEY="remote-test-secret-key-0123456789-abcdefghij",
        FLASH_RTMP_PORT="0",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "server", "run", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
