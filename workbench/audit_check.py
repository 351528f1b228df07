"""``audit verify``: the audit trail is intact, and it proves the data.

Checked, and every problem reported (not only the first):

- SQLite's own ``PRAGMA integrity_check``;
- this store's chain: sequence without gaps, each event linked to the one before and
  matching its hash; its newest event is the head recorded with it (``ChainHead`` ``own``),
  and every head this store exported in a pack is still in it, with the same hash, so
  removing the newest events or rewriting the chain with fresh hashes shows (on a server,
  each login's chain, with its own recorded head: docs/server.md);
- every received segment: as recorded on receipt (span, count, last hash), each line linked
  to the one before it where the sequence runs on (a pack carries only its inspection's
  events, so another inspection's events leave declared gaps, counted, not refused), and
  every head received in a pack (``ChainHead`` ``received`` and this store's own record of
  each import) still there with the same hash;
- replaying the events reproduces every audited value in the store (``audit_replay``).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from db.engine import Store
from db.gc_pause import gc_paused
from db.models import AuditEvent, AuditSegment, ChainHead
from workbench.audit import GENESIS, HASHED, event_line
from workbench.audit_integrity import IntegrityCheck
from workbench.audit_replay import Replay
from workbench.identity import identity
from workbench.packs.records import plain

SCREENFUL = 20
# Heads of received chains by (origin, sequence): the hash, and which import recorded it.
Heads = dict[tuple[str, int], tuple[str, str]]


@dataclass
class AuditCheck:
    events: int = 0
    origins: int = 0
    records: int = 0
    gaps: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    def shown(self, limit: int = SCREENFUL) -> list[str]:
        """At most a screenful of problems, then how many more there are."""
        lines = self.problems[:limit]
        if len(self.problems) > limit:
            lines.append(f"… and {len(self.problems) - limit} more problems.")
        return lines


def check_audit(session: Session) -> AuditCheck:
    """Every check (see the module's docstring), with every problem found.

    Python's cyclic collector is paused meanwhile (``db.gc_pause``): the check builds
    millions of small containers (every received event parsed, the newest value of every
    audited field), none in a cycle, and the collections they set off walked all of them
    again and again, about half of the check's time on a lead's store after 100 packs.
    What the check built is dropped before the collector resumes (``_check`` returns only
    the result)."""
    with gc_paused():
        return _check(session)


def _check(session: Session) -> AuditCheck:
    integrity = IntegrityCheck(session)  # SQLite's own, in a thread beside the rest
    try:
        result = _trail(session)
    except BaseException:
        integrity.wait()
        raise
    result.problems[:0] = integrity.problems()
    return result


def _trail(session: Session) -> AuditCheck:
    result = AuditCheck()
    replay = Replay()
    own = identity(session).id
    own_hashes, received_wanted = _own_events(session, result, replay)
    for row in session.scalars(select(ChainHead).where(ChainHead.kind == "received")):
        when = f"the import at {row.recorded_at:%d/%m/%Y %H:%M:%S}"
        received_wanted.setdefault((row.origin, row.last_seq), (row.last_hash, when))
    _heads_of_own(session, result, own, own_hashes)
    _received(session, result, replay, received_wanted)
    result.problems += list(replay.mismatches(session))
    result.records = replay.records
    return result


def _where(origin_seq: int, seq: int | None, event_id: str, values: dict[str, Any]) -> str:
    where = f"#{seq}" if seq is not None else f"{origin_seq} of {values['origin']}"
    return (
        f"the audit trail is broken at audit event {where} ({event_id}) at "
        f"{_shown_time(values['at'])} UTC by {values['actor']}: {values['action']} "
        f"{values['entity']} {values['entity_id']} {values['field']}"
    )


def _shown_time(at: str) -> str:
    """Canonical timestamp text as shown (29/11/2026 08:35:50)."""
    return f"{at[8:10]}/{at[5:7]}/{at[:4]} {at[11:19]}"


def _own_events(
    session: Session, result: AuditCheck, replay: Replay
) -> tuple[dict[str, dict[int, str]], dict[tuple[str, int], tuple[str, str]]]:
    """Check this store's events (rows); their hashes by chain and sequence, and the heads
    of the packs it imported, as its own events recorded them."""
    table = plain(AuditEvent)
    columns = [table.c[name] for name in HASHED]
    query = select(*columns, table.c.hash, table.c.seq).order_by(table.c.origin, table.c.origin_seq)
    chains: dict[str, dict[int, str]] = {}
    hashes: dict[int, str] = {}
    heads: dict[tuple[str, int], tuple[str, str]] = {}
    origin, expected_seq, previous = None, 1, GENESIS
    for row in session.execute(query):
        values = dict(zip(HASHED, row[: len(HASHED)], strict=True))
        stored_hash, seq = row[-2], row[-1]
        result.events += 1
        if values["origin"] != origin:
            origin, expected_seq, previous = values["origin"], 1, GENESIS
            hashes = chains.setdefault(origin, {})
            result.origins += 1
        where = _where(values["origin_seq"], seq, values["id"], values)
        if values["origin_seq"] != expected_seq:
            result.problems.append(
                f"{where}: event {expected_seq} of chain {origin} is missing before it"
            )
        elif values["prev_hash"] != previous:
            result.problems.append(f"{where}: it does not follow the event before it (link broken)")
        if hashlib.sha256(event_line(values).encode("utf-8")).hexdigest() != stored_hash:
            result.problems.append(
                f"{where}: its content does not match its hash (edited after it was written)"
            )
        expected_seq, previous = values["origin_seq"] + 1, stored_hash
        hashes[values["origin_seq"]] = stored_hash
        replay.add(values)
        if values["action"] == "import_pack":
            _head_of_import(values, heads)
    return chains, heads


def _head_of_import(values: dict[str, Any], heads: Heads) -> None:
    try:
        head = json.loads(values["new_value"] or "{}").get("head")
        origin, seq, digest = head
        heads[(str(origin), int(seq))] = (str(digest), f"the import at {_shown_time(values['at'])}")
    except (ValueError, TypeError, AttributeError):
        return


def _heads_of_own(
    session: Session, result: AuditCheck, own: str, chains: dict[str, dict[int, str]]
) -> None:
    """Each chain of this store's own events ends on its recorded head. A laptop has one
    chain (the store's id); a server has one per login, each with its own head."""
    origins = {own, *chains}
    query = select(ChainHead).where(
        ChainHead.origin.in_(origins), ChainHead.kind.in_(("own", "exported"))
    )
    seen: set[str] = set()
    for head in session.scalars(query.order_by(ChainHead.origin)):
        hashes = chains.get(head.origin, {})
        last = max(hashes, default=0)
        whose = "this store's audit trail" + (
            "" if head.origin == own else f" (the chain {head.origin})"
        )
        if head.kind == "own":
            seen.add(head.origin)
            if (head.last_seq, head.last_hash) != (last, hashes.get(last, GENESIS)):
                result.problems.append(
                    f"{whose} ends at event {last}, but its newest event was "
                    f"recorded as event {head.last_seq} ({head.last_hash[:12]}…): events were "
                    "removed, or the chain was rewritten"
                )
        elif head.kind == "exported" and hashes.get(head.last_seq) != head.last_hash:
            gone = head.last_seq > last
            result.problems.append(
                f"the pack exported as {head.source} carried this store's audit events up to "
                f"event {head.last_seq}, "
                + (
                    "which is no longer here (events were removed)"
                    if gone
                    else "which is no longer the same (the chain was rewritten)"
                )  # fmt: skip
            )
    for origin in sorted(set(chains) - seen):
        if chains[origin]:
            whose = "" if origin == own else f" (the chain {origin})"
            result.problems.append(
                f"the record of this store's newest audit event{whose} is missing (removed "
                "from the store)"
            )


def _segments(session: Session) -> Iterator[Row[Any]]:
    """The received segments by origin and sequence, read one at a time (a lead's store
    holds hundreds of megabytes of them: neither all at once nor as ORM objects)."""
    table = AuditSegment.__table__
    columns = ("origin", "first_seq", "last_seq", "events", "last_hash", "lines")
    query = select(*(table.c[name] for name in columns)).order_by(table.c.origin, table.c.first_seq)
    yield from session.connection().execute(query)


def _received(session: Session, result: AuditCheck, replay: Replay, wanted: Heads) -> None:
    last_of: dict[str, int] = {}
    origin, previous_seq, previous = "", 0, GENESIS
    sha = hashlib.sha256
    loads = json.loads
    for segment in _segments(session):
        if segment.origin != origin:
            origin, previous_seq, previous = segment.origin, 0, GENESIS
            result.origins += 1
        try:
            text = zlib.decompress(segment.lines)
            lines = text.split(b"\n")
            events = loads(b"[" + text.replace(b"\n", b",") + b"]")  # one parse, not one a line
        except (zlib.error, ValueError) as exc:
            result.problems.append(f"the events received from {origin} are unreadable: {exc}")
            continue
        digests = [digest.hexdigest() for digest in map(sha, lines)]
        try:
            span = (events[0][2], events[-1][2], len(events), digests[-1])
        except (TypeError, KeyError, IndexError):  # not events at all: said below
            span = None
        if span != (segment.first_seq, segment.last_seq, segment.events, segment.last_hash):
            result.problems.append(
                f"the events received from {origin} (from event {segment.first_seq} to "
                f"{segment.last_seq}) are not those recorded on receipt: edited since"
            )
        if (
            len(events) != len(lines)
            or set(map(type, events)) != {list}
            or set(map(len, events)) != {len(HASHED)}
        ):
            result.problems.append(f"the events received from {origin} are not all events")
            continue
        result.events += len(events)
        seqs = [e[2] for e in events]
        if (
            seqs[0] == previous_seq + 1
            and seqs[-1] - seqs[0] == len(seqs) - 1
            and ([e[11] for e in events] == [previous, *digests[:-1]])
        ):
            pass  # the usual case, every link checked at once: no gap, none broken
        else:
            _links(result, origin, events, digests, previous_seq, previous)
        first, last_seq = seqs[0], seqs[-1]
        for (head_origin, seq), (digest, source) in wanted.items():
            if head_origin == origin and first <= seq <= last_seq:
                at = bisect_left(seqs, seq)
                if at < len(seqs) and seqs[at] == seq and digests[at] != digest:
                    result.problems.append(
                        f"event {seq} received from {origin} is not the one {source} "
                        "received (edited or rewritten since)"
                    )
        try:
            replay.received(events, origin)
        except TypeError as exc:
            result.problems.append(f"the events received from {origin} are unreadable: {exc}")
            continue
        previous_seq, previous = last_seq, digests[-1]
        last_of[origin] = previous_seq
    for (head_origin, seq), (_, source) in sorted(wanted.items()):
        if seq > last_of.get(head_origin, 0):
            result.problems.append(
                f"{source} received events of {head_origin} up to event {seq}, but only "
                f"{last_of.get(head_origin, 0)} are here (events were removed)"
            )


def _links(
    result: AuditCheck,
    origin: str,
    events: list[list[Any]],
    digests: list[str],
    previous_seq: int,
    previous: str,
) -> None:
    """Each event's link to the one before it, where the sequence runs on; gaps counted."""
    for event, digest in zip(events, digests, strict=True):
        seq = event[2]
        if seq == previous_seq + 1 and event[11] != previous:
            result.problems.append(
                f"event {seq} received from {origin} does not follow the event before it "
                "(link broken, or edited after it was received)"
            )
        elif seq > previous_seq + 1:
            result.gaps += 1
        elif seq <= previous_seq:
            result.problems.append(f"event {seq} received from {origin} is out of order")
        previous_seq, previous = seq, digest


def verify_store(store: Store) -> AuditCheck:
    """``check_audit`` in a session of its own (for the window's View ▸ Audit check)."""
    with store.sessions() as session:
        return check_audit(session)
