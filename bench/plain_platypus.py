"""The findings PDF's pages built with bare reportlab platypus: the baseline of
bench_reports' PDF figures.

The same content (``workbench.reports.content.Document``: the cover, every section's
headings, paragraphs, bullets, tables, facts and charts) laid out with the least code that
could: ``SimpleDocTemplate``, ``Paragraph`` and ``Table`` with their sample styles, a cell
becoming a ``Paragraph`` only when its text is wider than its column, the marking and a page
number drawn on each page. No contents page, bookmarks, fitted column widths, grade
squares or "Page N of M".
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from workbench.reports import content, fonts
from workbench.reports.styles import text
from workbench.reports.tables import grade_name

WIDTH = A4[0] - 4 * cm
STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F3A5F")),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
    ]
)


def render(document: content.Document, method, path: Path) -> int:  # type: ignore[no-untyped-def]
    fonts.register_fonts()  # the same typeface as the workbench's PDFs
    sheet = getSampleStyleSheet()
    for style in sheet.byName.values():
        style.fontName = fonts.BOLD if "Heading" in style.name or style.name == "Title" else (
            fonts.REGULAR)  # fmt: skip
    cell = sheet["BodyText"].clone("cell", fontSize=8.5, leading=11)

    def value(v: object) -> str:
        if isinstance(v, content.GradeValue):
            return grade_name(method, v.grade_id, v.missing)
        if isinstance(v, int):
            return f"{v:,}"
        return "–" if v is None else str(v)

    def cells(row: list, widths: list[float]) -> list:
        out: list = []
        for v, w in zip(row, widths, strict=True):
            s = value(v)
            wide = "\n" in s or stringWidth(s, fonts.REGULAR, 8.5) > w - 12
            out.append(Paragraph(text(s), cell) if wide else s)
        return out

    def table(heads: list[str], rows: list[list], weights: list[float]) -> Table:
        widths = [max(WIDTH * w / sum(weights), 1.6 * cm) for w in weights]
        widths = [w * WIDTH / sum(widths) for w in widths]
        data = ([cells(heads, widths)] if heads else []) + [cells(r, widths) for r in rows]
        found = Table(data, colWidths=widths, repeatRows=1 if heads else 0, hAlign="LEFT")
        found.setStyle(STYLE)
        return found

    story: list = []
    if document.cover is not None:
        story += [
            Paragraph(text(document.cover.title), sheet["Title"]),
            Paragraph(text(document.cover.subtitle), sheet["Heading2"]),
            table([], [list(f) for f in document.cover.facts], [1, 3]),
            PageBreak(),
        ]
    for section in document.sections:
        if section.new_page:
            story.append(PageBreak())
        story.append(Paragraph(text(section.title), sheet["Heading1"]))
        for block in section.blocks:
            if isinstance(block, content.TextBlock):
                story.append(Paragraph(text(block.text), sheet["BodyText"]))
            elif isinstance(block, content.BulletsBlock):
                story += [Paragraph(text(i), sheet["Bullet"]) for i in block.items]
            elif isinstance(block, content.HeadingBlock):
                story.append(Paragraph(text(block.title), sheet["Heading2"]))
            elif isinstance(block, content.TableBlock):
                story.append(Paragraph(text(block.caption), sheet["Heading4"]))
                heads = [c.heading for c in block.columns]
                story += [table(heads, block.rows, [c.weight for c in block.columns]),
                          Spacer(1, 10)]  # fmt: skip
            elif isinstance(block, content.FactsBlock):
                story += [table([], [list(p) for p in block.pairs], [1, 3]), Spacer(1, 8)]
            elif isinstance(block, content.ChartBlock):
                story += [Paragraph(text(block.title), sheet["Heading4"]), block.drawing(WIDTH)]

    def page(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont(fonts.BOLD, 10)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 1.1 * cm, document.marking)
        canvas.drawCentredString(A4[0] / 2, 0.9 * cm, document.marking)
        canvas.setFont(fonts.REGULAR, 8.5)
        canvas.drawRightString(A4[0] - 2 * cm, 1.5 * cm, f"Page {doc.page}")

    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2.4 * cm,
        bottomMargin=2.5 * cm,
        title=document.title,
    )
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return doc.page
