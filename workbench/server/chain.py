"""Appending to a login's own audit chain on a server in one statement (docs/server.md).

Each event is one statement that inserts it and moves the chain's recorded head
(``chain_head`` of kind ``own``) together, if the head is where this cursor says the chain
ends::

    WITH moved AS (UPDATE chain_head SET last_seq = n, last_hash = h
                   WHERE id = :head AND last_seq = n - 1 AND last_hash = :prev
                     AND <event n - 1 is held with hash :prev> AND <no event after it>
                   RETURNING id)
    INSERT INTO audit_event (...) SELECT ... FROM moved

Where the chain ends is kept with the pooled connection after each event, so an edit reads
nothing first. The UPDATE takes the head's row lock (two sessions of one login take turns
on it, as every appender moves the head) and, having waited for another holder, checks the
head as that one left it: when the head has moved (another session of the login, or a
transaction rolled back), nothing is written, and the head is read again under its lock
(``SELECT ... FOR UPDATE``). The head is trusted only as far as the events bear it out:
the first event of a transaction checks that the event the head names is held with that
hash and that none follows it, and when not (a head moved wrongly), the chain's end is read
from the events themselves, as on SQLite, and the head put right. A login's first event on
the server has no head to lock: it takes the advisory lock on its origin
(``lock_audit_chain``) and creates the head.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, exists, insert, literal, select, update
from sqlalchemy.orm import Session

from db.models import AuditEvent, ChainHead, new_id
from workbench.audit import GENESIS, _Chain, _last_event
from workbench.errors import WorkbenchError
from workbench.server.login import lock_audit_chain, writer_origin

_EVENTS = cast(Table, AuditEvent.__table__)
_HEADS = cast(Table, ChainHead.__table__)
_KNOWN = "audit_chain_head"  # (origin, head id, last seq, last hash) as this connection left it
_COLUMNS = (
    "id", "origin", "origin_seq", "at", "actor", "action", "entity", "entity_id", "field",
    "old_value", "new_value", "prev_hash", "hash",
)  # fmt: skip


class ServerChain(_Chain):
    """This login's chain cursor on a server; its head locked for the rest of the transaction
    from the first event on."""

    def __init__(self, session: Session) -> None:
        self.origin = writer_origin(session)
        self.seq = 0  # drawn by the server's sequence (roles.AUDIT_SEQ), whatever is sent
        self.head = None
        self.head_id: str | None = None
        self.checked = False  # whether the events have borne out the head in this transaction
        self.locked = False  # whether this transaction holds the head's row lock
        self.held = session.connection().info  # kept with the pooled connection
        known = self.held.get(_KNOWN)
        if known is not None and known[0] == self.origin:
            _, self.head_id, self.origin_seq, self.prev_hash = known
        else:
            self._lock(session)

    def _lock(self, session: Session) -> None:
        """Lock the head and read the chain's end from it (from the events if it has none)."""
        found = self._locked_head(session)
        if found is None:  # this login's first event here: no head row to lock yet
            lock_audit_chain(session)
            found = self._locked_head(session)  # unless a concurrent first one made it
        self.locked, self.checked = True, False
        if found is None:
            self.head_id = None
            self._from_events(session)
        else:
            self.head_id, self.origin_seq, self.prev_hash = found

    def _locked_head(self, session: Session) -> tuple[str, int, str] | None:
        row = session.execute(
            select(_HEADS.c.id, _HEADS.c.last_seq, _HEADS.c.last_hash)
            .where(_HEADS.c.kind == "own", _HEADS.c.origin == self.origin)
            .order_by(_HEADS.c.last_seq.desc())
            .limit(1)
            .with_for_update()
        ).first()
        return None if row is None else (row[0], row[1], row[2])

    def _from_events(self, session: Session) -> None:
        self.origin_seq, self.prev_hash = _last_event(session, self.origin)
        self.checked = True

    def note_head(self, session: Session) -> None:
        raise NotImplementedError("a server chain moves its head with each event")

    def next(
        self,
        session: Session,
        actor: str,
        action: str,
        entity: str,
        entity_id: str,
        field: str,
        old: object,
        new: object,
    ) -> AuditEvent:
        args = (actor, action, entity, entity_id, field, old, new)
        values = self._write(session, args)
        if values is None and not self.locked:  # the head moved since this connection's last
            self._lock(session)
            values = self._write(session, args)
        if values is None:  # the head is not where the events end: trust the events
            self._from_events(session)
            values = self._write(session, args)
        if values is None:
            raise WorkbenchError(
                "The audit trail's recorded end for this login is missing from the server, "
                "so nothing was saved. Ask an administrator to run 'workbench audit verify'."
            )
        self.checked = self.locked = True
        self.held[_KNOWN] = (self.origin, self.head_id, self.origin_seq, self.prev_hash)
        return AuditEvent(seq=None, hash=self.prev_hash, **values)

    def _write(self, session: Session, args: tuple[Any, ...]) -> dict[str, Any] | None:
        """The next event written and the head moved to it; None (nothing written) when the
        head is not where this cursor says the chain ends."""
        start = (self.origin_seq, self.prev_hash)
        values = self.values(*args)
        if self.head_id is None:
            self._first(session, values)
            return values
        return values if self._append(session, values, start, check=not self.checked) else None

    def _row(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "hash": self.prev_hash}

    def _first(self, session: Session, values: dict[str, Any]) -> None:
        """The event and a new head for a chain that has none (under the advisory lock)."""
        session.execute(insert(_EVENTS).values(self._row(values)))
        self.head_id = str(
            session.scalar(
                insert(_HEADS)
                .values(
                    id=new_id(),
                    kind="own",
                    origin=self.origin,
                    last_seq=self.origin_seq,
                    last_hash=self.prev_hash,
                )
                .returning(_HEADS.c.id)
            )
        )

    def _append(
        self, session: Session, values: dict[str, Any], start: tuple[int, str], check: bool
    ) -> bool:
        """Insert the event and move the head in one statement; False (nothing written) when
        ``check`` and the head or the events do not end at ``start``. The UPDATE takes the
        head's row lock, waiting for a concurrent holder, then checks the head as that one
        left it."""
        moved = update(_HEADS).where(_HEADS.c.id == self.head_id)
        if check:
            seq, prev = start
            held = _EVENTS.c.origin == self.origin
            moved = moved.where(
                _HEADS.c.last_seq == seq,
                _HEADS.c.last_hash == prev,
                ~exists().where(held, _EVENTS.c.origin_seq > seq),
            )
            if prev != GENESIS or seq:
                moved = moved.where(
                    exists().where(held, _EVENTS.c.origin_seq == seq, _EVENTS.c.hash == prev)
                )
        cte = (
            moved.values(last_seq=self.origin_seq, last_hash=self.prev_hash)
            .returning(_HEADS.c.id)
            .cte("moved")
        )
        row = self._row(values)
        source = select(*(literal(row[name], _EVENTS.c[name].type) for name in _COLUMNS))
        statement = insert(_EVENTS).from_select(
            [_EVENTS.c[name] for name in _COLUMNS], source.select_from(cte)
        )
        return session.scalar(statement.returning(_EVENTS.c.origin_seq)) is not None
