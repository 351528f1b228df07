"""The lead's fieldwork dashboard: progress by inspector and for the team, referrals open and
overdue, what awaits moderation, the packs last received, the findings so far and the time
grading takes.

Every figure the summary also has comes from the summary itself (``summary_and_case_frame``,
one read of the store), so the dashboard and the summary always agree; the rest is read in
a few column queries. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import select, text

from db.engine import Store
from db.models import Assessment, Case, ImportLog, Referral
from workbench.methodology import Methodology, load_methodology
from workbench.services.active_time import active_minutes
from workbench.services.assignment import KitState, kit_states
from workbench.services.inspections import get_inspection
from workbench.services.status import GRADED, IN_PROGRESS
from workbench.services.summary import _frame, summary_and_case_frame


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
    summary: dict[str, Any]
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


def _read(store: Store, inspection_id: str) -> dict[str, pd.DataFrame]:
    with store.sessions() as session:
        row = get_inspection(session, inspection_id)
        conn = session.connection()
        mine = Case.inspection_id == row.id
        frames = {
            "cases": _frame(
                conn,
                select(
                    Case.id.label("case_id"), Case.category, Case.assigned_to, Case.second_inspector
                ).where(mine),
            ),  # fmt: skip
            "assessments": _frame(
                conn,
                select(
                    Assessment.id,
                    Assessment.case_id,
                    Assessment.inspector,
                    Assessment.status,
                    Assessment.graded_at,
                )
                .join(Case, Case.id == Assessment.case_id)
                .where(mine),
            ),  # fmt: skip
            "referrals": _frame(
                conn,
                select(Referral.urgency, Referral.referred_at)
                .join(Case, Case.id == Referral.case_id)
                .where(mine, Referral.status == "open"),
            ),  # fmt: skip
            "packs": _frame(
                conn,
                select(ImportLog.inspector, ImportLog.at).where(
                    ImportLog.inspection_id == row.id, ImportLog.kind == "pack"
                ),
            ),
        }
        frames["minutes"] = active_minutes(conn)
    return frames


def _days(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True, format="ISO8601").dt.date


def _inspectors(frames: dict[str, pd.DataFrame]) -> tuple[InspectorProgress, ...]:
    cases, assessments = frames["cases"], frames["assessments"]
    assigned = pd.concat([cases["assigned_to"], cases["second_inspector"]]).dropna()
    names = sorted(set(assigned) | set(assessments["inspector"]))
    counts = assigned.value_counts()
    graded = assessments[assessments["status"] == GRADED].copy()
    graded["day"] = _days(graded["graded_at"]) if len(graded) else []
    graded["minutes"] = graded["id"].map(frames["minutes"])
    packs = frames["packs"]
    last_pack = {}
    if len(packs):
        packs = packs.assign(at=pd.to_datetime(packs["at"], utc=True, format="ISO8601"))
        last_pack = packs.groupby("inspector")["at"].max().to_dict()
    status = assessments.groupby(["inspector", "status"]).size()
    per_day = graded.groupby(["inspector", "day"]).size() if len(graded) else pd.Series()
    medians = graded.groupby("inspector")["minutes"].median() if len(graded) else pd.Series()
    days: dict[str, dict[date, int]] = {}
    for (name, day), n in per_day.items():
        days.setdefault(name, {})[day] = int(n)
    out = []
    for name in names:
        done = int(status.get((name, GRADED), 0))
        started = int(status.get((name, IN_PROGRESS), 0))
        total = int(counts.get(name, 0))
        median = medians.get(name)
        last = last_pack.get(name)
        out.append(
            InspectorProgress(
                name, total, max(0, total - done - started), started, done,
                dict(sorted(days.get(name, {}).items())),
                None if last is None else last.to_pydatetime(),
                None if median is None or pd.isna(median) else round(float(median), 1),
            )
        )  # fmt: skip
    return tuple(out)


def _team_per_day(
    frames: dict[str, pd.DataFrame], start: date, end: date
) -> tuple[tuple[date, int, int], ...]:
    """Cases graded each day (first time any inspector graded them), over the fieldwork."""
    graded = frames["assessments"]
    graded = graded[graded["status"] == GRADED]
    when = pd.to_datetime(graded["graded_at"], utc=True, format="ISO8601")
    first = when.groupby(graded["case_id"]).min().dt.date if len(graded) else pd.Series()
    per_day = first.value_counts()
    days = sorted({*(start + timedelta(n) for n in range((end - start).days + 1)), *per_day.index})
    running, out = 0, []
    for day in days:
        running += int(per_day.get(day, 0))
        out.append((day, int(per_day.get(day, 0)), running))
    return tuple(out)


def _referrals(
    frames: dict[str, pd.DataFrame], method: Methodology, today: date
) -> tuple[ReferralUrgency, ...]:
    open_ = frames["referrals"]
    days = _days(open_["referred_at"]) if len(open_) else pd.Series(dtype=object)
    out = []
    for urgency in method.urgencies:
        mine = days[open_["urgency"] == urgency.id] if len(open_) else days
        late = sum((today - d).days > urgency.respond_within_days for d in mine)
        out.append(ReferralUrgency(urgency.id, urgency.name, len(mine), late))
    return tuple(out)


def _minutes_by_category(frames: dict[str, pd.DataFrame]) -> dict[str, float]:
    graded = frames["assessments"]
    graded = graded[graded["status"] == GRADED]
    if graded.empty or frames["minutes"].empty:
        return {}
    joined = graded.merge(frames["cases"][["case_id", "category"]], on="case_id")
    joined["minutes"] = joined["id"].map(frames["minutes"])
    medians = joined.dropna(subset=["minutes"]).groupby("category")["minutes"].median()
    return {str(k): round(float(v), 1) for k, v in medians.items()}


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
    summary, _frame_by_case = summary_and_case_frame(store, inspection_id)
    facts = summary["inspection"]
    method = load_methodology(facts["methodology_id"], facts["methodology_version"])
    frames = _read(store, facts["id"])
    start, end = date.fromisoformat(facts["start_date"]), date.fromisoformat(facts["end_date"])
    fieldwork_days = (end - start).days + 1
    return Dashboard(
        summary=summary,
        inspectors=_inspectors(frames),
        team_per_day=_team_per_day(frames, start, end),
        expected_per_day=round(summary["cases"] / fieldwork_days, 1),
        referrals=_referrals(frames, method, today),
        awaiting_moderation=summary["overall"]["unresolved"],
        minutes_by_category=_minutes_by_category(frames),
        kits=tuple(kit_states(store, facts["id"])),
    )
