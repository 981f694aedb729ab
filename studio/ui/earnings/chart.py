"""A bar chart of net earnings per day or week, drawn with QPainter (QtCharts is not in
PySide6-Essentials, which is what the studio ships).

Amounts on the axis are whole steps of the currency (1, 2 or 5 times a power of
ten, at least one major unit), computed in integers and written the way the rest
of the screen writes money. Pointing at a bar highlights it and says what it was.
"""

from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QLocale, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from studio.core.earnings_timeline import Bar
from studio.core.money_format import exponent_of, format_money

translate = QCoreApplication.translate

GRID_LINES = 4
BAR_SHARE = 0.7  # of each slot; the rest is air between bars
WIDEST_BAR = 44


def nice_step(top: int, minimum: int) -> int:
    """The smallest 1, 2 or 5 × 10^k (and at least `minimum`) that covers `top` in
    `GRID_LINES` steps."""
    wanted = max(-(-top // GRID_LINES), minimum, 1)
    power = 1
    while True:
        for factor in (1, 2, 5):
            if factor * power >= wanted and factor * power >= minimum:
                return factor * power
        power *= 10


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def day_label(day: date, locale: QLocale | None = None) -> str:
    """`Nov 25` in English, `25 nov.` in French: the order the language's dates use."""
    locale = locale or QLocale()
    month = locale.monthName(day.month, QLocale.FormatType.ShortFormat)
    pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
    month_first = pattern.find("M") < pattern.find("d")
    return f"{month} {day.day}" if month_first else f"{day.day} {month}"


def payments_text(count: int, locale: QLocale | None = None) -> str:
    if count == 1:
        return translate("Earnings", "1 payment")
    return translate("Earnings", "%1 payments").replace("%1", (locale or QLocale()).toString(count))


def bar_text(bar: Bar, currency: str) -> str:
    """What a bar stands for, in words: its day or week, its net and its payments."""
    locale = QLocale()
    if bar.first_day == bar.last_day:
        when = locale.toString(qdate(bar.first_day), QLocale.FormatType.LongFormat)
    else:
        when = translate("Earnings", "%1 to %2").replace("%1", day_label(bar.first_day))
        when = when.replace("%2", day_label(bar.last_day))
    return f"{when}\n{format_money(bar.net, currency)} · {payments_text(bar.count)}"


class TimelineChart(QWidget):
    """Bars left to right, oldest first; an empty period shows a sentence instead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.currency = ""
        self.empty_text = ""
        self.hovered: int | None = None
        self._scale = (0, 1, 1)
        self.setMouseTracking(True)
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(720, 320)

    def set_bars(self, bars: list[Bar], currency: str) -> None:
        self.bars = bars
        self.currency = currency
        self.hovered = None
        nets = [bar.net for bar in bars] + [0]
        lowest, highest = min(nets), max(nets)
        step = nice_step(highest - lowest, 10 ** exponent_of(currency))
        low = lowest // step * step
        self._scale = (low, max(-(-highest // step) * step, low + step), step)
        self.update()

    def set_empty_text(self, text: str) -> None:
        self.empty_text = text
        self.update()

    def has_payments(self) -> bool:
        return any(bar.count for bar in self.bars)

    def scale(self) -> tuple[int, int, int]:
        """(lowest, highest, step) of the amount axis, in minor units."""
        return self._scale

    def bar_at(self, x: float) -> int | None:
        plot = self._plot()
        if not self.bars or not plot.left() <= x < plot.right():
            return None
        return min(int((x - plot.left()) / (plot.width() / len(self.bars))), len(self.bars) - 1)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        index = self.bar_at(event.position().x()) if self.has_payments() else None
        if index != self.hovered:
            self.hovered = index
            self.update()
            if index is None:
                QToolTip.hideText()
            else:
                point = event.globalPosition().toPoint() + QPoint(12, 12)
                QToolTip.showText(point, bar_text(self.bars[index], self.currency), self)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        self.hovered = None
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().text().color()
        muted = QColor(text)
        muted.setAlpha(150)
        if not self.has_payments():
            painter.setPen(muted)
            painter.drawText(
                QRectF(self.rect()).adjusted(24, 24, -24, -24),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            painter.end()
            return
        plot = self._plot()
        self._paint_axis(painter, plot, text, muted)
        self._paint_bars(painter, plot)
        self._paint_days(painter, plot, muted)
        painter.end()

    def _plot(self) -> QRectF:
        """Where the bars go: room on the left for amounts, below for days."""
        metrics = self.fontMetrics()
        low, high, step = self.scale()
        labels = [format_money(v, self.currency) for v in range(low, high + 1, step)]
        left = max((metrics.horizontalAdvance(label) for label in labels), default=0) + 22
        bottom = metrics.height() + 12
        return QRectF(self.rect()).adjusted(left, metrics.height() / 2 + 6, -14, -bottom)

    def _y(self, plot: QRectF, amount: int) -> float:
        low, high, _ = self.scale()
        return plot.bottom() - (amount - low) / (high - low) * plot.height()

    def _paint_axis(self, painter: QPainter, plot: QRectF, text: QColor, muted: QColor) -> None:
        low, high, step = self.scale()
        grid = QColor(text)
        grid.setAlpha(28)
        metrics = self.fontMetrics()
        for amount in range(low, high + 1, step):
            y = self._y(plot, amount)
            painter.setPen(QPen(grid if amount else muted, 1))
            painter.drawLine(int(plot.left()), round(y), int(plot.right()), round(y))
            painter.setPen(muted)
            label = QRectF(0, y - metrics.height() / 2, plot.left() - 8, metrics.height())
            painter.drawText(
                label,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                format_money(amount, self.currency),
            )

    def _paint_bars(self, painter: QPainter, plot: QRectF) -> None:
        accent = self.palette().highlight().color()
        slot = plot.width() / len(self.bars)
        width = min(slot * BAR_SHARE, WIDEST_BAR)
        zero = self._y(plot, 0)
        if self.hovered is not None:
            shade = QColor(accent)
            shade.setAlpha(24)
            painter.fillRect(
                QRectF(plot.left() + self.hovered * slot, plot.top(), slot, plot.height()), shade
            )
        painter.setPen(Qt.PenStyle.NoPen)
        for number, bar in enumerate(self.bars):
            if not bar.net:
                continue
            color = QColor(accent)
            if self.hovered is not None and number != self.hovered:
                color.setAlpha(150)
            painter.setBrush(color)
            x = plot.left() + number * slot + (slot - width) / 2
            top = self._y(plot, bar.net)
            rect = QRectF(x, min(top, zero), width, max(abs(zero - top), 1.0))
            radius = min(3.0, width / 4)
            painter.drawRoundedRect(rect, radius, radius)

    def _paint_days(self, painter: QPainter, plot: QRectF, muted: QColor) -> None:
        """As many day labels as fit without touching, always including the newest."""
        metrics = self.fontMetrics()
        labels = [day_label(bar.first_day) for bar in self.bars]
        slot = plot.width() / len(self.bars)
        widest = max(metrics.horizontalAdvance(label) for label in labels) + 12
        every = max(1, -(-widest // max(int(slot), 1)))
        painter.setPen(muted)
        for number, label in enumerate(labels):
            if (len(labels) - 1 - number) % every:
                continue
            centre = plot.left() + (number + 0.5) * slot
            rect = QRectF(centre - widest / 2, plot.bottom() + 6, widest, metrics.height())
            rect.moveLeft(max(0.0, min(rect.left(), self.width() - widest)))
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
