"""A pack's audit trail: the sender's events as lines of canonical JSON, checked cheaply.

Each line is exactly the text its event's hash covers (``workbench.audit.event_line``):
``["<id>","<origin>",<origin_seq>,"<at>",...,"<prev_hash>"]``. The fixed widths of the id
and origin put the origin and the sequence number at known places, and the previous hash
closes every line, so hundreds of thousands of lines are checked by slicing rather than
parsing. ``merge_trail`` checks the links of the lines it adds and keeps them as one
``AuditSegment``; ``audit verify`` reads every line in full.

A pack carries its store's whole trail, so most of a later pack's trail is already held here.
``check_trail`` given what is held (``Held``) looks at the line where the held part ends: when
that line hashes to the hash held for the sender's last event here, the lines up to it are
the ones already checked and kept on an earlier import (the chain commits each line to the one
before it), and only the lines beyond it are checked again. Those held lines of the pack are
never kept (the store keeps its own copy) and none of the checks of what a pack may carry
reads them: ``named_ids`` reads the store's own copy when a record is named only there.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from bisect import bisect_right
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from db.bulk import bulk_insert
from db.models import AuditSegment, new_id
from db.types import utcnow
from workbench.audit import GENESIS
from workbench.packs.payload import MAX_TEXT, conflict, is_id, malformed, timestamp, unauthorised
from workbench.packs.records import plain, received_mark

WHAT = "findings pack"
MAX_EVENTS = 2_000_000
MAX_LINE = 2 * MAX_TEXT + 2_000
# An event's entity id, between its entity and its field: ``..."assessment","<id>","field"...``
ENTITY_ID = re.compile(rb'","([0-9a-f-]{36})","')


@dataclass(frozen=True)
class Held:
    """What this store holds of a sender's trail: how many events, the last one's sequence
    number and hash (``records.received_mark``)."""

    events: int
    last_seq: int
    last_hash: str | None


@dataclass
class AuditTrail:
    """The sender's audit events: the compressed block as carried, and its checked lines.

    ``held`` leading lines were found to be those this store already holds (the last of them
    at sequence ``held_seq``) and were not checked again; ``seqs`` are the sequence numbers of
    the lines from ``held`` on (of every line when ``held`` is 0)."""

    block: bytes = b""
    lines: list[bytes] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)
    origin: str | None = None
    held: int = 0
    held_seq: int = 0
    text: bytes | None = field(default=None, repr=False)  # the lines joined, as inflated

    @property
    def last_seq(self) -> int:
        return self.seqs[-1] if self.seqs else self.held_seq

    @property
    def new_lines(self) -> list[bytes]:
        """The lines beyond those this store held when the trail was checked."""
        return self.lines[self.held :] if self.held else self.lines

    @property
    def new_text(self) -> bytes:
        """The lines beyond those held here, joined by newlines (as they were inflated)."""
        if self.text is not None and not self.held:
            return self.text
        return b"\n".join(self.new_lines)

    @classmethod
    def of_lines(cls, lines: list[str]) -> AuditTrail:
        """A trail of this store's own events, to export."""
        encoded = [line.encode("utf-8") for line in lines]
        return cls(b"", encoded, [_seq(line) for line in encoded])

    def __len__(self) -> int:
        return len(self.lines)

    def digests(self, start: int = 0, stop: int | None = None) -> list[bytes]:
        """The SHA-256 digests (binary) of the lines from index ``start`` to ``stop``: an
        event's hash is the hex of its line's digest."""
        sha = hashlib.sha256
        return [sha(line).digest() for line in self.lines[start:stop]]

    def carried(self, start: int = 0) -> bytes:
        """The previous-event hashes the lines from ``start`` carry, as binary digests."""
        return bytes.fromhex(b"".join([line[-66:-2] for line in self.lines[start:]]).decode())


def _seq(line: bytes) -> int:
    return int(line[79 : line.index(b",", 79)])


def check_trail(text: bytes, block: bytes, held: Held | None = None) -> AuditTrail:
    """The lines of ``text`` (``block`` inflated): every one an event of one store, in order.

    Checked on every line (from the end of what is ``held`` here, when the line there hashes
    to the hash held): its place in the canonical JSON array (the same origin as the first
    line, a sequence number, a closing previous hash), its length, and that sequence numbers
    only increase. The caller checks the origin is the sender's.
    """
    if not text:
        return AuditTrail(block)
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        raise malformed(WHAT, "its audit trail is not UTF-8 text") from None
    lines = text.split(b"\n")
    if len(lines) > MAX_EVENTS:
        raise malformed(WHAT, f"it holds {len(lines)} audit events, more than {MAX_EVENTS}")
    origin = lines[0][41:77].decode("ascii", "replace")
    if not is_id(origin):
        raise malformed(WHAT, "its audit trail does not begin with an audit event")
    head = f'","{origin}",'.encode("ascii")
    start = _held_lines(lines, head, held)
    try:  # one pass: a line not shaped as an event of that store gets -1
        seqs = [
            int(line[79 : line.index(b",", 79)])
            if line[38:79] == head and line[:2] == b'["' and line[-68:-66] == b',"'
            and line[-2:] == b'"]' and len(line) <= MAX_LINE
            else -1
            for line in (lines[start:] if start else lines)
        ]  # fmt: skip
    except ValueError:
        raise malformed(WHAT, "an audit event has no sequence number") from None
    if -1 in seqs:
        raise malformed(WHAT, "its audit trail holds an event from another store or not an event")
    before = held.last_seq if start and held is not None else 0
    if (seqs and seqs[0] <= before) or (seqs and seqs[0] < 1):
        raise malformed(WHAT, "its audit trail is not in order")
    if any(b <= a for a, b in zip(seqs, seqs[1:], strict=False)):
        raise malformed(WHAT, "its audit trail is not in order")
    return AuditTrail(block, lines, seqs, origin, start, before, text)


def _held_lines(lines: list[bytes], head: bytes, held: Held | None) -> int:
    """How many leading lines are those held here: the line where the held part ends is an
    event of this origin at the last sequence held, hashing to the hash held; else 0."""
    if held is None or not held.events or held.last_hash is None or held.events > len(lines):
        return 0
    boundary = lines[held.events - 1]
    if boundary[38:79] != head or not boundary[79:].startswith(f"{held.last_seq},".encode()):
        return 0
    if hashlib.sha256(boundary).hexdigest() != held.last_hash:
        return 0
    return held.events


def merge_trail(conn: Connection, origin: str, trail: AuditTrail) -> int:
    """Keep the sender's audit events not yet here, once they follow on from what is here;
    how many were added.

    A pack carries its store's whole trail for the inspection, so what is here of it is a
    prefix: the line at the last sequence held here must hash to the hash held here (then,
    by the chain, every line before it is the same), and each new line must link to the one
    before it where the sequence runs on.
    """
    if not len(trail):
        return 0
    held, last_seq, last_hash = received_mark(conn, origin)
    if trail.held:
        # Checked against what is held here (``check_trail``), in this same transaction.
        if (trail.held, trail.held_seq) != (held, last_seq):
            raise conflict("the sender's audit trail differs from the one already here")
        start = held
    else:
        start = bisect_right(trail.seqs, last_seq)
        if start == len(trail):
            return 0  # nothing beyond what is here
        if start != held or (start and trail.seqs[start - 1] != last_seq):
            raise conflict("the sender's audit trail differs from the one already here")
        if start and trail.digests(start - 1, start)[0].hex() != last_hash:
            raise conflict(f"event {last_seq} of the sender's audit trail differs from ours")
    if start == len(trail):
        return 0  # nothing beyond what is here
    digests = trail.digests(start)
    broken = _first_unlinked(trail, start, digests, last_seq, bytes.fromhex(last_hash or GENESIS))
    if broken is not None:
        raise conflict(f"event {broken} of the sender's audit trail does not follow on")
    seqs, lines = trail.seqs[start - trail.held :], trail.lines[start:]
    block = trail.block if start == 0 and trail.block else zlib.compress(b"\n".join(lines), 6)
    segment = {
        "id": new_id(), "origin": origin, "first_seq": seqs[0], "last_seq": seqs[-1],
        "events": len(seqs), "last_hash": digests[-1].hex(), "lines": block,
        "received_at": timestamp(utcnow()),
    }  # fmt: skip
    bulk_insert(conn, plain(AuditSegment), [segment])
    return len(seqs)


def _first_unlinked(
    trail: AuditTrail, start: int, digests: list[bytes], prev_seq: int, prev_digest: bytes
) -> int | None:
    """The first line from ``start`` on that runs on from the one before it but does not
    carry its hash (a line ends with its previous event's hash, ``...,"<64 hex>"]``).

    Where the sequence runs on without a gap (the usual case) all the links are compared
    at once, as two byte strings; otherwise line by line."""
    seqs = trail.seqs[start - trail.held :]
    if seqs[-1] - prev_seq == len(seqs):
        with suppress(ValueError):  # not hex somewhere: found below
            if trail.carried(start) == prev_digest + b"".join(digests[:-1]):
                return None
    before = zip([prev_seq, *seqs[:-1]], [prev_digest, *digests[:-1]], strict=True)
    for seq, line, (seq_before, digest_before) in zip(
        seqs, trail.lines[start:], before, strict=True
    ):
        if seq == seq_before + 1 and line[-66:-2] != digest_before.hex().encode("ascii"):
            return seq
    return None


def check_senders(trail: AuditTrail, inspector: str, latest: str) -> None:
    """Every event of the trail (beyond what is held here: those were checked when they came)
    is recorded by ``inspector`` (the sending store's user) and none is dated after ``latest``
    (canonical timestamp text, which sorts as time does).

    The one exception: events recorded before the sender re-attributed a name's work to
    themselves (a ``reattribute`` event of theirs in the trail, ``workbench.services.names``)
    may be under that earlier name, such as the short name typed at first run.

    Read by slicing, as ``check_trail`` does: after the sequence number come the timestamp
    (32 characters of canonical text) and the actor."""
    actor = b'",' + json.dumps(inspector, ensure_ascii=False).encode("utf-8") + b","
    width, limit = len(actor), latest.encode("ascii")
    earlier = _earlier_names(trail, inspector)
    for line, seq in zip(trail.new_lines, trail.seqs, strict=True):
        at = line.index(b",", 79) + 2
        if line[at + 32 : at + 32 + width] != actor and not _earlier(line, at, seq, earlier):
            raise unauthorised(
                f"event {seq} of its audit trail is recorded by someone other than "
                f"{inspector}, and a pack may carry only its sender's own events"
            )
        if line[at : at + 32] > limit:
            raise malformed(WHAT, f"event {seq} of its audit trail is dated in the future")


def _earlier_names(trail: AuditTrail, inspector: str) -> dict[bytes, int]:
    """Each name the sender re-attributed to themselves (as its actor field is written in
    a line), with the sequence number of the re-attribution: only events before it count.
    Only the lines beyond those held here: the held ones were checked when they came."""
    found: dict[bytes, int] = {}
    mark = b'"reattribute","inspection"'
    if mark not in trail.new_text:
        return found
    for line, seq in zip(trail.new_lines, trail.seqs, strict=True):
        if mark not in line:
            continue
        try:
            values = json.loads(line)
        except ValueError:
            continue
        if values[4:6] == [inspector, "reattribute"] and values[8] == "inspector":
            old = values[9]
            if isinstance(old, str) and old != inspector:
                name = b'",' + json.dumps(old, ensure_ascii=False).encode("utf-8") + b","
                found[name] = max(found.get(name, 0), seq)
    return found


def _earlier(line: bytes, at: int, seq: int, earlier: dict[bytes, int]) -> bool:
    return any(line[at + 32 : at + 32 + len(n)] == n and seq < s for n, s in earlier.items())


def named_ids(
    conn: Connection, trail: AuditTrail, ids: Iterable[str], models: Iterable[Any]
) -> set[bytes]:
    """The entity ids named by the events of the sender's trail, enough to look up ``ids``.

    Those of the lines beyond what is held here; where ``trail.held`` lines were not read
    again, also the ids of ``ids`` already stored here as records of ``models`` (each was found
    in the sender's trail when it first came, and that part of the trail is the part held),
    and, for any still missing, those of this store's own copy of the held lines."""
    found = set(ENTITY_ID.findall(trail.new_text))
    if not trail.held:
        return found
    missing = [i for i in ids if i.encode("ascii") not in found]
    for model in models:
        missing = [i for i in missing if i.encode("ascii") not in found]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            found.update(
                i.encode("ascii") for i in conn.scalars(select(model.id).where(model.id.in_(chunk)))
            )
    if any(i.encode("ascii") not in found for i in missing):
        query = select(AuditSegment.lines).where(AuditSegment.origin == trail.origin)
        for block in conn.scalars(query):
            found.update(ENTITY_ID.findall(zlib.decompress(block)))
    return found
