"""Records as they travel in a pack: specs, readers from the store, digests.

An assessment travels with its stage judgements and its prompt answers (a map); a referral
alone, its events separately; audit events as canonical lines (``workbench.audit.event_line``)
so that their chain verifies in the lead's store. Every reader uses SQLAlchemy Core (plain
rows, no ORM objects): a pack can hold tens of thousands of rows.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, Text, func, select
from sqlalchemy.engine import Connection

from db.bulk import bulk_insert
from db.models import Assessment as AssessmentRow
from db.models import AuditEvent, AuditSegment, Case, Referral, ReferralEvent, StageJudgement
from db.types import AnswerMap, UTCDateTime, canonical_json
from workbench.audit import HASHED, event_line
from workbench.services.grading import MAX_TEXT as GRADING_TEXT  # a rationale's or note's

ASSESSMENT = {
    "id": "id",
    "case_id": "id",
    "inspector": "str:200",
    "status": "str:20",
    "overall_grade": "str?:40",
    "rationale": f"str:{GRADING_TEXT}",
    "methodology_id": "str:100",
    "methodology_version": "str:40",
    "revision": "int",
    "created_at": "ts",
    "updated_at": "ts",
    "graded_at": "ts?",
}
STAGE = {"id": "id", "stage_id": "str:100", "grade": "str?:40", "notes": f"str:{GRADING_TEXT}"}
REFERRAL = {
    "id": "id",
    "case_id": "id",
    "raised_by": "str:200",
    "risk_summary": "text",
    "urgency": "str:40",
    "referred_to": "str:200",
    "referred_at": "ts",
    "status": "str:20",
    "closed_at": "ts?",
    "revision": "int",
    "created_at": "ts",
    "updated_at": "ts",
}
REFERRAL_EVENT = {
    "id": "id",
    "referral_id": "id",
    "response": "str:60",
    "note": "text",
    "occurred_at": "ts",
    "recorded_by": "str:200",
    "created_at": "ts",
}
# A referral's status follows from its events when they are merged, so it is left out of the
# digest that breaks ties between two versions of one referral.
REFERRAL_DERIVED = ("status", "closed_at")
CHUNK = 500


def digest(record: dict[str, Any], leave_out: Iterable[str] = ()) -> str:
    """SHA-256 of a record's canonical JSON: equal records, equal digests, in any store."""
    skip = set(leave_out)
    body = {k: v for k, v in record.items() if k not in skip}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def canonical(record: dict[str, Any]) -> dict[str, Any]:
    """The record with every map's keys in order, so that JSON written from it without
    sorting is its canonical text (``db.types.canonical_json``), whose digest is ``digest``."""
    result: dict[str, Any] = json.loads(canonical_json(record))
    return result


def plain_digest(record: Any) -> str | None:
    """The digest an incoming assessment would have once checked (``document.complete``
    puts its stages in order), taken before any check: equal to a digest kept on merging
    (``assessment.pack_digest``) only for the very same content; None when it has no list
    of stages to put in order."""
    try:
        stages = sorted(record["stages"], key=lambda s: s["stage_id"])
        return digest({**record, "stages": stages})
    except (TypeError, KeyError, ValueError, AttributeError, RecursionError):
        return None


def held_digests(
    conn: Connection, inspection_id: str, inspector: str, ids: list[str]
) -> dict[str, str]:
    """Of the assessments ``ids``, those held here as ``inspector``'s on cases of the
    inspection with the digest their merge kept: id -> digest."""
    table, cases = plain(AssessmentRow), plain(Case)
    columns = (table.c.id, table.c.pack_digest, table.c.inspector, cases.c.inspection_id)
    query = select(*columns).join(cases, cases.c.id == table.c.case_id)
    found: dict[str, str] = {}
    for chunk in chunks(ids):  # by id alone, the rest compared here (``cases_outside``)
        for ident, kept, author, inspection in conn.execute(query.where(table.c.id.in_(chunk))):
            if kept is not None and (author, inspection) == (inspector, inspection_id):
                found[ident] = kept
    return found


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@functools.cache
def plain(model: Any) -> Table:
    """The model's table with its UTC timestamps and answer maps as plain text columns.

    ``db.types.UTCDateTime`` and ``AnswerMap`` store the exact canonical text that records
    carry, so bulk reads and writes pass it through rather than convert every value again.
    """

    def plain_type(column: Column) -> Any:
        if isinstance(column.type, UTCDateTime):
            return String(32)
        return Text() if isinstance(column.type, AnswerMap) else column.type

    columns = [Column(c.name, plain_type(c), key=c.key) for c in model.__table__.columns]
    return Table(model.__tablename__, MetaData(), *columns)


def _select(model: Any, spec: dict[str, str], *extra: str) -> tuple[Table, Any]:
    table = plain(model)
    return table, select(*(table.c[name] for name in (*extra, *spec)))


def assessments(conn: Connection, ids: list[str]) -> list[dict[str, Any]]:
    """The assessments with these ids, each with its ``stages`` and ``answers``."""
    result: dict[str, dict[str, Any]] = {}
    fields = list(ASSESSMENT)
    for chunk in chunks(ids):
        table, query = _select(AssessmentRow, ASSESSMENT, "answers")
        for answers, *row in conn.execute(query.where(table.c.id.in_(chunk))).all():
            record = dict(zip(fields, row, strict=True))
            result[row[0]] = {**record, "stages": [], "answers": json.loads(answers or "{}")}
        table, query = _select(StageJudgement, STAGE, "assessment_id")
        names = list(STAGE)
        for owner, *values in conn.execute(query.where(table.c.assessment_id.in_(chunk))).all():
            result[owner]["stages"].append(dict(zip(names, values, strict=True)))
    for record in result.values():
        record["stages"].sort(key=lambda s: s["stage_id"])
    return [result[i] for i in ids if i in result]


def _records(conn: Connection, model: Any, spec: dict[str, str], column: str, keys: list) -> list:
    table, query = _select(model, spec)
    fields = list(spec)
    found = []
    for chunk in chunks(keys):
        rows = conn.execute(query.where(table.c[column].in_(chunk))).all()
        found += [dict(zip(fields, row, strict=True)) for row in rows]
    return sorted(found, key=lambda r: r["id"])


def referrals(conn: Connection, ids: list[str]) -> list[dict[str, Any]]:
    return _records(conn, Referral, REFERRAL, "id", ids)


def referral_events(conn: Connection, ids: list[str], by: str = "id") -> list[dict[str, Any]]:
    """Referral events by their own ids, or (``by="referral_id"``) by their referrals."""
    return _records(conn, ReferralEvent, REFERRAL_EVENT, by, ids)


def audit_lines(conn: Connection, origin: str, keep: Callable[[str, str], bool]) -> list[str]:
    """This store's audit events (``origin``) that ``keep(entity, entity_id)``, as lines."""
    table = plain(AuditEvent)
    query = select(*(table.c[name] for name in HASHED))
    query = query.where(table.c.origin == origin).order_by(table.c.origin_seq)
    entity, entity_id = HASHED.index("entity"), HASHED.index("entity_id")
    return [
        event_line(dict(zip(HASHED, row, strict=True)))
        for row in conn.execute(query)
        if keep(row[entity], row[entity_id])
    ]


def received_mark(conn: Connection, origin: str) -> tuple[int, int, str | None]:
    """What this store holds of ``origin``'s trail: (events, last sequence, last hash)."""
    count, last = conn.execute(
        select(
            func.coalesce(func.sum(AuditSegment.events), 0), func.max(AuditSegment.last_seq)
        ).where(AuditSegment.origin == origin)
    ).one()
    if last is None:
        return 0, 0, None
    last_hash = conn.scalar(
        select(AuditSegment.last_hash).where(
            AuditSegment.origin == origin, AuditSegment.last_seq == last
        )
    )
    return int(count), int(last), last_hash


# -- helpers for merging ----------------------------------------------------------------------


def row_of(record: dict[str, Any], spec: dict[str, str], **extra: Any) -> dict[str, Any]:
    """A checked record as column values for ``plain`` tables (timestamps stay text)."""
    row = {field: record[field] for field in spec}
    row.update(extra)
    return row


def insert_sorted(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk insert, in primary key order (far fewer index pages touched in SQLite)."""
    if rows:
        bulk_insert(conn, plain(model), sorted(rows, key=lambda row: row["id"]))


def wins(new: dict[str, Any], old: dict[str, Any], derived: tuple[str, ...] = ()) -> bool:
    """Whether ``new`` is a greater version than ``old`` (full records).

    The order is (revision, updated_at, digest without the ``derived`` fields, full digest).
    Fields derived on merge (a referral's status) count last, so a stored row whose status
    was derived from its responses still compares as the version it was.
    """

    def rank(record: dict[str, Any]) -> tuple:
        return (
            record["revision"],
            record["updated_at"],
            digest(record, derived),
            digest(record) if derived else "",
        )

    return rank(new) > rank(old)


def cases_outside(conn: Connection, inspection_id: str, wanted: set[str]) -> set[str]:
    """The ``wanted`` case ids that are not cases of the inspection in this store."""
    found: set[str] = set()
    for chunk in chunks(sorted(wanted)):
        # By id alone, the inspection compared here (see ``authority._cases``).
        query = select(Case.id, Case.inspection_id).where(Case.id.in_(chunk))
        found.update(i for i, inspection in conn.execute(query) if inspection == inspection_id)
    return wanted - found
