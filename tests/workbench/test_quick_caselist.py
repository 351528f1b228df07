"""The case list read the quick way (plain SQL through db.cipher, no SQLAlchemy) gives the
rows and inspections the normal reads give, and declines every store that is not ordinary."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from packs_helpers import ANN, BOB, LEAD, REFERENCES, Team, grade, make_inspector, make_lead
from sqlalchemy import text

from db.engine import Store, open_store
from db.models import Moderation
from workbench.identity import set_user_name
from workbench.services import grading
from workbench.services.caselist import case_rows
from workbench.services.inspections import (
    archive_inspection,
    create_inspection,
    list_inspections,
)
from workbench.services.quick_caselist import NotQuick, QuickCaseList, read, store_file
from workbench.services.referrals import add_response, raise_referral
from workbench.store import open_workbench_store

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = os.environ["WORKBENCH_STORE_PASSPHRASE"]
LAST_YEAR = date(2025, 3, 3)


def quick(store: Store, then):  # type: ignore[no-untyped-def]
    assert store.path is not None
    return read(store.path, PASSPHRASE, then)


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Team:
    """A lead's SQLite store: four cases, one graded by both inspectors differently, one
    moderated after differing, one in progress, one in progress by both with different
    grades; referrals open and closed; an archived inspection beside it."""
    monkeypatch.setenv("WORKBENCH_TEST_BACKEND", "sqlite")  # the quick way reads files
    made = make_lead(tmp_path / "team")
    lead, cases = made.lead, made.cases
    first, second, third, fourth = (cases[r] for r in REFERENCES)
    grade(lead, first, ANN, "good")
    grade(lead, first, BOB, "inadequate")
    grade(lead, second, ANN, "good")
    grade(lead, second, BOB, "requires_improvement")
    with lead.sessions.begin() as session:
        session.add(Moderation(case_id=second, grade="good", reason="Agreed.", moderated_by=LEAD))
    grading.edit(lead, third, ANN, "overall_grade", "requires_improvement")
    # Both in progress with different grades: the row shows the first inspector's, so the
    # order of a case's assessments matters.
    grading.edit(lead, fourth, BOB, "overall_grade", "good")
    grading.edit(lead, fourth, ANN, "overall_grade", "inadequate")
    referral = raise_referral(lead, first, risk_summary="Still at risk", urgency="urgent")
    raise_referral(lead, first, risk_summary="Sibling at risk", urgency="routine")
    add_response(lead, referral, response="closed", note="Done")
    raise_referral(lead, third, risk_summary="Risk", urgency="immediate")
    older = create_inspection(
        lead, force="Testshire Police", title="Last year", start=LAST_YEAR, end=LAST_YEAR
    )
    archive_inspection(lead, older.id)
    return made


def test_the_lead_s_team_view_and_each_inspector_s_view_are_the_normal_rows(team: Team) -> None:
    lead, inspection_id = team.lead, team.inspection_id

    def listing(reader: QuickCaseList) -> tuple:
        return (
            reader.user_name(),
            reader.inspections(),
            reader.case_rows(inspection_id),
            reader.case_rows(inspection_id, ANN),
            reader.case_rows(inspection_id, BOB),
        )

    name, inspections, team_view, ann_view, bob_view = quick(lead, listing)

    assert name == LEAD
    assert inspections == list_inspections(lead)
    assert [i.archived for i in inspections] == [False, True]
    assert team_view == case_rows(lead, inspection_id)
    assert ann_view == case_rows(lead, inspection_id, ANN)
    assert bob_view == case_rows(lead, inspection_id, BOB)
    differing, moderated, in_progress, both_started = team_view
    assert (differing.grades_differ, differing.referrals, differing.open_referrals) == (True, 2, 1)
    assert (moderated.status, moderated.overall_grade) == ("graded", "good")
    assert (in_progress.status, in_progress.open_referrals) == ("in_progress", 1)
    assert (both_started.status, both_started.overall_grade) == ("in_progress", "inadequate")


def test_the_listing_counts_the_inspection_listed_from_its_rows_and_the_others_in_sql(
    team: Team,
) -> None:
    lead = team.lead
    ids = [i.id for i in list_inspections(lead)]
    for chosen in ids:  # the one listed: counted from its rows; the other: in SQL
        rows, picked, fetched = quick(lead, lambda r, c=chosen: r.fetch_listing(lambda _: c))
        assert picked == chosen
        assert rows == quick(lead, QuickCaseList.fetch_inspections)
        assert [row[9:11] for row in rows] == [(4, 2), (0, 0)]
        assert len(fetched.cases) == (4 if chosen == team.inspection_id else 0)
    assert quick(lead, lambda r: r.fetch_listing(lambda offered: None)) is None


def test_an_inspector_s_own_store_from_a_kit_reads_the_same(team: Team) -> None:
    mine = make_inspector(team, ANN)
    set_user_name(mine, ANN)
    grade(mine, team.cases[REFERENCES[0]], ANN, "inadequate")
    inspection_id = team.inspection_id

    name, inspections, rows, own = quick(
        mine,
        lambda r: (
            r.user_name(),
            r.inspections(),
            r.case_rows(inspection_id),
            r.case_rows(inspection_id, ANN),
        ),
    )

    assert name == ANN
    assert inspections == list_inspections(mine)
    assert rows == case_rows(mine, inspection_id) and own == case_rows(mine, inspection_id, ANN)
    assert rows[0].status == "graded" and rows[0].overall_grade == "inadequate"
    mine.close()


# --- Stores read the normal way -------------------------------------------------------------


def test_a_server_url_or_a_missing_file_is_not_read_quickly(tmp_path: Path) -> None:
    with pytest.raises(NotQuick):
        store_file("postgresql://inspector@localhost/workbench")
    with pytest.raises(NotQuick):
        read(tmp_path / "none.sqlite", PASSPHRASE, QuickCaseList.user_name)


def test_a_wrong_passphrase_is_declined_and_the_store_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    open_workbench_store(path).close()
    before = path.read_bytes()
    with pytest.raises(NotQuick, match="not opened"):
        read(path, "not the passphrase at all", QuickCaseList.user_name)
    assert path.read_bytes() == before


@pytest.mark.parametrize("revision", ["0013_drafts", "0099_from_a_newer_version"])
def test_a_schema_not_at_head_is_declined(tmp_path: Path, revision: str) -> None:
    path = tmp_path / "store.sqlite"
    store = open_workbench_store(path)
    with store.sessions.begin() as session:
        session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
    store.close()
    with pytest.raises(NotQuick, match="schema"):
        read(path, PASSPHRASE, QuickCaseList.user_name)


def test_a_plaintext_store_or_an_interrupted_encryption_is_declined(tmp_path: Path) -> None:
    plain = tmp_path / "plain.sqlite"
    open_store(plain, plaintext=True).close()
    with pytest.raises(NotQuick):
        read(plain, PASSPHRASE, QuickCaseList.user_name)
    path = tmp_path / "store.sqlite"
    open_workbench_store(path).close()
    (tmp_path / "store.sqlite.plaintext.bak").write_bytes(b"")
    with pytest.raises(NotQuick, match="interrupted"):
        read(path, PASSPHRASE, QuickCaseList.user_name)


def test_the_quick_reader_imports_neither_sqlalchemy_nor_the_models(team: Team) -> None:
    code = (
        "import sys; from pathlib import Path\n"
        "from workbench.services.quick_caselist import read, QuickCaseList\n"
        f"rows = read(Path({str(team.lead.path)!r}), {PASSPHRASE!r}, "
        f"lambda r: r.case_rows({team.inspection_id!r}))\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')"
        " or m in ('db.models', 'db.engine'))\n"
        "print(len(rows), heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(maxsplit=1) == ["4", "[]\n"]
