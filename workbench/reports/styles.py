"""Paragraph styles and colours of the reports: one typeface (``fonts``), a quiet palette.

Every style names its font explicitly, so nothing ever falls back to a base-14 font.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from workbench.reports import fonts

INK = colors.HexColor("#1A1A1A")
NAVY = colors.HexColor("#1F3A5F")
MUTED = colors.HexColor("#555E6B")
RULE = colors.HexColor("#B7C0CC")
BAND = colors.HexColor("#EEF2F6")
ZEBRA = colors.HexColor("#F6F8FA")
UNRESOLVED_COLOUR = "#7B61A8"


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    lead: ParagraphStyle
    small: ParagraphStyle
    caption: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cover_fact: ParagraphStyle
    cover_label: ParagraphStyle
    notice: ParagraphStyle
    bullet: ParagraphStyle
    table_caption: ParagraphStyle
    h1_case: ParagraphStyle
    label: ParagraphStyle


def _style(name: str, **kw: object) -> ParagraphStyle:
    if "parent" in kw:  # a variant of another style: only what differs
        return ParagraphStyle(name, **kw)
    base: dict[str, object] = {
        "fontName": fonts.REGULAR,
        "fontSize": 10,
        "leading": 14,
        "textColor": INK,
        "alignment": TA_LEFT,
        "bulletFontName": fonts.REGULAR,
    }
    base.update(kw)
    return ParagraphStyle(name, **base)


@functools.cache
def styles() -> Styles:
    """The shared styles (built once, after the fonts are registered)."""
    fonts.register_fonts()
    bold = fonts.BOLD
    cell = _style("cell", fontSize=8.5, leading=11)
    heading: dict[str, object] = {"fontName": bold, "textColor": NAVY, "keepWithNext": 1}
    return Styles(
        title=_style("title", fontName=bold, fontSize=24, leading=30, textColor=NAVY),
        subtitle=_style("subtitle", fontSize=14, leading=19, textColor=MUTED, spaceBefore=6),
        h1=_style("h1", **heading, fontSize=16, leading=20, spaceBefore=22, spaceAfter=10),
        h2=_style("h2", **heading, fontSize=12.5, leading=16, spaceBefore=12, spaceAfter=6),
        h3=_style(
            "h3",
            fontName=bold,
            fontSize=10.5,
            leading=14,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        body=_style("body", spaceAfter=6),
        lead=_style("lead", fontSize=11, leading=16, spaceAfter=8),
        small=_style("small", fontSize=8.5, leading=11.5, textColor=MUTED, spaceAfter=6),
        caption=_style(
            "caption",
            fontName=fonts.ITALIC,
            fontSize=8.5,
            leading=11.5,
            textColor=MUTED,
            spaceBefore=2,
            spaceAfter=10,
        ),
        cell=cell,
        cell_bold=_style("cell_bold", parent=cell, fontName=bold),
        cover_fact=_style("cover_fact", fontSize=11, leading=16),
        cover_label=_style("cover_label", fontName=bold, fontSize=11, leading=16, textColor=MUTED),
        bullet=_style(
            "bullet", fontSize=11, leading=16, leftIndent=14, bulletIndent=2, spaceAfter=5
        ),
        table_caption=_style(
            "table_caption",
            fontName=bold,
            fontSize=9.5,
            leading=13,
            textColor=NAVY,
            spaceBefore=6,
            spaceAfter=4,
        ),
        label=_style("label", **heading, fontSize=9.5, leading=13, spaceBefore=8, spaceAfter=2),
        h1_case=_style("h1_case", **heading, fontSize=14, leading=18, spaceBefore=16, spaceAfter=4),
        notice=_style(
            "notice",
            fontName=bold,
            fontSize=10,
            leading=14,
            alignment=TA_CENTER,
            textColor=colors.HexColor("#8A1C1C"),
            borderColor=colors.HexColor("#8A1C1C"),
            borderWidth=0.8,
            borderPadding=6,
            leftIndent=6,
            rightIndent=6,
            spaceBefore=10,
            spaceAfter=16,
        ),
    )


def text(value: object) -> str:
    """Plain text made safe for a Paragraph (which reads a little XML)."""
    return escape("" if value is None else str(value))


def multiline(value: str) -> str:
    """Plain text with its line breaks and blank lines kept, for a Paragraph."""
    return "<br/>".join(text(line) for line in (value or "").strip().splitlines())
