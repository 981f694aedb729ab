"""Shared fixtures: a migrated database per backend and the real app on loopback."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.app import create_app
from server.config import Settings
from tests.support.databases import backends, drop_templates, fresh_database
from tests.support.live_server import LiveServer, free_port, serve

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(params=backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Every DB test runs on SQLite, and on PostgreSQL where FLASH_TEST_DATABASE_URL is set."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def live_port() -> int:
    """Chosen before the settings, so FLASH_PUBLIC_URL names the port the app really serves."""
    return free_port()


@pytest.fixture
def settings(database_url: str, tmp_path: Path, live_port: int) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key=TEST_SECRET,
        rtmp_port=0,
        public_url=f"http://127.0.0.1:{live_port}",
    )


@pytest.fixture
def live_server(settings: Settings, live_port: int) -> Iterator[LiveServer]:
    with serve(create_app(settings), port=live_port) as server:
        yield server


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    drop_templates()
