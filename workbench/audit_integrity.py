"""SQLite's own ``PRAGMA integrity_check`` for ``audit verify``, run beside the rest of it.

The integrity check reads and decrypts every page of the store file in SQLite's C code,
which lets other Python threads run meanwhile: about 3 s of CPU on a lead's store after
100 packs. Started on a connection of its own in a thread, it runs on a second core while
the audit trail is checked rather than before it. A store that is not a file (in memory:
each connection would be a database of its own) or a session bound to one connection is
checked on the session's connection, in line; a server store has no such check.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

SHOWN = 5  # of SQLite's complaints, the first few


def _rows(conn: Any) -> list[str]:
    return [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]


class IntegrityCheck:
    """SQLite's integrity check of the session's store, started; ``problems`` waits for it."""

    def __init__(self, session: Session) -> None:
        self._rows: list[str] = ["ok"]
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        bind = session.get_bind()
        if bind.dialect.name != "sqlite":
            return
        if isinstance(bind, Engine) and bind.url.database not in (None, "", ":memory:"):
            self._thread = threading.Thread(
                target=self._run, args=(bind,), name="integrity_check", daemon=True
            )
            self._thread.start()
        else:
            self._rows = _rows(session.connection())

    def _run(self, engine: Engine) -> None:
        try:
            with engine.connect() as conn:
                self._rows = _rows(conn)
        except BaseException as exc:  # noqa: BLE001 - raised again by ``problems``
            self._error = exc

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def problems(self) -> list[str]:
        """What SQLite found, in words (none when the file is sound); an error it raised
        is raised here."""
        self.wait()
        if self._error is not None:
            raise self._error
        if self._rows == ["ok"]:
            return []
        return [f"the store file is damaged (SQLite says: {r})" for r in self._rows[:SHOWN]]
