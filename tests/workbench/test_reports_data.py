"""The XLSX workbook and the HTML twin of the demonstration inspection, read back with
openpyxl and html.parser: their figures must be the summary's."""

from __future__ import annotations

import base64
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

import openpyxl
import pytest
from store_helpers import DemoStore

from db.engine import Store
from workbench.reports import write_findings_html, write_xlsx
from workbench.services.summary import headline, summarise

SHEETS = [
    "About",
    "Summary",
    "Cases",
    "Assessments",
    "Stage grades",
    "Referrals",
    "By category",
    "By stage",
    "By unit",
    "Force vs ours",
    "Prompt answers",
    "Prompt counts",
]


@dataclass
class Files:
    store: Store
    inspection_id: str
    summary: dict
    workbook: openpyxl.Workbook
    html: str


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, demo_store: DemoStore) -> Files:
    folder = tmp_path_factory.mktemp("demo-data")
    store, inspection_id = demo_store.store, demo_store.inspection_id
    write_xlsx(store, inspection_id, folder / "data.xlsx")
    write_findings_html(store, inspection_id, folder / "findings.html")
    return Files(
        store,
        inspection_id,
        summarise(store, inspection_id),
        openpyxl.load_workbook(folder / "data.xlsx"),
        (folder / "findings.html").read_text(encoding="utf-8"),
    )


def _rows(sheet) -> list[dict]:
    values = list(sheet.values)
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


# --- XLSX ---------------------------------------------------------------------------------


def test_the_workbook_has_its_sheets_each_with_a_frozen_filtered_header(files: Files) -> None:
    assert files.workbook.sheetnames == SHEETS
    for sheet in files.workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
        assert files.summary["inspection"]["marking"] in sheet.oddHeader.center.text


def test_the_grade_columns_add_up_to_the_summary(files: Files) -> None:
    overall = files.summary["overall"]
    for name in ("By category", "By unit"):
        rows = _rows(files.workbook[name])
        assert sum(r["Good"] for r in rows) == overall["good"]
        assert sum(r["Requires improvement"] for r in rows) == overall["requires_improvement"]
        assert sum(r["Inadequate"] for r in rows) == overall["inadequate"]
        assert sum(r["Unresolved"] for r in rows) == overall["unresolved"]
        assert sum(r["Cases"] for r in rows) == files.summary["cases"]
        assert sum(r["Graded"] for r in rows) == files.summary["graded"]


def test_counting_the_cases_sheet_gives_the_summarys_grades(files: Files) -> None:
    rows = _rows(files.workbook["Cases"])
    counts = Counter(r["Overall grade"] for r in rows if r["Graded"])
    overall = files.summary["overall"]
    assert counts == Counter(
        {
            "Good": overall["good"],
            "Requires improvement": overall["requires_improvement"],
            "Inadequate": overall["inadequate"],
            "Unresolved": overall["unresolved"],
        }
    )
    assert len(rows) == files.summary["cases"]
    assert sum(1 for r in rows if r["Referred"]) == files.summary["referrals"]["cases_referred"]


def test_columns_are_typed(files: Files) -> None:
    cases = _rows(files.workbook["Cases"])
    assert all(isinstance(r["Opened on"], datetime) for r in cases if r["Opened on"])
    assert all(isinstance(r["Graded"], bool) for r in cases)
    sheet = files.workbook["Cases"]
    opened = [c for c in sheet[1] if c.value == "Opened on"][0].column_letter
    assert sheet[f"{opened}2"].number_format == "dd/mm/yyyy"
    for row in _rows(files.workbook["By stage"]):
        assert all(isinstance(v, int) for k, v in row.items() if k != "Stage")
    referrals = _rows(files.workbook["Referrals"])
    assert len(referrals) == files.summary["referrals"]["total"]
    assert all(isinstance(r["Referred on"], datetime) for r in referrals)
    assert all(isinstance(r["Responses"], int) for r in referrals)


def test_the_summary_sheet_keeps_whole_numbers_whole(files: Files) -> None:
    figures = {r["Measure"]: r["Value"] for r in _rows(files.workbook["Summary"])}
    assert figures["Cases in the sample"] == files.summary["cases"]
    assert isinstance(figures["Cases in the sample"], int)
    assert (
        figures["Graded requires improvement or inadequate"]
        == (files.summary["overall"]["requires_improvement_or_inadequate"])
    )


def test_every_graded_stage_is_a_row_of_the_stage_grades_sheet(files: Files) -> None:
    by_stage = files.summary["by_stage"]
    rows = _rows(files.workbook["Stage grades"])
    assert {r["Stage"] for r in rows} <= {e["name"] for e in by_stage.values()}
    assessments = _rows(files.workbook["Assessments"])
    assert {r["Status"] for r in assessments} <= {"Graded", "In progress", "Not started"}


# --- HTML ---------------------------------------------------------------------------------


@dataclass
class _Page(HTMLParser):
    headings: list[tuple[int, str]] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    lang: str | None = None
    text: list[str] = field(default_factory=list)
    _heading: int | None = None
    _stack: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = int(tag[1])
            self.headings.append((self._heading, ""))
        if tag == "table":
            self.tables.append({"caption": "", "th": 0, "scopes": set()})
        if tag == "caption":
            self._stack.append("caption")
        if tag == "th" and self.tables:
            self.tables[-1]["th"] += 1
            self.tables[-1]["scopes"].add(found.get("scope"))
        if tag == "img":
            self.images.append(found)

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = None
        if tag == "caption" and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            level, title = self.headings[-1]
            self.headings[-1] = (level, title + data)
        if self._stack and self.tables:
            self.tables[-1]["caption"] += data


@pytest.fixture(scope="module")
def page(files: Files) -> _Page:
    parsed = _Page()
    parsed.feed(files.html)
    return parsed


def test_the_html_is_in_british_english_with_headings_in_order(page: _Page) -> None:
    assert page.lang == "en-GB"
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    for previous, current in zip(levels, levels[1:], strict=False):
        assert current <= previous + 1, "a heading level is skipped"
    titles = [title for level, title in page.headings if level == 2]
    assert titles[:2] == ["Contents", "Summary of findings"]
    assert "Annex A: Case sheets" in titles


def test_every_table_has_a_caption_and_header_cells_with_scope(page: _Page) -> None:
    assert len(page.tables) > 10
    for table in page.tables:
        assert table["caption"].strip()
        assert table["th"] > 0
        assert table["scopes"] <= {"col", "row"}


def test_every_chart_has_a_text_alternative_giving_its_figures(page: _Page, files: Files) -> None:
    assert len(page.images) >= 3
    for image in page.images:
        assert re.search(r"\d", image["alt"]) and len(image["alt"]) > 40
        svg = base64.b64decode(image["src"].split(",", 1)[1]).decode("utf-8")
        assert "<svg" in svg
    overall = files.summary["overall"]
    first = page.images[0]["alt"]
    assert f"good {overall['good']}" in first
    assert f"requires improvement {overall['requires_improvement']}" in first


def test_the_html_says_what_the_summary_says(page: _Page, files: Files) -> None:
    text = re.sub(r"\s+", " ", "".join(page.text))
    for sentence in headline(files.summary):
        assert sentence in text
    marking = files.summary["inspection"]["marking"]
    interim = '<span class="interim">INTERIM: 40 of 60 cases graded</span>'
    assert files.html.count(f'<p class="marking">{marking} {interim}</p>') == 2


def test_grades_are_never_shown_by_colour_alone(files: Files) -> None:
    swatches = re.findall(r'<span class="swatch"[^>]*></span>([^<]*)<', files.html)
    assert swatches
    assert all(name.strip() for name in swatches)
    assert all(
        'aria-hidden="true"' in s for s in re.findall(r'<span class="swatch"[^>]*>', files.html)
    )
