"""The fieldwork dashboard: its figures are the summary's, progress by inspector and day, open
and overdue referrals by urgency, and the time grading takes from the audit events."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
from backends import on_server
from packs_helpers import ANN, BOB, PASSPHRASE, REFERENCES, grade, make_inspector, make_lead
from sqlalchemy import select

from db.models import Assessment, Case
from workbench.packs import export_pack, import_packs
from workbench.services.active_time import IDLE, editing_minutes
from workbench.services.dashboard import dashboard
from workbench.services.demo import END, START
from workbench.services.summary import summarise


def test_dashboard_figures_equal_the_summarys(demo_store):
    store, inspection_id = demo_store.store, demo_store.inspection_id
    board = dashboard(store, inspection_id, today=date(2026, 11, 20))
    summary = summarise(store, inspection_id)

    # The dashboard counts what it shows in SQL; every figure is the summary's.
    shown = {k: v for k, v in board.summary.items() if k not in ("by_category", "referrals")}
    assert shown == {k: summary[k] for k in shown}
    assert set(shown) >= {"inspection", "cases", "graded", "in_progress", "not_started"}
    assert board.summary["by_category"] == {
        k: {n: entry[n] for n in board.summary["by_category"][k]}
        for k, entry in summary["by_category"].items()
    }
    assert board.summary["referrals"]["open"] == summary["referrals"]["open"]
    assert board.awaiting_moderation == summary["overall"]["unresolved"] == 1
    assert sum(r.open for r in board.referrals) == summary["referrals"]["open"]
    assert {r.urgency: r.open for r in board.referrals if r.open}.keys() <= set(
        summary["referrals"]["by_urgency"]
    )
    assert board.team_per_day[-1][2] == summary["graded"]
    assert sum(day[1] for day in board.team_per_day) == summary["graded"]
    assert board.fieldwork == (START, END)
    assert board.team_per_day[0][0] == START
    assert board.expected_per_day == round(summary["cases"] / 19, 1)


def test_progress_by_inspector_counts_their_own_assessments(demo_store):
    store, inspection_id = demo_store.store, demo_store.inspection_id
    board = dashboard(store, inspection_id)
    with store.sessions() as session:
        rows = session.execute(
            select(Assessment.inspector, Assessment.status).join(Case)
            .where(Case.inspection_id == inspection_id)
        ).all()  # fmt: skip
        assigned = Counter(session.scalars(select(Case.assigned_to)))
    counts = Counter(rows)
    for progress in board.inspectors:
        assert progress.graded == counts[(progress.inspector, "graded")]
        assert progress.in_progress == counts[(progress.inspector, "in_progress")]
        assert sum(progress.graded_per_day.values()) == progress.graded
        assert progress.assigned >= assigned[progress.inspector]
        assert progress.median_minutes is not None and progress.median_minutes >= 5


def test_overdue_referrals_are_those_open_longer_than_their_urgency_allows(demo_store):
    early = dashboard(demo_store.store, demo_store.inspection_id, today=START)
    assert all(r.overdue == 0 for r in early.referrals)
    late = dashboard(demo_store.store, demo_store.inspection_id, today=date(2027, 1, 1))
    assert [r.overdue for r in late.referrals] == [r.open for r in late.referrals]


def test_active_editing_time_counts_gaps_up_to_the_idle_limit():
    events = pd.DataFrame(
        [
            ("a", "2026-11-02T09:00:00+00:00"),
            ("a", "2026-11-02T09:02:00+00:00"),
            ("a", "2026-11-02T09:03:00+00:00"),
            ("a", "2026-11-02T10:03:00+00:00"),  # after a break: counts as IDLE
            ("b", "2026-11-03T09:00:00+00:00"),
        ],
        columns=["entity_id", "at"],
    )
    minutes = editing_minutes(events)
    idle = IDLE.total_seconds() / 60
    assert minutes.to_dict() == {"a": idle + 2 + 1 + idle, "b": idle}


def test_packs_received_and_grades_merged_show_on_the_dashboard(tmp_path: Path):
    team = make_lead(tmp_path / "team")
    ann = make_inspector(team, ANN)
    grade(ann, team.cases[REFERENCES[0]], ANN, "good")
    pack = export_pack(ann, team.inspection_id, tmp_path / "ann.wbpack")
    before = dashboard(team.lead, team.inspection_id)
    assert {p.inspector: p.last_pack for p in before.inspectors} == {ANN: None, BOB: None}

    import_packs(team.lead, [pack.path], PASSPHRASE)
    after = dashboard(team.lead, team.inspection_id)
    ann_progress = next(p for p in after.inspectors if p.inspector == ANN)
    assert ann_progress.last_pack is not None and ann_progress.graded == 1
    assert ann_progress.median_minutes is not None  # from the trail the pack carried
    assert after.summary["graded"] == 1
    ann.close()
    team.lead.close()


def _shown_equal_summary(board, summary) -> None:
    for key in ("cases", "graded", "in_progress", "not_started", "overall"):
        assert board.summary[key] == summary[key], key
    for category, entry in board.summary["by_category"].items():
        assert entry == {k: summary["by_category"][category][k] for k in entry}
    assert board.summary["referrals"]["open"] == summary["referrals"]["open"]


def test_moderation_a_new_disagreement_and_work_started_count_as_in_the_summary(store):
    from workbench.services import grading
    from workbench.services.demo import create_demo
    from workbench.services.moderation import moderate, moderation_cases

    inspection_id = create_demo(store)
    [waiting] = [c for c in moderation_cases(store, inspection_id) if c.moderation is None]
    moderate(store, inspection_id, waiting.reference, "inadequate", "Agreed on review.")
    with store.sessions() as session:
        graded = session.execute(
            select(Case.id, Assessment.overall_grade).join(Assessment)
            .where(Assessment.status == "graded", Case.id != waiting.case_id)
            .order_by(Case.reference)
        ).all()  # fmt: skip
        fresh = session.scalars(
            select(Case.id).where(~Case.id.in_(select(Assessment.case_id))).order_by(Case.id)
        ).all()
    case_id, first = graded[0]
    other = next(g for g in ("good", "inadequate") if g != first)
    grade(store, case_id, "Sam Second", other)  # a second inspector differs: unresolved
    grading.edit(store, fresh[0], "Sam Second", "rationale", "Started.")
    board = dashboard(store, inspection_id)
    summary = summarise(store, inspection_id)
    _shown_equal_summary(board, summary)
    assert board.awaiting_moderation == summary["overall"]["unresolved"] == 1
    assert board.summary["in_progress"] == summary["in_progress"] >= 1
    sam = next(p for p in board.inspectors if p.inspector == "Sam Second")
    assert (sam.graded, sam.in_progress) == (1, 1)


def test_after_grading_edits_only_the_edited_assessments_are_read_again(store, monkeypatch):
    """Grading (the change the dashboard follows most) reads back only what it edited; the
    figures stay the summary's through new assessments, status changes and a moderation."""
    from workbench.services import dashboard_figures, grading
    from workbench.services.demo import create_demo
    from workbench.services.moderation import moderate, moderation_cases

    inspection_id = create_demo(store)
    dashboard(store, inspection_id)
    with store.sessions() as session:
        fresh = session.scalars(
            select(Case.id).where(~Case.id.in_(select(Assessment.case_id))).order_by(Case.id)
        ).all()
        graded = session.execute(
            select(Case.id, Assessment.overall_grade).join(Assessment)
            .where(Assessment.status == "graded").order_by(Case.reference)
        ).all()  # fmt: skip
    read = []
    real = dashboard_figures._assessment_rows

    def counted(conn, inspection_id, ids=None):
        read.append(ids)
        return real(conn, inspection_id, ids)

    monkeypatch.setattr(dashboard_figures, "_assessment_rows", counted)
    grading.edit(store, fresh[0], "Sam Second", "rationale", "Started.")  # a new one
    _shown_equal_summary(dashboard(store, inspection_id), summarise(store, inspection_id))
    case_id, first = graded[0]
    grade(store, case_id, "Sam Second", next(g for g in ("good", "inadequate") if g != first))
    _shown_equal_summary(dashboard(store, inspection_id), summarise(store, inspection_id))
    if on_server():  # commits may land out of the trail's order: every row read again
        assert read and all(ids is None for ids in read)
    else:
        assert read and all(ids is not None and len(ids) == 1 for ids in read)  # partial
    read.clear()
    [waiting, *_] = [c for c in moderation_cases(store, inspection_id) if c.moderation is None]
    moderate(store, inspection_id, waiting.reference, "good", "Agreed on review.")
    board = dashboard(store, inspection_id)
    assert read == [None]  # a moderation: everything read again
    _shown_equal_summary(board, summarise(store, inspection_id))
