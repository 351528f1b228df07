"""Moderation: the lead compares two inspectors' grades of a case and records the agreed one.

A case is *dual-graded* when at least two inspectors have marked their assessments of it
graded. Where their grades differ (overall, or for any stage) it is listed for moderation,
the assessments side by side stage by stage, with each inspector's prompt answers and
notes. The lead's agreed overall grade, and the agreed grade of any stage, each with its
reason, are kept beside the originals (which are never changed); the summary then counts
the case (and the stage, in ``by_stage``) under that grade instead of ``unresolved``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.engine import Store
from db.models import Assessment, Case, Moderation, StageModeration
from db.types import utcnow
from workbench import audit, fields
from workbench.changes import Topic, publish
from workbench.errors import WorkbenchError
from workbench.identity import require_user_name
from workbench.methodology import Methodology
from workbench.server.retry import retried
from workbench.server.revisions import refuse_stale
from workbench.services.inspections import get_case, get_inspection, methodology_of
from workbench.services.status import GRADED

MAX_REASON = 20_000


@dataclass(frozen=True)
class Grader:
    """One inspector's graded assessment of the case."""

    inspector: str
    overall_grade: str | None
    rationale: str
    graded_at: datetime | None
    stage_grades: dict[str, str | None]
    stage_notes: dict[str, str]
    answers: dict[str, str | None] = field(default_factory=dict)  # prompt id -> answer


@dataclass(frozen=True)
class StageComparison:
    stage_id: str
    name: str
    grades: tuple[str | None, ...]  # in the order of ``ModerationCase.graders``
    differs: bool
    moderation: ModerationRecord | None = None  # the lead's agreed grade for the stage

    @property
    def settled(self) -> bool:
        return not self.differs or self.moderation is not None


@dataclass(frozen=True)
class ModerationRecord:
    grade: str
    reason: str
    moderated_by: str
    moderated_at: datetime


@dataclass(frozen=True)
class ModerationCase:
    case_id: str
    reference: str
    category: str
    category_name: str
    unit: str
    graders: tuple[Grader, ...]
    stages: tuple[StageComparison, ...]
    overall_differs: bool
    moderation: ModerationRecord | None

    @property
    def stages_differ(self) -> bool:
        return any(stage.differs for stage in self.stages)

    @property
    def differs(self) -> bool:
        return self.overall_differs or self.stages_differ

    @property
    def settled(self) -> bool:
        """Every difference moderated: the overall grade (if it differs) and each stage."""
        overall = not self.overall_differs or self.moderation is not None
        return overall and all(stage.settled for stage in self.stages)

    def to_json(self) -> dict[str, Any]:
        moderation = self.moderation
        return {
            "case_id": self.case_id,
            "reference": self.reference,
            "category": self.category,
            "unit": self.unit,
            "overall_differs": self.overall_differs,
            "stages_differ": self.stages_differ,
            "assessments": [
                {
                    "inspector": g.inspector,
                    "overall_grade": g.overall_grade,
                    "rationale": g.rationale,
                }
                for g in self.graders
            ],
            "stages": [
                {
                    "stage_id": s.stage_id,
                    "grades": dict(zip((g.inspector for g in self.graders), s.grades, strict=True)),
                    "differs": s.differs,
                    "moderation": None
                    if s.moderation is None
                    else {"grade": s.moderation.grade, "reason": s.moderation.reason},
                }
                for s in self.stages
            ],
            "moderation": None
            if moderation is None
            else {
                "grade": moderation.grade,
                "reason": moderation.reason,
                "moderated_by": moderation.moderated_by,
                "moderated_at": moderation.moderated_at.isoformat(),
            },
        }


def _grader(assessment: Assessment) -> Grader:
    return Grader(
        assessment.inspector,
        assessment.overall_grade,
        assessment.rationale,
        assessment.graded_at,
        {s.stage_id: s.grade for s in assessment.stages},
        {s.stage_id: s.notes for s in assessment.stages},
        dict(assessment.answers or {}),
    )


def _compare(
    method: Methodology,
    case: Case,
    graded: list[Assessment],
    moderation: Moderation | None,
    stage_rows: dict[str, StageModeration] | None = None,
) -> ModerationCase:
    graders = tuple(_grader(a) for a in sorted(graded, key=lambda a: a.inspector))
    stages = []
    for stage in method.stages_for(case.category):
        grades = tuple(g.stage_grades.get(stage.id) for g in graders)
        row = (stage_rows or {}).get(stage.id)
        record = None if row is None else _record(row)
        stages.append(StageComparison(stage.id, stage.name, grades, len(set(grades)) > 1, record))
    return ModerationCase(
        case.id,
        case.reference,
        case.category,
        method.category(case.category).name,
        case.unit,
        graders,
        tuple(stages),
        len({g.overall_grade for g in graders}) > 1,
        None if moderation is None else _record(moderation),
    )


def _record(row: Moderation | StageModeration) -> ModerationRecord:
    return ModerationRecord(row.grade, row.reason, row.moderated_by, row.moderated_at)


def _dual_graded(session: Session, inspection_id: str) -> dict[str, list[Assessment]]:
    rows = session.scalars(
        select(Assessment)
        .join(Case)
        .where(Case.inspection_id == inspection_id, Assessment.status == GRADED)
        .options(selectinload(Assessment.stages))
    )
    by_case: dict[str, list[Assessment]] = {}
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    return {case_id: rows for case_id, rows in by_case.items() if len(rows) >= 2}


def moderation_cases(
    store: Store, inspection_id: str, *, include_agreed: bool = False, unsettled: bool = False
) -> list[ModerationCase]:
    """Dual-graded cases whose grades differ (the discrepancies; every dual-graded case with
    ``include_agreed``); ``unsettled`` keeps only those with a difference not yet moderated."""
    with store.sessions() as session:
        inspection = get_inspection(session, inspection_id)
        method = methodology_of(inspection)
        dual = _dual_graded(session, inspection.id)
        cases = session.scalars(select(Case).where(Case.id.in_(list(dual)))).all()
        moderations = {
            m.case_id: m
            for m in session.scalars(select(Moderation).where(Moderation.case_id.in_(list(dual))))
        }
        by_stage: dict[str, dict[str, StageModeration]] = {}
        query = select(StageModeration).where(StageModeration.case_id.in_(list(dual)))
        for row in session.scalars(query):
            by_stage.setdefault(row.case_id, {})[row.stage_id] = row
        found = [
            _compare(method, c, dual[c.id], moderations.get(c.id), by_stage.get(c.id))
            for c in cases
        ]
    kept = (c for c in found if (include_agreed or c.differs) and not (unsettled and c.settled))
    return sorted(kept, key=lambda c: c.reference)


def _checked(method: Methodology, grade: str, reason: str) -> tuple[str, str]:
    grade_id = method.parse_grade(grade)
    if grade_id not in method.grade_ids:
        names = ", ".join(method.grade(g).name.lower() for g in method.grade_ids)
        raise WorkbenchError(f"'{grade}' is not a grade a case can be given; use one of {names}.")
    return grade_id, _checked_reason(reason)


def _checked_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise WorkbenchError("Give the reason for the agreed grade (--reason).")
    if len(reason) > MAX_REASON:
        raise WorkbenchError(f"The reason is longer than {MAX_REASON} characters; shorten it.")
    return reason


@retried
def moderate(
    store: Store,
    inspection_id: str,
    case_ref: str,
    grade: str,
    reason: str,
    seen_at: datetime | None = None,
) -> ModerationRecord:
    """Record (or change) the agreed grade of a dual-graded case, with the reason; audited.

    With ``seen_at`` (when the moderation the user read was made), a moderation changed
    since is refused (``StaleEdit``)."""
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        method = methodology_of(inspection)
        grade_id, reason = _checked(method, grade, reason)
        case = _dual_graded_case(session, inspection.id, case_ref)
        row = session.scalars(
            select(Moderation).where(Moderation.case_id == case.id).with_for_update()
        ).first()
        if row is not None:
            what = f"The agreed grade of case {case.reference}"
            refuse_stale(what, row.moderated_by, row.moderated_at, seen_at, row.moderated_at)
        old = {"grade": row.grade, "reason": row.reason} if row else None
        if row is None:
            row = Moderation(case_id=case.id)
            session.add(row)
        elif old == {"grade": grade_id, "reason": reason}:
            return _record(row)
        row.grade, row.reason, row.moderated_by = grade_id, reason, actor
        row.moderated_at = utcnow()
        session.flush()
        audit.record(
            session, actor, "moderate", "moderation", row.id, "grade", old,
            {"case": case.reference, "grade": grade_id, "reason": reason},
        )  # fmt: skip
        record, where = _record(row), {"inspection_id": inspection.id, "case_id": case.id}
    publish(store, Topic.MODERATION, **where)
    return record


def _dual_graded_case(session: Session, inspection_id: str, case_ref: str) -> Case:
    case = get_case(session, inspection_id, case_ref.strip())
    graded = session.scalars(
        select(Assessment.inspector).where(
            Assessment.case_id == case.id, Assessment.status == GRADED
        )
    ).all()
    if len(graded) < 2:
        raise WorkbenchError(
            f"Case {case.reference} has been graded by {len(graded)} inspector(s); "
            "moderation settles a case that two inspectors have graded."
        )
    return case


@retried
def moderate_stage(
    store: Store,
    inspection_id: str,
    case_ref: str,
    stage_id: str,
    grade: str,
    reason: str,
    seen_at: datetime | None = None,
) -> ModerationRecord:
    """Record (or change) the agreed grade of one stage of a dual-graded case; audited.

    A stage may be agreed as not assessed (it did not apply on the facts of the case). With
    ``seen_at`` (when the stage's moderation the user read was made), one changed since is
    refused (``StaleEdit``), as ``moderate`` refuses for the overall grade."""
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        method = methodology_of(inspection)
        case = _dual_graded_case(session, inspection.id, case_ref)
        stages = {s.id: s for s in method.stages_for(case.category)}
        if stage_id not in stages:
            raise WorkbenchError(
                f"'{stage_id}' is not a stage of a {method.category_name(case.category)} case; "
                f"its stages are {', '.join(stages)}."
            )
        grade_id, reason = _checked_stage(method, grade, reason)
        row = session.scalars(
            select(StageModeration)
            .where(StageModeration.case_id == case.id, StageModeration.stage_id == stage_id)
            .with_for_update()
        ).first()
        if row is not None:
            what = f"The agreed grade of {stages[stage_id].name} in case {case.reference}"
            refuse_stale(what, row.moderated_by, row.moderated_at, seen_at, row.moderated_at)
        old = {"grade": row.grade, "reason": row.reason} if row else None
        if row is None:
            row = StageModeration(case_id=case.id, stage_id=stage_id)
            session.add(row)
        elif old == {"grade": grade_id, "reason": reason}:
            return _record(row)  # nothing changed: nothing to tell
        row.grade, row.reason, row.moderated_by = grade_id, reason, actor
        row.moderated_at = utcnow()
        session.flush()
        audit.record(
            session, actor, "moderate", "stage_moderation", row.id, fields.stage_grade(stage_id),
            old, {"case": case.reference, "stage": stage_id, "grade": grade_id, "reason": reason},
        )  # fmt: skip
        record, where = _record(row), {"inspection_id": inspection.id, "case_id": case.id}
    publish(store, Topic.MODERATION, **where)
    return record


def _checked_stage(method: Methodology, grade: str, reason: str) -> tuple[str, str]:
    allowed = (*method.grade_ids, method.not_assessed.id)
    grade_id = method.parse_grade(grade)
    if grade_id not in allowed:
        names = ", ".join(method.grade(g).name.lower() for g in allowed)
        raise WorkbenchError(f"'{grade}' is not a stage grade; use one of {names}.")
    return grade_id, _checked_reason(reason)
