"""Drafts: text typed in the grading panel, journaled as it is typed.

The panel writes a box's text here within a moment of each keystroke (``save``) and saves
it as the audited edit after a pause or when the cursor leaves the box, as before, then
deletes the draft (``discard``). A draft left behind means the workbench stopped (a crash,
a kill, a power cut) between typing and saving: ``pending`` returns it the next time the
case opens, and the panel puts the text back and says so.

A draft is not an edit: it is not audited and never travels in a pack. It lives in the
store, so it is encrypted at rest with everything else. Only text fields have drafts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from db.engine import Store
from db.models import Draft
from db.types import utcnow
from workbench import fields
from workbench.errors import WorkbenchError
from workbench.server.retry import retried
from workbench.services.grading import MAX_TEXT


@dataclass(frozen=True)
class PendingDraft:
    """Text typed into one box of one case and never saved as an edit."""

    field: str
    text: str
    saved_at: datetime


def _check(field: str, text: str) -> None:
    kind = fields.parse(field).kind
    if kind not in ("rationale", "notes"):
        raise WorkbenchError(f"Only text has drafts, not {field}.")
    if len(text) > MAX_TEXT:
        raise WorkbenchError(f"The text for {field} is longer than {MAX_TEXT} characters.")


@retried
def save(store: Store, case_id: str, inspector: str, field: str, text: str) -> None:
    """Journal what the box holds now (one short transaction; the last write wins)."""
    _check(field, text)
    with store.sessions.begin() as session:
        row = session.scalar(
            select(Draft).where(
                Draft.case_id == case_id, Draft.inspector == inspector, Draft.field == field
            )
        )
        if row is None:
            session.add(Draft(case_id=case_id, inspector=inspector, field=field, text=text))
        else:
            row.text, row.saved_at = text, utcnow()


def discard(store: Store, case_id: str, inspector: str, fields_: list[str] | None = None) -> None:
    """Forget the drafts of these fields (all of the case's, for None): they are saved."""
    query = delete(Draft).where(Draft.case_id == case_id, Draft.inspector == inspector)
    if fields_ is not None:
        query = query.where(Draft.field.in_(fields_))
    with store.sessions.begin() as session:
        session.execute(query)


def pending(store: Store, case_id: str, inspector: str) -> list[PendingDraft]:
    """The drafts left of this case by this inspector, oldest first."""
    with store.sessions() as session:
        rows = session.scalars(
            select(Draft)
            .where(Draft.case_id == case_id, Draft.inspector == inspector)
            .order_by(Draft.saved_at)
        )
        return [PendingDraft(r.field, r.text, r.saved_at) for r in rows]
