"""Who is using a server store: the database login, never a self-declared name."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def login(session: Session) -> str:
    """The login of this session's connection (``current_user``), read once per session."""
    found = session.info.get("server_login")
    if found is None:
        found = session.info["server_login"] = session.scalar(text("SELECT current_user"))
    return str(found)


def lock_audit_chain(session: Session) -> None:
    """Append to the server's one audit chain in commit order: a transaction that writes
    audit events holds this lock until it ends, so each reads the chain's head afresh and
    no two writers take the same sequence number."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7316, 1)"))
