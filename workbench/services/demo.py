"""A fictional demonstration inspection, so a new user can see every view with data in it.

Everything here is invented: the force, its boroughs, the inspectors other than the store's
own user, and the children (described only by age, never by name). The inspection is marked
``fictional`` and says so in its force and title. The same seed always gives the same cases.

Grading goes through ``grading.apply_edit`` like any other edit, so the assessments, their
revisions and the audit trail are what real use would leave behind. The whole demonstration
is written in one transaction: it appears completely or not at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Store
from db.models import Assessment, Case, Inspection
from db.types import utcnow
from workbench import audit, fields
from workbench.audit_cases import record_cases
from workbench.changes import Topic, publish
from workbench.identity import require_user_name
from workbench.methodology import Methodology, load_methodology
from workbench.packs.keys import create_inspection_keys_in
from workbench.progress import Progress, no_progress
from workbench.services.demo_followup import add_demo_followup
from workbench.services.grading import apply_edit, find_assessment, mark_graded_in
from workbench.services.inspections import create_inspection_in
from workbench.services.referrals import add_response_in, raise_referral_in

SEED = 20261102
FORCE = "Northshire Police (fictional)"
TITLE = "Demonstration: child protection inspection (fictional data)"
START, END = date(2026, 11, 2), date(2026, 11, 20)
UNITS = (
    "North borough",
    "South borough",
    "East borough",
    "West borough",
    "Central borough",
    "Child abuse investigation team",
)
OTHER_INSPECTORS = ("Jo Marsh", "Sam Adeyemi", "Chris Lowe")
# How many cases of each category the sample holds (60 in all).
SAMPLE = {
    "section_47": 12,
    "missing_children": 10,
    "cse": 7,
    "online_abuse": 7,
    "domestic_abuse": 8,
    "police_protection": 5,
    "children_in_custody": 6,
    "rso_management": 5,
}
GRADED_GRADES = ["good"] * 10 + ["requires_improvement"] * 20 + ["inadequate"] * 10
IN_PROGRESS_CASES = 8
DUAL_AGREE, DUAL_DISAGREE = 2, 1
# The demonstration's key pair is sealed under a passphrase everyone may know, so that Issue
# kit and Export pack can be tried on it; the demo's notice states it.
DEMO_PASSPHRASE = "demonstration only"
PASSPHRASE_NOTE = (
    f"Its key's passphrase, for issuing kits and importing packs, is '{DEMO_PASSPHRASE}'."
)


@dataclass
class _Plan:
    """One demonstration case: who grades it and how far they have got."""

    case: Case
    child: str
    grade: str | None  # the overall grade, when graded
    stages_done: int  # for cases in progress


def create_demo(store: Store, progress: Progress = no_progress) -> str:
    """Create the fictional demonstration inspection and return its id."""
    method = load_methodology()
    rng = random.Random(SEED)
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspectors = [actor, *[n for n in OTHER_INSPECTORS if n != actor][:2]]
        inspection = _inspection(session, method, actor)
        create_inspection_keys_in(session, inspection, DEMO_PASSPHRASE, actor)
        plans = _cases(session, method, inspection, inspectors, rng)
        total = len(plans)
        for done, plan in enumerate(plans, start=1):
            _grade(session, method, plan, plan.case.assigned_to or actor, actor, rng)
            progress(done, total, f"Writing demonstration case {plan.case.reference}")
        _dual_grade(session, method, plans, inspectors, actor, rng)
        _referrals(session, method, plans, actor)
        _graded_during_fieldwork(session, inspection)
        inspection_id = inspection.id
    add_demo_followup(store, inspection_id)  # recommendations, action plans and two quarters
    publish(store, Topic.INSPECTIONS, inspection_id=inspection_id)
    return inspection_id


def _graded_during_fieldwork(session: Session, inspection: Inspection) -> None:
    """Date the demonstration's gradings over its first fieldwork days, as if done then, so
    the dashboard's progress per day has something to show."""
    query = (
        select(Assessment)
        .join(Case)
        .where(Case.inspection_id == inspection.id, Assessment.graded_at.is_not(None))
        .order_by(Case.reference, Assessment.inspector)
    )
    for number, row in enumerate(session.scalars(query)):
        row.graded_at = _moment(START + timedelta(days=number * 9 // 43), 9 + number % 8)


def _inspection(session: Session, method: Methodology, actor: str) -> Inspection:
    return create_inspection_in(
        session, actor, force=FORCE, title=TITLE, start=START, end=END, method=method,
        fictional=True,
    )  # fmt: skip


def _cases(
    session: Session,
    method: Methodology,
    inspection: Inspection,
    inspectors: list[str],
    rng: random.Random,
) -> list[_Plan]:
    categories = [c for c, n in SAMPLE.items() for _ in range(n)]
    rng.shuffle(categories)
    outcomes: list[str | None] = [*GRADED_GRADES, *["in_progress"] * IN_PROGRESS_CASES]
    outcomes += [None] * (len(categories) - len(outcomes))
    rng.shuffle(outcomes)
    plans = []
    for number, (category, outcome) in enumerate(zip(categories, outcomes, strict=True), 1):
        opened = date(2024, 1, 8) + timedelta(days=rng.randrange(330))
        closed = opened + timedelta(days=rng.randrange(20, 200)) if rng.random() < 0.6 else None
        grade = None if outcome in (None, "in_progress") else outcome
        case = Case(
            inspection_id=inspection.id,
            reference=f"NS/24/{number:04d}",
            category=category,
            unit=rng.choice(UNITS),
            opened_on=opened,
            closed_on=closed,
            child_ref=f"NS-C{number:04d}",
            force_grade=_force_grade(grade, rng) if rng.random() < 0.5 else None,
            assigned_to=inspectors[number % len(inspectors)],
            methodology_version=method.version,
        )
        stages_done = rng.randint(1, 3) if outcome == "in_progress" else 0
        plans.append(_Plan(case, _child(category, rng), grade, stages_done))
    session.add_all([p.case for p in plans])
    session.flush()
    audit.record(
        session,
        inspectors[0],
        "import",
        "inspection",
        inspection.id,
        "cases",
        None,
        {"source": "fictional demonstration", "count": len(plans), "in_trail": True},
    )
    record_cases(session, inspectors[0], inspection.id, "import", [p.case for p in plans])
    return plans


def _force_grade(ours: str | None, rng: random.Random) -> str:
    """Forces grade their own work more kindly than inspectors do, as the report found."""
    if ours == "inadequate":
        return rng.choice(["requires_improvement", "requires_improvement", "inadequate"])
    return rng.choice(["good", "good", "requires_improvement"])


def _stage_grades(method: Methodology, category: str, overall: str, rng: random.Random) -> dict:
    """Stage grades consistent with the overall grade: none better, at least one equal."""
    stages = [s.id for s in method.stages_for(category)]
    scale = list(method.grade_ids)
    worst = scale.index(overall)
    grades = {s: scale[rng.randint(max(0, worst - 1), worst)] for s in stages}
    grades[rng.choice(stages)] = overall
    return grades


def _grade(
    session: Session,
    method: Methodology,
    plan: _Plan,
    inspector: str,
    actor: str,
    rng: random.Random,
    grades: dict[str, str] | None = None,
) -> None:
    case = plan.case
    if plan.grade is None and not plan.stages_done:
        return
    if grades is None:
        grades = _stage_grades(method, case.category, plan.grade or "requires_improvement", rng)
    if plan.grade == "good" and "investigation" in grades and rng.random() < 0.4:
        grades["investigation"] = method.not_assessed.id
    stages = list(grades.items())
    if plan.grade is None:
        stages = stages[: plan.stages_done]

    def edit(name: str, value: str) -> None:
        apply_edit(session, case, inspector, actor, name, value, method)

    for stage_id, grade in stages:
        edit(fields.stage_grade(stage_id), grade)
        edit(fields.stage_notes(stage_id), _stage_note(stage_id, grade, plan.child))
        for field, answer in _answers(method, stage_id, case, grade):
            edit(field, answer)
    if plan.grade is None:
        return
    worst = method.worst(grades.values()) or plan.grade
    rationale = _rationale(plan.grade, method.stage(_worst_stage(grades, worst)).name, plan)
    edit("overall_grade", plan.grade)
    edit("rationale", rationale)
    mark_graded_in(session, method, case, inspector, actor)


def _worst_stage(grades: dict[str, str], worst: str) -> str:
    return next(stage for stage, grade in grades.items() if grade == worst)


def _dual_grade(
    session: Session,
    method: Methodology,
    plans: list[_Plan],
    inspectors: list[str],
    actor: str,
    rng: random.Random,
) -> None:
    """A second inspector grades a few cases: most agree, one does not (for moderation)."""
    candidates = [p for p in plans if p.grade == "requires_improvement"]
    for index, plan in enumerate(candidates[: DUAL_AGREE + DUAL_DISAGREE]):
        first = plan.case.assigned_to
        second = next(name for name in inspectors if name != first)
        graded = find_assessment(session, plan.case.id, first)
        assert graded is not None
        grades = {s.stage_id: s.grade for s in graded.stages}
        if index >= DUAL_AGREE:
            worst_stage = _worst_stage(grades, plan.grade or "")
            grades[worst_stage] = "inadequate"
            plan = _Plan(plan.case, plan.child, "inadequate", 0)
        _grade(session, method, plan, second, actor, rng, grades)


def _referrals(session: Session, method: Methodology, plans: list[_Plan], actor: str) -> None:
    """Refer the worst cases back to the force; the force has answered some, closed two."""
    worst = [p for p in plans if p.grade == "inadequate"]
    worst += [p for p in plans if p.grade == "requires_improvement"]
    seen: set[str] = set()
    for number, (plan, spec) in enumerate(zip(worst, REFERRALS, strict=False)):
        referred_at = _moment(START + timedelta(days=2 + 2 * number), 10)
        referral = raise_referral_in(
            session,
            plan.case,
            actor,
            risk_summary=_risk_summary(plan.case.category, plan.child, seen),
            urgency=spec.urgency,
            referred_to=REFERRED_TO,
            referred_at=referred_at,
        )
        for days, response, note in spec.responses:
            when = _moment(referred_at.date() + timedelta(days=days), 15)
            add_response_in(session, referral, actor, response, note, when)


def _moment(day: date, hour: int) -> datetime:
    """A moment during fieldwork, never in the future (referral dates may not be)."""
    return min(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), utcnow())


# --- The words: short notes in an inspector's voice about fictional children. ---------------

REFERRED_TO = "Detective Superintendent, Public Protection, Northshire Police (fictional)"
AGES = {
    "section_47": (3, 15),
    "missing_children": (12, 16),
    "cse": (13, 16),
    "online_abuse": (10, 15),
    "domestic_abuse": (2, 12),
    "police_protection": (1, 10),
    "children_in_custody": (14, 17),
    "rso_management": (4, 12),
}
NOTES = {
    "initial_contact": (
        "Officers attended within the hour, saw {child} alone and recorded what they said. "
        "Risks to siblings were considered and a Merlin was submitted the same day.",
        "Prompt attendance and {child} was seen, but not spoken to alone. The Merlin went in "
        "four days later and risks to the other children in the home were not recorded.",
        "The call was given a scheduled appointment despite earlier reports on the system. "
        "{child} was not seen for three days and no Merlin was submitted.",
    ),
    "assessment_and_help": (
        "Strategy discussion the next day with children's social care; the police decisions and "
        "actions are on the crime report. Checks on the family and associates were completed.",
        "A strategy discussion was held but the police decisions were not recorded on the crime "
        "system. Research on the mother's new partner was never completed.",
        "No strategy discussion despite clear signs of significant harm. Information was not "
        "shared with children's social care for eleven days and no research was done.",
    ),
    "investigation": (
        "Allocated to an experienced investigator. Joint visit with the social worker as agreed, "
        "interview of {child} within a week and digital evidence secured promptly.",
        "The investigation moved on, but CCTV and house-to-house enquiries waited for the second "
        "supervisory review and the suspect was interviewed five weeks after the report.",
        "Little happened for six weeks. The suspect was not traced or interviewed before the "
        "case was closed and the phone of {child} was never examined.",
    ),
    "decision_making": (
        "Regular supervisory reviews set clear actions and timescales. The outcome was well "
        "reasoned and recorded, and {child} was left safer.",
        "Supervisors reviewed the case but did not say what further work was needed; bail "
        "conditions did not consider contact with the younger sibling.",
        "Closed with agreed actions outstanding. No supervisory review for two months and no "
        "recorded reason for releasing the suspect without conditions.",
    ),
    "trusted_adult": (
        "Officers kept {child} and the family informed throughout and referred them to "
        "specialist support. The child's wishes shaped the plan.",
        "The wishes of {child} were recorded, but the family heard nothing for five weeks and "
        "there was no referral for support.",
        "The record describes {child} as 'putting themselves at risk'. No one kept them "
        "informed and no support was offered.",
    ),
    "managing_risk": (
        "The offender's risk assessment was current and on ViSOR; local officers knew of him "
        "and his access to children was shared with social care.",
        "Visits were made but the risk assessment was four months overdue. Access to his "
        "partner's children was identified but not yet shared with social care.",
        "The offender had not been visited for over a year and local officers did not know of "
        "him. His contact with children in the household was never identified.",
    ),
    "police_detention": (
        "Detention was short; an appropriate adult arrived within two hours and a Merlin was "
        "submitted. {child} was released to a relative with support arranged.",
        "An appropriate adult attended, but only after six hours, and the custody record does "
        "not say why {child} was kept after charge.",
        "{child} was held overnight after charge; no local authority accommodation was asked "
        "for and no reason was recorded.",
    ),
}
NOT_ASSESSED_NOTE = "Not assessed: no offence was disclosed, so there was no investigation."
PROMPTS = {
    "initial_contact": ("ic.child_seen", "ic.wider_risks"),
    "assessment_and_help": ("ah.strategy_discussion", "ah.intelligence_research"),
    "investigation": ("inv.evidence_secured", "inv.joint_visit"),
    "decision_making": ("dm.supervisor_review", "dm.outcome_appropriate"),
    "trusted_adult": ("ta.child_listened_to", "ta.kept_informed"),
    "managing_risk": ("mr.risk_assessment", "mr.access_to_children"),
    "police_detention": ("pd.appropriate_adult", "pd.transfer_after_charge"),
}
EXTRA_PROMPTS = {
    ("missing_children", "initial_contact"): "ic.missing_category",
    ("missing_children", "assessment_and_help"): "ah.repeat_missing_linked",
    ("cse", "assessment_and_help"): "ah.repeat_missing_linked",
    ("online_abuse", "investigation"): "inv.devices_triaged",
}
ANSWERS = {
    "good": ("yes", "yes"),
    "requires_improvement": ("partly", "yes"),
    "inadequate": ("no", "partly"),
}
RATIONALES = {
    "good": "The police response kept {child} safe from first contact to closure. Every stage "
    "was handled well, supervision was active and the child's voice was heard throughout.",
    "requires_improvement": "{child} was safeguarded in the end, but weaknesses in {stage} "
    "meant chances to reduce the risk sooner were missed. No stage was inadequate.",
    "inadequate": "{child} was left at continued risk. The failings in {stage} were serious "
    "and supervisors did not pick them up, so the case as a whole is inadequate.",
}
RISK_AGAIN = (
    "A second report about {child} has come in since the case was closed, and no one has "
    "linked it to the first or told children's social care."
)
RISKS = {
    "section_47": "{child} has not been seen since the report of bruising and the case was "
    "closed with the strategy discussion actions outstanding.",
    "missing_children": "{child} has been missing six times in two months and is believed to "
    "be with older men; there is no trigger plan and the case is closed.",
    "cse": "{child} is still in contact with the adult suspected of exploiting them; no "
    "disruption or abduction warning notice has been considered.",
    "online_abuse": "The suspect has unsupervised contact with his partner's children; his "
    "devices have not been examined and social care have not been told.",
    "domestic_abuse": "The perpetrator was released without conditions and is back in the home "
    "with {child} and two siblings; no protection notice was considered.",
    "police_protection": "{child} was returned to the same address within a day and no one has "
    "checked on the child since; the strategy discussion never took place.",
    "children_in_custody": "{child} shows continuing signs of criminal exploitation and was "
    "released with no referral to children's social care.",
    "rso_management": "The offender has not been visited for fourteen months and is believed "
    "to be living with a family that includes {child}.",
}


@dataclass(frozen=True)
class _ReferralSpec:
    urgency: str
    responses: tuple[tuple[int, str, str], ...]  # (days after referral, response id, note)


REFERRALS = (
    _ReferralSpec(
        "immediate",
        (
            (0, "acknowledged", "Duty inspector acknowledged by telephone."),
            (1, "safeguarding_action", "Child seen at home by officers and a social worker."),
            (6, "closed", "Strategy discussion held; the child is now on a protection plan."),
        ),
    ),
    _ReferralSpec(
        "urgent",
        (
            (1, "acknowledged", ""),
            (3, "case_reopened", "Investigation reopened and given to a detective sergeant."),
            (9, "closed", "Suspect arrested; bail conditions prevent contact with children."),
        ),
    ),
    _ReferralSpec(
        "urgent",
        (
            (2, "acknowledged", ""),
            (5, "returned_to_officer", "Returned to the officer with the supervisor's actions."),
        ),
    ),
    _ReferralSpec("immediate", ((0, "acknowledged", "Passed to the duty detective inspector."),)),
    _ReferralSpec("routine", ()),
    _ReferralSpec("urgent", ()),
)


def _child(category: str, rng: random.Random) -> str:
    low, high = AGES.get(category, (5, 15))
    noun = rng.choice(("girl", "boy"))
    return f"the {rng.randint(low, high)}-year-old {noun}"


def _sentence(template: str, **words: str) -> str:
    """Fill a template, capitalising a description that starts a sentence."""
    filled = template.format(**words)
    return filled[0].upper() + filled[1:]


def _stage_note(stage_id: str, grade: str, child: str) -> str:
    if grade not in ANSWERS:
        return NOT_ASSESSED_NOTE
    template = NOTES[stage_id][list(ANSWERS).index(grade)]
    return _sentence(template, child=child)


def _answers(method: Methodology, stage_id: str, case: Case, grade: str) -> list[tuple[str, str]]:
    """The prompt answers (field, answer) that fit the stage grade, and the stage's facts:
    a shortfall in inadequate stages, in some stages that require improvement, else none."""
    if grade not in ANSWERS:
        return []
    pairs = list(zip(PROMPTS[stage_id], ANSWERS[grade], strict=True))
    extra = EXTRA_PROMPTS.get((case.category, stage_id))
    if extra:
        pairs.append((extra, ANSWERS[grade][0]))
    applies = {p.id for p in method.prompts_for(case.category, stage_id)}
    chosen = [(fields.prompt_answer(p), answer) for p, answer in pairs if p in applies]
    short = grade == "inadequate" or (grade != "good" and sum(map(ord, case.reference)) % 3 == 0)
    for fact in method.facts_for(case.category, stage_id):
        wanted = [a.id for a in fact.answers if a.counted and a.shortfall == short]
        if wanted:
            chosen.append((fields.fact_answer(fact.id), wanted[0]))
    return chosen


def _rationale(grade: str, stage_name: str, plan: _Plan) -> str:
    return _sentence(RATIONALES[grade], child=plan.child, stage=stage_name.lower())


def _risk_summary(category: str, child: str, seen: set[str]) -> str:
    """The risk in a case of this category; a different wording for a repeated category."""
    template = RISK_AGAIN if category in seen else RISKS[category]
    seen.add(category)
    return _sentence(template, child=child)
