"""What the findings summary is computed from: a few SQL queries and one record per case.

Plain rows and plain Python rather than DataFrames: ``workbench summary`` runs in a fresh
process, where importing pandas would cost more than the whole computation at 10,000 cases.
The rows are fetched through the DB-API cursor (building SQLAlchemy Row objects for 100,000
stage judgements costs more than the rest of the summary put together). ``case_frame`` in
``workbench.services.summary`` turns the records into a DataFrame for the reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from db.engine import Store
from db.models import (
    Assessment,
    Case,
    Inspection,
    Moderation,
    Referral,
    StageJudgement,
    StageModeration,
)
from workbench.methodology import Methodology, load_methodology
from workbench.services.inspections import get_inspection
from workbench.services.plain_rows import rows
from workbench.services.status import GRADED, STATUS_ORDER

_STATUS_BY_RANK = {rank: status for status, rank in STATUS_ORDER.items()}
CASE_COLUMNS = [
    "case_id",
    "reference",
    "category",
    "unit",
    "assigned_to",
    "force_grade",
    "status",
    "inspectors",
    "effective_grade",
    "unresolved",
    "referred",
    "moderated",
    "graded",
]


def inspection_facts(row: Inspection) -> dict[str, Any]:
    """The summary's ``inspection`` entry."""
    return {
        "id": row.id,
        "force": row.force,
        "title": row.title,
        "start_date": row.start_date.isoformat(),
        "end_date": row.end_date.isoformat(),
        "marking": row.marking,
        "methodology_id": row.methodology_id,
        "methodology_version": row.methodology_version,
        "fictional": bool(row.fictional),
    }


@dataclass(slots=True)
class CaseRecord:
    """One case of the summary: its status, effective grade and flags."""

    case_id: str
    reference: str
    category: str
    unit: str
    assigned_to: str | None
    force_grade: str | None
    status: str = "not_started"
    inspectors: list[str] = field(default_factory=list)
    effective_grade: str | None = None
    unresolved: bool = False
    referred: bool = False
    moderated: bool = False
    graded: bool = False
    votes: int = 0  # graded assessments with an overall grade
    kinds: int = 0  # distinct overall grades among them

    @property
    def outcome(self) -> str | None:
        """What a graded case counts as: its effective grade or ``unresolved``."""
        if not self.graded:
            return None
        return "unresolved" if self.unresolved else self.effective_grade

    def row(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in CASE_COLUMNS)


@dataclass
class SummaryData:
    """The inspection's rows, as read for the summary."""

    inspection: dict[str, Any]
    method: Methodology
    cases: list[tuple[str, str, str, str, str | None, str | None]]  # by reference
    # (case_id, inspector, status, overall_grade, answers JSON text), first graded first
    assessments: list[tuple[str, str, str, str | None, Any]]
    stages: list[tuple[str, str, str | None]]  # case_id, stage_id, grade (graded only)
    moderations: dict[str, str]  # case_id -> grade
    referrals: list[tuple[str, str, str]]  # case_id, status, urgency
    stage_moderations: list[tuple[str, str, str]]  # case_id, stage_id, grade

    def graded_assessments(self) -> list[tuple[str, str, str, str | None, Any]]:
        """Graded assessments with an overall grade, in order."""
        return [a for a in self.assessments if a[2] == GRADED and a[3] is not None]


def load(store: Store, inspection_id: str) -> SummaryData:
    with store.sessions() as session:
        row = get_inspection(session, inspection_id)
        conn = session.connection()
        in_inspection = Case.inspection_id == row.id
        cases = rows(
            conn,
            select(Case.id, Case.reference, Case.category, Case.unit, Case.assigned_to,
                   Case.force_grade)
            .where(in_inspection)
            .order_by(Case.reference),
        )  # fmt: skip
        assessments = rows(
            conn,
            select(
                Assessment.id,
                Assessment.case_id,
                Assessment.inspector,
                Assessment.status,
                Assessment.overall_grade,
                Assessment.answers,
            )
            .join(Case, Case.id == Assessment.case_id)
            .where(in_inspection)
            .order_by(
                Assessment.case_id,
                Assessment.graded_at,
                Assessment.created_at,
                Assessment.inspector,
            ),
        )
        graded_case = {a[0]: a[1] for a in assessments if a[3] == GRADED}
        stage_query = select(
            StageJudgement.assessment_id, StageJudgement.stage_id, StageJudgement.grade
        )
        if (session.scalar(select(func.count()).select_from(Inspection)) or 0) > 1:
            # Several inspections: only this one's (one pass over the whole table is several
            # times quicker than the join where the store holds one inspection).
            stage_query = stage_query.join(
                Assessment, Assessment.id == StageJudgement.assessment_id
            ).join(Case, Case.id == Assessment.case_id).where(in_inspection)  # fmt: skip
        stages = [
            (graded_case[assessment_id], stage_id, grade)
            for assessment_id, stage_id, grade in rows(conn, stage_query)
            if assessment_id in graded_case
        ]
        moderations = rows(
            conn,
            select(Moderation.case_id, Moderation.grade)
            .join(Case, Case.id == Moderation.case_id)
            .where(in_inspection),
        )
        referrals = rows(
            conn,
            select(Referral.case_id, Referral.status, Referral.urgency)
            .join(Case, Case.id == Referral.case_id)
            .where(in_inspection),
        )
        stage_moderations = rows(
            conn,
            select(StageModeration.case_id, StageModeration.stage_id, StageModeration.grade)
            .join(Case, Case.id == StageModeration.case_id)
            .where(in_inspection),
        )
        inspection = inspection_facts(row)
    method = load_methodology(inspection["methodology_id"], inspection["methodology_version"])
    return SummaryData(
        inspection,
        method,
        [(c[0], c[1], c[2], c[3] if c[3] is not None else "", c[4], c[5]) for c in cases],
        [a[1:] for a in assessments],
        stages,
        dict(moderations),
        referrals,
        stage_moderations,
    )


def grade_id(method: Methodology, value: object) -> str | None:
    """The force's own grade as a grade id (it may have been stored as a word)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value if value in method.grade_ids else method.parse_grade(value)


def per_case(data: SummaryData) -> list[CaseRecord]:
    """One record per case (by reference) with its status, effective grade and flags."""
    method = data.method
    records = {
        case_id: CaseRecord(case_id, ref, category, unit, assigned, grade_id(method, force))
        for case_id, ref, category, unit, assigned, force in data.cases
    }
    ranks: dict[str, int] = {}
    votes: dict[str, list[str]] = {}
    for case_id, inspector, status, overall, _answers in data.assessments:
        record = records.get(case_id)
        if record is None:
            continue
        record.inspectors.append(inspector)
        ranks[case_id] = max(ranks.get(case_id, 0), STATUS_ORDER.get(status, 0))
        if status == GRADED and overall is not None:
            votes.setdefault(case_id, []).append(overall)
    referred = {case_id for case_id, _status, _urgency in data.referrals}
    for case_id, record in records.items():
        record.status = _STATUS_BY_RANK[ranks.get(case_id, 0)]
        grades = votes.get(case_id, [])
        record.votes, record.kinds = len(grades), len(set(grades))
        moderated = data.moderations.get(case_id)
        record.moderated = moderated is not None
        record.effective_grade = (
            moderated if moderated is not None else (grades[0] if record.kinds == 1 else None)
        )
        record.unresolved = record.kinds > 1 and not record.moderated
        record.referred = case_id in referred
        record.graded = record.votes > 0 or record.moderated
    return list(records.values())
