"""Gathering what a report needs from the store, in a few queries.

Every figure comes from ``workbench.services.summary`` (``summary_and_case_frame``, read
once, and ``headline``) so that a report always agrees with the summary; this module adds only the
words behind the figures: each case's details, assessments, moderation and referrals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db.engine import Store
from db.models import Assessment, Case, Moderation
from workbench.identity import require_user_name
from workbench.methodology import Methodology, load_methodology
from workbench.progress import Progress, no_progress
from workbench.services import summary as summary_service
from workbench.services.inspections import get_inspection
from workbench.services.referrals import ReferralRow, list_referrals
from workbench.services.sampling import sample_draws


@dataclass(frozen=True)
class Facts:
    """The inspection as the cover page and the running heads describe it."""

    id: str
    title: str
    force: str
    start: date
    end: date
    marking: str
    fictional: bool
    methodology: str
    interim: str = ""  # "INTERIM: n of N cases graded" until grading and moderation are done


@dataclass(frozen=True)
class StageLine:
    stage_id: str
    name: str
    grade: str | None
    notes: str


@dataclass(frozen=True)
class AssessmentSheet:
    inspector: str
    status: str
    overall_grade: str | None
    rationale: str
    graded_at: datetime | None
    stages: tuple[StageLine, ...]
    revision: int = 0
    answers: dict[str, str] = field(default_factory=dict)  # prompt or fact id -> answer id


@dataclass(frozen=True)
class ModerationNote:
    grade: str
    reason: str
    by: str
    at: datetime


@dataclass
class CaseSheet:
    """One case, everything the annex prints about it."""

    case_id: str
    reference: str
    category: str
    category_name: str
    unit: str
    opened_on: date | None
    closed_on: date | None
    child_ref: str | None
    assigned_to: str | None
    force_grade: str | None
    effective_grade: str | None
    unresolved: bool
    graded: bool
    status: str
    assessments: list[AssessmentSheet] = field(default_factory=list)
    moderation: ModerationNote | None = None
    referrals: list[ReferralRow] = field(default_factory=list)


@dataclass
class ReportData:
    facts: Facts
    method: Methodology
    author: str
    produced: datetime
    summary: dict[str, Any]
    headline: list[str]
    cases: list[CaseSheet]
    referrals: list[ReferralRow]
    draws: list = field(default_factory=list)  # sample draws (services.sampling.DrawRecord)


def _facts(store: Store, inspection_id: str) -> tuple[Facts, Methodology, str]:
    with store.sessions() as session:
        row = get_inspection(session, inspection_id)
        author = require_user_name(session)
        method = load_methodology(row.methodology_id, row.methodology_version)
        facts = Facts(
            id=row.id,
            title=row.title,
            force=row.force,
            start=row.start_date,
            end=row.end_date,
            marking=row.marking,
            fictional=bool(row.fictional),
            methodology=f"{method.name}, version {method.version}",
        )
    return facts, method, author


def _case_rows(store: Store, inspection_id: str) -> dict[str, Case]:
    with store.sessions() as session:
        cases = session.scalars(select(Case).where(Case.inspection_id == inspection_id)).all()
        return {case.id: case for case in cases}


def _assessments(
    store: Store, inspection_id: str, method: Methodology, inspector: str | None, every: bool
) -> dict[str, list[AssessmentSheet]]:
    query = (
        select(Assessment)
        .join(Case, Case.id == Assessment.case_id)
        .where(Case.inspection_id == inspection_id)
        .options(selectinload(Assessment.stages))
        .order_by(Assessment.case_id, Assessment.graded_at, Assessment.inspector)
    )
    if inspector is not None:
        query = query.where(Assessment.inspector == inspector)
    elif not every:
        query = query.where(Assessment.status == summary_service.GRADED)
    order = {stage_id: i for i, stage_id in enumerate(method.stage_ids)}  # unknown ones last
    found: dict[str, list[AssessmentSheet]] = defaultdict(list)
    with store.sessions() as session:
        for row in session.scalars(query):
            stages = sorted(row.stages, key=lambda s: order.get(s.stage_id, len(order)))
            lines = tuple(
                StageLine(s.stage_id, method.stage_name(s.stage_id), s.grade, s.notes)
                for s in stages
            )
            found[row.case_id].append(
                AssessmentSheet(
                    row.inspector,
                    row.status,
                    row.overall_grade,
                    row.rationale,
                    row.graded_at,
                    lines,
                    row.revision,
                    {k: v for k, v in row.answers.items() if v is not None},
                )
            )
    return found


def _moderations(store: Store, inspection_id: str) -> dict[str, ModerationNote]:
    query = (
        select(Moderation)
        .join(Case, Case.id == Moderation.case_id)
        .where(Case.inspection_id == inspection_id)
    )
    with store.sessions() as session:
        return {
            m.case_id: ModerationNote(m.grade, m.reason, m.moderated_by, m.moderated_at)
            for m in session.scalars(query)
        }


def gather(
    store: Store,
    inspection_id: str,
    progress: Progress = no_progress,
    *,
    inspector: str | None = None,
    every_assessment: bool = False,
    produced: datetime | None = None,
) -> ReportData:
    """Everything a report prints: the graded assessments of each case, or with ``inspector``
    only that person's (of any status), or with ``every_assessment`` all of them."""
    progress(0, 4, "Reading the inspection")
    facts, method, author = _facts(store, inspection_id)
    summary, frame = summary_service.summary_and_case_frame(store, facts.id)
    facts = replace(facts, interim=summary.get("interim_label", ""))
    progress(1, 4, "Reading the cases")
    rows = _case_rows(store, facts.id)
    progress(2, 4, "Reading the assessments")
    assessments = _assessments(store, facts.id, method, inspector, every_assessment)
    moderations = _moderations(store, facts.id)
    progress(3, 4, "Reading the referrals")
    referrals = list_referrals(store, facts.id)
    by_case: dict[str, list[ReferralRow]] = defaultdict(list)
    for referral in referrals:
        by_case[referral.case_id].append(referral)
    cases = []
    for record in frame.to_dict("records"):
        row = rows[record["case_id"]]
        cases.append(
            CaseSheet(
                case_id=row.id,
                reference=row.reference,
                category=row.category,
                category_name=method.category_name(row.category),
                unit=row.unit or "",
                opened_on=row.opened_on,
                closed_on=row.closed_on,
                child_ref=row.child_ref,
                assigned_to=row.assigned_to,
                force_grade=record["force_grade"],
                effective_grade=record["effective_grade"],
                unresolved=bool(record["unresolved"]),
                graded=bool(record["graded"]),
                status=record["status"],
                assessments=assessments.get(row.id, []),
                moderation=moderations.get(row.id),
                referrals=by_case.get(row.id, []),
            )
        )
    progress(4, 4, "Read the inspection")
    return ReportData(
        facts=facts,
        method=method,
        author=author,
        produced=produced or datetime.now(UTC),
        summary=summary,
        headline=summary_service.headline(summary),
        cases=cases,
        referrals=referrals,
        draws=sample_draws(store, facts.id),
    )
