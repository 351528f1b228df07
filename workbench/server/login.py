"""Who is using a server store: the database login, never a self-declared name."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session


def login(session: Session) -> str:
    """The login of this session's connection (``current_user``), read once per database
    connection (kept with the pooled connection: its login never changes)."""
    found = session.info.get("server_login")
    if found is None:
        held = session.connection().info
        if "server_login" not in held:
            held["server_login"] = session.scalar(text("SELECT current_user"))
        found = session.info["server_login"] = held["server_login"]
    return str(found)


def writer_origin(session: Session) -> str:
    """The origin of this login's own audit chain on the server: a UUID named by the
    server store's identity and the login, the same in every session of that login (worked
    out once per database connection: every edit writes to it)."""
    from workbench.identity import identity

    held = session.connection().info
    origin = held.get("writer_origin")
    if origin is None:
        server_id = identity(session).id
        origin = str(uuid.uuid5(uuid.NAMESPACE_URL, f"workbench:{server_id}:{login(session)}"))
        held["writer_origin"] = origin
    return str(origin)


def lock_audit_chain(session: Session) -> str | None:
    """On a server, the origin of this login's chain, locked for the rest of the transaction;
    None on SQLite (one writer at a time, one chain per store).

    One chain per writer: each login appends to its own chain, so writers never wait for
    one another; two sessions of one login take turns (the lock), so each reads its chain's
    head afresh. The store-wide ``seq`` is drawn from a server sequence (``roles.py``)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    origin = writer_origin(session)
    session.execute(text("SELECT pg_advisory_xact_lock(7316, hashtext(:o))"), {"o": origin})
    return origin


def lock_imports(session: Session, inspection_id: str) -> None:
    """On a server, packs for one inspection are imported one at a time: an import reads
    what is held before it writes, and a concurrent import of the same records would
    otherwise look like a clash. Other writers are not held up."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(7317, hashtext(:i))"), {"i": inspection_id}
        )
