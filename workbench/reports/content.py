"""A report's content, independent of how it is printed.

The findings report is written once as sections of blocks (text, tables, charts, case
details) and then rendered twice: to PDF (``pdf``) and to accessible HTML (``html``). The
two can therefore never disagree about a figure or a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.graphics.shapes import Drawing

from workbench.reports import charts
from workbench.reports.charts import Series


@dataclass(frozen=True)
class GradeValue:
    """A grade in a table cell: shown as its name, with its colour beside it in the PDF."""

    grade_id: str | None
    missing: str = "Not graded"


Value = str | int | float | GradeValue | None


@dataclass(frozen=True)
class Col:
    """A table column: heading, share of the table's width, numeric or not, and the grade it
    counts (which puts the grade's colour beside the heading)."""

    heading: str
    weight: float = 1.0
    numeric: bool = False
    grade: str | None = None


@dataclass
class TableBlock:
    caption: str
    columns: list[Col]
    rows: list[list[Value]]
    total_row: bool = False
    row_headers: bool = False  # the first column names the row (bold in the PDF, th in HTML)
    width: float = 1.0  # share of the page's width, for a table of few columns


@dataclass
class FactsBlock:
    """Labelled values (a case's details), read as a two-column table."""

    caption: str
    pairs: list[tuple[str, Value]]


@dataclass
class TextBlock:
    text: str
    style: str = "body"  # body, lead, small, notice


@dataclass
class BulletsBlock:
    items: list[str]


@dataclass
class HeadingBlock:
    """A heading one level below its section's own heading."""

    title: str


@dataclass
class ChartBlock:
    """A chart; ``description`` is its caption and its text alternative."""

    title: str
    description: str
    labels: list[str]
    series: list[Series]
    stacked: bool = True
    colours: list[str] | None = None  # one per bar, for a chart that is not stacked
    note: str = ""  # a short caption for print, where the figures are also in a table

    def drawing(self, width: float) -> Drawing:
        """The chart drawn ``width`` points wide, for the PDF and (as SVG) the HTML alike."""
        if self.stacked:
            return charts.stacked_chart(self.labels, self.series, width)
        only = self.series[0]
        colours = self.colours or [only.colour] * len(only.values)
        return charts.bar_chart(self.labels, list(only.values), colours, width)


Block = TextBlock | BulletsBlock | HeadingBlock | TableBlock | FactsBlock | ChartBlock


@dataclass
class Section:
    """A titled part of a report. Level 0 sections are in the contents; level 1 sections
    (one per case in an annex) are bookmarked beneath the section before them."""

    title: str
    key: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 0
    new_page: bool = False
    in_contents: bool = True


@dataclass
class Cover:
    """The cover page: title, subtitle, the facts about the inspection, a notice."""

    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    notice: str = ""


@dataclass
class Document:
    title: str
    subject: str
    author: str
    marking: str
    running_title: str
    cover: Cover | None
    sections: list[Section]
    landscape: bool = False
    contents: bool = True
    interim: str = ""  # printed beside the marking on every page while findings are interim
