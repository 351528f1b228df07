"""Who grades what: assignment in bulk, balancing, blind dual grading, and kits that follow the
assignment (out of date when it changes; an update kit adds and withdraws cases in a real
inspector's store without losing what was graded there)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from packs_helpers import ANN, BOB, LEAD, PASSPHRASE, REFERENCES, Team, grade, make_lead, new_store
from sqlalchemy import select

from db.engine import Store
from db.models import Assessment, AuditEvent, Case
from workbench.errors import WorkbenchError
from workbench.packs import KitImport, export_kit, import_kit
from workbench.services import grading
from workbench.services.assignment import (
    assign_cases,
    balance_cases,
    choose_dual,
    kit_states,
)
from workbench.services.caselist import case_detail
from workbench.services.dashboard import dashboard

CAL = "Cal Carter"


@pytest.fixture
def team(tmp_path: Path) -> Team:
    made = make_lead(tmp_path / "team")
    yield made
    made.lead.close()


def _assigned(store: Store) -> dict[str, tuple[str | None, str | None]]:
    with store.sessions() as session:
        rows = session.execute(
            select(Case.reference, Case.assigned_to, Case.second_inspector)
        ).all()
    return {ref: (first, second) for ref, first, second in rows}


def test_bulk_assignment_and_reassignment_are_audited_case_by_case(team: Team):
    result = assign_cases(team.lead, team.inspection_id, list(REFERENCES), to=CAL)
    assert (result.changed, result.unchanged) == (4, 0)
    again = assign_cases(team.lead, team.inspection_id, list(REFERENCES[:2]), to=CAL)
    assert (again.changed, again.unchanged) == (0, 2)
    assign_cases(team.lead, team.inspection_id, [REFERENCES[0]], to=ANN)

    assert _assigned(team.lead)[REFERENCES[0]] == (ANN, None)
    assert {first for first, _ in _assigned(team.lead).values()} == {ANN, CAL}
    with team.lead.sessions() as session:
        events = session.execute(
            select(AuditEvent.entity_id, AuditEvent.old_value, AuditEvent.new_value).where(
                AuditEvent.entity == "case", AuditEvent.field == "assigned_to"
            )
        ).all()
    assert len(events) == 5
    assert (team.cases[REFERENCES[0]], CAL, ANN) in events


def test_balance_by_count_and_by_category(team: Team):
    balance_cases(team.lead, team.inspection_id, [ANN, BOB, CAL], references=list(REFERENCES))
    counts = Counter(first for first, _ in _assigned(team.lead).values())
    assert sorted(counts.values()) == [1, 1, 2]

    with team.lead.sessions.begin() as session:
        for case in session.scalars(select(Case)):
            case.assigned_to = None
            case.category = "cse" if case.reference in REFERENCES[:2] else "section_47"
    balance_cases(team.lead, team.inspection_id, [ANN, BOB], by="category")
    with team.lead.sessions() as session:
        pairs = Counter(session.execute(select(Case.category, Case.assigned_to)).all())
    assert pairs == {("cse", ANN): 1, ("cse", BOB): 1, ("section_47", ANN): 1,
                     ("section_47", BOB): 1}  # fmt: skip


def test_dual_grading_draws_a_share_reproducibly_and_never_the_first_inspector(
    tmp_path: Path,
):
    chosen = []
    for run in range(2):
        made = make_lead(tmp_path / f"dual-{run}")
        result = choose_dual(made.lead, made.inspection_id, 0.5, "seed-1", [ANN, BOB])
        assert result.changed == 2
        chosen.append(_assigned(made.lead))
        made.lead.close()
    assert chosen[0] == chosen[1]
    pairs = [pair for pair in chosen[0].values() if pair[1]]
    assert len(pairs) == 2 and all(first != second for first, second in pairs)


def test_blind_dual_grading_hides_the_other_grade_until_both_are_graded(team: Team):
    case_id = team.cases[REFERENCES[0]]  # Ann's
    assign_cases(team.lead, team.inspection_id, [REFERENCES[0]], second=BOB)
    grade(team.lead, case_id, ANN, "good")
    grading.edit(team.lead, case_id, BOB, "overall_grade", "inadequate")

    [ann_seen_by_bob] = case_detail(team.lead, case_id, inspector=BOB).others
    assert ann_seen_by_bob.overall_grade is None and ann_seen_by_bob.hidden
    [bob_seen_by_ann] = case_detail(team.lead, case_id, inspector=ANN).others
    assert bob_seen_by_ann.overall_grade is None and bob_seen_by_ann.hidden
    # The lead grades neither and sees both.
    lead_view = case_detail(team.lead, case_id, inspector=LEAD).others
    assert {o.inspector: o.overall_grade for o in lead_view} == {ANN: "good", BOB: "inadequate"}

    grade(team.lead, case_id, BOB, "inadequate")
    [ann_now] = case_detail(team.lead, case_id, inspector=BOB).others
    assert (ann_now.overall_grade, ann_now.hidden) == ("good", False)


def test_second_refusals_leave_the_assignment_alone(team: Team):
    before = _assigned(team.lead)
    with pytest.raises(WorkbenchError, match="graded twice by Ann Able"):
        assign_cases(team.lead, team.inspection_id, list(REFERENCES), second=ANN)
    with pytest.raises(WorkbenchError, match="MPS-NOPE"):
        assign_cases(team.lead, team.inspection_id, [REFERENCES[0], "MPS-NOPE"], to=CAL)
    assert _assigned(team.lead) == before


def _open(store: Store, team: Team, name: str) -> tuple[int, int, KitImport]:
    path = team.folder / f"{name.split()[0]}-{len(kit_states(team.lead, team.inspection_id))}"
    kit = export_kit(team.lead, team.inspection_id, name, path, PASSPHRASE)
    opened = import_kit(store, path, kit.code)
    return kit.cases, kit.withdrawn, opened


def test_an_update_kit_adds_and_withdraws_cases_and_keeps_the_graded_work(team: Team):
    ann = new_store(team.folder / "ann.sqlite", None)
    cases, withdrawn, _ = _open(ann, team, ANN)
    assert (cases, withdrawn) == (2, 0)
    assert kit_states(team.lead, team.inspection_id)[0].out_of_date is False
    kept = team.cases[REFERENCES[1]]
    grade(ann, kept, ANN, "requires_improvement")
    grading.edit(ann, team.cases[REFERENCES[0]], ANN, "rationale", "Started: strategy meeting.")

    # The lead moves Ann's first case to Bob and gives Ann one of Bob's.
    result = assign_cases(team.lead, team.inspection_id, [REFERENCES[0]], to=BOB)
    assert result.kits_out_of_date == (ANN,)
    assign_cases(team.lead, team.inspection_id, [REFERENCES[2]], to=ANN)
    [state] = kit_states(team.lead, team.inspection_id)
    assert (state.out_of_date, state.to_add, state.to_withdraw) == (True, 1, 1)
    assert dashboard(team.lead, team.inspection_id).kits == (state,)

    cases, withdrawn, opened = _open(ann, team, ANN)
    assert (cases, withdrawn) == (2, 1)
    assert (opened.cases_added, opened.cases_updated) == (1, 1)
    assert kit_states(team.lead, team.inspection_id)[0].out_of_date is False
    mine = {ref for ref, (first, _) in _assigned(ann).items() if first == ANN}
    assert mine == {REFERENCES[1], REFERENCES[2]}
    assert _assigned(ann)[REFERENCES[0]] == (None, None)
    with ann.sessions() as session:
        work = {
            a.case_id: (a.status, a.overall_grade, a.rationale)
            for a in session.scalars(select(Assessment))
        }
    status, overall, rationale = work[kept]
    assert (status, overall) == ("graded", "requires_improvement")
    assert rationale == "The strategy discussion was timely and the plan was followed."
    assert work[team.cases[REFERENCES[0]]][2] == "Started: strategy meeting."
    ann.close()


def test_a_second_inspectors_kit_shows_the_case_as_theirs_without_the_first(team: Team):
    assign_cases(team.lead, team.inspection_id, [REFERENCES[0]], second=BOB)
    bob = new_store(team.folder / "bob.sqlite", None)
    cases, _, _ = _open(bob, team, BOB)
    assert cases == 3
    assert _assigned(bob)[REFERENCES[0]] == (BOB, None)
    with team.lead.sessions() as session:
        issued = session.scalars(select(AuditEvent.new_value).where(
            AuditEvent.action == "issue_kit")).all()  # fmt: skip
    assert json.loads(issued[-1])["cases"] == 3
    bob.close()
