"""The figures the dashboard shares with the summary, counted from a few narrow columns.

The dashboard shows a few of the summary's figures (cases graded, in progress and not
started, the overall grades with ``unresolved``, and per category the cases and graded), and
it is read again after every change. The full summary (``summarise``) reads every answer and
stage grade of the inspection into pandas; these figures need only each assessment's status
and overall grade, read once (in an encrypted store every scan of the assessment table
decrypts its pages again, so one narrow read beats several grouped queries over it), and
count each case as the summary does (``workbench.services.summary``):

- a case's *outcome* is the lead's moderated grade if there is one, else the overall grade
  its graded assessments agree on, else ``unresolved`` when they differ;
- a case is *graded* when it has a graded assessment with an overall grade, or a moderated
  grade; *in progress* when its most advanced assessment is in progress and it is not graded.

``tests/workbench/test_dashboard.py`` checks every figure here against ``summarise``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ClauseElement

from db.models import Assessment, Case, Inspection, Moderation, Referral
from workbench.methodology import Methodology
from workbench.services.status import GRADED, IN_PROGRESS
from workbench.services.summary import UNRESOLVED, _percent


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


@dataclass(frozen=True)
class Rows:
    """The narrow rows both the shared figures and the progress by inspector are counted
    from: one read of each table (the assessment table is the one that costs)."""

    cases: list[tuple[Any, ...]]  # id, category, assigned to, second inspector
    assessments: list[tuple[Any, ...]]
    # id, case id, inspector, status, overall grade, day graded (ISO, UTC)
    moderated: dict[str, str]  # case id -> the lead's agreed grade
    open_referrals: int


def _fetch(conn: Connection, query: ClauseElement) -> list[tuple[Any, ...]]:
    """The rows of ``query`` as plain tuples, through the DB-API cursor (SQLAlchemy's Row
    objects cost more than the query for 10,000 rows). Only for text and integer columns:
    no type conversion is applied."""
    compiled: Any = query.compile(dialect=conn.dialect)  # an SQLCompiler
    params: Any = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None  # an open connection
    cursor = dbapi.cursor()
    try:
        cursor.execute(str(compiled), params)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def read_rows(conn: Connection, inspection_id: str) -> Rows:
    mine = Case.inspection_id == inspection_id
    cases = _fetch(
        conn, select(Case.id, Case.category, Case.assigned_to, Case.second_inspector).where(mine)
    )
    assessments = _fetch(
        conn,
        select(
            Assessment.id, Assessment.case_id, Assessment.inspector, Assessment.status,
            Assessment.overall_grade, func.substr(Assessment.graded_at, 1, 10),
        ).join(Case, Case.id == Assessment.case_id).where(mine)
    )  # fmt: skip
    moderated = _fetch(
        conn,
        select(Moderation.case_id, Moderation.grade).join(Case, Case.id == Moderation.case_id)
        .where(mine)
    )  # fmt: skip
    open_referrals = conn.execute(
        select(func.count()).select_from(Referral).join(Case, Case.id == Referral.case_id)
        .where(mine, Referral.status == "open")
    ).scalar_one()  # fmt: skip
    return Rows(cases, assessments, dict(moderated), int(open_referrals))


def shown_figures(inspection: dict[str, Any], method: Methodology, rows: Rows) -> dict[str, Any]:
    """The summary's keys the dashboard shows, with the summary's values: ``inspection``,
    ``cases``, ``graded``, ``in_progress``, ``not_started``, ``overall``, ``by_category``
    (name, cases, graded and each outcome) and ``referrals`` (``open``)."""
    votes: dict[str, set[str]] = {}  # case -> the overall grades of its graded assessments
    marked: set[str] = set()  # cases with an assessment marked graded (with a grade or not)
    started: set[str] = set()  # cases with an assessment in progress
    for _id, case_id, _name, status, grade, _day in rows.assessments:
        if status == GRADED:
            marked.add(case_id)
            if grade is not None:
                votes.setdefault(case_id, set()).add(grade)
        elif status == IN_PROGRESS:
            started.add(case_id)
    keys = [*method.grade_ids, UNRESOLVED]
    overall: dict[str, Any] = dict.fromkeys(keys, 0)
    categories: dict[str, dict[str, Any]] = {}
    graded = in_progress = 0
    for case_id, category, _first, _second in rows.cases:
        entry = categories.get(category)
        if entry is None:
            entry = categories[category] = {"name": method.category_name(category), "cases": 0,
                                            "graded": 0, **dict.fromkeys(keys, 0)}  # fmt: skip
        entry["cases"] += 1
        agreed, given = rows.moderated.get(case_id), votes.get(case_id)
        if agreed is None and given:
            agreed = next(iter(given)) if len(given) == 1 else UNRESOLVED
        if agreed is None and not given:
            # In progress when its most advanced assessment is (as the summary's status).
            in_progress += case_id in started and case_id not in marked
            continue
        graded += 1
        entry["graded"] += 1
        if agreed in overall:
            overall[agreed] += 1
            entry[agreed] += 1
    bad = sum(overall[g.id] for g in method.below_best)
    overall[method.below_best_key] = bad
    overall[f"percent_{method.below_best_key}"] = _percent(bad, graded, 0)
    known = [c.id for c in method.categories]
    order = known + sorted(set(categories) - set(known))
    return {
        "inspection": inspection,
        "cases": len(rows.cases),
        "graded": graded,
        "in_progress": in_progress,
        "not_started": len(rows.cases) - graded - in_progress,
        "overall": overall,
        "by_category": {k: categories[k] for k in order if k in categories},
        "referrals": {"open": rows.open_referrals},
    }
