"""What the server refuses or reports, in words: a write outside the user's role, a
concurrent change, a server that went away. Installed on every server store's engine."""

from __future__ import annotations

import re

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

from workbench.errors import WorkbenchError

INSUFFICIENT_PRIVILEGE = "42501"
TRANSIENT = {"40001", "40P01"}  # serialization failure, deadlock detected
UNIQUE_VIOLATION = "23505"


class NotAllowed(WorkbenchError):
    """The server refused a write: the user's role does not allow it."""


class ConcurrentChange(WorkbenchError):
    """Another user changed the same records at the same moment; nothing was saved.

    Safe to retry as a whole (``workbench.server.retry.retried``)."""


class ConnectionLost(WorkbenchError):
    """The connection to the server went while the work was under way."""


def _table_of(message: str) -> str:
    found = re.search(r'(?:for table|relation) "?([a-z_]+)"?', message)
    return found.group(1) if found else ""


def _explain(context: ExceptionContext) -> Exception | None:
    orig = context.original_exception
    if context.is_disconnect:  # the pool replaces the connection for the next piece of work
        return ConnectionLost(
            "The connection to the server was lost before this change was confirmed. Reload "
            "to see whether it was saved, and make it again if it was not."
        )
    code = getattr(orig, "sqlstate", None)
    if code is None:
        return None
    message = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    if code == INSUFFICIENT_PRIVILEGE:
        if message.startswith("workbench: "):  # the lead rule's own words (roles.py)
            return NotAllowed(message.removeprefix("workbench: ") + "; nothing was saved.")
        table = _table_of(message)
        where = f" to the {table.replace('_', ' ')} table" if table else ""
        return NotAllowed(
            f"The server refused this change{where}: your login's role does not allow it "
            "(analysts read and write nothing; leads write only the inspections they lead). "
            "Nothing was saved."
        )
    if code in TRANSIENT or (code == UNIQUE_VIOLATION and _concurrent_unique(message)):
        return ConcurrentChange(
            "Another user changed the same records at the same moment, so nothing was saved. "
            "Reload and make the change again."
        )
    return None


def _concurrent_unique(message: str) -> bool:
    """A unique key that only a concurrent writer could have taken first (two sessions
    creating one inspector's assessment of a case, or the same received records)."""
    keys = (
        "assessment_case_id_inspector", "moderation_case_id", "stage_judgement_assessment_id",
        "_pkey", "audit_segment_origin_first_seq", "audit_event_seq", "audit_event_origin",
    )  # fmt: skip
    return any(key in message for key in keys)


def explain_server_errors(engine: Engine) -> None:
    """Raise ``NotAllowed`` / ``ConcurrentChange`` / ``ConnectionLost`` instead of the
    driver's errors."""
    if not event.contains(engine, "handle_error", _explain):
        event.listen(engine, "handle_error", _explain)
