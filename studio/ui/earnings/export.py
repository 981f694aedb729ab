""" "Export CSV…": ask where, write the rows the list is showing, say where they went.

Where to save is asked by an awaitable (`ask_path`), by default a window-modal
save dialog opened with `open()`, so the event loop keeps running; tests put
their own in its place and never see a modal. The writing itself is
`export_csv` (core), off the UI thread.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QLocale, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from studio.core.earnings_cache import EarningsCache, TransactionFilter
from studio.core.earnings_export import export_csv
from studio.ui.earnings.transactions import report_failure

translate = QCoreApplication.translate

PATH_WIDTH = 420  # pixels of the saved file's path shown; all of it in the tooltip
PathAsker = Callable[[QWidget, Path], Awaitable[Path | None]]


async def ask_with_dialog(parent: QWidget, suggested: Path) -> Path | None:
    """A native-looking save dialog; None when the creator cancels."""
    dialog = QFileDialog(parent, translate("Earnings", "Export transactions"), str(suggested))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilter(translate("Earnings", "CSV files (*.csv)"))
    dialog.setDefaultSuffix("csv")
    chosen: asyncio.Future[Path | None] = asyncio.get_running_loop().create_future()

    def answer(path: Path | None) -> None:
        if not chosen.done():
            chosen.set_result(path)

    dialog.fileSelected.connect(lambda name: answer(Path(name)))
    dialog.finished.connect(lambda _result: answer(None))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return await chosen


def suggested_path(today: datetime | None = None) -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    day = (today or datetime.now().astimezone()).strftime("%Y-%m-%d")
    return Path(folder or Path.home()) / f"flash-earnings-{day}.csv"


class ExportControl(QWidget):
    """The button, and a line saying what happened to the last export."""

    def __init__(self) -> None:
        super().__init__()
        self.cache: EarningsCache | None = None
        self.where: Callable[[], TransactionFilter] = TransactionFilter
        self.ask_path: PathAsker = ask_with_dialog
        self.saved_to: Path | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.button = QPushButton()
        self.button.setEnabled(False)  # until there is a cache to read
        self.button.clicked.connect(self.export)
        self.message = QLabel()
        """Placed by the screen, under the filters: a saved path can be long."""
        self.message.setObjectName("hint")
        self.message.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        self.retranslate()

    def retranslate(self) -> None:
        self.button.setText(translate("Earnings", "Export CSV…"))
        self.button.setToolTip(
            translate("Earnings", "Save the transactions that match the filters and search.")
        )

    def use_cache(self, cache: EarningsCache | None) -> None:
        self.cache = cache
        self.button.setEnabled(cache is not None)
        self._say("", error=False)

    def export(self) -> None:
        if self.cache is not None:
            task = asyncio.ensure_future(self._export(self.cache))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            task.add_done_callback(report_failure)

    async def _export(self, cache: EarningsCache) -> None:
        path = await self.ask_path(self, suggested_path())
        if path is None or not shiboken6.isValid(self):
            return
        where = self.where()  # read after the dialog: the search may have settled meanwhile
        self.button.setEnabled(False)
        self._say(translate("Earnings", "Exporting…"), error=False)
        try:
            count = await export_csv(cache, where, path)
        except OSError as error:
            reason = error.strerror or str(error)
            text = translate("Earnings", "Could not save %1: %2").replace("%1", path.name)
            self._say(text.replace("%2", reason), error=True, tip=str(path))
            return
        except RuntimeError:
            self._say("", error=False)
            return  # the cache closed meanwhile (sign-out): nothing to say to the next account
        finally:
            if shiboken6.isValid(self):
                self.button.setEnabled(self.cache is not None)
        self.saved_to = path
        if count == 1:
            text = translate("Earnings", "Saved 1 row to %2")
        else:
            rows = QLocale().toString(count)
            text = translate("Earnings", "Saved %1 rows to %2").replace("%1", rows)
        shown = self.message.fontMetrics().elidedText(
            str(path), Qt.TextElideMode.ElideMiddle, PATH_WIDTH
        )
        self._say(text.replace("%2", shown), error=False, tip=str(path))

    def _say(self, text: str, *, error: bool, tip: str = "") -> None:
        if not shiboken6.isValid(self):
            return
        self.message.setObjectName("fieldError" if error else "hint")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setToolTip(tip)
        self.message.setVisible(bool(text))
