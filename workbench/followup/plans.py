"""The force's action plans: several per inspection, each action tied to a recommendation.

Actions are exchanged with the force by spreadsheet (``plan_sheet``): the template lists
every action with its id, the force edits, adds and deletes rows, and each return is applied
as one audited transaction that also keeps the file itself, dated, as evidence
(``PlanReturn``). Overdue is derived from the due date and the status, never stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Store
from db.models import ActionPlan, PlanAction, PlanReturn, Recommendation
from db.types import utcnow
from workbench import audit
from workbench.changes import Topic, publish
from workbench.errors import WorkbenchError
from workbench.identity import require_user_name
from workbench.services.inspections import get_inspection

PLANNED, IN_PROGRESS, COMPLETED = "planned", "in_progress", "completed"
STATUSES = {PLANNED: "Planned", IN_PROGRESS: "In progress", COMPLETED: "Completed"}
OVERDUE = "Overdue"
FIELDS = ("plan", "recommendation", "objective", "action", "owner", "due_on", "status", "position")
MAX_RETURN = 20_000_000


def parse_status(text: str) -> str:
    """A status id from its id or its name, in any case; ValueError otherwise."""
    words = " ".join(text.replace("_", " ").lower().split())
    for status, name in STATUSES.items():
        if words == name.lower():
            return status
    raise ValueError(text)


def is_overdue(due_on: date | None, status: str, today: date | None = None) -> bool:
    return due_on is not None and status != COMPLETED and due_on < (today or date.today())


@dataclass(frozen=True)
class ActionView:
    id: str
    plan: str
    recommendation: int
    objective: str
    action: str
    owner: str
    due_on: date | None
    status: str
    position: str

    def overdue(self, today: date | None = None) -> bool:
        return is_overdue(self.due_on, self.status, today)

    def status_words(self, today: date | None = None) -> str:
        """The status as shown: Planned, In progress, Completed, or Overdue (in progress)."""
        name = STATUSES.get(self.status, self.status)
        return f"{OVERDUE} ({name.lower()})" if self.overdue(today) else name

    def values(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in FIELDS}


@dataclass
class ReturnResult:
    """What a return changed: action ids added, changed (with the fields) and removed."""

    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)


def _views(session: Session, inspection_id: str) -> list[ActionView]:
    rows = session.execute(
        select(PlanAction, ActionPlan.title, Recommendation.number)
        .join(ActionPlan, PlanAction.plan_id == ActionPlan.id)
        .join(Recommendation, PlanAction.recommendation_id == Recommendation.id)
        .where(ActionPlan.inspection_id == inspection_id)
        .order_by(ActionPlan.title, Recommendation.number, PlanAction.due_on, PlanAction.id)
    ).all()
    return [
        ActionView(a.id, title, number, a.objective, a.action, a.owner, a.due_on, a.status,
                   a.position)
        for a, title, number in rows
    ]  # fmt: skip


def list_actions(store: Store, inspection_id: str) -> list[ActionView]:
    """Every action of every plan of the inspection, by plan, recommendation and due date."""
    with store.sessions() as session:
        return _views(session, get_inspection(session, inspection_id).id)


def list_returns(store: Store, inspection_id: str) -> list[PlanReturn]:
    """Every return the force sent, oldest first (detached rows, with their file bytes)."""
    with store.sessions() as session:
        query = select(PlanReturn).where(PlanReturn.inspection_id == inspection_id)
        rows = list(session.scalars(query.order_by(PlanReturn.received_at)))
        session.expunge_all()
        return rows


@dataclass(frozen=True)
class ActionRow:
    """One row of a return, checked: ``id`` is None for a row the force added."""

    line: int
    id: str | None
    plan: str
    recommendation: int
    objective: str
    action: str
    owner: str
    due_on: date | None
    status: str
    position: str

    def values(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in FIELDS}


def _plan(
    session: Session, inspection_id: str, title: str, plans: dict[str, ActionPlan]
) -> ActionPlan:
    if title not in plans:
        plan = ActionPlan(inspection_id=inspection_id, title=title)
        session.add(plan)
        session.flush()
        plans[title] = plan
    return plans[title]


def apply_return(
    store: Store, inspection_id: str, rows: list[ActionRow], path: Path, content: bytes
) -> ReturnResult:
    """Make the inspection's actions those of ``rows`` (one transaction, audited) and keep
    the file as a dated return. The rows must already be checked (``plan_sheet``)."""
    if len(content) > MAX_RETURN:
        raise WorkbenchError(f"'{path.name}' is larger than {MAX_RETURN:,} bytes.")
    result = ReturnResult()
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        numbers = {
            r.number: r.id
            for r in session.scalars(
                select(Recommendation).where(Recommendation.inspection_id == inspection.id)
            )
        }
        plans = {
            p.title: p
            for p in session.scalars(
                select(ActionPlan).where(ActionPlan.inspection_id == inspection.id)
            )
        }
        before = {view.id: view for view in _views(session, inspection.id)}
        for row in rows:
            plan = _plan(session, inspection.id, row.plan, plans)
            values = {
                "plan_id": plan.id, "recommendation_id": numbers[row.recommendation],
                "objective": row.objective, "action": row.action, "owner": row.owner,
                "due_on": row.due_on, "status": row.status, "position": row.position,
            }  # fmt: skip
            if row.id is None:
                action = PlanAction(revision=1, **values)
                session.add(action)
                session.flush()
                audit.record(session, actor, "create", "plan_action", action.id, "", None,
                             row.values())  # fmt: skip
                result.added.append(action.id)
                continue
            old = before[row.id].values()
            fields = [name for name in FIELDS if old[name] != row.values()[name]]
            if fields:
                kept_action = session.get(PlanAction, row.id)
                assert kept_action is not None
                for name, value in values.items():
                    setattr(kept_action, name, value)
                for name in fields:
                    audit.record(session, actor, "update", "plan_action", row.id, name,
                                 old[name], row.values()[name])  # fmt: skip
                kept_action.revision += 1
                kept_action.updated_at = utcnow()
                result.changed[row.id] = fields
        kept = {row.id for row in rows if row.id}
        for action_id in [i for i in before if i not in kept]:
            audit.record(session, actor, "delete", "plan_action", action_id, "",
                         before[action_id].values(), None)  # fmt: skip
            session.delete(session.get(PlanAction, action_id))
            result.removed.append(action_id)
        kept_return = PlanReturn(
            inspection_id=inspection.id,
            file_name=path.name,
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            recorded_by=actor,
            added=len(result.added),
            changed=len(result.changed),
            removed=len(result.removed),
            details={"added": result.added, "changed": result.changed, "removed": result.removed},
        )
        session.add(kept_return)
        session.flush()
        audit.record(session, actor, "create", "plan_return", kept_return.id, "", None,
                     {"file": path.name, "sha256": kept_return.sha256,
                      "added": kept_return.added, "changed": kept_return.changed,
                      "removed": kept_return.removed})  # fmt: skip
        inspection_id = inspection.id
    publish(store, Topic.FOLLOWUP, inspection_id=inspection_id)
    return result
