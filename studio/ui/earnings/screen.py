"""The Earnings screen: cached figures first, then a sync, and always how fresh they are.

It only listens to `EarningsFeed` (core) and reads the cache through the
transactions model; every disk and network call is awaited, never waited for.
"Withdraw" opens `WithdrawDialog` on the first balance a payout method pays (KES by
M-Pesa, the MTN markets' currencies by MTN MoMo; through `PayoutDesk` in core); it is
enabled once there is enough available to withdraw.
The search box filters the cached rows as the creator types (once they pause),
so it works offline too; "Export CSV…" saves exactly the rows the list matches.
"""

import asyncio
import logging
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.core.earnings_cache import TransactionFilter
from studio.core.earnings_sync import EarningsFeed, FeedState, FeedStatus
from studio.core.money_format import currency_label
from studio.core.payouts import PayoutDesk, methods_for, minimum_payout
from studio.ui.banner import Banner
from studio.ui.earnings.export import ExportControl
from studio.ui.earnings.names import STATUSES, codes_named, status_name
from studio.ui.earnings.over_time import OverTimePanel
from studio.ui.earnings.totals import BreakdownTable, TotalsStrip, method_rows, stream_rows
from studio.ui.earnings.transactions import (
    COLUMNS,
    TransactionsModel,
    local_time,
    report_failure,
)
from studio.ui.earnings.withdraw import WithdrawDialog
from studio.ui.messages import explain
from studio.ui.screen import Screen

translate = QCoreApplication.translate

log = logging.getLogger("studio")

SYNC_EVERY_MS = 120_000
"""While the screen is open: two small requests when nothing changed, cheap on a metered link."""
JUST_NOW = timedelta(seconds=60)
SEARCH_PAUSE_MS = 250
"""Search once typing pauses: one query per word, not one per key."""
COLUMN_WIDTHS = {
    "date": 140,
    "kind": 90,
    "method": 100,
    "status": 90,
    "payer": 120,
    "amount": 115,
    "fee": 95,
    "net": 115,
}


class EarningsScreen(Screen):
    """Totals per currency on top; transactions, by method and by stream in tabs below."""

    def __init__(self) -> None:
        super().__init__()
        self.feed: EarningsFeed | None = None
        self.payouts: PayoutDesk | None = None
        self.withdraw_dialog: WithdrawDialog | None = None
        self.status = FeedStatus(FeedState.CLOSED)
        self._account: str | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        tasks = self._tasks
        self.destroyed.connect(lambda: [task.cancel() for task in list(tasks)])

        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.freshness = QLabel()
        self.freshness.setObjectName("hint")
        self.refresh_button = QPushButton()
        self.refresh_button.setProperty("kind", "link")
        self.refresh_button.clicked.connect(self.sync_now)
        self.withdraw_button = QPushButton()
        self.withdraw_button.setProperty("kind", "primary")
        self.withdraw_button.clicked.connect(self.open_withdraw)
        self.withdraw_button.hide()
        self.notice = Banner("warning", closable=False)
        self.totals = TotalsStrip()

        self.model = TransactionsModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMNS.index("message"), QHeaderView.ResizeMode.Stretch)
        self.status_box = QComboBox()
        self.currency_box = QComboBox()
        for box in (self.status_box, self.currency_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_box.currentIndexChanged.connect(self._filter_changed)
        self.currency_box.currentIndexChanged.connect(self._filter_changed)
        self.status_label = QLabel()
        self.currency_label = QLabel()
        self.search_box = QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(240)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_PAUSE_MS)
        self.search_timer.timeout.connect(self._filter_changed)
        self.search_box.textEdited.connect(self.search_timer.start)
        self.search_box.textChanged.connect(self._search_cleared)
        self.export = ExportControl()
        self.export.where = self._current_filter
        filters = QHBoxLayout()
        filters.addWidget(self.status_label)
        filters.addWidget(self.status_box)
        filters.addSpacing(16)
        filters.addWidget(self.currency_label)
        filters.addWidget(self.currency_box)
        filters.addSpacing(16)
        filters.addWidget(self.search_box, 1)
        filters.addSpacing(16)
        filters.addWidget(self.export)
        transactions = QWidget()
        transactions_layout = QVBoxLayout(transactions)
        transactions_layout.setContentsMargins(0, 10, 0, 0)
        transactions_layout.addLayout(filters)
        transactions_layout.addWidget(self.export.message, 0, Qt.AlignmentFlag.AlignRight)
        transactions_layout.addWidget(self.table, 1)
        self.by_method = BreakdownTable()
        self.by_stream = BreakdownTable()
        self.over_time = OverTimePanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(transactions, "")
        self.tabs.addTab(self.over_time, "")
        self.tabs.addTab(self.by_method, "")
        self.tabs.addTab(self.by_stream, "")

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.freshness)
        top.addWidget(self.refresh_button)
        top.addSpacing(12)
        top.addWidget(self.withdraw_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(14)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.totals)
        layout.addWidget(self.tabs, 1)

        self.freshness_timer = QTimer(self)
        self.freshness_timer.setInterval(30_000)
        self.freshness_timer.timeout.connect(self._show_freshness)
        self.freshness_timer.start()
        self.sync_timer = QTimer(self)
        self.sync_timer.setInterval(SYNC_EVERY_MS)
        self.sync_timer.timeout.connect(self._sync_if_visible)
        self.sync_timer.start()
        self.retranslate()

    def attach(self, feed: EarningsFeed) -> None:
        """Follow this feed from now on (the studio has one, for whoever is signed in)."""
        self.feed = feed
        stop_listening = feed.changed.connect(self._feed_changed)
        self.destroyed.connect(lambda: stop_listening())  # the feed outlives the window
        self._feed_changed(feed.status)

    def attach_payouts(self, desk: PayoutDesk) -> None:
        """Withdrawals go through this desk (core); without one there is no Withdraw button."""
        self.payouts = desk
        self._show_withdraw()

    def open_withdraw(self) -> None:
        balance = self._payout_balance()
        if self.payouts is None or balance is None:
            return
        currency, available = balance
        dialog = WithdrawDialog(self.payouts, available, currency, self)
        dialog.payout_changed.connect(self.sync_now)
        dialog.finished.connect(dialog.deleteLater)
        self.withdraw_dialog = dialog
        dialog.open()  # window-modal, and the event loop keeps running

    def sync_now(self) -> None:
        if self.feed is not None and self.feed.status.state is not FeedState.CLOSED:
            self._start(self.feed.sync())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.sync_now()  # a creator who opens Earnings wants today's figures, not a minute old

    def retranslate(self) -> None:
        self.title.setText(translate("Earnings", "Earnings"))
        self.refresh_button.setText(translate("Earnings", "Refresh"))
        self.withdraw_button.setText(translate("Earnings", "Withdraw"))
        self.withdraw_button.setToolTip(
            translate("Earnings", "Send your available balance to M-Pesa or MTN MoMo.")
        )
        self.status_label.setText(translate("Earnings", "Status"))
        self.currency_label.setText(translate("Earnings", "Currency"))
        self.search_box.setPlaceholderText(translate("Earnings", "Search payer, message or method"))
        self.tabs.setTabText(0, translate("Earnings", "Transactions"))
        self.tabs.setTabText(self.tabs.indexOf(self.over_time), translate("Earnings", "Over time"))
        self.tabs.setTabText(self.tabs.indexOf(self.by_method), translate("Earnings", "By method"))
        self.tabs.setTabText(self.tabs.indexOf(self.by_stream), translate("Earnings", "By stream"))
        self.export.retranslate()
        self.over_time.retranslate()
        self._fill_statuses()
        self._fill_currencies(self._currencies())
        self.totals.retranslate()
        self._show_breakdown()
        self._show_freshness()
        self.model.retranslate()
        self._fit_columns()
        self._filter_changed()  # kind and method names searched are the new language's

    def _fit_columns(self) -> None:
        """Wide enough for each header in the current language; the message takes the rest."""
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        for number, column in enumerate(COLUMNS):
            if column != "message":
                title = str(self.model.headerData(number, Qt.Orientation.Horizontal))
                width = max(COLUMN_WIDTHS[column], metrics.horizontalAdvance(title) + 28)
                self.table.setColumnWidth(number, width)

    def _feed_changed(self, status: FeedStatus) -> None:
        if not shiboken6.isValid(self):
            return  # the window is gone; the feed may still be closing
        previous, self.status = self.status, status
        feed = self.feed
        if status.account_id != self._account or status.state is FeedState.CLOSED:
            self._account = status.account_id
            cache = feed.cache if feed is not None else None
            self.model.use_cache(cache)
            self.export.use_cache(cache)
            self.over_time.use_cache(cache)
            self._reload_currencies()
            if status.state is FeedState.CACHED and self.isVisible():
                self.sync_now()  # the screen was opened before the account's cache was
        elif status.state is FeedState.UPDATED and status.changed_rows:
            self.model.refresh()
            self.over_time.reload()
            self._reload_currencies()
        if status.summary is not previous.summary or status.state is FeedState.CLOSED:
            self.totals.show_summary(status.summary.summary if status.summary else None)
            self._show_breakdown()
        self._show_freshness()

    def _show_freshness(self) -> None:
        status = self.status
        kept = status.summary.fetched_at if status.summary is not None else None
        self.refresh_button.setVisible(status.state is not FeedState.CLOSED)
        self.refresh_button.setEnabled(status.state is not FeedState.SYNCING)
        self._show_withdraw()
        if status.state is FeedState.SYNCING:
            self.freshness.setText(translate("Earnings", "Updating…"))
        elif status.state is FeedState.UPDATED and status.synced_at is not None:
            if datetime.now(UTC) - status.synced_at < JUST_NOW:
                self.freshness.setText(translate("Earnings", "Updated just now"))
            else:
                self.freshness.setText(
                    translate("Earnings", "Updated %1").replace("%1", local_time(status.synced_at))
                )
        elif kept is not None:
            self.freshness.setText(
                translate("Earnings", "Saved %1").replace("%1", local_time(kept))
            )
        else:
            self.freshness.setText("")
        self._show_notice(status, kept)

    def _payout_balance(self) -> tuple[str, int] | None:
        """(currency, available) of the first balance a payout method pays and that holds at
        least the smallest payout; None when there is none."""
        summary = self.status.summary.summary if self.status.summary else None
        for total in summary.totals if summary else []:
            if methods_for(total.currency) and total.available >= minimum_payout(total.currency):
                return total.currency, total.available
        return None

    def _show_withdraw(self) -> None:
        open_feed = self.status.state is not FeedState.CLOSED
        self.withdraw_button.setVisible(self.payouts is not None and open_feed)
        online = self.status.state not in (FeedState.OFFLINE, FeedState.CACHED)
        self.withdraw_button.setEnabled(online and self._payout_balance() is not None)

    def _show_notice(self, status: FeedStatus, kept: datetime | None) -> None:
        if status.state is FeedState.OFFLINE:
            self.notice.setProperty("tone", "warning")
            if kept is not None:
                text = translate("Earnings", "Offline — showing figures from %1.").replace(
                    "%1", local_time(kept)
                )
            else:
                text = translate("Earnings", "Offline — no figures saved on this computer yet.")
        elif status.state is FeedState.FAILED and status.problem is not None:
            self.notice.setProperty("tone", "error")
            reason = explain(status.problem).general or status.problem.message
            text = translate("Earnings", "Could not update your earnings: %1").replace("%1", reason)
            if kept is not None:
                text += " " + translate("Earnings", "Showing figures from %1.").replace(
                    "%1", local_time(kept)
                )
        else:
            self.notice.hide()
            return
        self.notice.style().unpolish(self.notice)
        self.notice.style().polish(self.notice)
        self.notice.set_texts(text)
        self.notice.show()

    def _show_breakdown(self) -> None:
        summary = self.status.summary.summary if self.status.summary else None
        self.by_method.set_rows(translate("Earnings", "Method"), method_rows(summary))
        self.by_stream.set_rows(translate("Earnings", "Stream"), stream_rows(summary))

    def _fill_statuses(self) -> None:
        chosen = self.status_box.currentData()
        self.status_box.blockSignals(True)
        self.status_box.clear()
        self.status_box.addItem(translate("Earnings", "All statuses"), None)
        for status in STATUSES:
            self.status_box.addItem(status_name(status), status)
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(chosen)))
        self.status_box.blockSignals(False)

    def _currencies(self) -> list[str]:
        return [str(self.currency_box.itemData(i)) for i in range(1, self.currency_box.count())]

    def _fill_currencies(self, currencies: list[str]) -> None:
        chosen = self.currency_box.currentData()
        self.currency_box.blockSignals(True)
        self.currency_box.clear()
        self.currency_box.addItem(translate("Earnings", "All currencies"), None)
        for currency in currencies:
            label = currency_label(currency)
            self.currency_box.addItem(
                currency if label == currency else f"{label} ({currency})", currency
            )
        index = self.currency_box.findData(chosen) if chosen is not None else 0
        self.currency_box.setCurrentIndex(max(0, index))
        self.currency_box.blockSignals(False)
        if chosen is not None and index < 0:
            self._filter_changed()  # the chosen currency is gone (another account)

    def _reload_currencies(self) -> None:
        cache = self.feed.cache if self.feed is not None else None
        if cache is None:
            self._fill_currencies([])
            self.over_time.set_currencies([])
            return

        async def reload() -> None:
            try:
                currencies = await cache.currencies()
            except RuntimeError:
                return  # closed meanwhile
            if shiboken6.isValid(self) and self.feed is not None and self.feed.cache is cache:
                self._fill_currencies(currencies)
                self.over_time.set_currencies(currencies)

        self._start(reload())

    def _current_filter(self) -> TransactionFilter:
        """What the boxes and the search say now, typing pause or not."""
        search = self.search_box.text().strip()
        kinds, methods = codes_named(search)
        return TransactionFilter(
            status=self.status_box.currentData(),
            currency=self.currency_box.currentData(),
            search=search or None,
            search_kinds=kinds,
            search_methods=methods,
        )

    def _filter_changed(self) -> None:
        self.search_timer.stop()
        self.model.set_filter(self._current_filter())

    def _search_cleared(self, text: str) -> None:
        if not text:
            self._filter_changed()  # the clear button: all rows back at once, no pause

    def _sync_if_visible(self) -> None:
        if self.isVisible():
            self.sync_now()

    def _start(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(report_failure)
