"""Offer a newer studio in a banner: checked once in the background, fetched when asked.

The check runs as a task on the qasync loop, so the window never waits for it, and
a feed that cannot be read (offline, a host that is down, a broken feed) only makes a
log line: a creator about to go live is not interrupted by it. Downloading and opening
the installer happen only when the creator presses the banner's button, through
`studio.core.updates`, which checks the file's size and SHA-256 before handing it over.
"""

import logging
from pathlib import Path

import httpx
from PySide6.QtCore import QCoreApplication

from studio.core.updates import (
    UpdateAvailable,
    UpdateError,
    check_for_update,
    download_update,
    open_installer,
)
from studio.ui.async_slot import async_slot
from studio.ui.main_window import MainWindow

log = logging.getLogger("studio.updates")
translate = QCoreApplication.translate


def reason(error: UpdateError) -> str:
    """Why, in the creator's language where the cause is a common one."""
    if error.code in ("update_incomplete", "update_download_status"):
        return translate("UpdateOffer", "the download did not finish, and nothing was kept")
    if error.code in ("update_corrupt", "update_too_large"):
        return translate("UpdateOffer", "the file is not the one the release feed announced")
    if error.code == "update_not_saved":
        return translate("UpdateOffer", "it could not be saved on this computer")
    return error.message


class UpdateOffer:
    """The update banner's story: available, downloading, ready to install, or failed."""

    def __init__(
        self,
        window: MainWindow,
        folder: Path | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.window = window
        self.folder = folder
        """Where installers are saved; None: the studio's cache folder."""
        self.client = client
        self.update: UpdateAvailable | None = None
        self.installer: Path | None = None
        self._busy = False
        window.update_requested.connect(self._act)

    async def check(self, feed_url: str, *, sandbox: bool) -> UpdateAvailable | None:
        """Look once; show the banner when the feed names a newer version."""
        try:
            found = await check_for_update(feed_url, sandbox=sandbox, client=self.client)
        except UpdateError as exc:
            log.info("no update check this time: %s", exc.message)
            return None
        log.info("update check: %s", f"version {found.version}" if found else "nothing newer")
        if found is not None and found != self.update:
            self.update, self.installer = found, None
            self.window.show_update(found.version)
        return found

    @async_slot
    async def _act(self) -> None:
        if self.update is None or self._busy:
            return
        self._busy = True
        try:
            if self.installer is None:
                await self._download(self.update)
            else:
                await self._install(self.update, self.installer)
        finally:
            self._busy = False

    async def _download(self, update: UpdateAvailable) -> None:
        def progress(received: int, expected: int) -> None:
            self.window.show_update(
                update.version, "downloading", percent=received * 100 // expected
            )

        self.window.show_update(update.version, "downloading")
        try:
            self.installer = await download_update(
                update, self.folder, client=self.client, progress=progress
            )
        except UpdateError as exc:
            log.warning("the update download failed: %s", exc.message)
            self.window.show_update(update.version, "failed", detail=reason(exc))
            return
        self.window.show_update(update.version, "ready")

    async def _install(self, update: UpdateAvailable, installer: Path) -> None:
        try:
            await open_installer(installer, update)
        except (UpdateError, OSError) as exc:
            detail = reason(exc) if isinstance(exc, UpdateError) else str(exc)
            log.warning("the installer was not opened: %s", detail)
            self.installer = None  # the next press downloads it again
            self.window.show_update(update.version, "failed", detail=detail)
