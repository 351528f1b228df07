"""The demonstration's post-inspection quarter 2 update report, read back with pypdf: its
shape is the reference's, every recommendation is there with its judgement in each quarter,
and Annex A's figures are the inspection's own summary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from reports_helpers import bookmarks, flat, font_problems, lines_with_height, read, texts
from store_helpers import DemoStore

from workbench.cli import main
from workbench.followup.quarters import chosen_assessments
from workbench.followup.recommendations import list_recommendations
from workbench.followup.scale import load_scale
from workbench.reports.update import write_update_report
from workbench.services.summary import summarise

SECTIONS = [
    "Background",
    "About this report",
    "Quarter 2 assessment",
    "Recommendations requiring immediate action",
    "Recommendations requiring action within three months",
    "Recommendations requiring action within six months",
    "Progress quarter by quarter",
    "Conclusion",
    "Next steps",
    "Annex A: Summary of findings from the 2026 inspection",
    "Annex B: 2026 recommendations",
    "Annex C: Plans for quarterly reporting",
]


@dataclass
class Update:
    path: Path
    reader: PdfReader
    texts: list[str]
    pages: int


@pytest.fixture(scope="module")
def update(tmp_path_factory: pytest.TempPathFactory, demo_store: DemoStore) -> Update:
    path = tmp_path_factory.mktemp("update") / "update.pdf"
    written = write_update_report(demo_store.store, demo_store.inspection_id, 2, path)
    reader = read(path)
    return Update(path, reader, texts(reader), written.pages)


def _pages(update: Update, first: str, last: str | None = None) -> str:
    """The flattened text from the page where ``first`` begins up to where ``last`` begins."""
    marks = {b.title: b.page for b in bookmarks(update.reader) if b.level == 0}
    end = marks[last] - 1 if last else update.pages
    return flat(" ".join(update.texts[marks[first] - 1 : end]))


def test_the_sections_are_the_references_in_order_bookmarked_and_in_the_contents(
    update: Update,
) -> None:
    top = [b for b in bookmarks(update.reader) if b.level == 0]
    assert [b.title for b in top] == ["Contents", *SECTIONS]
    contents = flat(update.texts[1])
    for bookmark in top[1:]:
        assert re.search(rf"{re.escape(bookmark.title)} [. ]*{bookmark.page}\b", contents)


def test_every_page_is_marked_numbered_and_uses_embedded_fonts(update: Update) -> None:
    assert font_problems(update.reader) == []
    for number, page in enumerate(update.reader.pages, start=1):
        heights = [y for text, y in lines_with_height(page) if text == "OFFICIAL-SENSITIVE"]
        assert any(y > 800 for y in heights) and any(y < 45 for y in heights), number
        assert f"Page {number} of {update.pages}" in update.texts[number - 1]
    assert update.reader.metadata.title.endswith("post-inspection quarter 2 update")


def test_every_recommendation_is_there_with_its_judgement_in_each_quarter(
    update: Update, demo_store: DemoStore
) -> None:
    store, ident = demo_store.store, demo_store.inspection_id
    scale = load_scale()
    judged = chosen_assessments(store, ident, "Alex Inspector")
    recommendations = list_recommendations(store, ident)
    assessment = _pages(update, "Recommendations requiring immediate action",
                        "Progress quarter by quarter")  # fmt: skip
    assert len(recommendations) == 6
    for rec in recommendations:
        q1, q2 = (scale.name_of(judged[(rec.number, q)].judgement) for q in (1, 2))
        assert f"Recommendation {rec.number}: {rec.title}" in assessment
        assert re.search(
            rf"Recommendation {rec.number}: (?:(?!Recommendation \d+:).)*?Quarter 2 {q2} "
            rf"Earlier quarters quarter 1: "
            rf"{q1.lower()}",
            assessment,
        ), rec.number
    for view in judged.values():  # the force's own audit figures, as numbers
        for item in view.evidence if view.quarter == 2 else ():
            for name, value in item.figures.items():
                assert f"{name}: {value:,}" in assessment
    progress = _pages(update, "Progress quarter by quarter", "Conclusion")
    for judgement in scale.judgements:
        cells = sum(1 for (_, q), v in judged.items() if q <= 2 and v.judgement == judgement.id)
        # Once in the list of the scale above the table, then once in each cell it is given.
        assert progress.count(judgement.name) == cells + 1, judgement.name
    annex_b = _pages(
        update, "Annex B: 2026 recommendations", "Annex C: Plans for quarterly reporting"
    )
    for rec in recommendations:
        assert f"{rec.number}. {flat(rec.text)}" in annex_b


def test_annex_a_gives_the_inspections_own_summary(update: Update, demo_store: DemoStore) -> None:
    summary = summarise(demo_store.store, demo_store.inspection_id)
    annex = _pages(update, "Annex A: Summary of findings from the 2026 inspection",
                   "Annex B: 2026 recommendations")  # fmt: skip
    overall = summary["overall"]
    for label, value in [
        ("Cases in the sample", summary["cases"]), ("Cases graded", summary["graded"]),
        ("Good", overall["good"]), ("Requires improvement", overall["requires_improvement"]),
        ("Inadequate", overall["inadequate"]),
        ("Cases referred back to the force", summary["referrals"]["cases_referred"]),
    ]:  # fmt: skip
        assert f"{label} {value} " in annex, label
    for entry in summary["by_category"].values():
        figures = [entry[k] for k in ("cases", "graded", "good", "requires_improvement",
                                      "inadequate", "unresolved")]  # fmt: skip
        assert " ".join(map(str, figures)) in annex, entry["name"]
    bad, percent = (
        overall["requires_improvement_or_inadequate"],
        overall["percent_requires_improvement_or_inadequate"],
    )
    assert f"{bad} of the {summary['graded']} cases graded so far ({percent} percent)" in annex


def test_the_html_twin_says_the_same(update: Update, demo_store: DemoStore) -> None:
    page = update.path.with_suffix(".html").read_text(encoding="utf-8")
    for rec in list_recommendations(demo_store.store, demo_store.inspection_id):
        assert f"Recommendation {rec.number}: {rec.title}" in page.replace("&#x27;", "'")
    for title in SECTIONS:
        assert f">{title}</h2>" in page.replace("&#x27;", "'")


def test_the_cli_writes_the_update_report(
    demo_store: DemoStore, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "q1.pdf"
    db = str(demo_store.store.engine.url.database)
    args = ["--db", db, "report", "update", "--inspection", demo_store.inspection_id]

    assert main([*args, "--quarter", "1", "--out", str(out)]) == 0
    assert "Wrote the quarterly update report" in capsys.readouterr().out
    assert out.is_file() and out.with_suffix(".html").is_file()
    assert "Post-inspection quarter 1 update" in flat(read(out).pages[0].extract_text())
    assert main([*args, "--quarter", "0", "--out", str(out)]) == 1
    assert "quarter must be" in capsys.readouterr().err
    assert main([*args, "--quarter", "1", "--out", str(tmp_path / "other.html")]) == 1
    assert "a .pdf name" in capsys.readouterr().err
    assert not (tmp_path / "other.html").exists()
