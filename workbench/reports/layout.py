"""The page template every PDF shares: A4, the marking at the top and bottom of each page,
"Page N of M", bookmarks for headings, a contents page and the document metadata.

Page numbers and the contents need the final page count and the pages the headings land on,
which are only known once every page is laid out. Rather than laying the document out twice
(``multiBuild``) or keeping every page open until the end, each page draws its "Page N of M"
and the contents page its page numbers as PDF forms (XObjects) that are defined when the
document is saved; the pages themselves are finished as they are laid out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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
    """Keeps room for the contents and links each entry to its heading; the titles, leaders
    and page numbers are a form the canvas defines once the pages are known."""

    def __init__(self, entries: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.entries = list(entries)  # (title, bookmark key) of each level-0 heading, in order
        self.height = contents_height(len(self.entries))

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, min(self.height, avail_height)

    def draw(self) -> None:
        canvas = self.canv
        sink = getattr(canvas, "contents", None)
        if sink is None:
            return
        sink.page, sink.top, sink.width = canvas.getPageNumber(), self.height, self.width
        canvas.doForm(CONTENTS_FORM)
        y = self.height - 0.6 * cm
        for _title, key in self.entries:
            # F=4: the Print flag, so the link is printed and kept by a PDF/A conversion.
            canvas.linkRect("", key, (0, y - 4, self.width, y + 12), relative=1, F=4)
            y -= CONTENTS_LINE


CONTENTS_FORM = "WorkbenchContents"
CONTENTS_LINE = 0.85 * cm


def _page_form(page: int) -> str:
    return f"WorkbenchPage{page}"


class _DeferredCanvas(Canvas):
    """A canvas that writes each page as it is finished, with "Page N of M" and the
    contents' page numbers left to forms (PDF XObjects) that ``save`` defines once the
    number of pages and the pages the headings landed on are known.

    Nothing of a finished page is kept but what reportlab keeps itself, so memory does not
    grow with a copy of every page's drawing state.
    """

    info: DocumentInfo
    on_page_done: Callable[[int], None]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown = 0
        self.contents = _Contents()

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._shown += 1
        self.doForm(_page_form(self._shown))
        super().showPage()
        self.on_page_done(self._shown)

    def save(self) -> None:
        total = self._shown
        for page in range(1, total + 1):
            self.beginForm(_page_form(page))
            _draw_page_number(self, self.info, page, total)
            self.endForm()
        if self.contents.page:
            self.beginForm(CONTENTS_FORM)
            _draw_contents(self, self.contents)
            self.endForm()
        super().save()


def _draw_page_number(canvas: Canvas, info: DocumentInfo, page: int, total: int) -> None:
    width = canvas._pagesize[0]
    canvas.saveState()
    canvas.setFont(fonts.REGULAR, 8.5)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(width - MARGIN, BOTTOM - 1.0 * cm, f"Page {page} of {total}")
    canvas.restoreState()


def _draw_contents(canvas: Canvas, contents: _Contents) -> None:
    """The level-0 headings, each with its page number (the links are on the page)."""
    line = CONTENTS_LINE
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
        y -= line
    canvas.restoreState()


def contents_height(entries: int) -> float:
    return (entries + 1) * CONTENTS_LINE


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
    _flowables: list[Flowable] | None = None

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

    def build_from(self, story: Iterable[Flowable], canvasmaker: Any) -> None:
        """Lay out ``story`` taking its flowables a few at a time, so that the flowables of
        a long document are never all held at once (platypus drops each once laid out)."""
        self._story = iter(story)
        self._flowables = self._take([])
        self.build(self._flowables, canvasmaker=canvasmaker)

    def _take(self, flowables: list[Flowable]) -> list[Flowable]:
        while len(flowables) < _AHEAD:
            following = next(self._story, None)
            if following is None:
                break
            flowables.append(following)
        return flowables

    def filterFlowables(self, flowables: list[Flowable]) -> None:  # noqa: N802 - platypus's
        """Called before each flowable is laid out: keep the next ``_AHEAD`` in the list
        (enough for headings kept with what follows them). Not the list of what is pending
        at a page's start, which platypus lays out through the same call."""
        if flowables is self._flowables:
            self._take(flowables)


_AHEAD = 64


def build(
    path: Path,
    story: Iterable[Flowable],
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
        doc.build_from(story, canvas_maker)
    finally:
        rl_config.useA85 = armour
    return len(counted)
