"""Importing a case sample from CSV or XLSX: good files land, bad files change nothing."""

from __future__ import annotations

import gc
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from store_helpers import refused, write_file

from db.engine import Store
from db.models import AuditEvent, Case, ImportLog
from workbench import audit
from workbench.errors import ImportRefused, WorkbenchError
from workbench.services.case_import import import_cases
from workbench.services.inspections import create_inspection
from workbench.tabular import fingerprint, read_table, require_columns

HEADER = "reference,category,unit,opened_on,closed_on,child_ref,force_grade,assigned_to\n"
GOOD_ROWS = (
    "MPS-001,section_47,Lambeth,2025-03-01,14/04/2025,C-17,Requires improvement,Jo Smith\n"
    "MPS-002,Child sexual exploitation,Croydon,01/02/2025,,,good,\n"
    "MPS-003, rso_management ,,,,,,Sam Patel\n"
)


@pytest.fixture
def inspection_id(store: Store) -> str:
    return create_inspection(
        store, force="Testshire Police", title="Test", start=date(2026, 1, 5), end=date(2026, 1, 30)
    ).id


def _refused(store: Store, inspection_id: str, path: Path, kind=WorkbenchError) -> str:
    """Import a bad file; check it is refused and the store is exactly as it was."""
    return refused(store, lambda: import_cases(store, inspection_id, path), kind)


def _cases(store: Store, inspection_id: str) -> dict[str, Case]:
    with store.sessions() as session:
        rows = session.scalars(select(Case).where(Case.inspection_id == inspection_id))
        return {case.reference: case for case in rows}


def test_good_csv_lands_with_audit_event_and_import_log(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    path = write_file(tmp_path, "sample.csv", "\ufeff" + HEADER + GOOD_ROWS)
    calls = []

    result = import_cases(store, inspection_id, path, progress=lambda *a: calls.append(a))

    assert result.added == 3
    cases = _cases(store, inspection_id)
    assert sorted(cases) == ["MPS-001", "MPS-002", "MPS-003"]
    first = cases["MPS-001"]
    assert (first.category, first.unit, first.child_ref) == ("section_47", "Lambeth", "C-17")
    assert (first.opened_on, first.closed_on) == (date(2025, 3, 1), date(2025, 4, 14))
    assert (first.force_grade, first.assigned_to) == ("requires_improvement", "Jo Smith")
    assert cases["MPS-002"].category == "cse"  # matched by the category's name
    assert cases["MPS-002"].opened_on == date(2025, 2, 1)
    assert cases["MPS-002"].force_grade == "good"
    assert cases["MPS-003"].category == "rso_management"
    assert cases["MPS-003"].assigned_to == "Sam Patel"
    assert cases["MPS-003"].opened_on is None and cases["MPS-003"].force_grade is None
    assert {case.methodology_version for case in cases.values()} == {"1.1"}
    with store.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).one()
        assert (event.entity, event.entity_id, event.field) == (
            "inspection",
            inspection_id,
            "cases",
        )
        assert json.loads(event.new_value) == {
            "file": "sample.csv",
            "count": 3,
            "sha256": fingerprint(path),
            "in_trail": True,
        }
        added = session.scalars(select(AuditEvent).where(AuditEvent.action == "add_cases")).one()
        batch = json.loads(added.new_value)  # every case's values, for audit verify's replay
        assert (batch["how"], len(batch["cases"])) == ("import", 3)
        row = dict(zip(["id", *batch["fields"]], batch["cases"][0], strict=True))
        assert (row["reference"], row["child_ref"], row["opened_on"]) == (
            "MPS-001",
            "C-17",
            "2025-03-01",
        )
        log = session.get(ImportLog, result.log_id)
        assert (log.kind, log.source, log.added, log.actor) == (
            "cases",
            "sample.csv",
            3,
            "Alex Inspector",
        )
        assert log.inspection_id == inspection_id
        assert audit.verify(session).intact
    assert calls[-1][0] == calls[-1][1]  # progress reached its total


def test_good_xlsx_with_real_dates_and_numbers(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Reference", "Category", "Opened on", "Closed on", "Force grade"])
    sheet.append(
        [1001, "Domestic abuse involving children", datetime(2025, 5, 2), None, "Inadequate"]
    )
    sheet.append([])  # an empty row is skipped, but line numbers still count it
    sheet.append(["R-1002", "missing_children", "03/06/2025", date(2025, 7, 1), None])
    path = tmp_path / "sample.xlsx"
    book.save(path)

    result = import_cases(store, inspection_id, path)

    assert result.added == 2
    cases = _cases(store, inspection_id)
    assert sorted(cases) == ["1001", "R-1002"]
    assert cases["1001"].category == "domestic_abuse"
    assert cases["1001"].opened_on == date(2025, 5, 2)
    assert cases["1001"].force_grade == "inadequate"
    assert (cases["R-1002"].opened_on, cases["R-1002"].closed_on) == (
        date(2025, 6, 3),
        date(2025, 7, 1),
    )


REFUSED_FILES = [
    pytest.param(
        "bad.csv",
        HEADER + GOOD_ROWS + "MPS-004,cse,Brent,,,,,,extra,cells\n",
        WorkbenchError,
        ["not a well-formed CSV", "line 5 has 10 cells but the header has 8"],
        id="malformed_csv_is_refused_naming_the_line",
    ),
    pytest.param(
        "quote.csv",
        'reference,category\nA,cse\n"B,cse\nC,cse\n',
        WorkbenchError,
        ["at line 3", "quotation mark"],
        id="unclosed_quote_is_refused_naming_the_line",
    ),
    pytest.param(
        "nocat.csv",
        "reference,unit\nMPS-001,Lambeth\n",
        WorkbenchError,
        ["missing the column 'category'", "Columns found: 'reference', 'unit'"],
        id="missing_column_is_refused_naming_it_and_the_columns_found",
    ),
    pytest.param(
        "extra.csv",
        "reference,category,borough\nMPS-001,cse,Brent\n",
        WorkbenchError,
        ["'borough'", "'reference', 'category', 'unit', 'opened_on'"],
        id="unknown_column_is_refused_naming_the_allowed_ones",
    ),
    pytest.param(
        "latin.csv",
        (HEADER + "MPS-001,cse,Chelsea Café,,,,,\n").encode("latin-1"),
        WorkbenchError,
        ["not in UTF-8", "line 2", "CSV UTF-8"],
        id="wrong_encoding_is_refused_with_how_to_save",
    ),
    pytest.param(
        "cat.csv",
        HEADER + GOOD_ROWS + "MPS-004,burglary,,,,,,\n",
        ImportRefused,
        [
            "line 5, column 'category': 'burglary' is not a category; use one of",
            *("section_47", "missing_children", "cse", "rso_management"),
        ],
        id="unknown_category_names_the_allowed_ids",
    ),
    pytest.param(
        "grade.csv",
        HEADER + "A,cse,,,,,outstanding,\n",
        ImportRefused,
        [
            "line 2, column 'force_grade': 'outstanding' is not a grade; use good, requires "
            "improvement or inadequate"
        ],
        id="unknown_grade_word_names_the_allowed_words",
    ),
]


@pytest.mark.parametrize(("name", "content", "kind", "fragments"), REFUSED_FILES)
def test_bad_file_is_refused_saying_why(
    store: Store,
    inspection_id: str,
    tmp_path: Path,
    name: str,
    content: str | bytes,
    kind: type,
    fragments: list[str],
) -> None:
    message = _refused(store, inspection_id, write_file(tmp_path, name, content), kind)
    for fragment in fragments:
        assert fragment in message


def test_duplicate_reference_names_both_lines(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    path = write_file(tmp_path, "dup.csv", HEADER + GOOD_ROWS + "MPS-002,cse,,,,,,\n")
    message = _refused(store, inspection_id, path, ImportRefused)
    assert message.startswith("1 row of dup.csv cannot be imported; nothing was imported.")
    assert "line 5, column 'reference': the reference 'MPS-002' is also on line 3" in message


def test_the_collector_runs_again_after_an_import_good_or_refused(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    # The import pauses Python's cyclic garbage collector (db.bulk.gc_paused); a process
    # left without it would grow without bound.
    import_cases(store, inspection_id, write_file(tmp_path, "good.csv", HEADER + GOOD_ROWS))
    assert gc.isenabled()
    assert len(_cases(store, inspection_id)) == 3
    path = write_file(tmp_path, "bad.csv", HEADER + "MPS-100,not a category,,,,,,\n")
    _refused(store, inspection_id, path, ImportRefused)
    assert gc.isenabled()


def test_reference_already_imported_is_refused(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    import_cases(store, inspection_id, write_file(tmp_path, "first.csv", HEADER + GOOD_ROWS))
    path = write_file(tmp_path, "second.csv", HEADER + "MPS-010,cse,,,,,,\nMPS-003,cse,,,,,,\n")
    with pytest.raises(ImportRefused) as caught:
        import_cases(store, inspection_id, path)
    assert caught.value.rows[0].line == 3
    assert "line 3, column 'reference': the case 'MPS-003' is already in this inspection" in str(
        caught.value
    )
    assert sorted(_cases(store, inspection_id)) == ["MPS-001", "MPS-002", "MPS-003"]
    _refused(store, inspection_id, path, ImportRefused)


def test_bad_dates_are_each_named(store: Store, inspection_id: str, tmp_path: Path) -> None:
    rows = "A,cse,,31/02/2025,,,,\nB,cse,,2025-06-01,2025-05-01,,,\nC,cse,,,next week,,,\n"
    message = _refused(store, inspection_id, write_file(tmp_path, "dates.csv", HEADER + rows))
    assert message.startswith("3 rows of dates.csv cannot be imported")
    assert "line 2, column 'opened_on': '31/02/2025' is not a date" in message
    assert "line 3, column 'closed_on': the case closed (01/05/2025) before it opened" in message
    assert "line 4, column 'closed_on': 'next week' is not a date" in message


def test_every_bad_row_is_listed_not_just_the_first(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    rows = ",cse,,,,,,\nB,,,,,,,\nC,cse,,,,,,\nD,nonsense,,,,,,\n"
    with pytest.raises(ImportRefused) as caught:
        import_cases(store, inspection_id, write_file(tmp_path, "many.csv", HEADER + rows))
    assert [(r.line, r.column) for r in caught.value.rows] == [
        (2, "reference"),
        (3, "category"),
        (5, "category"),
    ]
    assert "the reference is empty" in str(caught.value)
    assert _cases(store, inspection_id) == {}


def test_header_only_and_empty_files_are_refused(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    message = _refused(store, inspection_id, write_file(tmp_path, "header.csv", HEADER))
    assert "has column names but no rows" in message
    message = _refused(store, inspection_id, write_file(tmp_path, "empty.csv", ""))
    assert "'empty.csv' is empty" in message


def test_not_a_workbook_is_refused(store: Store, inspection_id: str, tmp_path: Path) -> None:
    text_file = write_file(tmp_path, "cases.xlsx", HEADER + GOOD_ROWS)
    message = _refused(store, inspection_id, text_file)
    assert "'cases.xlsx' is not an Excel workbook" in message
    other_zip = tmp_path / "zipped.xlsx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "is not an Excel workbook" in _refused(store, inspection_id, other_zip)


def test_missing_file_and_unknown_extension(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    assert "There is no file" in _refused(store, inspection_id, tmp_path / "nowhere.csv")
    old_excel = write_file(tmp_path, "cases.xls", "x")
    assert "Excel Workbook (.xlsx)" in _refused(store, inspection_id, old_excel)


def test_read_table_normalises_headers_and_counts_lines(tmp_path: Path) -> None:
    path = write_file(
        tmp_path,
        "t.csv",
        "\ufeff Case Ref ,Overall-Grade,Stage: Initial contact,\n"
        ' A1 , good ,x,\n\n,,,\n"B\n2",bad,y,\n',
    )
    table = read_table(path)
    assert list(table.columns) == ["case_ref", "overall_grade", "stage:initial_contact", "_line"]
    assert table.to_dict("records") == [
        {"case_ref": "A1", "overall_grade": "good", "stage:initial_contact": "x", "_line": 2},
        {"case_ref": "B\n2", "overall_grade": "bad", "stage:initial_contact": "y", "_line": 5},
    ]


def test_read_table_refuses_duplicate_and_unnamed_columns(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError, match="more than one column called 'reference'"):
        read_table(write_file(tmp_path, "d.csv", "Reference,reference \nA,B\n"))
    with pytest.raises(WorkbenchError, match="Column B of 'u.csv' has values but no name"):
        read_table(write_file(tmp_path, "u.csv", "reference,,category\nA,x,cse\n"))


def test_read_table_refuses_too_many_rows(tmp_path: Path) -> None:
    path = write_file(tmp_path, "huge.csv", "reference\n" + "x\n" * 200_001)
    with pytest.raises(WorkbenchError, match="more than 200,000 rows"):
        read_table(path)


def test_require_columns_accepts_a_good_table(tmp_path: Path) -> None:
    table = read_table(write_file(tmp_path, "ok.csv", "reference,unit\nA,B\n"))
    require_columns(table, ["reference"], ["unit", "category"], "ok.csv")
    with pytest.raises(WorkbenchError, match="missing the columns 'category', 'x'"):
        require_columns(table, ["reference", "category", "x"], [], "ok.csv")
