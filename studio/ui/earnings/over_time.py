"""The "Over time" tab: net earnings per day or week in one currency, from the local cache.

It reads only while shown (the cache sums on its own thread), so opening the
screen costs nothing extra; a change in the cache while hidden is read on the
next show. One currency at a time: amounts are never added across currencies.
"""

import asyncio
from datetime import date, datetime

import shiboken6
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from studio.core.earnings_cache import DayTotal, EarningsCache
from studio.core.earnings_timeline import Bar, Period, bars_of, span_of
from studio.core.money_format import currency_label, format_money
from studio.ui.earnings.chart import TimelineChart, payments_text
from studio.ui.earnings.transactions import report_failure

translate = QCoreApplication.translate


def period_name(period: Period) -> str:
    names = {
        Period.WEEK: translate("Earnings", "Last 7 days"),
        Period.MONTH: translate("Earnings", "Last 30 days"),
        Period.QUARTER: translate("Earnings", "Last 90 days, by week"),
        Period.YEAR: translate("Earnings", "Last 12 months, by week"),
    }
    return names[period]


class OverTimePanel(QWidget):
    """Currency and period on top, the chart below, the period's total on the right."""

    def __init__(self) -> None:
        super().__init__()
        self.cache: EarningsCache | None = None
        self.bars: list[Bar] = []
        self.up_to_date = False
        """True once the bars on show were read for the current cache and choices."""
        self._stale = True
        self._generation = 0
        self._tasks: set[asyncio.Task[None]] = set()

        self.currency_label = QLabel()
        self.currency_box = QComboBox()
        self.period_label = QLabel()
        self.period_box = QComboBox()
        for box in (self.currency_box, self.period_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.currentIndexChanged.connect(self.reload)
        self.total = QLabel()
        self.total.setObjectName("hint")
        self.chart = TimelineChart()
        controls = QHBoxLayout()
        controls.addWidget(self.currency_label)
        controls.addWidget(self.currency_box)
        controls.addSpacing(16)
        controls.addWidget(self.period_label)
        controls.addWidget(self.period_box)
        controls.addStretch(1)
        controls.addWidget(self.total)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(12)
        layout.addLayout(controls)
        layout.addWidget(self.chart, 1)
        self.retranslate()
        self.period_box.setCurrentIndex(self.period_box.findData(Period.MONTH.value))

    @property
    def currency(self) -> str | None:
        data = self.currency_box.currentData()
        return None if data is None else str(data)

    @property
    def period(self) -> Period:
        return Period(self.period_box.currentData() or Period.MONTH.value)

    def use_cache(self, cache: EarningsCache | None) -> None:
        self.cache = cache
        self.reload()

    def set_currencies(self, currencies: list[str]) -> None:
        chosen = self.currency
        self.currency_box.blockSignals(True)
        self.currency_box.clear()
        for currency in currencies:
            label = currency_label(currency)
            self.currency_box.addItem(
                currency if label == currency else f"{label} ({currency})", currency
            )
        self.currency_box.setCurrentIndex(max(0, self.currency_box.findData(chosen)))
        self.currency_box.blockSignals(False)
        if self.currency != chosen:
            self.reload()

    def retranslate(self) -> None:
        self.currency_label.setText(translate("Earnings", "Currency"))
        self.period_label.setText(translate("Earnings", "Period"))
        chosen = self.period_box.currentData()
        self.period_box.blockSignals(True)
        self.period_box.clear()
        for period in Period:
            self.period_box.addItem(period_name(period), period.value)
        self.period_box.setCurrentIndex(max(0, self.period_box.findData(chosen)))
        self.period_box.blockSignals(False)
        self._show_empty()
        self._show_total()
        self.reload()  # the weeks start on the day the language starts them

    def reload(self) -> None:
        """Read the chosen period again now if shown, else on the next show."""
        self._generation += 1
        self.up_to_date = False
        self._stale = True
        if self.isVisible():
            self._load()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self._load()

    def _load(self) -> None:
        self._stale = False
        generation = self._generation
        cache, currency, period = self.cache, self.currency, self.period
        first_weekday = QLocale().firstDayOfWeek().value - 1  # Qt counts Monday as 1
        span = span_of(period, datetime.now().astimezone().date(), first_weekday)

        async def load() -> None:
            days: dict[date, DayTotal] = {}
            if cache is not None and currency is not None:
                try:
                    days = await cache.daily_net(currency, span.first_day, span.last_day)
                except RuntimeError:
                    return  # the cache closed meanwhile (sign-out)
            if not shiboken6.isValid(self) or generation != self._generation:
                return  # another currency, period or account since
            self.bars = bars_of(span, days)
            self.chart.set_bars(self.bars, currency or "")
            self._show_empty()
            self._show_total()
            self.up_to_date = True

        task: asyncio.Task[None] = asyncio.ensure_future(load())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(report_failure)

    def _show_empty(self) -> None:
        self.chart.set_empty_text(
            translate("Earnings", "No payments received in this period.")
            if self.currency is not None
            else translate("Earnings", "No payments on this computer yet.")
        )

    def _show_total(self) -> None:
        currency = self.currency
        count = sum(bar.count for bar in self.bars)
        if currency is None or not count:
            self.total.setText("")
            return
        net = format_money(sum(bar.net for bar in self.bars), currency)
        self.total.setText(
            translate("Earnings", "Your share: %1 from %2")
            .replace("%1", net)
            .replace("%2", payments_text(count))
        )
