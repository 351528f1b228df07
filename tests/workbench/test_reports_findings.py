"""The findings report of the demonstration inspection, read back with pypdf.

The demonstration (about 60 cases, some dual graded, some referred) is built once for the
module; the report is then checked as a printer, an archive and a reader would check it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from reports_helpers import bookmarks, flat, font_problems, lines_with_height, read, texts
from store_helpers import DemoStore

from db.engine import Store
from workbench.reports import write_findings_pdf
from workbench.services.inspections import list_inspections
from workbench.services.summary import case_frame, headline, summarise

SECTIONS = [
    "Summary of findings",
    "Grades by case category",
    "Grades by stage of the child's journey",
    "Grades by unit",
    "The force's own grades against ours",
    "Moderation",
    "Referrals to the force",
    *(
        f"What we found: {stage}"
        for stage in (
            "initial contact",
            "assessment and help",
            "investigation",
            "decision-making",
            "trusted adult",
            "managing those who pose a risk to children",
            "police detention",
        )
    ),
    "The force's self-assessment",
    "Annex A: Case sheets",
]


@dataclass
class Demo:
    store: Store
    inspection_id: str
    path: Path
    reader: PdfReader
    texts: list[str]
    pages: int
    summary: dict


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_store: DemoStore) -> Demo:
    folder = tmp_path_factory.mktemp("demo-report")
    store, inspection_id = demo_store.store, demo_store.inspection_id
    path = folder / "findings.pdf"
    written = write_findings_pdf(store, inspection_id, path)
    reader = read(path)
    return Demo(
        store, inspection_id, path, reader, texts(reader), written.pages,
        summarise(store, inspection_id),
    )  # fmt: skip


def test_the_page_count_returned_is_the_files(demo: Demo) -> None:
    assert demo.pages == len(demo.reader.pages) > 10


def test_every_page_is_a4(demo: Demo) -> None:
    for page in demo.reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            595,
            842,
        )


def test_every_font_is_embedded_and_none_is_a_standard_font(demo: Demo) -> None:
    assert font_problems(demo.reader) == []


def test_the_marking_is_at_the_top_and_bottom_of_every_page(demo: Demo) -> None:
    marking = demo.summary["inspection"]["marking"]
    for number, page in enumerate(demo.reader.pages, start=1):
        heights = [y for text, y in lines_with_height(page) if text == marking]
        assert any(y > 800 for y in heights), f"no marking at the top of page {number}"
        assert any(y < 45 for y in heights), f"no marking at the bottom of page {number}"
        interim = [
            y for text, y in lines_with_height(page) if text == demo.summary["interim_label"]
        ]
        assert demo.summary["interim_label"] == "INTERIM: 40 of 60 cases graded"
        assert any(y > 800 for y in interim) and any(y < 45 for y in interim), number


def test_every_page_says_page_n_of_m(demo: Demo) -> None:
    total = len(demo.texts)
    for number, text in enumerate(demo.texts, start=1):
        assert f"Page {number} of {total}" in text


def test_the_metadata_names_the_report_its_author_and_subject(demo: Demo) -> None:
    info = demo.reader.metadata
    facts = demo.summary["inspection"]
    assert info.title == f"{facts['title']}: findings"
    assert info.author == "Alex Inspector"
    assert facts["force"] in info.subject
    assert demo.reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_the_headline_sentences_are_the_summarys(demo: Demo) -> None:
    summary_page = flat(demo.texts[2])
    assert summary_page.startswith(flat(demo.texts[2]).split("Summary of findings")[0])
    for sentence in headline(demo.summary):
        assert flat(sentence) in summary_page
    overall = demo.summary["overall"]
    bad, graded = overall["requires_improvement_or_inadequate"], demo.summary["graded"]
    assert f"{bad} of the {graded} cases" in summary_page


def test_table_one_gives_the_summarys_figures(demo: Demo) -> None:
    page = demo.texts[2]
    summary = demo.summary
    expected = {
        "Cases in the sample": summary["cases"],
        "Cases graded": summary["graded"],
        "Cases not yet started": summary["not_started"],
        "Good": summary["overall"]["good"],
        "Requires improvement": summary["overall"]["requires_improvement"],
        "Inadequate": summary["overall"]["inadequate"],
        "Cases referred back to the force": summary["referrals"]["cases_referred"],
    }
    for label, value in expected.items():
        assert re.search(rf"^{re.escape(label)}\n{value}$", page, re.M), label


def test_the_category_table_rows_and_total_are_the_summarys(demo: Demo) -> None:
    page = flat(next(t for t in demo.texts if "Table 2: Overall grades" in t))
    summary = demo.summary
    for entry in summary["by_category"].values():
        figures = [entry[k] for k in ("cases", "graded", "good", "requires_improvement")]
        assert f"{entry['name']} {' '.join(map(str, figures))}" in page
    overall = summary["overall"]
    total = [summary["cases"], summary["graded"], overall["good"], overall["requires_improvement"]]
    assert "All categories " + " ".join(map(str, total)) in page


def test_the_sections_are_bookmarked_and_listed_on_the_contents_page(demo: Demo) -> None:
    marks = bookmarks(demo.reader)
    top = [m for m in marks if m.level == 0]
    assert [m.title for m in top] == ["Contents", *SECTIONS]
    contents = flat(demo.texts[1])
    for mark in top[1:]:
        assert f"{mark.title} {mark.page}" in contents
        assert mark.title in flat(demo.texts[mark.page - 1])  # a long heading wraps


def test_the_annex_has_one_sheet_per_graded_case_each_on_its_own_page(demo: Demo) -> None:
    frame = case_frame(demo.store, demo.inspection_id)
    graded = sorted(frame.loc[frame["graded"], "reference"])
    marks = bookmarks(demo.reader)
    annex = next(m for m in marks if m.title == "Annex A: Case sheets")
    sheets = [m for m in marks if m.level == 1 and m.title.startswith("Case ")]
    assert [m.title for m in sheets] == [f"Case {ref}" for ref in graded]
    assert sheets[0].page == annex.page
    for mark, following in zip(sheets, sheets[1:], strict=False):
        assert following.page > mark.page
        assert mark.title in flat(demo.texts[mark.page - 1])  # a long heading wraps
    # A sheet takes a page, or two when it holds two assessments or a referral's history;
    # the document ends with the last sheet.
    pages_per_sheet = [b.page - a.page for a, b in zip(sheets, sheets[1:], strict=False)]
    assert set(pages_per_sheet) <= {1, 2}
    assert demo.pages - sheets[-1].page in (0, 1)


def test_case_sheets_show_grades_in_words(demo: Demo) -> None:
    sheet = next(t for t in demo.texts if "Stage grades given by" in t)
    words = ("Good", "Requires improvement", "Inadequate")
    assert any(word in sheet for word in words)
    assert "Overall grade" in sheet and "Rationale" in sheet


def test_the_referral_schedule_lists_every_referral(demo: Demo) -> None:
    text = flat(" ".join(demo.texts))
    from workbench.services.referrals import list_referrals

    rows = list_referrals(demo.store, demo.inspection_id)
    assert rows
    schedule = flat(next(t for t in demo.texts if "Referral schedule" in t))
    for row in rows:
        assert row.case_reference in schedule
    assert f"{demo.summary['referrals']['cases_referred']} cases were referred back" in text


def test_the_cover_names_the_force_the_dates_and_that_it_is_fictional(demo: Demo) -> None:
    cover = flat(demo.texts[0])
    info = next(i for i in list_inspections(demo.store) if i.id == demo.inspection_id)
    assert info.force in cover
    assert f"{info.start_date.day} {info.start_date:%B %Y}" in cover
    assert "Fictional demonstration data" in cover
    assert "Produced" in cover and "Alex Inspector" in cover
