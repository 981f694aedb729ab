"""The still preview of the chosen source, refreshed about once a second.

It runs only while the Go Live screen is shown and the creator is not live
(see `studio.core.preview` for why), and says so when it is paused.
"""

import asyncio
import contextlib
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from studio.core.preview import PREVIEW, SourcePreview
from studio.core.sources import Source

REFRESH_S = 1.0


class PreviewView(QWidget):
    """A 320x180 picture and one line under it saying what it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = QLabel()
        self.picture.setFixedSize(PREVIEW.width, PREVIEW.height)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: #0B0C0E; color: #C9CDD3; border-radius: 8px;")
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.picture)
        layout.addWidget(self.note)
        folder = Path(tempfile.gettempdir()) / f"flash-studio-preview-{id(self):x}"
        self.core = SourcePreview(folder / "preview.jpg")
        self.source: Source | None = None
        self.paused_for_live = False
        self.showing = False
        self.has_picture = False
        self._task: asyncio.Task[None] | None = None
        self.retranslate()

    def retranslate(self) -> None:
        if self.paused_for_live:
            self.note.setText(
                self.tr("Preview paused while you are live, so your stream gets all the power.")
            )
        elif self.source is None:
            self.note.setText(self.tr("Choose a source to see it here."))
        elif self.core.error:
            self.note.setText(self.tr("No preview: %1").replace("%1", self.core.error))
        else:
            self.note.setText(self.tr("Preview, about one picture a second."))
        if not self.has_picture:
            paused = self.paused_for_live and self.source is not None
            self.picture.setText(
                self.tr("Paused while live") if paused else self.tr("No picture yet")
            )

    async def update_to(self, source: Source | None, *, showing: bool, live: bool) -> None:
        """Run the preview only when it is useful: a source, the screen shown, not live."""
        changed = source != self.source or live != self.paused_for_live
        self.source, self.paused_for_live, self.showing = source, live, showing
        wanted = source is not None and showing and not live
        if not wanted or changed:
            await self._stop()
            if not wanted:
                self.picture.clear()
                self.has_picture = False
        if wanted and self._task is None and source is not None:
            await self.core.start(source)
            self._task = asyncio.create_task(self._refresh())
        self.retranslate()

    async def shutdown(self) -> None:
        """Stop ffmpeg and leave no still behind in the temporary folder."""
        await self._stop()
        await asyncio.to_thread(shutil.rmtree, self.core.still.parent, True)

    async def _stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.core.stop()

    async def _refresh(self) -> None:
        while True:
            data = await self.core.latest()
            image = QImage.fromData(data) if data else QImage()
            if not image.isNull():
                self.picture.setPixmap(QPixmap.fromImage(image))
                self.has_picture = True
            elif not self.core.running:
                self.retranslate()
                return
            await asyncio.sleep(REFRESH_S)
