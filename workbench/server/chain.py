"""Appending to a login's own audit chain on a server in two round trips (docs/server.md).

A transaction's first event locks the chain's recorded head (``chain_head`` of kind ``own``,
``SELECT ... FOR UPDATE``) and reads where the chain ends from it; each event is then one
statement that inserts the event and moves the head together::

    WITH moved AS (UPDATE chain_head SET last_seq = n, last_hash = h
                   WHERE id = :head AND last_seq = n - 1 AND last_hash = :prev
                     AND <event n - 1 is held with hash :prev> AND <no event after it>
                   RETURNING id)
    INSERT INTO audit_event (...) SELECT ... FROM moved

The head's row lock is what two sessions of one login take turns on (every appender takes
it first), and READ COMMITTED's next statement sees whatever the previous holder committed.
The head is trusted only as far as the events bear it out: the first event of a transaction
checks that the event the head names is held with that hash and that none follows it, and
when it is not (a head moved wrongly, or missing), the chain's end is read from the events
themselves, as on SQLite, and the head put right. A login's first event on the server has no
head to lock: it takes the advisory lock on its origin (``lock_audit_chain``) and creates
the head, and later sessions lock the head row.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, exists, insert, literal, select, update
from sqlalchemy.orm import Session

from db.models import AuditEvent, ChainHead, new_id
from workbench.audit import GENESIS, _Chain, _last_event
from workbench.server.login import lock_audit_chain, writer_origin

_EVENTS = cast(Table, AuditEvent.__table__)
_HEADS = cast(Table, ChainHead.__table__)
_COLUMNS = (
    "id", "origin", "origin_seq", "at", "actor", "action", "entity", "entity_id", "field",
    "old_value", "new_value", "prev_hash", "hash",
)  # fmt: skip


class ServerChain(_Chain):
    """This login's chain cursor on a server; its head locked for the rest of the transaction."""

    def __init__(self, session: Session) -> None:
        self.origin = writer_origin(session)
        self.seq = 0  # drawn by the server's sequence (roles.AUDIT_SEQ), whatever is sent
        self.head = None
        found = self._locked_head(session)
        if found is None:  # this login's first event here: no head row to lock yet
            lock_audit_chain(session)
            found = self._locked_head(session)  # unless a concurrent first one made it
        self.head_id: str | None = None
        self.checked = False  # whether the events have borne out the head in this transaction
        if found is None:
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
        start = (self.origin_seq, self.prev_hash)
        values = self.values(*args)
        if self.head_id is None:
            self._first(session, values)
        elif not self._append(session, values, start, check=not self.checked):
            self._from_events(session)  # the head is not where the events end: trust them
            values = self.values(*args)
            if not self._append(session, values, None, check=False):
                raise RuntimeError("the audit chain's head could not be moved")  # held locked
        self.checked = True
        return AuditEvent(seq=None, hash=self.prev_hash, **values)

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
        self,
        session: Session,
        values: dict[str, Any],
        start: tuple[int, str] | None,
        check: bool,
    ) -> bool:
        """Insert the event and move the head in one statement; False (nothing written) when
        ``check`` and the events do not end where the head said (``start``)."""
        moved = update(_HEADS).where(_HEADS.c.id == self.head_id)
        if check and start is not None:
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
