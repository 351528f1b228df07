"""The store's identity: its id (the origin of its audit chain) and the name of its user.

The audit trail reads ``identity`` for the store's origin; ``set_user_name`` writes an
audited edit. So that the module graph stays one-way (``audit`` → ``identity``), this module
imports ``workbench.audit`` only inside ``set_user_name``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import StoreIdentity
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from db.engine import Store


def identity(session: Session) -> StoreIdentity:
    """The store's identity row, created on first use."""
    row = session.scalars(select(StoreIdentity)).first()
    if row is None:
        row = StoreIdentity()
        session.add(row)
        session.flush()
    return row


def user_name(session: Session) -> str | None:
    return identity(session).user_name


def require_user_name(session: Session) -> str:
    """The name of the person using this store, for the audit trail."""
    name = user_name(session)
    if not name:
        raise WorkbenchError(
            "This store has no user name yet. Set it first with "
            "'workbench identity set --name \"Your Name\"'."
        )
    return name


def set_user_name(store: Store, name: str) -> StoreIdentity:
    """Set the name recorded against this store's changes (an audited edit)."""
    name = name.strip()
    if not name:
        raise WorkbenchError("The name must not be empty.")
    if len(name) > 200:
        raise WorkbenchError("The name is longer than 200 characters; shorten it.")
    from workbench import audit

    with store.sessions.begin() as session:
        row = identity(session)
        old = row.user_name
        if old != name:
            row.user_name = name
            audit.record(session, name, "update", "identity", row.id, "user_name", old, name)
        return row
