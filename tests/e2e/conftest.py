"""Browser tests drive Debian's system Chromium through Playwright (never a downloaded
browser: `playwright install` is not part of our setup, CI installs the `chromium` deb)."""

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.support.databases import sqlite_database_url as database_url  # noqa: F401

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
SHOTS = Path(os.environ.get("FLASH_SHOTS_DIR", "/tmp/shots"))


def chromium_path() -> str | None:
    configured = os.environ.get("FLASH_CHROMIUM")
    if configured:
        return configured
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("no system Chromium (apt-get install chromium): the browser tests need one")
    async with async_playwright() as playwright:
        # --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
        launched = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox", "--mute-audio"]
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
