"""Recommendations through the services and the CLI: imported from TOML and a spreadsheet,
due dates from the publication date, edits and discharges audited, bad files refused whole."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from backends import cli_target
from followup_helpers import RECOMMENDATIONS, inspection_with_recommendations
from reports_helpers import make_inspection
from sqlalchemy import select
from store_helpers import refused, write_file

from db.engine import Store
from db.models import AuditEvent
from workbench import audit
from workbench.cli import main
from workbench.errors import ImportRefused
from workbench.followup import recommendations as recs


def _events(store: Store, entity: str) -> list[tuple[str, str, str | None, str | None]]:
    with store.sessions() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.seq)
        )
        return [(e.action, e.field, e.old_value, e.new_value) for e in rows]


def test_a_toml_file_gives_numbered_recommendations_due_from_publication(
    store: Store, tmp_path: Path
) -> None:
    inspection_id = inspection_with_recommendations(store, tmp_path)

    rows = recs.list_recommendations(store, inspection_id)

    assert [r.number for r in rows] == [1, 2, 5, 8]
    assert [r.due for r in rows] == [
        date(2026, 12, 14), date(2026, 12, 14), date(2027, 3, 14), date(2027, 6, 14),
    ]  # fmt: skip
    assert [r.timeframe.words for r in rows] == [
        "immediately", "immediately", "within three months", "within six months",
    ]  # fmt: skip
    assert rows[1].points == (
        "improve risk assessment in the control room",
        "train staff in the missing and absent categories",
    )
    assert rows[2].areas == ("investigation",)  # a stage named by its name becomes its id
    assert rows[2].categories == ("section_47", "cse")
    assert rows[0].areas == ("governance",)  # a theme is kept as written
    creates = [e for e in _events(store, "recommendation") if e[0] == "create"]
    assert len(creates) == 4
    with store.sessions() as session:
        assert audit.verify(session).intact


def test_importing_again_changes_only_what_differs_and_audits_each_field(
    store: Store, tmp_path: Path
) -> None:
    inspection_id = inspection_with_recommendations(store, tmp_path)
    changed = RECOMMENDATIONS.replace(
        'timeframe = "within 6 months"', 'timeframe = "by 2027-05-01"'
    )
    again = recs.import_recommendations(
        store, inspection_id, write_file(tmp_path, "again.toml", changed)
    )

    assert (again.added, again.changed, again.unchanged) == (0, 1, 3)
    assert recs.list_recommendations(store, inspection_id)[3].due == date(2027, 5, 1)
    updates = [e for e in _events(store, "recommendation") if e[0] == "update"]
    assert updates == [("update", "timeframe", "within 6 months", "by 2027-05-01")]


def test_edit_and_discharge_are_audited(store: Store, tmp_path: Path) -> None:
    inspection_id = inspection_with_recommendations(store, tmp_path)

    recs.edit_recommendation(store, inspection_id, 5, "title", "Planning the initial response")
    row = recs.discharge(store, inspection_id, 1, 2, "Governance board in place and tested.")

    assert (row.discharged_quarter, row.discharged_reason) == (
        2, "Governance board in place and tested.",
    )  # fmt: skip
    fields = [e[1] for e in _events(store, "recommendation") if e[0] == "update"]
    assert fields == ["title", "discharged_quarter", "discharged_reason"]
    withdrawn = recs.discharge(store, inspection_id, 1, None)
    assert withdrawn.discharged_quarter is None


def test_a_spreadsheet_of_recommendations_is_read_the_same_way(
    store: Store, tmp_path: Path
) -> None:
    inspection_id = make_inspection(store)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Number", "Title", "Timeframe", "Text", "Points", "Categories"])
    sheet.append([3, "Risks to children", "Immediately", "Reinforce messages.", "one\n- two", ""])
    sheet.append(
        [6, "Investigations", "within 3 months", "Improve investigations.", "", "cse; section_47"]
    )
    book.save(tmp_path / "recs.xlsx")

    result = recs.import_recommendations(store, inspection_id, tmp_path / "recs.xlsx")

    rows = recs.list_recommendations(store, inspection_id)
    assert (result.added, result.published) == (2, None)
    assert [(r.number, r.points, r.categories, r.due) for r in rows] == [
        (3, ("one", "two"), (), None),
        (6, (), ("cse", "section_47"), None),
    ]


BAD = """\
[[recommendation]]
number = 1
timeframe = "immediately"
text = "Fine."

[[recommendation]]
number = 1
timeframe = "soonish"
text = ""
categories = ["burglary"]
"""


def test_a_bad_file_names_each_entry_and_field_and_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    inspection_id = inspection_with_recommendations(store, tmp_path)
    path = write_file(tmp_path, "bad.toml", BAD)

    message = refused(store, lambda: recs.import_recommendations(store, inspection_id, path))

    assert "nothing was imported" in message
    assert "line 6, column 'timeframe': 'soonish' is not a timeframe" in message
    assert "line 6, column 'text': must not be empty" in message
    assert "line 6, column 'categories': 'burglary' is not a case category" in message
    with pytest.raises(ImportRefused) as caught:
        recs.import_recommendations(store, inspection_id, path)
    assert {row.line for row in caught.value.rows} == {6}


def test_the_cli_imports_and_lists_one_numbered_line_each(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    inspection_id = make_inspection(store)
    path = write_file(tmp_path, "recs.toml", RECOMMENDATIONS)
    db = cli_target(store)
    imports = ["--db", db, "recommendations", "import", "--inspection", inspection_id]

    assert main([*imports, str(path)]) == 0
    assert "4 added, 0 changed, 0 unchanged" in capsys.readouterr().out
    assert main(["--db", db, "recommendations", "list", "--inspection", inspection_id[:8]]) == 0
    lines = capsys.readouterr().out.splitlines()

    assert lines == [
        "1. [immediately, due 14/12/2026] Governance and oversight of child protection practices",
        "2. [immediately, due 14/12/2026] The response to children who go missing from home",
        "5. [within three months, due 14/03/2027] Planning and the initial response",
        "8. [within six months, due 14/06/2027] The detention of children",
    ]
    bad = write_file(tmp_path, "bad.toml", BAD)
    assert main([*imports, str(bad)]) == 1
    assert "line 6, column 'timeframe'" in capsys.readouterr().err


def test_the_cli_edits_and_discharges(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    inspection_id = inspection_with_recommendations(store, tmp_path)
    db = ["--db", cli_target(store), "recommendations"]
    where = ["--inspection", inspection_id, "--number", "5"]

    assert main([*db, "edit", *where, "--timeframe", "within 6 months", "--title", "Planning"]) == 0
    assert capsys.readouterr().out == "5. [within six months, due 14/06/2027] Planning\n"
    assert main([*db, "discharge", *where, "--quarter", "3", "--reason", "Met."]) == 0
    assert main([*db, "list", "--inspection", inspection_id]) == 0
    assert "5. [within six months, due 14/06/2027; discharged in quarter 3] Planning" in (
        capsys.readouterr().out
    )
    assert main([*db, "discharge", *where, "--quarter", "3"]) == 1
    assert "Give the reason" in capsys.readouterr().err
