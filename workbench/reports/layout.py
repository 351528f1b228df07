"""The page template every PDF shares: A4, the marking at the top and bottom of each page,
"Page N of M", bookmarks for headings, a contents page and the document metadata.

Page numbers and the contents need the final page count and the pages the headings land on,
which are only known once every page is laid out. Rather than laying the document out twice
(``multiBuild``), the canvas keeps each finished page open and, when the document is saved,
draws the page numbers and the contents on to the pages before writing them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from workbench.progress import Progress, no_progress
from workbench.reports import fonts
from workbench.reports.styles import MUTED, NAVY, RULE, text

MARGIN = 2.0 * cm
TOP = 2.4 * cm
BOTTOM = 2.5 * cm


@dataclass(frozen=True)
class DocumentInfo:
    """What every page and the PDF's metadata say about the document."""

    title: str
    subject: str
    author: str
    marking: str
    running_title: str
    landscape: bool = False
    keywords: str = ""
    interim: str = ""  # "INTERIM: n of N cases graded", beside the marking


@dataclass
class ContentsEntry:
    title: str
    key: str
    page: int = 0


@dataclass
class _Contents:
    """The contents page: where it is, and the headings with the pages they landed on."""

    entries: list[ContentsEntry] = field(default_factory=list)
    page: int = 0
    x: float = 0.0
    top: float = 0.0
    width: float = 0.0


class Heading(Paragraph):
    """A heading that bookmarks its place, adds itself to the PDF outline and, at level 0,
    to the contents page."""

    def __init__(self, title: str, style: Any, key: str, level: int = 0, contents: bool = True):
        super().__init__(text(title), style)
        self.title, self.key, self.level, self.in_contents = title, key, level, contents

    def draw(self) -> None:
        super().draw()
        canvas = self.canv
        canvas.bookmarkHorizontal(self.key, 0, self.height + 6)
        canvas.addOutlineEntry(self.title, self.key, self.level, closed=self.level > 0)
        sink = getattr(canvas, "contents", None)
        if sink is not None and self.in_contents and self.level == 0:
            sink.entries.append(ContentsEntry(self.title, self.key, canvas.getPageNumber()))


class ContentsPlaceholder(Flowable):
    """Keeps room for the contents, which are drawn in once the page numbers are known."""

    def __init__(self, height: float) -> None:
        super().__init__()
        self.height = height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, min(self.height, avail_height)

    def draw(self) -> None:
        sink = getattr(self.canv, "contents", None)
        if sink is not None:
            sink.page = self.canv.getPageNumber()
            sink.x, sink.top = self.canv.absolutePosition(0, self.height)
            sink.width = self.width


class _DeferredCanvas(Canvas):
    """A canvas that writes its pages only on ``save``, after page numbers are drawn on them.

    reportlab names each page by the document's page counter when it is written; because
    writing is deferred, the counter is advanced here as each page is finished so that
    bookmarks made while laying out point at the right pages.
    """

    info: DocumentInfo
    on_page_done: Callable[[int], None]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._finished: list[dict[str, Any]] = []
        self.contents = _Contents()

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._finished.append(dict(self.__dict__))
        self.on_page_done(len(self._finished))
        self._doc.pageCounter += 1
        self._doc.inObject = None
        self._startPage()

    def save(self) -> None:
        total = len(self._finished)
        self._doc.pageCounter = 1
        for state in self._finished:
            self.__dict__.update(state)
            _draw_page_number(self, self.info, self._pageNumber, total)
            if self._pageNumber == self.contents.page:
                _draw_contents(self, self.contents)
            super().showPage()
        self._finished.clear()
        super().save()


def _draw_page_number(canvas: Canvas, info: DocumentInfo, page: int, total: int) -> None:
    width = canvas._pagesize[0]
    canvas.saveState()
    canvas.setFont(fonts.REGULAR, 8.5)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(width - MARGIN, BOTTOM - 1.0 * cm, f"Page {page} of {total}")
    canvas.restoreState()


def _draw_contents(canvas: Canvas, contents: _Contents) -> None:
    """The level-0 headings, each with its page number and a link to it."""
    line = 0.85 * cm
    y = contents.top - 0.6 * cm
    right = contents.x + contents.width
    canvas.saveState()
    for entry in contents.entries:
        canvas.setFont(fonts.REGULAR, 11)
        canvas.setFillColor(NAVY)
        canvas.drawString(contents.x, y, entry.title)
        canvas.drawRightString(right, y, str(entry.page))
        start = contents.x + canvas.stringWidth(entry.title, fonts.REGULAR, 11) + 8
        end = right - canvas.stringWidth(str(entry.page), fonts.REGULAR, 11) - 8
        canvas.setStrokeColor(RULE)
        canvas.setDash(1, 3)
        if end > start:
            canvas.line(start, y + 1, end, y + 1)
        # F=4: the Print flag, so the link is printed and kept by a PDF/A conversion.
        canvas.linkRect("", entry.key, (contents.x, y - 4, right, y + 12), relative=0, F=4)
        y -= line
    canvas.restoreState()


def contents_height(entries: int) -> float:
    return (entries + 1) * 0.85 * cm


def _decorate(canvas: Canvas, doc: BaseDocTemplate) -> None:
    """The marking at top and bottom, the running title and rules: drawn on every page."""
    info: DocumentInfo = doc.info
    width, height = canvas._pagesize
    canvas.saveState()
    canvas.setFont(fonts.BOLD, 10)
    canvas.setFillColor(NAVY)
    for y in (height - 1.1 * cm, 0.9 * cm):
        _draw_marking(canvas, info, width / 2, y)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, height - TOP + 0.45 * cm, width - MARGIN, height - TOP + 0.45 * cm)
    canvas.line(MARGIN, BOTTOM - 0.55 * cm, width - MARGIN, BOTTOM - 0.55 * cm)
    canvas.setFont(fonts.REGULAR, 8.5)
    canvas.setFillColor(MUTED)
    room = width - 2 * MARGIN
    canvas.drawString(MARGIN, height - TOP + 0.65 * cm, _fit(canvas, info.running_title, room))
    canvas.drawString(MARGIN, BOTTOM - 1.0 * cm, _fit(canvas, info.title, room - 3 * cm))
    canvas.restoreState()


INTERIM_RED = "#B71C1C"
_GAP = "   "


def _draw_marking(canvas: Canvas, info: DocumentInfo, centre: float, y: float) -> None:
    """The marking centred on the page; while findings are interim, the interim label beside
    it in red, the pair centred together."""
    if not info.interim:
        canvas.drawCentredString(centre, y, info.marking)
        return
    marking_width = canvas.stringWidth(info.marking + _GAP, fonts.BOLD, 10)
    left = centre - (marking_width + canvas.stringWidth(info.interim, fonts.BOLD, 10)) / 2
    canvas.drawString(left, y, info.marking + _GAP)
    canvas.setFillColor(INTERIM_RED)
    canvas.drawString(left + marking_width, y, info.interim)
    canvas.setFillColor(NAVY)


def _fit(canvas: Canvas, value: str, room: float) -> str:
    """Shorten a running title with an ellipsis so it never runs into the page number."""
    if canvas.stringWidth(value, fonts.REGULAR, 8.5) <= room:
        return value
    while value and canvas.stringWidth(value + "…", fonts.REGULAR, 8.5) > room:
        value = value[:-1]
    return value.rstrip() + "…"


def page_size(info: DocumentInfo) -> tuple[float, float]:
    return landscape(A4) if info.landscape else A4


def frame_width(info: DocumentInfo) -> float:
    return page_size(info)[0] - 2 * MARGIN


class _Document(BaseDocTemplate):
    def __init__(self, path: str, info: DocumentInfo, progress: Progress, expected: int):
        size = page_size(info)
        super().__init__(
            path,
            pagesize=size,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            title=info.title,
            author=info.author,
            subject=info.subject,
            creator="Inspector's Workbench",
            keywords=info.keywords,
            lang="en-GB",
            initialFontName=fonts.REGULAR,
            initialFontSize=10,
            initialLeading=14,
            displayDocTitle=1,
        )
        self.info = info
        self._progress, self._expected = progress, expected
        frame = Frame(
            MARGIN,
            BOTTOM,
            size[0] - 2 * MARGIN,
            size[1] - TOP - BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates([PageTemplate("page", [frame], onPage=_decorate)])

    def _page_done(self, page: int) -> None:
        total = max(self._expected, page + 1)
        self._progress(page, total, f"Laying out page {page}")


def build(
    path: Path,
    story: Sequence[Flowable],
    info: DocumentInfo,
    progress: Progress = no_progress,
    expected_pages: int = 0,
) -> int:
    """Lay out ``story`` into the PDF at ``path``; returns the number of pages."""
    fonts.register_fonts()
    doc = _Document(str(path), info, progress, expected_pages)
    counted: list[int] = []

    def canvas_maker(*args: Any, **kwargs: Any) -> _DeferredCanvas:
        canvas = _DeferredCanvas(*args, **kwargs)
        canvas.info = info
        canvas.on_page_done = doc._page_done
        canvas.setPageCallBack(counted.append)
        canvas.showOutline()
        return canvas

    # Page streams are compressed; the extra ASCII85 armour reportlab adds by default only
    # makes the file larger and slower to write. (A process-wide setting, so put back after.)
    armour, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc.build(list(story), canvasmaker=canvas_maker)
    finally:
        rl_config.useA85 = armour
    return len(counted)
