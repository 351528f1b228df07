"""Charts drawn with reportlab's own graphics, each with a sentence that says what it shows.

The sentence is printed as the chart's caption in the PDF and is the text alternative in
the HTML twin. Every string in a chart names the report font (no base-14 fallback), and
every bar is labelled with its grade in words (axis or legend), never by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Group, Rect, String
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from workbench.reports import fonts
from workbench.reports.styles import INK, MUTED, RULE

BAR = 16.0
LABEL_SIZE = 8.0


@dataclass(frozen=True)
class Series:
    """One grade (or outcome) across the chart's rows: its name, colour and counts."""

    name: str
    colour: str
    values: tuple[int, ...]


def _wrap(label: str, width: float) -> str:
    return "\n".join(simpleSplit(label, fonts.REGULAR, LABEL_SIZE, width)[:3])


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 8:
            return step
    return max(1, top // 8)


def _axes(chart: HorizontalBarChart, labels: Sequence[str], label_width: float, top: int):
    chart.categoryAxis.categoryNames = [_wrap(label, label_width) for label in labels]
    chart.categoryAxis.reverseDirection = 1
    chart.categoryAxis.labels.fontName = fonts.REGULAR
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.textAnchor = "end"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.tickLeft = 0
    step = _nice_step(max(top, 1))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(step, -(-max(top, 1) // step) * step)
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = fonts.REGULAR
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E3E7EC")
    chart.valueAxis.gridStrokeWidth = 0.5


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = fonts.REGULAR
    drawing.initialFontSize = LABEL_SIZE
    return drawing


def bar_chart(
    labels: Sequence[str], values: Sequence[int], colours: Sequence[str], width: float
) -> Drawing:
    """One bar per label, each in its own colour, with its count written at its end."""
    fonts.register_fonts()
    label_width = min(150.0, width * 0.3)
    height = len(labels) * (BAR + 8) + 36
    drawing = _drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width + 10, 24
    chart.width, chart.height = width - chart.x - 30, height - 34
    chart.data = [list(values)]
    _axes(chart, labels, label_width, max(values, default=0))
    chart.bars.strokeColor = None
    chart.barWidth = BAR
    for index, colour in enumerate(colours):
        chart.bars[(0, index)].fillColor = colors.HexColor(colour)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = fonts.BOLD
    chart.barLabels.fontSize = LABEL_SIZE
    chart.barLabels.fillColor = INK
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def stacked_chart(labels: Sequence[str], series: Sequence[Series], width: float) -> Drawing:
    """Horizontal bars split by grade, with a legend naming each grade in words."""
    fonts.register_fonts()
    label_width = min(150.0, width * 0.3)
    legend_width = width - label_width - 10
    rows = 1 + max((row for _, row in _legend_places(series, legend_width)), default=0)
    legend_height = rows * 14 + 12
    height = len(labels) * (BAR + 8) + 30 + legend_height
    drawing = _drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width + 10, 20 + legend_height
    chart.width, chart.height = width - chart.x - 16, height - chart.y - 8
    chart.data = [list(s.values) for s in series]
    totals = [sum(column) for column in zip(*chart.data, strict=True)] if series else []
    _axes(chart, labels, label_width, max(totals, default=0))
    chart.categoryAxis.style = "stacked"
    chart.bars.strokeColor = colors.white
    chart.bars.strokeWidth = 0.5
    chart.barWidth = BAR
    top = max(totals, default=0)
    chart.barLabelFormat = lambda value: f"{value:.0f}" if value and value >= top * 0.07 else ""
    chart.barLabels.fontName = fonts.BOLD
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "c"
    chart.barLabels.boxTarget = "mid"
    for index, item in enumerate(series):
        chart.bars[index].fillColor = colors.HexColor(item.colour)
        chart.barLabels[index].fillColor = text_colour_on(item.colour)
    drawing.add(chart)
    drawing.add(legend(series, chart.x, legend_height - 4, legend_width))
    return drawing


def text_colour_on(colour: str) -> colors.Color:
    """White on a dark fill, ink on a light one (relative luminance, as WCAG defines it)."""
    fill = colors.HexColor(colour)

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(fill.red) + 0.7152 * linear(fill.green) + 0.0722 * linear(fill.blue)
    return colors.white if luminance < 0.3 else INK


def _legend_places(series: Sequence[Series], width: float) -> list[tuple[float, int]]:
    """Where each legend item goes: its offset along the row and its row, wrapping at width."""
    places, left, row = [], 0.0, 0
    for item in series:
        room = 13 + stringWidth(item.name, fonts.REGULAR, LABEL_SIZE) + 16
        if left + room > width and left > 0:
            left, row = 0.0, row + 1
        places.append((left, row))
        left += room
    return places


def legend(series: Sequence[Series], x: float, top: float, width: float) -> Group:
    """A swatch and the grade's name for each series, in rows below ``top``."""
    group = Group()
    for item, (left, row) in zip(series, _legend_places(series, width), strict=True):
        y = top - 10 - row * 14
        fill = colors.HexColor(item.colour)
        group.add(Rect(x + left, y, 9, 9, fillColor=fill, strokeColor=None))
        group.add(
            String(
                x + left + 13,
                y + 1.5,
                item.name,
                fontName=fonts.REGULAR,
                fontSize=LABEL_SIZE,
                fillColor=INK,
            )
        )
    return group


def svg(drawing: Drawing) -> str:
    """The drawing as an SVG document, for the HTML twin."""
    from reportlab.graphics import renderSVG

    return renderSVG.drawToString(drawing)
