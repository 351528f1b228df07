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

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ClauseElement

from db.models import Assessment, AuditEvent, Case, Moderation, Referral
from workbench.methodology import Methodology
from workbench.services.status import GRADED, IN_PROGRESS
from workbench.services.summary import UNRESOLVED, _percent


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
    compiled: Any = query.compile(  # an SQLCompiler; IN lists as one parameter each
        dialect=conn.dialect, compile_kwargs={"render_postcompile": True}
    )
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


def _assessment_rows(
    conn: Connection, inspection_id: str, ids: list[str] | None = None
) -> list[tuple[Any, ...]]:
    query = (
        select(
            Assessment.id,
            Assessment.case_id,
            Assessment.inspector,
            Assessment.status,
            Assessment.overall_grade,
            func.substr(Assessment.graded_at, 1, 10),
        )
        .join(Case, Case.id == Assessment.case_id)
        .where(Case.inspection_id == inspection_id)
    )
    if ids is not None:
        query = query.where(Assessment.id.in_(ids))
    return _fetch(conn, query)  # fmt: skip


def _read_all(conn: Connection, inspection_id: str) -> Rows:
    mine = Case.inspection_id == inspection_id
    cases = _fetch(
        conn, select(Case.id, Case.category, Case.assigned_to, Case.second_inspector).where(mine)
    )
    moderated = _fetch(
        conn,
        select(Moderation.case_id, Moderation.grade).join(Case, Case.id == Moderation.case_id)
        .where(mine)
    )  # fmt: skip
    open_referrals = conn.execute(
        select(func.count()).select_from(Referral).join(Case, Case.id == Referral.case_id)
        .where(mine, Referral.status == "open")
    ).scalar_one()  # fmt: skip
    assessments = _assessment_rows(conn, inspection_id)
    return Rows(cases, assessments, dict(moderated), int(open_referrals))


@dataclass
class _Read:
    """The rows last read for one inspection of one store, and how far the trail was then."""

    store_id: str
    seq: int
    segments: int
    rows: Rows


_LAST_READ: dict[tuple[str, str], _Read] = {}
MOST_EDITED = 200  # assessments edited since the last read: more, and all are read again


def _edited_since(conn: Connection, since: int, until: int) -> set[str] | None:
    """The assessments the store's own trail edited after ``since``; None when anything else
    was changed (a case, a moderation, a referral...), or too much for a partial read."""
    rows = _fetch(
        conn,
        select(AuditEvent.entity, AuditEvent.entity_id).where(
            AuditEvent.seq > since, AuditEvent.seq <= until
        ),
    )
    if len(rows) > MOST_EDITED * 20 or any(entity != "assessment" for entity, _ in rows):
        return None
    edited = {entity_id for _, entity_id in rows}
    return edited if len(edited) <= MOST_EDITED else None


def read_rows(conn: Connection, inspection_id: str) -> Rows:
    """The rows of the inspection. On a SQLite store (one writer, so the trail's order is
    the order of commits), when only assessments were edited since the last read (grading:
    the change the dashboard follows most), only those are read again; anything else, a
    received trail (a pack merged) or another store at the same address reads everything."""
    store_id, seq, segments = conn.execute(
        text(
            "SELECT (SELECT id FROM store_identity), (SELECT max(seq) FROM audit_event), "
            "(SELECT count(*) FROM audit_segment)"
        )
    ).one()
    seq = seq or 0
    key = (str(conn.engine.url), inspection_id)
    last = _LAST_READ.get(key)
    edited = None
    if (
        conn.dialect.name == "sqlite" and last is not None and last.store_id == store_id
        and last.segments == segments and last.seq <= seq
    ):  # fmt: skip
        edited = _edited_since(conn, last.seq, seq)
    if last is None or edited is None:
        rows = _read_all(conn, inspection_id)
    else:
        kept = [row for row in last.rows.assessments if row[0] not in edited]
        fresh = _assessment_rows(conn, inspection_id, sorted(edited)) if edited else []
        rows = Rows(last.rows.cases, kept + fresh, last.rows.moderated, last.rows.open_referrals)
    _LAST_READ.clear()  # one inspection at a time is shown
    _LAST_READ[key] = _Read(store_id, seq, segments, rows)
    return rows


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
