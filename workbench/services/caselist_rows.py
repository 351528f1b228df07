"""The case list's plain rows and how a case's status and grade are summed up for them.

Kept apart from ``workbench.services.caselist`` (which reads them through SQLAlchemy) so that
``workbench.services.quick_caselist`` builds the very same rows from plain SQL before
SQLAlchemy is imported: both readers hand their query results to ``build_rows``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from db.gc_pause import gc_paused
from workbench.services.status import GRADED, NOT_STARTED, STATUS_ORDER


@dataclass(slots=True)
class CaseRow:
    """One case as the case list shows it."""

    id: str
    reference: str
    category: str
    category_name: str
    unit: str
    assigned_to: str
    status: str
    overall_grade: str | None
    referred: bool
    open_referrals: int = 0
    referrals: int = 0
    grades_differ: bool = False


def summarise(
    assessments: Sequence[tuple[Any, ...]], moderated: str | None
) -> tuple[str, str | None, bool]:
    """(status, overall grade, grades differ) of a case from its assessments."""
    if not assessments:
        return (GRADED if moderated else NOT_STARTED, moderated, False)
    if len(assessments) == 1 and not moderated:  # by far the most common case
        status, grade = assessments[0]
        return status, grade or None, False
    status = max((s for s, _ in assessments), key=lambda s: STATUS_ORDER.get(s, 0))
    if moderated:
        return status, moderated, False
    graded = {g for s, g in assessments if s == GRADED and g}
    if len(graded) > 1:
        return status, None, True
    if graded:
        return status, graded.pop(), False
    grades = [g for s, g in assessments if s == status and g]
    return status, (grades[0] if grades else None), False


def group_assessments(found: Iterable[tuple[Any, ...]]) -> dict[str, list[tuple[Any, ...]]]:
    """case id -> [(status, overall grade)], from (case id, status, overall grade) rows."""
    grouped: dict[str, list[tuple[Any, ...]]] = {}
    for case_id, status, grade in found:
        grouped.setdefault(case_id, []).append((status, grade))
    return grouped


def referral_counts(found: Iterable[tuple[Any, ...]]) -> dict[str, tuple[int, int]]:
    """case id -> (referrals, open referrals), from (case id, count, open count) rows."""
    return {case_id: (total, int(open_ or 0)) for case_id, total, open_ in found}


def build_rows(
    cases: Iterable[tuple[Any, ...]],
    names: Mapping[str, str],
    assessments: Mapping[str, list[tuple[Any, ...]]],
    referrals: Mapping[str, tuple[int, int]],
    moderated: Mapping[str, str],
) -> list[CaseRow]:
    """The rows of ``cases`` ((id, reference, category, unit, assigned to), in list order)."""
    # 100,000 new objects would run the cycle collector over and over (half the time spent
    # here); rows hold only strings and numbers, so it waits until they are built.
    with gc_paused():
        return _build(cases, names, assessments, referrals, moderated)


def _build(
    cases: Iterable[tuple[Any, ...]],
    names: Mapping[str, str],
    assessments: Mapping[str, list[tuple[Any, ...]]],
    referrals: Mapping[str, tuple[int, int]],
    moderated: Mapping[str, str],
) -> list[CaseRow]:
    rows: list[CaseRow] = []
    append, assessed, moderation, referred = (
        rows.append,
        assessments.get,
        moderated.get,
        referrals.get,
    )
    unassessed, unreferred = (NOT_STARTED, None, False), (0, 0)
    for case_id, reference, category, unit, assigned in cases:
        found, agreed = assessed(case_id), moderation(case_id) if moderated else None
        if found is None and agreed is None:  # most cases, until fieldwork is well under way
            status, grade, differ = unassessed
        else:
            status, grade, differ = summarise(found or (), agreed)
        total, open_ = referred(case_id, unreferred)
        # Positional, in CaseRow's field order: 100,000 of these are built at every load.
        append(
            CaseRow(
                case_id,
                reference,
                category,
                names.get(category, category),
                unit or "",
                assigned or "",
                status,
                grade,
                total > 0,
                open_,
                total,
                differ,
            )
        )
    return rows
