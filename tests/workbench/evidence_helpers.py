"""An inspection whose every prompt and fact answer is known, graded through the grading
service as inspectors would (see ``test_summary_prompts`` for the table of cases)."""

from __future__ import annotations

from datetime import date

from db.engine import Store
from db.models import Case
from workbench.methodology import load_methodology
from workbench.services import grading, referrals
from workbench.services.inspections import create_inspection
from workbench.services.moderation import moderate

GOOD, RI, INAD = "good", "requires_improvement", "inadequate"
METHOD = load_methodology()
CASES = [
    ("K1", "children_in_custody", GOOD),
    ("K2", "children_in_custody", RI),
    ("K3", "children_in_custody", None),
    ("K4", "children_in_custody", None),
    ("M1", "missing_children", RI),
    ("M2", "missing_children", None),
    ("S1", "section_47", INAD),
    ("S2", "section_47", None),
]


def _grade(store: Store, case_id: str, who: str, overall: str, answers: dict[str, str]) -> None:
    for field, answer in answers.items():
        grading.edit(store, case_id, who, field, answer)
    with store.sessions() as session:
        category = session.get(Case, case_id).category
    for stage in METHOD.stages_for(category):
        grading.edit(store, case_id, who, f"stage:{stage.id}:grade", overall)
    grading.edit(store, case_id, who, "overall_grade", overall)
    grading.edit(store, case_id, who, "rationale", f"Graded {overall}.")
    grading.mark_graded(store, case_id, who)


SEEN, KEPT = "prompt:ic.child_seen", "fact:pd.fact_kept_after_charge"
EPISODES = "fact:inv.fact_missing_episodes"


def build_evidence(store: Store) -> str:
    """The inspection's id; ``store``'s user grades and refers."""
    inspection = create_inspection(
        store, force="Testshire Police", title="Prompts", start=date(2026, 3, 2),
        end=date(2026, 3, 27),
    )  # fmt: skip
    ids = {}
    with store.sessions.begin() as session:
        for reference, category, force in CASES:
            row = Case(
                inspection_id=inspection.id, reference=reference, category=category,
                force_grade=force, methodology_version=METHOD.version,
            )  # fmt: skip
            session.add(row)
            session.flush()
            ids[reference] = row.id
    _grade(store, ids["K1"], "Alex", INAD, {SEEN: "no", KEPT: "yes"})
    _grade(store, ids["K2"], "Alex", RI, {SEEN: "partly", KEPT: "yes"})
    _grade(store, ids["K3"], "Alex", GOOD, {SEEN: "yes", KEPT: "no"})
    _grade(store, ids["K4"], "Alex", GOOD, {SEEN: "yes", KEPT: "not_charged"})
    _grade(store, ids["M1"], "Alex", RI, {SEEN: "no", EPISODES: "two_to_four"})
    _grade(store, ids["M1"], "Jo", INAD, {SEEN: "yes", EPISODES: "five_or_more"})
    _grade(store, ids["M2"], "Alex", RI, {SEEN: "partly"})
    _grade(store, ids["M2"], "Jo", RI, {SEEN: "no"})
    grading.edit(store, ids["S1"], "Alex", SEEN, "no")
    _grade(store, ids["S2"], "Alex", GOOD, {SEEN: "yes"})
    moderate(store, inspection.id, "M1", "Inadequate", "The child was never found.")
    for reference in ("K1", "M1", "S1"):
        referrals.raise_referral(store, ids[reference], risk_summary="Risk.", urgency="urgent")
    return inspection.id
