"""The lead's fieldwork dashboard: progress by inspector and for the team, referrals open and
overdue, what awaits moderation, the packs last received, the findings so far and the time
grading takes.

It is read again after every change, so it reads only what it shows, counted in SQL: the
figures it shares with the summary come from ``dashboard_figures`` (the summary's values,
tested against ``summarise``), the rest from a few grouped queries; only the time per case
needs one row per graded assessment. Nothing here writes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from db.engine import Store
from db.models import Case, ImportLog, Referral
from workbench.methodology import Methodology, load_methodology
from workbench.services.active_time import active_minutes
from workbench.services.assignment import KitState, kit_states
from workbench.services.dashboard_figures import Rows, read_rows, shown_figures
from workbench.services.inspections import get_inspection
from workbench.services.status import GRADED, IN_PROGRESS
from workbench.services.summary_data import inspection_facts


@dataclass(frozen=True)
class InspectorProgress:
    inspector: str
    assigned: int  # cases they grade, first or second
    not_started: int
    in_progress: int
    graded: int
    graded_per_day: dict[date, int]
    last_pack: datetime | None
    median_minutes: float | None  # active editing time per graded case


@dataclass(frozen=True)
class ReferralUrgency:
    urgency: str
    name: str
    open: int
    overdue: int  # open longer than the urgency allows


@dataclass(frozen=True)
class Dashboard:
    summary: dict[str, Any]  # the summary's figures it shows (``dashboard_figures``)
    inspectors: tuple[InspectorProgress, ...]
    team_per_day: tuple[tuple[date, int, int], ...]  # day, graded that day, graded by then
    expected_per_day: float  # the sample spread evenly over the fieldwork days
    referrals: tuple[ReferralUrgency, ...]
    awaiting_moderation: int
    minutes_by_category: dict[str, float] = field(default_factory=dict)  # median, graded
    kits: tuple[KitState, ...] = ()  # the last kit issued to each inspector

    @property
    def fieldwork(self) -> tuple[date, date]:
        found = self.summary["inspection"]
        return date.fromisoformat(found["start_date"]), date.fromisoformat(found["end_date"])


def _day(column: Any) -> Any:
    """The UTC day of a timestamp column (stored as ISO 8601 text in UTC)."""
    return func.substr(column, 1, 10)


@dataclass
class _Counts:
    """What the dashboard reads beside the shared figures, already grouped."""

    assigned: dict[str, int]
    status: dict[tuple[str, str], int]  # (inspector, status) -> assessments
    per_day: dict[str, dict[date, int]]  # inspector -> day -> graded that day
    first_graded: dict[date, int]  # day -> cases first graded that day
    referrals: list[tuple[str, date, int]]  # urgency, day referred, open referrals
    last_pack: dict[str, datetime]
    graded: pd.DataFrame  # id, inspector, category of each graded assessment
    minutes: pd.Series  # active editing minutes per assessment id


def _read(conn: Connection, inspection_id: str, rows: Rows) -> _Counts:
    assigned: dict[str, int] = defaultdict(int)
    for _id, _category, first, second in rows.cases:
        for name in (first, second):
            if name is not None:
                assigned[name] += 1
    category = {case_id: category for case_id, category, _a, _s in rows.cases}
    status: dict[tuple[str, str], int] = defaultdict(int)
    per_day: dict[tuple[str, str], int] = defaultdict(int)  # (inspector, ISO day) -> graded
    first_day: dict[str, str] = {}
    graded = []
    for assessment_id, case_id, name, state, _grade, day in rows.assessments:
        status[(name, state)] += 1
        if state != GRADED or day is None:
            continue
        per_day[(name, day)] += 1
        if day < first_day.get(case_id, "9999"):
            first_day[case_id] = day
        graded.append((assessment_id, name, category[case_id]))
    by_name: dict[str, dict[date, int]] = defaultdict(dict)
    for (name, day), n in per_day.items():
        by_name[name][date.fromisoformat(day)] = n
    first_graded: dict[date, int] = defaultdict(int)
    for day, n in Counter(first_day.values()).items():
        first_graded[date.fromisoformat(day)] += n
    referred = _day(Referral.referred_at)
    referrals = [
        (urgency, date.fromisoformat(when), n)
        for urgency, when, n in conn.execute(
            select(Referral.urgency, referred, func.count())
            .join(Case, Case.id == Referral.case_id)
            .where(Case.inspection_id == inspection_id, Referral.status == "open")
            .group_by(Referral.urgency, referred)
        )
    ]  # fmt: skip
    last_pack: dict[str, datetime] = {
        str(name): at  # func.max keeps the column type: an aware datetime
        for name, at in conn.execute(
            select(ImportLog.inspector, func.max(ImportLog.at))
            .where(ImportLog.inspection_id == inspection_id, ImportLog.kind == "pack")
            .group_by(ImportLog.inspector)
        )
    }  # fmt: skip
    return _Counts(
        dict(assigned), dict(status), dict(by_name),
        dict(first_graded), referrals, last_pack,
        pd.DataFrame(graded, columns=["id", "inspector", "category"]), active_minutes(conn),
    )  # fmt: skip


def _medians(counts: _Counts, by: str) -> dict[str, float]:
    """Median active minutes per graded case, by inspector or category (where known)."""
    graded = counts.graded
    if graded.empty or counts.minutes.empty:
        return {}
    minutes = counts.minutes.reindex(graded["id"]).to_numpy()
    medians = pd.Series(minutes, index=graded[by].to_numpy()).dropna().groupby(level=0).median()
    return {str(k): round(float(v), 1) for k, v in medians.items()}


def _inspectors(counts: _Counts) -> tuple[InspectorProgress, ...]:
    names = sorted(set(counts.assigned) | {name for name, _ in counts.status})
    medians = _medians(counts, "inspector")
    out = []
    for name in names:
        done = counts.status.get((name, GRADED), 0)
        started = counts.status.get((name, IN_PROGRESS), 0)
        total = counts.assigned.get(name, 0)
        out.append(
            InspectorProgress(
                name, total, max(0, total - done - started), started, done,
                dict(sorted(counts.per_day.get(name, {}).items())),
                counts.last_pack.get(name), medians.get(name),
            )
        )  # fmt: skip
    return tuple(out)


def _team_per_day(counts: _Counts, start: date, end: date) -> tuple[tuple[date, int, int], ...]:
    """Cases graded each day (first time any inspector graded them), over the fieldwork."""
    per_day = counts.first_graded
    days = sorted({*(start + timedelta(n) for n in range((end - start).days + 1)), *per_day})
    running, out = 0, []
    for day in days:
        running += per_day.get(day, 0)
        out.append((day, per_day.get(day, 0), running))
    return tuple(out)


def _referrals(counts: _Counts, method: Methodology, today: date) -> tuple[ReferralUrgency, ...]:
    out = []
    for urgency in method.urgencies:
        mine = [(day, n) for u, day, n in counts.referrals if u == urgency.id]
        late = sum(n for day, n in mine if (today - day).days > urgency.respond_within_days)
        out.append(ReferralUrgency(urgency.id, urgency.name, sum(n for _, n in mine), late))
    return tuple(out)


_LAST: dict[tuple[Any, ...], Dashboard] = {}


def _signature(store: Store, inspection_id: str, today: date) -> tuple[Any, ...]:
    """What the store holds, cheaply: every change is an audited edit (a new own event) or a
    received trail (a new segment), so an equal signature means an equal dashboard."""
    with store.sessions() as session:
        found = session.execute(
            text(
                "SELECT (SELECT id FROM store_identity), (SELECT max(seq) FROM audit_event), "
                "(SELECT count(*) FROM audit_segment)"
            )
        ).one()
    return (str(store.engine.url), inspection_id, today, *found)


def dashboard(store: Store, inspection_id: str, today: date | None = None) -> Dashboard:
    """Everything the Dashboard view shows, for one inspection (the one worked out last is
    given again while the store has not changed)."""
    with store.sessions() as session:
        inspection_id = get_inspection(session, inspection_id).id
    key = _signature(store, inspection_id, today or datetime.now(UTC).date())
    if key not in _LAST:
        _LAST.clear()
        _LAST[key] = _compute(store, inspection_id, key[2])
    return _LAST[key]


def _compute(store: Store, inspection_id: str, today: date) -> Dashboard:
    with store.sessions() as session:
        row = get_inspection(session, inspection_id)
        facts = inspection_facts(row)
        method = load_methodology(row.methodology_id, row.methodology_version)
        conn = session.connection()
        rows = read_rows(conn, row.id)
        counts = _read(conn, row.id, rows)
    figures = shown_figures(facts, method, rows)
    start, end = date.fromisoformat(facts["start_date"]), date.fromisoformat(facts["end_date"])
    fieldwork_days = (end - start).days + 1
    return Dashboard(
        summary=figures,
        inspectors=_inspectors(counts),
        team_per_day=_team_per_day(counts, start, end),
        expected_per_day=round(figures["cases"] / fieldwork_days, 1),
        referrals=_referrals(counts, method, today),
        awaiting_moderation=figures["overall"]["unresolved"],
        minutes_by_category=_medians(counts, "category"),
        kits=tuple(kit_states(store, facts["id"])),
    )
