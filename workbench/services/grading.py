"""Grading a case: one inspector's assessment, edited one field at a time.

Every edit is one short transaction that bumps the assessment's revision and appends its
audit event. Fields are named as strings so the UI, the CLI and the audit trail agree:

- ``overall_grade``, ``rationale``
- ``stage:<stage id>:grade``, ``stage:<stage id>:notes``
- ``prompt:<prompt id>`` (the answer: one of the methodology's answers)
- ``fact:<fact id>`` (an answer from the fact's own answer set)

Prompt and fact answers share the assessment's answer map (their ids never clash). A prompt
or fact that does not apply to the case's category is refused. ``workbench.fields`` builds
and reads these names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.engine import Store
from db.models import Assessment, Case, Inspection, StageJudgement
from db.types import utcnow
from workbench import audit, fields
from workbench.changes import Topic, publish
from workbench.errors import WorkbenchError
from workbench.fields import Field
from workbench.methodology import Methodology
from workbench.server.retry import retried
from workbench.services.grading_locks import locked, refuse_if_stale
from workbench.services.inspections import case_by_id, methodology_of
from workbench.services.status import GRADED, IN_PROGRESS, NOT_STARTED
from workbench.services.status import STATUS_NAMES as STATUS_NAMES  # re-exported

MAX_TEXT = 20_000


@dataclass(frozen=True)
class Problem:
    """Something missing or wrong, next to the field concerned."""

    field: str
    message: str


@dataclass
class GradeCheck:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.problems


class GradingIncomplete(WorkbenchError):
    def __init__(self, check: GradeCheck) -> None:
        self.check = check
        lines = ["This case cannot be marked graded yet:"]
        lines += [f"  - {p.message}" for p in check.problems]
        super().__init__("\n".join(lines))


def methodology_for(session: Session, case: Case) -> Methodology:
    inspection = session.get(Inspection, case.inspection_id)
    assert inspection is not None
    return methodology_of(inspection)


def find_assessment(session: Session, case_id: str, inspector: str) -> Assessment | None:
    return session.scalars(
        select(Assessment)
        .where(Assessment.case_id == case_id, Assessment.inspector == inspector)
        .options(selectinload(Assessment.stages))
    ).first()


def assessment_for(session: Session, case: Case, inspector: str, actor: str) -> Assessment:
    """This inspector's assessment of the case, created (not started) if there is none."""
    found = find_assessment(session, case.id, inspector)
    if found is not None:
        return found
    method = methodology_for(session, case)
    row = Assessment(
        case_id=case.id,
        inspector=inspector,
        status=NOT_STARTED,
        methodology_id=method.id,
        methodology_version=method.version,
        rationale="",
        stages=[],
        answers={},
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "assessment",
        row.id,
        "",
        None,
        {"case": case.reference, "inspector": inspector},
    )
    return row


def _validate(method: Methodology, case: Case, name: str, value: str | None) -> Field:
    """The field ``name`` points at, once its value is one the methodology accepts."""
    if value is not None and not isinstance(value, str):
        raise WorkbenchError(f"The value for {name} must be text.")
    if value is not None and len(value) > MAX_TEXT:
        raise WorkbenchError(f"The text for {name} is longer than {MAX_TEXT} characters.")
    found = fields.parse(name)
    if found.kind == "overall_grade":
        _check_choice(value, method.grade_ids, "a grade")
    elif found.is_stage:
        _check_applies(method, case, found.key)
        if found.kind == "grade":
            _check_choice(value, (*method.grade_ids, method.not_assessed.id), "a stage grade")
    elif found.is_answer:
        _validate_answer(method, case, found.kind, found.key, value)
    return found


def _check_applies(method: Methodology, case: Case, stage_id: str) -> None:
    if stage_id not in {s.id for s in method.stages_for(case.category)}:
        category = method.category(case.category).name
        raise WorkbenchError(f"The stage '{stage_id}' does not apply to a {category} case.")


def _check_choice(value: str | None, allowed: tuple[str, ...], what: str) -> None:
    """``value`` is one of the methodology's ids (or None, for cleared)."""
    if value is not None and value not in allowed:
        raise WorkbenchError(f"'{value}' is not {what}; use {_or(list(allowed))}.")


def _validate_answer(
    method: Methodology, case: Case, kind: str, item_id: str, value: str | None
) -> str | None:
    """An answer to a prompt or fact that applies to this case, from the item's answer set."""
    try:
        item = method.prompt(item_id) if kind == "prompt" else method.fact(item_id)
    except KeyError:
        raise WorkbenchError(f"There is no {kind} '{item_id}' in the methodology.") from None
    if item.stage_id not in {s.id for s in method.stages_for(case.category)}:
        raise WorkbenchError(f"The {kind} '{item_id}' is for a stage that does not apply.")
    if not item.applies_to(case.category):
        category = method.category_name(case.category)
        raise WorkbenchError(f"The {kind} '{item_id}' does not apply to {category} cases.")
    allowed = [a.id for a in item.answers]
    if value is not None and value not in allowed:
        raise WorkbenchError(f"'{value}' is not an answer to '{item_id}'; use {_or(allowed)}.")
    return value


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _current(assessment: Assessment, kind: str, key: str) -> str | None:
    if kind in ("overall_grade", "rationale"):
        current: str | None = getattr(assessment, kind)
        return current
    if kind in fields.ANSWER_KINDS:
        answer: str | None = assessment.answers.get(key)
        return answer
    stage = next((s for s in assessment.stages if s.stage_id == key), None)
    return None if stage is None else getattr(stage, kind)


def _apply(assessment: Assessment, kind: str, key: str, value: str | None) -> None:
    if kind in ("overall_grade", "rationale"):
        setattr(assessment, kind, value if value is not None or kind != "rationale" else "")
    elif kind in fields.ANSWER_KINDS:
        answers = {k: v for k, v in assessment.answers.items() if k != key}
        if value is not None:
            answers[key] = value
        assessment.answers = answers  # a new dict: the column sees the change
    else:
        row = next((s for s in assessment.stages if s.stage_id == key), None)
        if row is None:
            row = StageJudgement(stage_id=key, notes="")
            assessment.stages.append(row)
        setattr(row, kind, value if value is not None or kind != "notes" else "")


def apply_edit(
    session: Session,
    case: Case,
    inspector: str,
    actor: str,
    name: str,
    value: str | None,
    method: Methodology | None = None,
) -> bool:
    """Apply one edit inside the caller's transaction; False when nothing changed."""
    method = method or methodology_for(session, case)
    target = _validate(method, case, name, value)
    kind, key = target.kind, target.key
    cache = session.info.setdefault("assessments", {})
    found = cache.get((case.id, inspector)) or find_assessment(session, case.id, inspector)
    old = _current(found, kind, key) if found is not None else None
    if (old or None) == (value or None):
        return False
    assessment = found or assessment_for(session, case, inspector, actor)
    cache[(case.id, inspector)] = assessment
    _apply(assessment, kind, key, value)
    assessment.revision += 1
    assessment.updated_at = utcnow()
    if assessment.status == NOT_STARTED:
        assessment.status = IN_PROGRESS
    elif assessment.status == GRADED and not check(method, case, assessment).complete:
        assessment.status = IN_PROGRESS
        assessment.graded_at = None
    session.flush()
    audit.record(session, actor, "update", "assessment", assessment.id, name, old, value)
    return True


@retried
def edit(
    store: Store,
    case_id: str,
    inspector: str,
    name: str,
    value: str | None,
    revision: int | None = None,
) -> bool:
    """One grading edit: its own transaction with its audit event. With ``revision`` (the
    one the user read), an assessment changed since is refused (``StaleEdit``)."""
    from workbench.identity import require_user_name

    with store.sessions.begin() as session:
        actor = require_user_name(session)
        case, inspection, assessment = locked(session, case_id, inspector)
        refuse_if_stale(session, case, inspector, assessment, revision)
        method = methodology_of(inspection)
        edited = apply_edit(session, case, inspector, actor, name, value, method)
    if edited:
        publish(store, Topic.ASSESSMENTS, case_id=case_id)
    return edited


def check(method: Methodology, case: Case, assessment: Assessment | None) -> GradeCheck:
    """What is missing before the case can be marked graded, and what looks odd."""
    result = GradeCheck()
    stages = {s.stage_id: s for s in (assessment.stages if assessment else [])}
    grades = []
    for stage in method.stages_for(case.category):
        grade = stages[stage.id].grade if stage.id in stages else None
        if grade is None:
            result.problems.append(
                Problem(fields.stage_grade(stage.id), f"Grade the stage '{stage.name}'.")
            )
        grades.append(grade)
    overall = assessment.overall_grade if assessment else None
    if overall is None:
        result.problems.append(Problem("overall_grade", "Give the case an overall grade."))
    if not (assessment and assessment.rationale.strip()):
        result.problems.append(Problem("rationale", "Write the rationale for the overall grade."))
    worst = method.worst(grades)
    if overall and worst and method.is_better(overall, worst):
        result.warnings.append(
            Problem(
                "overall_grade",
                f"The overall grade ({method.grade(overall).name}) is better than the worst stage "
                f"grade ({method.grade(worst).name}); make sure the rationale explains why.",
            )
        )
    return result


def set_graded_in(session: Session, assessment: Assessment, actor: str) -> bool:
    """Mark a complete assessment graded inside the caller's transaction (the caller has
    run ``check``); False when it already was."""
    if assessment.status == GRADED:
        return False
    old = assessment.status
    assessment.status = GRADED
    assessment.graded_at = utcnow()
    assessment.revision += 1
    assessment.updated_at = assessment.graded_at
    audit.record(session, actor, "update", "assessment", assessment.id, "status", old, GRADED)
    return True


def mark_graded_in(
    session: Session, method: Methodology, case: Case, inspector: str, actor: str
) -> GradeCheck:
    """``mark_graded`` inside the caller's transaction."""
    assessment = find_assessment(session, case.id, inspector)
    result = check(method, case, assessment)
    if not result.complete:
        raise GradingIncomplete(result)
    assert assessment is not None
    set_graded_in(session, assessment, actor)
    return result


@retried
def mark_graded(store: Store, case_id: str, inspector: str) -> GradeCheck:
    """Mark the assessment graded, or raise ``GradingIncomplete`` saying what is missing."""
    from workbench.identity import require_user_name

    with store.sessions.begin() as session:
        actor = require_user_name(session)
        case = case_by_id(session, case_id)
        check = mark_graded_in(session, methodology_for(session, case), case, inspector, actor)
    publish(store, Topic.ASSESSMENTS, case_id=case_id)
    return check


@dataclass
class AssessmentView:
    """A plain snapshot of an assessment, for the UI and reports."""

    id: str | None
    case_id: str
    inspector: str
    status: str
    overall_grade: str | None
    rationale: str
    revision: int
    stage_grades: dict[str, str | None]
    stage_notes: dict[str, str]
    answers: dict[str, str | None]


def status(store: Store, case_id: str, inspector: str) -> str:
    """This inspector's status for the case (one column read: the window asks after each save)."""
    with store.sessions() as session:
        found = session.scalar(
            select(Assessment.status).where(
                Assessment.case_id == case_id, Assessment.inspector == inspector
            )
        )
    return found or NOT_STARTED


def view(store: Store, case_id: str, inspector: str) -> AssessmentView:
    with store.sessions() as session:
        row = find_assessment(session, case_id, inspector)
        if row is None:
            return AssessmentView(None, case_id, inspector, NOT_STARTED, None, "", 0, {}, {}, {})
        return AssessmentView(
            row.id,
            case_id,
            inspector,
            row.status,
            row.overall_grade,
            row.rationale,
            row.revision,
            {s.stage_id: s.grade for s in row.stages},
            {s.stage_id: s.notes for s in row.stages},
            dict(row.answers),
        )
