"""The transactions list: a table model that reads the cache a page at a time.

With 100,000 cached payments the screen must still open at once, so the model
holds only the pages the view has asked for (Qt's canFetchMore/fetchMore as the
user scrolls), each read on the cache's own thread; the view never waits.
"""

import asyncio
import logging
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from studio.core.earnings_cache import (
    CachedTransaction,
    EarningsCache,
    PageKey,
    TransactionFilter,
    read_stamp,
)
from studio.core.money_format import format_money
from studio.ui.earnings.names import kind_name, method_name, status_name

translate = QCoreApplication.translate

log = logging.getLogger("studio")

PAGE_SIZE = 200
COLUMNS = ("date", "kind", "method", "status", "payer", "message", "amount", "fee", "net")
MONEY_COLUMNS = frozenset({"amount", "fee", "net"})
SETTLED = "succeeded"

Index = QModelIndex | QPersistentModelIndex


def local_time(moment: datetime, locale: QLocale | None = None) -> str:
    """A moment as the creator reads it: their time zone, their language's short format."""
    here = moment.astimezone()
    when = QDateTime(
        QDate(here.year, here.month, here.day), QTime(here.hour, here.minute, here.second)
    )
    return (locale or QLocale()).toString(when, QLocale.FormatType.ShortFormat)


def muted_text() -> QColor:
    """Money that never arrived, dimmed: text mixed 60/40 with the background, so it reads
    as secondary yet stays legible in the light and the dark theme alike."""
    palette = QApplication.palette()
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    return QColor(
        (text.red() * 3 + base.red() * 2) // 5,
        (text.green() * 3 + base.green() * 2) // 5,
        (text.blue() * 3 + base.blue() * 2) // 5,
    )


class TransactionsModel(QAbstractTableModel):
    """Rows newest first, as the cache pages them; `where` filters by status and currency."""

    page_loaded = Signal(int)
    """A page arrived; carries the number of rows now held."""

    def __init__(self, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self.page_size = page_size
        self.where = TransactionFilter()
        self._cache: EarningsCache | None = None
        self._rows: list[CachedTransaction] = []
        self._exhausted = True
        self._loading = False
        self._generation = 0
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def loading(self) -> bool:
        return self._loading

    def row(self, number: int) -> CachedTransaction:
        return self._rows[number]

    def use_cache(self, cache: EarningsCache | None) -> None:
        """Show another account's rows (None: nobody's), starting from the newest."""
        self._cache = cache
        self._restart()

    def set_filter(self, where: TransactionFilter) -> None:
        if where != self.where:
            self.where = where
            self._restart()

    def refresh(self) -> None:
        """Read again as many rows as are shown, then swap them in at once (no flicker)."""
        if self._cache is None:
            return
        self._generation += 1
        wanted = max(len(self._rows), self.page_size)
        self._start(self._replace(self._generation, self._cache, wanted))

    def retranslate(self) -> None:
        """Headers, names and amounts are all in the user's language: redraw every one."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            last = self.index(len(self._rows) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        if parent.isValid() or self._cache is None:
            return False
        return not self._exhausted and not self._loading

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if self.canFetchMore(parent) and self._cache is not None:
            after = PageKey(self._rows[-1].created_at, self._rows[-1].id) if self._rows else None
            self._loading = True
            self._start(self._append(self._generation, self._cache, after))

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._header(COLUMNS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section] in MONEY_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == "message":
            return row.message or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight
                if column in MONEY_COLUMNS
                else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.status not in (SETTLED, "pending"):
            return muted_text()
        return None

    def _header(self, column: str) -> str:
        names = {
            "date": translate("Earnings", "Date"),
            "kind": translate("Earnings", "Kind"),
            "method": translate("Earnings", "Method", "short column header"),
            "status": translate("Earnings", "Status"),
            "payer": translate("Earnings", "Payer"),
            "message": translate("Earnings", "Message"),
            "amount": translate("Earnings", "Amount"),
            "fee": translate("Earnings", "Fee"),
            "net": translate("Earnings", "Net"),
        }
        return names[column]

    def _text(self, row: CachedTransaction, column: str) -> str:
        if column == "date":
            return local_time(read_stamp(row.created_at))
        if column == "kind":
            return kind_name(row.kind)
        if column == "method":
            return method_name(row.method)
        if column == "status":
            return status_name(row.status)
        if column == "payer":
            return row.payer_name
        if column == "message":
            return (row.message or "").replace("\n", " ")
        if column != "amount" and row.status not in (SETTLED, "pending"):
            return "—"  # no money moved: showing a fee or a share would suggest it did
        amount = {"amount": row.amount, "fee": row.fee, "net": row.net}[column]
        return format_money(amount, row.currency)

    def _restart(self) -> None:
        self.beginResetModel()
        self._generation += 1
        self._rows = []
        self._exhausted = self._cache is None
        self._loading = False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def _start(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(report_failure)

    async def _append(self, generation: int, cache: EarningsCache, after: PageKey | None) -> None:
        try:
            rows = await cache.page(self.where, after, self.page_size)
        except RuntimeError:
            rows = []  # the cache closed meanwhile (sign-out): nothing more to show
        if generation != self._generation:
            return  # another account or filter since: this page belongs to nobody
        self._loading = False
        self._exhausted = len(rows) < self.page_size
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.page_loaded.emit(len(self._rows))

    async def _replace(self, generation: int, cache: EarningsCache, wanted: int) -> None:
        try:
            rows = await cache.page(self.where, None, wanted)
        except RuntimeError:
            return
        if generation != self._generation:
            return
        self.beginResetModel()
        self._rows = rows
        self._exhausted = len(rows) < wanted
        self._loading = False
        self.endResetModel()
        self.page_loaded.emit(len(self._rows))


def report_failure(task: "asyncio.Task[Any]") -> None:
    """Work nobody awaits still gets its failure logged, where tests and users see it."""
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.error("earnings work failed", exc_info=exc)
