"""Whose packs are accepted on which cases, read from the one record of issued kits: a
dual-graded case's second inspector has it in their kit; a case an update kit withdrew
keeps the work done before the withdrawal and refuses work after it; kit list and the
dashboard's out-of-date kits read the same rows."""

from __future__ import annotations

import pytest
from packs_helpers import (
    ANN,
    BOB,
    PASSPHRASE,
    REFERENCES,
    Team,
    grade,
    make_inspector,
    make_lead,
    refused_import,
)

from workbench.packs import export_kit, export_pack, import_packs
from workbench.packs.kit_grants import issued_kits
from workbench.services import grading
from workbench.services.assignment import assign_cases, kit_states


@pytest.fixture
def team(tmp_path) -> Team:
    team = make_lead(tmp_path / "team")
    yield team
    team.lead.close()


def _import(team: Team, path) -> None:
    [outcome] = import_packs(team.lead, [path], PASSPHRASE)
    assert outcome.error is None, outcome.error


def test_a_dual_graded_cases_second_inspector_may_send_their_grades(team: Team) -> None:
    assign_cases(team.lead, team.inspection_id, [REFERENCES[0]], second=BOB)  # Ann's case
    bob = make_inspector(team, BOB, all_cases=False)
    try:
        grade(bob, team.cases[REFERENCES[0]], BOB, "inadequate")
        _import(team, export_pack(bob, team.inspection_id, team.folder / "bob.wbpack").path)
    finally:
        bob.close()
    with team.lead.sessions() as session:
        [kit] = issued_kits(session, team.inspection_id)
    assert (kit.inspector, kit.cases, kit.every_case) == (BOB, 3, False)


def test_a_withdrawn_case_keeps_the_work_before_and_refuses_the_work_after(team: Team) -> None:
    ann = make_inspector(team, ANN, all_cases=False)
    try:
        case = team.cases[REFERENCES[0]]
        grade(ann, case, ANN, "good")
        before = export_pack(ann, team.inspection_id, team.folder / "before.wbpack").path
        # The lead gives the case to Bob and issues Ann an update kit, which withdraws it.
        assign_cases(team.lead, team.inspection_id, [REFERENCES[0]], to=BOB)
        update = export_kit(
            team.lead, team.inspection_id, ANN, team.folder / "ann-2.wbkit", PASSPHRASE
        )
        assert update.withdrawn == 1
        _import(team, before)  # graded before the withdrawal: accepted
        grading.edit(ann, case, ANN, "rationale", "Seen again after the strategy meeting.")
        after = export_pack(ann, team.inspection_id, team.folder / "after.wbpack").path
        reason = str(refused_import(team.lead, after))
    finally:
        ann.close()
    assert f"of case {REFERENCES[0]} was changed at" in reason
    assert f"withdrew the case from {ANN}" in reason
    [state] = kit_states(team.lead, team.inspection_id)  # the same record of kits
    assert (state.inspector, state.out_of_date) == (ANN, False)
    with team.lead.sessions() as session:
        kits = issued_kits(session, team.inspection_id)
    assert [(k.inspector, k.cases) for k in kits] == [(ANN, 2), (ANN, 1)]
