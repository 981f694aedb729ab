"""A small line of recent viewer counts, drawn with QPainter (QtCharts is not in Essentials)."""

from PySide6.QtCore import QPointF, QSize
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

MAX_POINTS = 240


class Sparkline(QWidget):
    """The last `MAX_POINTS` values, scaled to the widget; no axes, just the shape."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[int] = []
        self.setMinimumHeight(72)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(320, 72)

    def set_points(self, points: list[int]) -> None:
        self.points = points[-MAX_POINTS:]
        self.update()

    def add_point(self, value: int) -> None:
        self.set_points([*self.points, value])

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = self.palette().highlight().color()
        base = self.palette().text().color()
        rect = self.rect().adjusted(4, 6, -4, -6)
        baseline = QColor(base)
        baseline.setAlpha(40)
        painter.setPen(QPen(baseline, 1))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        if not self.points:
            painter.end()
            return
        points = self.points if len(self.points) > 1 else self.points * 2  # one value: a level
        top = max(max(points), 1)
        step = rect.width() / (len(points) - 1)
        line = QPainterPath()
        for i, value in enumerate(points):
            point = QPointF(rect.left() + i * step, rect.bottom() - value / top * rect.height())
            if i == 0:
                line.moveTo(point)
            else:
                line.lineTo(point)
        area = QPainterPath(line)
        area.lineTo(QPointF(rect.right(), rect.bottom()))
        area.lineTo(QPointF(rect.left(), rect.bottom()))
        area.closeSubpath()
        fill = QColor(accent)
        fill.setAlpha(50)
        painter.fillPath(area, fill)
        painter.setPen(QPen(accent, 2))
        painter.drawPath(line)
        painter.end()
