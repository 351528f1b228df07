"""Tables for the PDFs: a header row repeated on every page, cells that wrap (and split
across pages when a single row is taller than a page), and grades shown as a coloured
square beside the grade's name, so that nothing depends on colour alone.

Laying out a Paragraph is costly, and a report of 500 cases has tens of thousands of cells,
so a cell whose text fits on one line is drawn as plain text (in the same font), and a
grade as a small flowable; only text that has to wrap becomes a Paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from workbench.methodology import Methodology
from workbench.reports import fonts
from workbench.reports.styles import (
    INK,
    NAVY,
    RULE,
    UNRESOLVED_COLOUR,
    ZEBRA,
    multiline,
    styles,
)
from workbench.services.summary import NOT_RECORDED, UNRESOLVED

Cell = str | int | float | None | Flowable
SWATCH = "\u25a0"  # a filled square: how a grade's colour is shown in running text
CELL_SIZE, CELL_LEADING, PADDING = 8.5, 11.0, 5.0
TOTAL_FILL = colors.HexColor("#E4EAF1")
_OUTCOMES = {UNRESOLVED: "Unresolved", NOT_RECORDED: "Not recorded"}


@dataclass(frozen=True)
class Column:
    """A column: its heading, width (points) and whether it holds numbers."""

    heading: str
    width: float
    numeric: bool = False


def grade_colour(method: Methodology, grade_id: str | None) -> str:
    if grade_id == UNRESOLVED:
        return UNRESOLVED_COLOUR
    try:
        return method.grade(grade_id).colour if grade_id else "#FFFFFF"
    except KeyError:
        return "#FFFFFF"


def grade_name(method: Methodology, grade_id: str | None, missing: str = "Not graded") -> str:
    """A grade in a cell: unresolved says what it awaits."""
    if grade_id is None:
        return missing
    if grade_id == UNRESOLVED:
        return "Unresolved (awaiting moderation)"
    return method.grade_name(grade_id)


def outcome_name(method: Methodology, key: str) -> str:
    """A grade, or one of the summary's other outcomes, as a column heading or chart series."""
    return _OUTCOMES.get(key) or method.grade_name(key)


class GradeCell(Flowable):
    """A grade in a table: a square in the grade's colour, then its name in words."""

    def __init__(self, name: str, colour: str | None, bold: bool = False) -> None:
        super().__init__()
        self.name, self.colour = name, colour
        self.font = fonts.BOLD if bold else fonts.REGULAR
        self.indent = 12.0 if colour else 0.0
        self.lines: list[str] = [name]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        room = max(avail_width - self.indent, 20.0)
        self.lines = simpleSplit(self.name, self.font, CELL_SIZE, room) or [""]
        self.width, self.height = avail_width, len(self.lines) * CELL_LEADING
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        baseline = self.height - CELL_SIZE
        if self.colour:
            canvas.setFillColor(colors.HexColor(self.colour))
            canvas.rect(0, baseline - 0.5, 8, 8, stroke=0, fill=1)
        canvas.setFillColor(INK)
        canvas.setFont(self.font, CELL_SIZE)
        for index, line in enumerate(self.lines):
            canvas.drawString(self.indent, baseline - index * CELL_LEADING, line)


def grade_cell(method: Methodology, grade_id: str | None, missing: str = "Not graded"):
    colour = grade_colour(method, grade_id) if grade_id else None
    return GradeCell(grade_name(method, grade_id, missing), colour)


def _longest_word(value: str, font: str, size: float) -> float:
    """The width of the longest piece of ``value`` that a line cannot break inside.

    Words longer than 24 characters (a URL, say) are left to break anywhere.
    """
    words = {w for w in re.split(r"[ \t\r\n]+", value) if 0 < len(w) <= 24}
    longest = sorted(words, key=len, reverse=True)[:3]  # width follows length closely enough
    return max((stringWidth(w, font, size) for w in longest), default=0.0)


def fit_widths(
    headings: Sequence[str],
    weights: Sequence[float],
    numeric: Sequence[bool],
    total: float,
    cells: Sequence[Sequence[str]] = (),
) -> list[float]:
    """Column widths such that no heading or cell breaks inside a word where avoidable.

    Each column is at least as wide as its longest word (heading or cell, with padding);
    numeric columns are no wider than that (and at least 1.5 cm); text columns share the
    rest of the width by weight. If even the minimums do not fit, all are scaled down.
    """
    floors = []
    for index, heading in enumerate(headings):
        widest = _longest_word(heading, fonts.BOLD, CELL_SIZE)
        for value in cells[index] if cells else ():
            whole = stringWidth(value, fonts.BOLD, CELL_SIZE) if numeric[index] else 0.0
            widest = max(widest, whole, _longest_word(value, fonts.BOLD, CELL_SIZE))
        floors.append(widest + 2 * PADDING + 2)
    widths = [max(f, 1.5 * cm) if n else f for f, n in zip(floors, numeric, strict=True)]
    spare = total - sum(widths)
    text_weight = sum(w for w, n in zip(weights, numeric, strict=True) if not n)
    if spare > 0 and text_weight:
        widths = [
            width if is_numeric else width + spare * weight / text_weight
            for width, weight, is_numeric in zip(widths, weights, numeric, strict=True)
        ]
    scale = total / sum(widths) if sum(widths) > total or not text_weight else 1.0
    return [w * scale for w in widths]


def _cell(value: Cell, width: float, numeric: bool, bold: bool) -> Cell:
    """Plain text when it fits on one line, else a Paragraph that wraps (and splits)."""
    if isinstance(value, Flowable):
        return value
    if numeric or value is None or not isinstance(value, str):
        if value is None:
            return "–"
        return f"{value:,}" if isinstance(value, int) else str(value)
    font = fonts.BOLD if bold else fonts.REGULAR
    if "\n" not in value and stringWidth(value, font, CELL_SIZE) <= width - 2 * PADDING - 1:
        return value
    sheet = styles()
    return Paragraph(multiline(value), sheet.cell_bold if bold else sheet.cell)


def _heading(column: Column) -> str:
    lines = simpleSplit(column.heading, fonts.BOLD, CELL_SIZE, column.width - 2 * PADDING - 1)
    return "\n".join(lines)


class _DataTable(Table):
    """A table with a repeated header that keeps ordinary rows whole across a page break and
    splits only a long row (longer than ``LONG_ROW``) inside itself.

    ReportLab's own choice is all or nothing: splitting between rows first leaves the rest
    of the table, header repeated, to be split again inside its first row in the space
    still free on the page (a header mid-page); splitting inside rows first cuts short rows
    in two, their names on one page and the end of their notes on the next.
    """

    LONG_ROW = 200  # points: about a third of a page

    def split(self, availWidth, availHeight):  # noqa: N803 - ReportLab's names
        self._calc(availWidth, availHeight)
        long_row = self._foot_row_height(availHeight) >= self.LONG_ROW
        self.splitByRow, self.splitInRow = (0, 30) if long_row else (1, 0)
        parts = super().split(availWidth, availHeight)
        for table in (self, *parts):
            table.splitByRow, table.splitInRow = 1, 0
        return parts

    def _foot_row_height(self, height: float) -> float:
        """The height of the first row that does not fit in ``height`` (0 if all fit)."""
        used = 0.0
        for row_height in self._rowHeights:
            used += row_height
            if used > height:
                return row_height
        return 0.0


def data_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    head_colours: Sequence[str | None] = (),
    total_row: bool = False,
    first_column_bold: bool = False,
) -> Table:
    """A table whose header row repeats on each page and whose cells wrap and split.

    A column that counts one grade has a rule in that grade's colour under its heading.
    """
    body = []
    for index, row in enumerate(rows):
        last = total_row and index == len(rows) - 1
        body.append(
            [
                _cell(value, column.width, column.numeric, last or (first_column_bold and i == 0))
                for i, (column, value) in enumerate(zip(columns, row, strict=True))
            ]
        )
    table = _DataTable(
        [[_heading(c) for c in columns], *body],
        colWidths=[c.width for c in columns],
        repeatRows=1,
        hAlign="LEFT",
    )
    style = _style(len(body))
    for index, column in enumerate(columns):
        if column.numeric:
            style.add("ALIGN", (index, 0), (index, -1), "RIGHT")
    if first_column_bold:
        style.add("FONTNAME", (0, 1), (0, -1), fonts.BOLD)
    if total_row and body:
        last = len(body)
        style.add("FONTNAME", (0, last), (-1, last), fonts.BOLD)
        style.add("LINEABOVE", (0, last), (-1, last), 1.0, NAVY)
        style.add("BACKGROUND", (0, last), (-1, last), TOTAL_FILL)
    for index, colour in enumerate(head_colours):
        if colour:
            style.add("LINEBELOW", (index, 0), (index, 0), 3, colors.HexColor(colour))
    table.setStyle(style)
    return table


def _base_commands() -> list[tuple]:
    return [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_LEADING),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ]


def _style(rows: int) -> TableStyle:
    commands = _base_commands() + [
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("FONTNAME", (0, 0), (-1, 0), fonts.BOLD),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
    ]
    commands += [("BACKGROUND", (0, row), (-1, row), ZEBRA) for row in range(2, rows + 1, 2)]
    return TableStyle(commands)


def facts_table(pairs: Sequence[tuple[str, Cell]], widths: tuple[float, float]) -> Table:
    """Label and value pairs (a case's details): labels bold on a tint, no header row."""
    label_width, value_width = widths
    data = [
        [_cell(label, label_width, False, True), _cell(value, value_width, False, False)]
        for label, value in pairs
    ]
    table = Table(data, colWidths=list(widths), splitByRow=1, splitInRow=30, hAlign="LEFT")
    commands = _base_commands() + [
        ("FONTNAME", (0, 0), (0, -1), fonts.BOLD),
        ("BACKGROUND", (0, 0), (0, -1), ZEBRA),
    ]
    table.setStyle(TableStyle(commands))
    return table
