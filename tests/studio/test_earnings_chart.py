"""The "Over time" tab from the cache alone: bars per day, then per week, in each currency.

Screenshots land in /tmp/shots for a person to look at.
"""

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, QLocale, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from studio.core.earnings_timeline import Bar, Period
from studio.ui.earnings.chart import TimelineChart, bar_text, day_label, nice_step
from studio.ui.earnings.over_time import OverTimePanel
from tests.studio.conftest import finish
from tests.studio.test_earnings_search import (  # noqa: F401 - the fixture, used here too
    TODAY,
    OfflineEarnings,
    offline_earnings,
)

SHOTS = Path("/tmp/shots")


def days_ago(n: int, net: int = 0, count: int = 0) -> Bar:
    """The bar of one day, `n` days before today."""
    return Bar(TODAY - timedelta(days=n), TODAY - timedelta(days=n), net, count)


def show_chart(qtbot: QtBot, offline: OfflineEarnings) -> OverTimePanel:
    screen = offline.screen
    screen.tabs.setCurrentWidget(screen.over_time)
    panel = screen.over_time
    qtbot.waitUntil(lambda: panel.up_to_date)
    return panel


def choose(qtbot: QtBot, panel: OverTimePanel, *, currency: str = "", period: str = "") -> None:
    if currency:
        panel.currency_box.setCurrentIndex(panel.currency_box.findData(currency))
    if period:
        panel.period_box.setCurrentIndex(panel.period_box.findData(period))
    qtbot.waitUntil(lambda: panel.up_to_date)


def shoot(qtbot: QtBot, offline: OfflineEarnings, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(100)  # let the layouts catch up with new words before the picture
    assert offline.screen.grab().save(str(SHOTS / f"earnings_chart_{name}.png"))


def point_at(chart: TimelineChart, number: int) -> None:
    """A mouse move over the middle of bar `number`, as Qt delivers it."""
    x = next(x for x in range(chart.width()) if chart.bar_at(float(x)) == number)
    local = QPointF(x + 2, chart.height() / 2)
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        local,
        QPointF(chart.mapToGlobal(QPoint(int(local.x()), int(local.y())))),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(chart, move)


def test_net_per_day_then_per_week_per_currency(qtbot: QtBot, offline: OfflineEarnings) -> None:
    panel = show_chart(qtbot, offline)
    assert panel.currency == "KES" and panel.period is Period.MONTH
    bars = panel.chart.bars
    assert len(bars) == 30 and bars[0].first_day == TODAY - timedelta(days=29)
    assert bars[-1] == Bar(TODAY, TODAY, 135_000, 2)  # two paid today, net of fees
    assert bars[-2] == days_ago(1)  # yesterday's was cancelled: no money
    assert bars[-4] == days_ago(3, 11_111, 1)
    assert sum(bar.net for bar in bars) == 146_111  # the 40-day-old tip is outside
    assert panel.total.text() == "Your share: KES\u00a01,461.11 from 3 payments"
    assert panel.chart.scale() == (0, 150_000, 50_000)  # KES 500.00 steps to KES 1,500.00

    point_at(panel.chart, 29)
    assert panel.chart.hovered == 29
    assert bar_text(bars[-1], "KES").endswith("KES\u00a01,350.00 · 2 payments")
    shoot(qtbot, offline, "light")

    choose(qtbot, panel, period=Period.QUARTER.value)
    weeks = panel.chart.bars
    first_weekday = QLocale().firstDayOfWeek().value - 1
    assert weeks[0].first_day.weekday() == first_weekday  # en: Sunday
    assert weeks[-1].last_day == TODAY and len(weeks) in (13, 14)
    assert sum(bar.net for bar in weeks) == 155_111 and sum(bar.count for bar in weeks) == 4
    shoot(qtbot, offline, "weeks")

    choose(qtbot, panel, currency="XOF", period=Period.WEEK.value)
    assert [bar.net for bar in panel.chart.bars] == [0, 0, 0, 0, 11_250, 0, 0]
    assert panel.total.text() == "Your share: FCFA\u00a011,250 from 1 payment"
    assert panel.chart.scale() == (0, 15_000, 5_000)  # whole francs: XOF has no decimals
    offline.appearance.set_theme("dark")
    shoot(qtbot, offline, "xof_dark")


def test_the_chart_in_french(qtbot: QtBot, offline: OfflineEarnings) -> None:
    panel = show_chart(qtbot, offline)
    finish(qtbot, offline.appearance.set_language("fr"))
    qtbot.waitUntil(lambda: panel.period_label.text() == "Période")
    qtbot.waitUntil(lambda: panel.up_to_date)
    assert offline.screen.tabs.tabText(1) == "Au fil du temps"
    group = QLocale().groupSeparator()
    assert panel.total.text() == f"Votre part : 1{group}461,11\u00a0KES sur 3 paiements"
    assert day_label(TODAY.replace(month=11, day=25)) == "25 nov."
    assert bar_text(panel.chart.bars[-1], "KES").endswith(f"1{group}350,00\u00a0KES · 2 paiements")
    shoot(qtbot, offline, "fr")
    offline.appearance.set_theme("dark")
    shoot(qtbot, offline, "fr_dark")


def test_an_empty_chart_says_so(qtbot: QtBot, offline: OfflineEarnings) -> None:
    chart = TimelineChart()
    qtbot.addWidget(chart)
    chart.resize(600, 260)
    chart.set_bars([days_ago(n) for n in range(6, -1, -1)], "KES")
    chart.set_empty_text("No payments received in this period.")
    assert not chart.has_payments()
    image = chart.grab()
    assert not image.isNull()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(SHOTS / "earnings_chart_empty.png"))


def test_axis_steps_are_whole_and_round() -> None:
    assert nice_step(135_000, 100) == 50_000
    assert nice_step(11_250, 1) == 5_000
    assert nice_step(3, 100) == 100  # under one shilling: steps of one shilling
    assert nice_step(0, 1) == 1
    assert nice_step(1_000_001, 100) == 500_000
