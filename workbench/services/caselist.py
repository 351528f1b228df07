"""Read-only views of an inspection's cases for the case list and the grading panel.

Plain Python (no Qt). ``case_rows`` answers with one plain row per case in a few SQL
queries (cases, assessments, referral counts, moderated grades) that select columns, never
ORM objects, and run through the session's connection, which skips the ORM's row handling:
10,000 cases take well under a tenth of a second. The UI filters and sorts those rows
itself rather than asking the database again.

Whose grade a row shows: with ``inspector`` given, that inspector's own assessment;
without, the team's view of the case — the lead's moderated grade if there is one, else
the most advanced assessment (graded before in progress), and ``grades_differ`` when two
inspectors graded the case differently and nobody has moderated it yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from db.engine import Store
from db.models import Assessment, Case, Inspection, Moderation, Referral
from workbench.errors import NotFoundError
from workbench.methodology import Methodology, load_methodology
from workbench.services.caselist_rows import (
    CaseRow as CaseRow,
)
from workbench.services.caselist_rows import (
    build_rows,
    group_assessments,
    referral_counts,
)
from workbench.services.inspections import case_by_id, methodology_of
from workbench.services.plain_rows import rows as plain_rows
from workbench.services.status import GRADED


@dataclass(frozen=True)
class OtherAssessment:
    """Another inspector's assessment of the same case (dual grading)."""

    inspector: str
    status: str
    overall_grade: str | None
    hidden: bool = False  # blind dual grading: not shown until both have graded


@dataclass(frozen=True)
class CaseDetail:
    """What the grading panel's header shows about a case."""

    id: str
    inspection_id: str
    reference: str
    category: str
    category_name: str
    unit: str
    opened_on: date | None
    closed_on: date | None
    child_ref: str | None
    force_grade: str | None
    assigned_to: str | None
    methodology_id: str
    stage_ids: tuple[str, ...]
    referrals: int = 0
    open_referrals: int = 0
    moderated_grade: str | None = None
    others: tuple[OtherAssessment, ...] = field(default_factory=tuple)


def _methodology(session: Session, inspection_id: str) -> Methodology:
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFoundError(f"No inspection with id '{inspection_id}' in this store.")
    return methodology_of(inspection)


def _columns(session: Session, query: Select) -> list[tuple[Any, ...]]:
    """Plain rows of ``query``'s columns, from the DB-API cursor (no result processing)."""
    return plain_rows(session.connection(), query)


def _referral_counts(session: Session, where) -> dict[str, tuple[int, int]]:
    """case id -> (referrals, open referrals) for the cases selected by ``where``."""
    query = (
        select(
            Referral.case_id,
            func.count(),
            func.sum(sql_case((Referral.status == "open", 1), else_=0)),
        )
        .join(Case, Case.id == Referral.case_id)
        .where(where)
        .group_by(Referral.case_id)
    )
    return referral_counts(_columns(session, query))


def _assessments(session: Session, where, inspector: str | None) -> dict[str, list[tuple]]:
    """case id -> [(status, overall grade)] for the cases selected by ``where``."""
    query = (
        select(Assessment.case_id, Assessment.status, Assessment.overall_grade)
        .join(Case, Case.id == Assessment.case_id)
        .where(where)
    )
    if inspector is not None:
        query = query.where(Assessment.inspector == inspector)
    return group_assessments(_columns(session, query))


def _moderations(session: Session, where) -> dict[str, str]:
    query = (
        select(Moderation.case_id, Moderation.grade)
        .join(Case, Case.id == Moderation.case_id)
        .where(where)
    )
    return dict(_columns(session, query))


def _rows(session: Session, inspection_id: str, where, inspector: str | None) -> list[CaseRow]:
    method = _methodology(session, inspection_id)
    names = {c.id: c.name for c in method.categories}
    assessments = _assessments(session, where, inspector)
    referrals = _referral_counts(session, where)
    moderated = {} if inspector is not None else _moderations(session, where)
    query = (
        select(Case.id, Case.reference, Case.category, Case.unit, Case.assigned_to)
        .where(where)
        .order_by(Case.reference)
    )
    return build_rows(_columns(session, query), names, assessments, referrals, moderated)


def case_rows(store: Store, inspection_id: str, inspector: str | None = None) -> list[CaseRow]:
    """Every case of the inspection as a plain row, ordered by reference."""
    with store.sessions() as session:
        return _rows(session, inspection_id, Case.inspection_id == inspection_id, inspector)


def case_row(store: Store, case_id: str, inspector: str | None = None) -> CaseRow:
    """One case's row, to refresh the list after an edit without reloading every case."""
    with store.sessions() as session:
        case = case_by_id(session, case_id)
        return _rows(session, case.inspection_id, Case.id == case_id, inspector)[0]


# The panel asks for a case's details every time a case is opened: the statements are
# built once, with the case id bound at run time.
_DETAIL_CASE = (
    select(Case, Inspection.methodology_id, Moderation.grade)
    .join(Inspection, Inspection.id == Case.inspection_id)
    .outerjoin(Moderation, Moderation.case_id == Case.id)
    .where(Case.id == bindparam("case_id"))
)
_DETAIL_REFERRALS = select(
    func.count(), func.sum(sql_case((Referral.status == "open", 1), else_=0))
).where(Referral.case_id == bindparam("case_id"))
_DETAIL_OTHERS = (
    select(Assessment.inspector, Assessment.status, Assessment.overall_grade)
    .where(Assessment.case_id == bindparam("case_id"))
    .where(Assessment.inspector != bindparam("inspector"))
    .order_by(Assessment.inspector)
)


_DETAIL_OWN = select(Assessment.status).where(
    Assessment.case_id == bindparam("case_id"), Assessment.inspector == bindparam("inspector")
)


def _blind(
    case: Case, inspector: str | None, own: str | None, others: Sequence[tuple]
) -> list[OtherAssessment]:
    """Dual grading is blind: an inspector who grades the case sees another's grade only once
    both of them have graded it (the lead, who grades neither, sees every grade)."""
    grader = inspector is not None and (
        own is not None or inspector in (case.assigned_to, case.second_inspector)
    )
    shown = []
    for name, status, grade in others:
        hidden = grader and not (own == GRADED and status == GRADED)
        shown.append(OtherAssessment(name, status, None if hidden else grade, hidden))
    return shown


def case_detail(store: Store, case_id: str, inspector: str | None = None) -> CaseDetail:
    """The case's details for the grading panel; ``others`` leaves out ``inspector``'s own."""
    params = {"case_id": case_id, "inspector": inspector or ""}
    with store.sessions() as session:
        found = session.execute(_DETAIL_CASE, params).first()
        if found is None:
            raise NotFoundError(f"No case with id '{case_id}'.")
        case, methodology_id, moderated = found
        method = load_methodology(methodology_id)
        total, open_ = session.execute(_DETAIL_REFERRALS, params).one()
        others = session.execute(_DETAIL_OTHERS, params).all()
        own = session.execute(_DETAIL_OWN, params).scalar() if inspector else None
        try:
            stage_ids = tuple(s.id for s in method.stages_for(case.category))
        except KeyError:
            stage_ids = ()
        return CaseDetail(
            id=case.id,
            inspection_id=case.inspection_id,
            reference=case.reference,
            category=case.category,
            category_name=method.category_name(case.category),
            unit=case.unit or "",
            opened_on=case.opened_on,
            closed_on=case.closed_on,
            child_ref=case.child_ref,
            force_grade=case.force_grade,
            assigned_to=case.assigned_to,
            methodology_id=method.id,
            stage_ids=stage_ids,
            referrals=total,
            open_referrals=int(open_ or 0),
            moderated_grade=moderated,
            others=tuple(_blind(case, inspector, own, others)),
        )
