"""Rendering a report's content (``content.Document``) to a print-ready PDF."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from workbench.methodology import Methodology
from workbench.progress import Progress, no_progress
from workbench.reports import fonts, layout
from workbench.reports.content import (
    BulletsBlock,
    ChartBlock,
    Cover,
    Document,
    FactsBlock,
    GradeValue,
    HeadingBlock,
    Section,
    TableBlock,
    TextBlock,
    Value,
)
from workbench.reports.files import Written, atomic_path, final_path
from workbench.reports.styles import NAVY, multiline, styles, text
from workbench.reports.tables import (
    SWATCH,
    Column,
    data_table,
    facts_table,
    fit_widths,
    grade_cell,
    grade_colour,
    grade_name,
)
from workbench.reports.words import plural


class _Renderer:
    def __init__(self, method: Methodology, width: float) -> None:
        self.method, self.width, self.sheet = method, width, styles()

    def value(self, value: Value) -> object:
        if isinstance(value, GradeValue):
            return grade_cell(self.method, value.grade_id, value.missing)
        return value

    def printed(self, value: Value) -> str:
        """The text of a cell as printed, for measuring its longest word."""
        if isinstance(value, GradeValue):
            name = grade_name(self.method, value.grade_id, value.missing).replace(" ", "\u00a0")
            return name if value.grade_id is None else f"{SWATCH}\u00a0{name}"
        if isinstance(value, int):
            return f"{value:,}"
        return "" if value is None else str(value)

    def block(self, block: object, section: Section, index: int) -> list[Flowable]:
        sheet = self.sheet
        if isinstance(block, TextBlock):
            style = getattr(sheet, block.style)
            return [Paragraph(multiline(block.text), style)]
        if isinstance(block, BulletsBlock):
            return [
                Paragraph(f"<bullet>\u2022</bullet>{text(item)}", sheet.bullet)
                for item in block.items
            ]
        if isinstance(block, HeadingBlock):
            keep = CondPageBreak(4.5 * cm)  # no heading alone at the foot of a page
            if section.level == 0:
                key = f"{section.key}-{index}"
                return [keep, layout.Heading(block.title, sheet.h2, key, level=1, contents=False)]
            return [keep, Paragraph(text(block.title), sheet.h3)]
        if isinstance(block, TableBlock):
            return self.table(block)
        if isinstance(block, FactsBlock):
            pairs = [(label, self.value(value)) for label, value in block.pairs]
            return [facts_table(pairs, (4.4 * cm, self.width - 4.4 * cm)), Spacer(1, 8)]
        if isinstance(block, ChartBlock):
            return [self.chart(block)]
        raise TypeError(f"unknown block {block!r}")

    def table(self, block: TableBlock) -> list[Flowable]:
        cols = block.columns
        cells = [[self.printed(row[i]) for row in block.rows] for i in range(len(cols))]
        widths = fit_widths(
            [c.heading for c in cols],
            [c.weight for c in cols],
            [c.numeric for c in cols],
            self.width * block.width,
            cells,
        )
        columns = [Column(c.heading, w, c.numeric) for c, w in zip(cols, widths, strict=True)]
        heads = [grade_colour(self.method, c.grade) if c.grade else None for c in cols]
        rows = [[self.value(v) for v in row] for row in block.rows]
        table = data_table(
            columns,
            rows,
            head_colours=heads,
            total_row=block.total_row,
            first_column_bold=block.row_headers,
        )
        caption = Paragraph(text(block.caption), self.sheet.table_caption)
        return [CondPageBreak(3 * cm), caption, table, Spacer(1, 10)]

    def chart(self, block: ChartBlock) -> Flowable:
        title = Paragraph(text(block.title), self.sheet.table_caption)
        caption = Paragraph(text(block.note or block.description), self.sheet.caption)
        return KeepTogether([title, block.drawing(self.width), caption])


def _cover(cover: Cover, width: float) -> list[Flowable]:
    sheet = styles()
    rows = [
        [Paragraph(text(label), sheet.cover_label), Paragraph(text(value), sheet.cover_fact)]
        for label, value in cover.facts
    ]
    facts = Table(rows, colWidths=[4.6 * cm, width - 4.6 * cm], hAlign="LEFT")
    facts.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story: list[Flowable] = [
        Spacer(1, 3.2 * cm),
        Paragraph(text(cover.title), sheet.title),
        Paragraph(text(cover.subtitle), sheet.subtitle),
        Spacer(1, 0.7 * cm),
        HRFlowable(width="100%", thickness=2.5, color=NAVY, spaceAfter=0.6 * cm),
        facts,
    ]
    if cover.notice:
        story += [Spacer(1, 1.0 * cm), Paragraph(text(cover.notice), sheet.notice)]
    return story


def _story(document: Document, method: Methodology, width: float) -> Iterator[Flowable]:
    """The document's flowables, section by section: made as the layout reaches them, so
    those of the pages already written can be let go (``layout.build`` consumes them)."""
    sheet = styles()
    renderer = _Renderer(method, width)
    if document.cover is not None:
        yield from _cover(document.cover, width)
        yield PageBreak()
    if document.contents:
        entries = [(s.title, s.key) for s in document.sections if s.level == 0 and s.in_contents]
        yield layout.Heading("Contents", sheet.h1, "contents", contents=False)
        yield layout.ContentsPlaceholder(entries)
        yield Paragraph(
            "Grades are written in words throughout; the coloured square beside a grade "
            "repeats it for those reading in colour.",
            sheet.small,
        )
    at_page_start = not document.contents
    first = True
    for section in document.sections:
        if section.new_page and not at_page_start:
            yield PageBreak()
        elif not section.new_page and not first:
            yield CondPageBreak(6 * cm)
        key, level = section.key, section.level
        style = sheet.h1 if level == 0 else sheet.h1_case
        yield layout.Heading(section.title, style, key, level, section.in_contents)
        for index, block in enumerate(section.blocks):
            yield from renderer.block(block, section, index)
        at_page_start = first = False


def render(
    document: Document,
    method: Methodology,
    path: Path,
    progress: Progress = no_progress,
    expected_pages: int = 0,
) -> int:
    """Write ``document`` as a PDF at ``path``; returns the number of pages."""
    info = layout.DocumentInfo(
        title=document.title,
        subject=document.subject,
        author=document.author,
        marking=document.marking,
        interim=document.interim,
        running_title=document.running_title,
        landscape=document.landscape,
        keywords=f"{document.marking}; inspection; child protection",
    )
    width = layout.frame_width(info)
    story = _story(document, method, width)
    return layout.build(path, story, info, progress, expected_pages)


def write(
    document: Document,
    method: Methodology,
    out: str | os.PathLike[str],
    progress: Progress = no_progress,
    expected_pages: int = 0,
) -> Written:
    """Write ``document`` as a PDF at ``out`` atomically; returns where and how many pages."""
    with atomic_path(out) as temporary:
        pages = render(document, method, temporary, progress, expected_pages)
    progress(pages, pages, f"Wrote {plural(pages, 'page')}")
    return Written(final_path(out), pages)
