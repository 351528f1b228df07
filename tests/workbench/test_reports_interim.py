"""Interim findings say so: "INTERIM: n of N cases graded" beside the marking on every page of
every report, counts without percentages or charts under 10 cases, and agreement "too few to
measure"; a complete inspection carries none of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from reports_helpers import add_case, flat, grade_case, make_inspection, read, refer, texts

from db.engine import Store
from workbench.reports import (
    write_findings_html,
    write_findings_pdf,
    write_inspector_pdf,
    write_referrals_pdf,
    write_xlsx,
)

INTERIM = "INTERIM: 2 of 6 cases graded"


def _inspection(store: Store, graded: int, total: int) -> str:
    inspection = make_inspection(store)
    for number in range(1, total + 1):
        case = add_case(store, inspection, f"T/{number}")
        if number <= graded:
            grade_case(store, case, "requires_improvement" if number % 2 else "good")
        if number == 1:
            refer(store, case)
    return inspection


def _pdf_pages(store: Store, inspection: str, tmp_path: Path) -> dict[str, list[str]]:
    written = {
        "findings": write_findings_pdf(store, inspection, tmp_path / "findings.pdf").path,
        "referrals": write_referrals_pdf(store, inspection, tmp_path / "referrals.pdf").path,
        "inspector": write_inspector_pdf(
            store, inspection, "Alex Inspector", tmp_path / "mine.pdf"
        ).path,
    }
    return {name: [flat(t) for t in texts(read(path))] for name, path in written.items()}


def test_every_page_of_every_pdf_says_interim_beside_the_marking(
    store: Store, tmp_path: Path
) -> None:
    inspection = _inspection(store, graded=2, total=6)
    for name, pages in _pdf_pages(store, inspection, tmp_path).items():
        assert pages, name
        for number, text in enumerate(pages, start=1):
            assert text.count(f"OFFICIAL-SENSITIVE {INTERIM}") == 2, (name, number)


def test_interim_findings_give_counts_without_percentages_or_charts(
    store: Store, tmp_path: Path
) -> None:
    inspection = _inspection(store, graded=2, total=6)
    path = write_findings_pdf(store, inspection, tmp_path / "findings.pdf").path
    text = " ".join(flat(t) for t in texts(read(path)))
    assert "1 of the 2 cases graded so far was graded requires improvement or inadequate." in text
    assert "These findings are interim: 2 of 6 cases graded, 4 still to be graded." in text
    assert not re.search(r"\d percent", text)
    assert "Figure 1" not in text and "Figure 2" not in text
    html = write_findings_html(store, inspection, tmp_path / "findings.html").path.read_text()
    assert html.count(f'<span class="interim">{INTERIM}</span>') == 2
    assert "<svg" not in html and not re.search(r"\d percent", html)


def test_the_xlsx_header_and_footer_carry_the_interim_label(store: Store, tmp_path: Path) -> None:
    inspection = _inspection(store, graded=2, total=6)
    book = load_workbook(write_xlsx(store, inspection, tmp_path / "data.xlsx").path)
    for sheet in book.worksheets:
        assert sheet.oddHeader.center.text == f"OFFICIAL-SENSITIVE   {INTERIM}", sheet.title
        assert sheet.oddFooter.center.text == f"OFFICIAL-SENSITIVE   {INTERIM}", sheet.title


@pytest.mark.parametrize("total", [3, 12])
def test_a_complete_inspection_is_not_marked_interim(
    store: Store, tmp_path: Path, total: int
) -> None:
    inspection = _inspection(store, graded=total, total=total)
    for name, pages in _pdf_pages(store, inspection, tmp_path).items():
        for text in pages:
            assert "INTERIM" not in text, name
            assert text.count("OFFICIAL-SENSITIVE") >= 2
    findings = " ".join(flat(t) for t in texts(read(tmp_path / "findings.pdf")))
    assert "graded so far" not in findings and "interim" not in findings.lower()
    assert ("Figure 1" in findings) == (total >= 10)  # a chart only from 10 graded cases
    assert bool(re.search(r"\d percent", findings)) == (total >= 10)
    html = write_findings_html(store, inspection, tmp_path / "findings.html").path.read_text()
    assert "INTERIM" not in html
    book = load_workbook(write_xlsx(store, inspection, tmp_path / "data.xlsx").path)
    assert book.worksheets[0].oddHeader.center.text == "OFFICIAL-SENSITIVE"
