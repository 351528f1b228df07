"""The national summary across inspections: by force, year and category, referrals and
response times, agreement with forces' own grades, and baseline to re-inspection."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from packs_helpers import grade
from sqlalchemy import select

from db.engine import Store
from db.models import Case, Inspection
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.followup.recommendations import set_baseline
from workbench.server.national import national_summary
from workbench.services.demo import create_demo
from workbench.services.inspections import create_inspection
from workbench.services.referrals import add_response, raise_referral

ME = "Alex Inspector"


def _inspection(store: Store, force: str, year: int, grades: list[tuple[str, str | None]]):
    """An inspection of ``force`` in ``year``; each case (our grade, the force's) graded."""
    inspection = create_inspection(
        store, force=force, title=f"{force} {year}", start=date(year, 3, 2),
        end=date(year, 3, 27),
    )  # fmt: skip
    with store.sessions.begin() as session:
        rows = [
            Case(inspection_id=inspection.id, reference=f"{year}-{n}", category="section_47",
                 force_grade=theirs, methodology_version="1.0")
            for n, (_, theirs) in enumerate(grades)
        ]  # fmt: skip
        session.add_all(rows)
        session.flush()
        ids = [row.id for row in rows]
    for case_id, (ours, _) in zip(ids, grades, strict=True):
        grade(store, case_id, ME, ours)
    return inspection.id, ids


@pytest.fixture
def hq(store: Store) -> Store:
    good, ri, bad = "good", "requires_improvement", "inadequate"
    _inspection(store, "Northshire Police", 2024, [(bad, good), (ri, ri), (ri, None), (good, good)])
    _, later = _inspection(store, "Northshire Police", 2026, [(good, good), (ri, good)])
    _inspection(store, "Southshire Police", 2025, [(good, ri), (good, good)])
    referral = raise_referral(
        store, later[1], risk_summary="Child still at risk.", urgency="urgent",
        referred_at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
    )  # fmt: skip
    add_response(store, referral, response="acknowledged",
                 occurred_at=datetime(2026, 3, 12, 9, 0, tzinfo=UTC))  # fmt: skip
    add_response(store, referral, response="closed",
                 occurred_at=datetime(2026, 3, 20, 9, 0, tzinfo=UTC))  # fmt: skip
    create_demo(store, progress=lambda *_: None)  # fictional: never counted
    return store


def test_figures_by_force_and_year(hq: Store) -> None:
    found = national_summary(hq)
    assert found.inspections == 3 and found.fictional_left_out == 1
    rows = {(r["force"], r["year"]): r for r in found.to_json()["by_force_year"]}
    north_2024 = rows[("Northshire Police", 2024)]
    assert (north_2024["cases"], north_2024["graded"]) == (4, 4)
    assert north_2024["requires_improvement_or_inadequate"] == 3
    assert north_2024["share"] == 0.75
    assert (north_2024["force_graded_and_ours"], north_2024["agree"]) == (3, 2)
    assert north_2024["we_graded_less_favourably"] == 1
    assert north_2024["referrals"] is None  # none raised
    north_2026 = rows[("Northshire Police", 2026)]
    assert (north_2026["referrals"], north_2026["referrals_open"]) == (1, 0)
    assert north_2026["median_days_to_first_response"] == 2.0
    assert north_2026["median_days_to_close"] == 10.0
    south = rows[("Southshire Police", 2025)]
    assert (south["share"], south["we_graded_more_favourably"]) == (0.0, 1)

    [change] = found.to_json()["baseline_changes"]
    assert change["force"] == "Northshire Police"
    assert (change["baseline_year"], change["reinspection_year"]) == (2024, 2026)
    assert (change["baseline_share"], change["reinspection_share"]) == (0.75, 0.5)
    assert change["change_points"] == -25.0
    assert change["pairing"] == "earliest and latest"  # no baseline recorded


def test_since_and_force_narrow_it_and_an_unknown_force_is_refused(hq: Store) -> None:
    since = national_summary(hq, since=2025)
    assert since.inspections == 2 and since.baseline_changes.empty
    south = national_summary(hq, force="southshire police")
    assert list(south.by_force_year["force"]) == ["Southshire Police"]
    with pytest.raises(WorkbenchError, match="There is no inspection of 'Eastshire Police'"):
        national_summary(hq, force="Eastshire Police")


def test_the_command_prints_json_text_and_a_workbook(
    hq: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = hq.url
    assert main(["--db", db, "national", "summary", "--since", "2024", "--json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert as_json["inspections"] == 3 and as_json["markings"] == ["OFFICIAL-SENSITIVE"]
    out = tmp_path / "national.xlsx"
    assert main(["--db", db, "national", "summary", "--xlsx", str(out)]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[:3] == ["OFFICIAL-SENSITIVE", "National summary: 3 inspections",
                        "1 fictional inspection left out."]  # fmt: skip
    north = next(line for line in text if line.startswith("Northshire Police  2024"))
    assert north.split()[-6:] == ["4", "3", "75%", "0", "–", "67%"]
    change = text[text.index("Baseline to re-inspection (the recorded baseline, else each "
                             "force's earliest and latest inspection)") + 3]  # fmt: skip
    assert change.split() == ["Northshire", "Police", "2024", "75%", "2026", "50%", "-25.0",
                              "points", "earliest", "and", "latest"]  # fmt: skip
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["By force and year", "By category", "Baseline to re-inspection"]
    assert sheets["Baseline to re-inspection"]["change_points"].tolist() == [-25.0]


def test_a_recorded_baseline_pairs_a_re_inspection_with_it(hq: Store) -> None:
    """The follow-up's baseline, not the force's earliest inspection, where one is recorded;
    a force with none recorded is still paired earliest with latest."""
    good, ri = "good", "requires_improvement"
    middle, _ = _inspection(hq, "Northshire Police", 2025, [(ri, None), (good, None)])
    _inspection(hq, "Southshire Police", 2026, [(ri, None)])
    [before] = national_summary(hq, force="Northshire Police").to_json()["baseline_changes"]
    assert (before["baseline_year"], before["pairing"]) == (2024, "earliest and latest")

    with hq.sessions() as session:
        title = Inspection.title == "Northshire Police 2026"
        latest = session.scalar(select(Inspection.id).where(title))
    set_baseline(hq, latest, middle)  # the 2026 re-inspection re-inspects 2025, not 2024
    found = national_summary(hq).to_json()
    assert found["baseline_pairing"].startswith("the baseline recorded for a re-inspection")
    [north, south] = found["baseline_changes"]
    assert (north["force"], north["pairing"]) == ("Northshire Police", "recorded baseline")
    assert (north["baseline_year"], north["reinspection_year"]) == (2025, 2026)
    assert (north["baseline_share"], north["reinspection_share"]) == (0.5, 0.5)
    assert north["change_points"] == 0.0
    assert (south["force"], south["pairing"]) == ("Southshire Police", "earliest and latest")
    assert (south["baseline_year"], south["reinspection_year"]) == (2025, 2026)
