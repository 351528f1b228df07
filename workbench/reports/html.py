"""The accessible HTML twin of a report, for screen-reader users (reportlab cannot tag PDFs).

One self-contained file: semantic headings in order (h1, h2 per section, h3 and h4 below),
tables with captions and header cells with their scope, every chart an image whose text
alternative gives its figures (the same figures are in a table beside it), grades always
written in words (the coloured square beside a grade is hidden from screen readers), and
the marking at the top and bottom of the page.
"""

from __future__ import annotations

import base64
import re
from datetime import date
from html import escape
from pathlib import Path

from db.engine import Store
from workbench.methodology import Methodology
from workbench.progress import Progress, no_progress
from workbench.reports import charts
from workbench.reports.content import (
    BulletsBlock,
    ChartBlock,
    Document,
    FactsBlock,
    GradeValue,
    HeadingBlock,
    Section,
    TableBlock,
    TextBlock,
    Value,
)
from workbench.reports.data import gather
from workbench.reports.files import Written, atomic_path, final_path
from workbench.reports.findings import findings_document
from workbench.reports.print_css import print_css
from workbench.reports.publication import publication_from
from workbench.reports.tables import grade_colour, grade_name

CHART_WIDTH = 480.0
SVG_FONT = "font-family: 'DejaVu Sans', Verdana, Arial, sans-serif"
CSS = """
body { font-family: 'DejaVu Sans', Verdana, Arial, sans-serif; color: #1a1a1a;
  max-width: 62rem; margin: 0 auto; padding: 0 1.2rem; line-height: 1.5; }
.marking { text-align: center; font-weight: bold; letter-spacing: .04em; color: #1f3a5f;
  border-bottom: 1px solid #b7c0cc; padding: .4rem 0; margin: 0; }
footer .marking { border-bottom: 0; border-top: 1px solid #b7c0cc; }
.interim { color: #b71c1c; margin-left: 1.5em; }
h1, h2, h3, h4 { color: #1f3a5f; line-height: 1.25; }
h2 { border-top: 2px solid #1f3a5f; padding-top: .6rem; margin-top: 2.4rem; }
.case h3 { border-top: 1px solid #b7c0cc; padding-top: .6rem; margin-top: 2rem; }
.subtitle { font-size: 1.2rem; color: #555e6b; }
dl.cover { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.2rem; }
dl.cover dt { font-weight: bold; color: #555e6b; }
dl.cover dd { margin: 0; }
.notice { border: 2px solid #8a1c1c; color: #8a1c1c; font-weight: bold; padding: .6rem; }
table { border-collapse: collapse; margin: .6rem 0 1.4rem; font-size: .92rem; }
caption { text-align: left; font-weight: bold; color: #1f3a5f; padding-bottom: .3rem; }
th, td { border: 1px solid #b7c0cc; padding: .3rem .5rem; vertical-align: top;
  text-align: left; }
thead th { background: #1f3a5f; color: #fff; }
tbody th { background: #f6f8fa; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.total th, tr.total td { font-weight: bold; border-top: 2px solid #1f3a5f; }
.swatch { display: inline-block; width: .8em; height: .8em; margin-right: .35em;
  vertical-align: -.05em; border: 1px solid #1a1a1a; }
figure { margin: 1rem 0 2rem; }
figure img { max-width: 100%; height: auto; }
figcaption { font-style: italic; color: #555e6b; }
@media print { h2 { break-before: page; } .case { break-before: page; } }
"""


def _chart_image(block: ChartBlock) -> str:
    svg = charts.svg(block.drawing(CHART_WIDTH))
    svg = re.sub(r"font-family: WorkbenchSans-Bold\w*", f"{SVG_FONT}; font-weight: bold", svg)
    svg = re.sub(r"font-family: WorkbenchSans\w*", SVG_FONT, svg)
    svg = svg.replace("<title>...</title>", f"<title>{escape(block.title)}</title>")
    return base64.b64encode(svg.encode("utf-8")).decode("ascii")


class _Writer:
    def __init__(self, method: Methodology) -> None:
        self.method = method
        self.out: list[str] = []

    def add(self, line: str) -> None:
        self.out.append(line)

    def value(self, value: Value) -> str:
        if isinstance(value, GradeValue):
            name = escape(grade_name(self.method, value.grade_id, value.missing))
            if value.grade_id is None:
                return name
            colour = grade_colour(self.method, value.grade_id)
            swatch = f'<span class="swatch" style="background:{colour}" aria-hidden="true"></span>'
            return swatch + name
        if isinstance(value, int):
            return f"{value:,}"
        if value is None:
            return "–"
        return "<br>".join(escape(line) for line in str(value).splitlines()) or ""

    def table(self, block: TableBlock) -> None:
        self.add(f"<table>\n<caption>{escape(block.caption)}</caption>")
        number = ' class="number"'
        heads = "".join(
            f'<th scope="col"{number if c.numeric else ""}>{escape(c.heading)}</th>'
            for c in block.columns
        )
        self.add(f"<thead><tr>{heads}</tr></thead>\n<tbody>")
        for index, row in enumerate(block.rows):
            total = block.total_row and index == len(block.rows) - 1
            cells = [f'<th scope="row">{self.value(row[0])}</th>']
            for column, value in zip(block.columns[1:], row[1:], strict=True):
                cells.append(f"<td{number if column.numeric else ''}>{self.value(value)}</td>")
            opening = '<tr class="total">' if total else "<tr>"
            self.add(opening + "".join(cells) + "</tr>")
        self.add("</tbody>\n</table>")

    def facts(self, block: FactsBlock) -> None:
        self.add(f"<table>\n<caption>{escape(block.caption)}</caption>\n<tbody>")
        for label, value in block.pairs:
            self.add(f'<tr><th scope="row">{escape(label)}</th><td>{self.value(value)}</td></tr>')
        self.add("</tbody>\n</table>")

    def block(self, block: object, level: int) -> None:
        if isinstance(block, TextBlock):
            kind = ' class="notice"' if block.style == "notice" else ""
            self.add(f"<p{kind}>{self.value(block.text)}</p>")
        elif isinstance(block, BulletsBlock):
            items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
            self.add(f"<ul>{items}</ul>")
        elif isinstance(block, HeadingBlock):
            self.add(f"<h{level + 1}>{escape(block.title)}</h{level + 1}>")
        elif isinstance(block, TableBlock):
            self.table(block)
        elif isinstance(block, FactsBlock):
            self.facts(block)
        elif isinstance(block, ChartBlock):
            image = _chart_image(block)
            self.add(
                f'<figure>\n<img src="data:image/svg+xml;base64,{image}" '
                f'alt="{escape(block.description)}">\n'
                f"<figcaption>{escape(block.title)}. {escape(block.note)}</figcaption>\n</figure>"
            )
        else:
            raise TypeError(f"unknown block {block!r}")

    def section(self, section: Section) -> None:
        level = 2 + section.level
        kind = ' class="case"' if section.level else ""
        self.add(f'<section{kind} aria-labelledby="{section.key}">')
        self.add(f'<h{level} id="{section.key}">{escape(section.title)}</h{level}>')
        for block in section.blocks:
            self.block(block, level)
        self.add("</section>")


def render(document: Document, method: Methodology, progress: Progress = no_progress) -> str:
    """The document as one self-contained HTML page."""
    writer = _Writer(method)
    marking = escape(document.marking)
    if document.interim:
        marking += f' <span class="interim">{escape(document.interim)}</span>'
    writer.add("<!DOCTYPE html>")
    writer.add('<html lang="en-GB">\n<head>\n<meta charset="utf-8">')
    writer.add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    writer.add(f"<title>{escape(document.title)}</title>")
    writer.add(f'<meta name="author" content="{escape(document.author)}">')
    writer.add(f'<meta name="description" content="{escape(document.subject)}">')
    writer.add(f"<style>{CSS}{print_css(document.marking)}</style>\n</head>\n<body>")
    writer.add(f'<header><p class="marking">{marking}</p></header>\n<main>')
    cover = document.cover
    writer.add(f"<h1>{escape(cover.title if cover else document.title)}</h1>")
    if cover is not None:
        writer.add(f'<p class="subtitle">{escape(cover.subtitle)}</p>')
        facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in cover.facts)
        writer.add(f'<dl class="cover">{facts}</dl>')
        if cover.notice:
            writer.add(f'<p class="notice">{escape(cover.notice)}</p>')
    if document.contents:
        links = "".join(
            f'<li><a href="#{s.key}">{escape(s.title)}</a></li>'
            for s in document.sections
            if s.level == 0 and s.in_contents
        )
        writer.add(
            f'<nav aria-labelledby="contents"><h2 id="contents">Contents</h2><ol>{links}</ol></nav>'
        )
    total = len(document.sections)
    for index, section in enumerate(document.sections, start=1):
        writer.section(section)
        progress(index, total, "Writing the HTML")
    writer.add(f'</main>\n<footer><p class="marking">{marking}</p></footer>\n</body>\n</html>')
    return "\n".join(writer.out)


def write_findings_html(
    store: Store,
    inspection_id: str,
    out: str | Path,
    progress: Progress = no_progress,
    isbn: str | None = None,
    published: date | None = None,
    copyright: str | None = None,
) -> Written:
    """The HTML twin of the findings report, written atomically (with the publication block
    on its cover when any of ``isbn``, ``published`` and ``copyright`` is given)."""
    data = gather(store, inspection_id, progress)
    publication = publication_from(isbn, published, copyright)
    page = render(findings_document(data, publication), data.method, progress)
    with atomic_path(out) as temporary:
        temporary.write_text(page, encoding="utf-8")
    return Written(final_path(out))
