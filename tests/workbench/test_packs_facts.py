"""Case facts travel in a findings pack beside prompt answers, checked against their own
answer sets when the lead imports them."""

from __future__ import annotations

from pathlib import Path

from packs_helpers import ANN, PASSPHRASE, REFERENCES, grade, make_inspector, make_lead

from workbench.packs import export_pack, import_packs
from workbench.services import grading


def test_fact_answers_reach_the_lead(tmp_path: Path) -> None:
    team = make_lead(tmp_path)
    ann = make_inspector(team, ANN, all_cases=False)
    case = team.cases[REFERENCES[0]]
    grading.edit(ann, case, ANN, "prompt:ah.strategy_discussion", "partly")
    grading.edit(ann, case, ANN, "fact:ah.fact_strategy_discussion_held", "not_known")
    grade(ann, case, ANN, "requires_improvement")
    path = export_pack(ann, team.inspection_id, tmp_path / "ann.wbpack").path
    [outcome] = import_packs(team.lead, [path], PASSPHRASE)
    assert outcome.error is None
    assert grading.view(team.lead, case, ANN).answers == {
        "ah.strategy_discussion": "partly",
        "ah.fact_strategy_discussion_held": "not_known",
    }
