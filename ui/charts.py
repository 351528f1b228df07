"""Small bar charts painted with QPainter, for the dashboard.

Bars (grouped or stacked, upright or lying), optional lines over upright bars, a value axis
with a few round ticks, and the labels under (or beside) the bars. They say nothing that
the text beside them does not also say: they are there to be glanced at.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

AXIS, GRID, TEXT = QColor("#424242"), QColor("#E0E0E0"), QColor("#212121")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    colour: str


@dataclass(frozen=True)
class Line:
    values: Sequence[float]
    colour: str
    dashed: bool = False


@dataclass
class ChartData:
    labels: Sequence[str] = ()
    series: Sequence[Series] = ()
    stacked: bool = False
    horizontal: bool = False
    lines: Sequence[Line] = field(default_factory=tuple)
    label_every: int = 1  # show every n-th label (many days)


def _nice_top(value: float) -> float:
    """A round number at or above ``value`` for the top of the axis."""
    if value <= 4:
        return 4  # counts: whole-number ticks 0 to 4
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 6, 8, 10):
        if step * power >= value:
            return step * power
    return 10 * power


class BarChart(QWidget):
    def __init__(
        self, accessible_name: str, parent: QWidget | None = None, *, height: int = 170
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.data = ChartData()
        self._height = height
        self.setMinimumHeight(height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_height(self, height: int) -> None:
        """A taller chart (a bar for each of many inspectors keeps its label readable)."""
        if height != self._height:
            self._height = height
            self.setMinimumHeight(height)
            self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(360 if self._height >= 170 else 200, self._height)

    def set_data(self, data: ChartData) -> None:
        self.data = data
        self.update()

    def _top(self) -> float:
        data = self.data
        if data.stacked:
            totals = [sum(s.values[i] for s in data.series) for i in range(len(data.labels))]
        else:
            totals = [v for s in data.series for v in s.values]
        totals += [v for line in data.lines for v in line.values]
        return _nice_top(max(totals, default=0))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        if self.data.labels:
            (self._paint_lying if self.data.horizontal else self._paint_upright)(painter)
        painter.end()

    def _paint_upright(self, painter: QPainter) -> None:
        data, metrics = self.data, self.fontMetrics()
        top = self._top()
        left = max(metrics.horizontalAdvance(f"{top * n / 4:g}") for n in range(5)) + 12
        plot = QRectF(left, 8, self.width() - left - 8, self.height() - metrics.height() - 20)
        self._value_grid(painter, plot, top, upright=True)
        count = len(data.labels)
        slot = plot.width() / count
        groups = 1 if data.stacked else max(len(data.series), 1)
        bar = slot * 0.7 / groups
        for i, label in enumerate(data.labels):
            x = plot.left() + slot * i + slot * 0.15
            base = 0.0
            for n, series in enumerate(data.series):
                value = series.values[i]
                height = plot.height() * value / top
                bottom = plot.bottom() - plot.height() * base / top
                x0 = x if data.stacked else x + n * bar
                painter.fillRect(QRectF(x0, bottom - height, bar, height), QColor(series.colour))
                if data.stacked:
                    base += value
            if i % data.label_every == 0:
                painter.setPen(TEXT)
                room = slot * data.label_every
                centre = plot.left() + slot * (i + 0.5)
                left_edge = min(max(centre - room / 2, 0), self.width() - room)  # kept whole
                where = QRectF(left_edge, plot.bottom() + 4, room, 18)
                shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(room) - 2)
                painter.drawText(where, Qt.AlignmentFlag.AlignHCenter, shown)
        for line in data.lines:
            pen = QPen(QColor(line.colour), 2)
            if line.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
                pen.setWidthF(1.2)
            painter.setPen(pen)
            points = [
                QPointF(plot.left() + slot * (i + 0.5), plot.bottom() - plot.height() * v / top)
                for i, v in enumerate(line.values)
            ]
            painter.drawPolyline(points)

    def _paint_lying(self, painter: QPainter) -> None:
        data, metrics = self.data, self.fontMetrics()
        top = self._top()
        left = max(metrics.horizontalAdvance(label) for label in data.labels) + 12
        plot = QRectF(left, 6, self.width() - left - 14, self.height() - metrics.height() - 18)
        self._value_grid(painter, plot, top, upright=False)
        slot = plot.height() / len(data.labels)
        for i, label in enumerate(data.labels):
            y = plot.top() + slot * i + slot * 0.2
            start = 0.0
            for series in data.series:
                width = plot.width() * series.values[i] / top
                x = plot.left() + plot.width() * start / top
                painter.fillRect(QRectF(x, y, width, slot * 0.6), QColor(series.colour))
                start += series.values[i]
            painter.setPen(TEXT)
            painter.drawText(
                QRectF(0, plot.top() + slot * i, left - 6, slot),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )

    def _value_grid(self, painter: QPainter, plot: QRectF, top: float, upright: bool) -> None:
        for n in range(5):
            value = top * n / 4
            painter.setPen(GRID if n else AXIS)
            text = f"{value:g}"
            if upright:
                y = plot.bottom() - plot.height() * n / 4
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
                painter.setPen(TEXT)
                painter.drawText(
                    QRectF(0, y - 9, plot.left() - 6, 18),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    text,
                )
            else:
                x = plot.left() + plot.width() * n / 4
                painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
                painter.setPen(TEXT)
                painter.drawText(
                    QRectF(x - 30, plot.bottom() + 2, 60, 18), Qt.AlignmentFlag.AlignHCenter, text
                )
        painter.setPen(AXIS)
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
