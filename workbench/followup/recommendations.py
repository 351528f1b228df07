"""An inspection's recommendations: listed, imported from a file, edited and discharged.

Every change is one short transaction with its audit events (entity ``recommendation``, one
event per field changed, as grading does). An import adds the numbers not yet recorded and
updates those that are; it never removes one (a recommendation once published stays).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Store
from db.models import Inspection, InspectionFollowup, Recommendation
from db.types import utcnow
from workbench import audit
from workbench.changes import Topic, publish
from workbench.errors import NotFoundError, WorkbenchError
from workbench.followup.recommendation_file import (
    MAX_TEXT,
    MAX_TITLE,
    Entry,
    read_recommendations,
)
from workbench.followup.timeframes import Timeframe, check_quarter, parse_timeframe
from workbench.identity import require_user_name
from workbench.services.inspections import get_inspection, methodology_of

ENTITY = "recommendation"
FIELDS = ("title", "text", "points", "timeframe", "areas", "categories")


@dataclass(frozen=True)
class RecommendationView:
    """A recommendation as the CLI, the window and the update report show it."""

    id: str
    number: int
    title: str
    text: str
    points: tuple[str, ...]
    timeframe: Timeframe
    due: date | None
    areas: tuple[str, ...]
    categories: tuple[str, ...]
    discharged_quarter: int | None
    discharged_reason: str


@dataclass(frozen=True)
class ImportResult:
    added: int
    changed: int
    unchanged: int
    published: date | None


def timeframe_of(row: Recommendation) -> Timeframe:
    return Timeframe(row.timeframe, months=row.months, by=row.by_date)


def followup_of(session: Session, inspection_id: str) -> InspectionFollowup:
    """The inspection's follow-up facts (publication date, baseline), created when first asked."""
    row = session.get(InspectionFollowup, inspection_id)
    if row is None:
        row = InspectionFollowup(inspection_id=inspection_id)
        session.add(row)
        session.flush()
    return row


def published_on(session: Session, inspection_id: str) -> date | None:
    row = session.get(InspectionFollowup, inspection_id)
    return row.published_on if row else None


def set_published(store: Store, inspection_id: str, day: date) -> None:
    """Record the date the inspection's report was published (due dates count from it)."""
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        changed = _set_published(session, actor, inspection_id, day)
    if changed:
        publish(store, Topic.FOLLOWUP, inspection_id=inspection_id)


def _set_published(session: Session, actor: str, inspection_id: str, day: date) -> bool:
    row = followup_of(session, inspection_id)
    if row.published_on == day:
        return False
    audit.record(
        session, actor, "update", "inspection_followup", inspection_id, "published_on",
        row.published_on, day,
    )  # fmt: skip
    row.published_on, row.updated_at = day, utcnow()
    return True


def view(row: Recommendation, published: date | None) -> RecommendationView:
    timeframe = timeframe_of(row)
    return RecommendationView(
        id=row.id,
        number=row.number,
        title=row.title,
        text=row.text,
        points=tuple(row.points or ()),
        timeframe=timeframe,
        due=timeframe.due(published),
        areas=tuple(row.areas or ()),
        categories=tuple(row.categories or ()),
        discharged_quarter=row.discharged_quarter,
        discharged_reason=row.discharged_reason or "",
    )


def rows_of(session: Session, inspection_id: str) -> list[Recommendation]:
    query = select(Recommendation).where(Recommendation.inspection_id == inspection_id)
    return list(session.scalars(query.order_by(Recommendation.number)))


def list_in(session: Session, inspection_id: str) -> list[RecommendationView]:
    published = published_on(session, inspection_id)
    return [view(row, published) for row in rows_of(session, inspection_id)]


def list_recommendations(store: Store, inspection_id: str) -> list[RecommendationView]:
    """The inspection's recommendations in number order."""
    with store.sessions() as session:
        get_inspection(session, inspection_id)
        return list_in(session, inspection_id)


def get_row(session: Session, inspection_id: str, number: int) -> Recommendation:
    row = session.scalars(
        select(Recommendation).where(
            Recommendation.inspection_id == inspection_id, Recommendation.number == number
        )
    ).first()
    if row is None:
        raise NotFoundError(
            f"This inspection has no recommendation {number}. "
            "'workbench recommendations list' shows them."
        )
    return row


def _values(entry: Entry) -> dict[str, object]:
    tf = entry.timeframe
    return {
        "title": entry.title, "text": entry.text, "points": entry.points,
        "timeframe": tf.kind, "months": tf.months, "by_date": tf.by,
        "areas": entry.areas, "categories": entry.categories,
    }  # fmt: skip


def _apply(session: Session, actor: str, row: Recommendation, values: dict[str, object]) -> bool:
    """Set the fields that differ, one audit event each; True when anything changed."""
    changed = False
    before_timeframe = timeframe_of(row).text
    for name, new in values.items():
        if getattr(row, name) == new:
            continue
        if name not in ("timeframe", "months", "by_date"):
            audit.record(session, actor, "update", ENTITY, row.id, name, getattr(row, name), new)
        setattr(row, name, new)
        changed = True
    after_timeframe = timeframe_of(row).text
    if after_timeframe != before_timeframe:
        audit.record(
            session, actor, "update", ENTITY, row.id, "timeframe", before_timeframe,
            after_timeframe,
        )  # fmt: skip
    if changed:
        row.revision += 1
        row.updated_at = utcnow()
    return changed


def _create(session: Session, actor: str, inspection_id: str, entry: Entry) -> Recommendation:
    row = Recommendation(
        inspection_id=inspection_id,
        number=entry.number,
        author=actor,
        revision=1,
        discharged_reason="",
        **_values(entry),
    )
    session.add(row)
    session.flush()
    audit.record(
        session, actor, "create", ENTITY, row.id, "", None,
        {"inspection": inspection_id, "number": entry.number, "title": entry.title,
         "timeframe": entry.timeframe.text},
    )  # fmt: skip
    return row


def import_recommendations(store: Store, inspection_id: str, path: str | Path) -> ImportResult:
    """Add or update the inspection's recommendations from a TOML or spreadsheet file, all
    or nothing."""
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        read = read_recommendations(path, methodology_of(inspection))
        existing = {row.number: row for row in rows_of(session, inspection.id)}
        added = changed = 0
        for entry in read.entries:
            row = existing.get(entry.number)
            if row is None:
                _create(session, actor, inspection.id, entry)
                added += 1
            elif _apply(session, actor, row, _values(entry)):
                changed += 1
        if read.published is not None:
            _set_published(session, actor, inspection.id, read.published)
        unchanged = len(read.entries) - added - changed
        result = ImportResult(added, changed, unchanged, published_on(session, inspection.id))
        inspection_id = inspection.id
    publish(store, Topic.FOLLOWUP, inspection_id=inspection_id)
    return result


def edit_recommendation(
    store: Store, inspection_id: str, number: int, field: str, value: object
) -> RecommendationView:
    """Change one field of a recommendation (``FIELDS``); the timeframe is given as text."""
    if field not in FIELDS:
        raise WorkbenchError(f"'{field}' cannot be edited; edit one of {', '.join(FIELDS)}.")
    values: dict[str, object]
    if field == "timeframe":
        tf = parse_timeframe(str(value))
        values = {"timeframe": tf.kind, "months": tf.months, "by_date": tf.by}
    elif field in ("points", "areas", "categories"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise WorkbenchError(f"The {field} must be a list of text.")
        values = {field: [v.strip() for v in value if v.strip()]}
    else:
        limit = MAX_TITLE if field == "title" else MAX_TEXT
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise WorkbenchError(f"The {field} must be text of 1 to {limit} characters.")
        values = {field: value.strip()}
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        if field == "categories":
            known = methodology_of(inspection).category_ids
            chosen = values["categories"]
            assert isinstance(chosen, list)  # checked above
            unknown = [c for c in chosen if c not in known]
            if unknown:
                raise WorkbenchError(f"Not case categories: {', '.join(unknown)}.")
        row = get_row(session, inspection.id, number)
        changed = _apply(session, actor, row, values)
        shown = view(row, published_on(session, inspection.id))
        inspection_id = inspection.id
    if changed:
        publish(store, Topic.FOLLOWUP, inspection_id=inspection_id)
    return shown


def discharge(
    store: Store, inspection_id: str, number: int, quarter: int | None, reason: str = ""
) -> RecommendationView:
    """Mark a recommendation discharged in ``quarter`` with the reason; ``quarter=None``
    withdraws a discharge."""
    if quarter is not None:
        check_quarter(quarter)
        reason = reason.strip()
        if not reason or len(reason) > MAX_TEXT:
            raise WorkbenchError("Give the reason the recommendation is discharged.")
    else:
        reason = ""
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        row = get_row(session, inspection.id, number)
        values: dict[str, object] = {"discharged_quarter": quarter, "discharged_reason": reason}
        changed = _apply(session, actor, row, values)
        shown = view(row, published_on(session, inspection.id))
        inspection_id = inspection.id
    if changed:
        publish(store, Topic.FOLLOWUP, inspection_id=inspection_id)
    return shown


def set_baseline(store: Store, inspection_id: str, baseline_key: str | None) -> str | None:
    """Name the inspection this one re-inspects (``None`` clears it); returns the baseline id."""
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        baseline = get_inspection(session, baseline_key).id if baseline_key else None
        if baseline == inspection.id:
            raise WorkbenchError("An inspection cannot be its own baseline.")
        row = followup_of(session, inspection.id)
        if row.baseline_id != baseline:
            audit.record(
                session, actor, "update", "inspection_followup", inspection.id, "baseline_id",
                row.baseline_id, baseline,
            )  # fmt: skip
            row.baseline_id, row.updated_at = baseline, utcnow()
        inspection_id = inspection.id
    publish(store, Topic.FOLLOWUP, inspection_id=inspection_id)
    return baseline


def reinspections_of(session: Session, inspection_id: str) -> list[str]:
    """The ids of the inspections that name this one as their baseline."""
    query = select(InspectionFollowup.inspection_id).where(
        InspectionFollowup.baseline_id == inspection_id
    )
    return sorted(session.scalars(query))


def baseline_of(session: Session, inspection_id: str) -> Inspection | None:
    row = session.get(InspectionFollowup, inspection_id)
    return session.get(Inspection, row.baseline_id) if row and row.baseline_id else None
