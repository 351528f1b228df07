"""The sessions an import of many packs runs its transactions in: on SQLite, all on one
connection, set up once for writing pack after pack.

Each pack is still merged and logged in a transaction of its own (``importing``); only the
connection under those transactions is kept for the whole import, with:

- a 64 MB page cache for the whole import. Setting it for each merge alone and putting the
  2 MB default back afterwards dropped the pages the next pack needs (the indexes on random
  ids, touched all over by every pack), so each pack read and decrypted them again: the
  cost per pack grew with the store.
- a WAL checkpoint once the log holds ``WAL_PAGES`` rather than SQLite's 1,000 pages. Every
  pack's commit writes some 15 MB of pages at 10x (the same index pages, again and again),
  and a checkpoint after each copied them into the store and synced it once per pack; one
  every 256 MB copies each page once for many packs. The log stays bounded by that, and
  once an import has merged records, what it holds is checkpointed when the import ends
  (passively: no reader is waited for). An import that merged nothing (the same files
  again) leaves its few pages to SQLite's own checkpoint, as any small write does.

A crash at any point is no different: the log is the store until it is checkpointed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.engine import Store

WAL_PAGES = 65_536  # 256 MB of 4 KB pages
CACHE_KIB = 65_536

Sessions = Callable[[], AbstractContextManager[Session]]


@dataclass
class ImportSessions:
    """``begin``: a ``store.sessions.begin`` for the import's transactions; ``merged``: set
    by the importer once a pack has merged records (then the log is checkpointed at the end)."""

    begin: Sessions
    merged: bool = False


@contextmanager
def import_sessions(store: Store) -> Iterator[ImportSessions]:
    """The sessions for an import's transactions (see the module's docstring)."""
    if store.engine.dialect.name != "sqlite" or store.read_only:
        yield ImportSessions(store.sessions.begin)
        return
    with store.engine.connect() as conn:
        cache = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
        pages = int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() or 1000)
        conn.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_KIB}")
        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
        conn.commit()  # no transaction left open: each session below begins and commits its own

        @contextmanager
        def begin() -> Iterator[Session]:
            with store.sessions(bind=conn) as session, session.begin():
                yield session

        sessions = ImportSessions(begin)
        try:
            yield sessions
        finally:
            try:
                conn.rollback()
                conn.exec_driver_sql(f"PRAGMA cache_size={cache}")
                conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={pages}")
                if sessions.merged:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                conn.commit()
            except SQLAlchemyError:  # a connection that cannot be set back is not pooled again
                conn.invalidate()
