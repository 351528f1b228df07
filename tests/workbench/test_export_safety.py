"""Exports that are safe to open and print: text that a spreadsheet could run as a formula is
kept as text (the quote prefix in XLSX, a leading apostrophe in CSV); wide sheets print
landscape one page wide; percentages are fractions shown with a % format."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from reports_helpers import add_case, grade_case, make_inspection

from db.engine import Store
from workbench.reports import write_xlsx
from workbench.reports.csv_cells import csv_cell, write_csv

HOSTILE = ['=HYPERLINK("http://x","y")', "+SUM(1)", "-2+3", "@SUM(A1)", "\t=1"]


@pytest.fixture
def workbook(store: Store, tmp_path: Path) -> openpyxl.Workbook:
    inspection = make_inspection(store)
    for number, reference in enumerate(HOSTILE):
        case = add_case(store, inspection, reference, unit=f"-unit {number}")
        grade_case(store, case, "good", rationale=f"=1+{number} the child was seen.")
    write_xlsx(store, inspection, tmp_path / "data.xlsx")
    return openpyxl.load_workbook(tmp_path / "data.xlsx")


def test_formula_like_text_is_stored_as_text_with_the_quote_prefix(workbook) -> None:
    cells = {c.value: c for row in workbook["Cases"].iter_rows(min_row=2) for c in row}
    for reference in HOSTILE:
        assert cells[reference].data_type == "s"
        assert cells[reference].quotePrefix is True
    assert cells["-unit 0"].quotePrefix is True
    assessments = workbook["Assessments"]
    rationales = [c for row in assessments.iter_rows(min_row=2) for c in row
                  if isinstance(c.value, str) and c.value.startswith("=1+")]  # fmt: skip
    assert len(rationales) == len(HOSTILE)
    assert all(c.data_type == "s" and c.quotePrefix for c in rationales)
    ordinary = [c for c in workbook["Cases"]["B"][1:]]  # the category: plain words
    assert ordinary and not any(c.quotePrefix for c in ordinary)


def test_wide_sheets_print_landscape_one_page_wide(workbook) -> None:
    cases = workbook["Cases"]
    assert cases.page_setup.orientation == "landscape"
    assert cases.sheet_properties.pageSetUpPr.fitToPage
    # One page wide (1 is the attribute's default when it is left out, ECMA-376 18.3.1.63),
    # as many pages down as it takes (0).
    assert (cases.page_setup.fitToWidth or 1, cases.page_setup.fitToHeight) == (1, 0)
    summary = workbook["Summary"]  # two columns: fits a portrait page as it is
    assert summary.page_setup.orientation in (None, "portrait")


def test_percentages_are_fractions_with_a_percent_format(workbook) -> None:
    rows = {r[0].value: r[1] for r in workbook["Summary"].iter_rows(min_row=2)}
    share = rows["Percent graded requires improvement or inadequate"]
    assert share.value == 0 and share.number_format == "0%"  # all five graded good
    agreement = rows["Percent agreement between inspectors"]
    assert agreement.value is None  # nobody dual-graded: no figure, not 0%
    assert isinstance(rows["Cases in the sample"].value, int)


@pytest.mark.parametrize(
    ("value", "written"),
    [("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-x", "'-x"), ("@A1", "'@A1"),
     ("\t=1", "'\t=1"), ("NS/2026/1", "NS/2026/1"), (-3, "-3"), (None, ""), (True, "TRUE")],
)  # fmt: skip
def test_a_csv_cell_that_looks_like_a_formula_starts_with_an_apostrophe(value, written) -> None:
    assert csv_cell(value) == written


def test_a_csv_written_by_the_workbench_cannot_run_formulas() -> None:
    out = io.StringIO()
    write_csv(out, ["reference", "cases"], [["=cmd|' /C calc'!A0", 3], ["NS/1", -1]])
    assert out.getvalue() == "reference,cases\r\n'=cmd|' /C calc'!A0,3\r\nNS/1,-1\r\n"
