"""Records as they travel in a pack: specs, readers from the store, digests.

An assessment travels with its stage judgements and prompt answers; a referral alone, its
events separately; audit events with their origin, sequence and hashes so that their chain
verifies in the lead's store. Every reader uses SQLAlchemy Core (plain rows, no ORM
objects): a pack can hold tens of thousands of rows.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, select
from sqlalchemy.engine import Connection

from db.models import Assessment as AssessmentRow
from db.models import AuditEvent, PromptAnswer, Referral, ReferralEvent, StageJudgement
from db.types import UTCDateTime

ASSESSMENT = {
    "id": "id",
    "case_id": "id",
    "inspector": "str:200",
    "status": "str:20",
    "overall_grade": "str?:40",
    "rationale": "text",
    "methodology_id": "str:100",
    "methodology_version": "str:40",
    "revision": "int",
    "created_at": "ts",
    "updated_at": "ts",
    "graded_at": "ts?",
}
STAGE = {"id": "id", "stage_id": "str:100", "grade": "str?:40", "notes": "text"}
ANSWER = {"id": "id", "stage_id": "str:100", "prompt_id": "str:100", "answer": "str?:40"}
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
AUDIT_EVENT = {
    "id": "id",
    "origin": "id",
    "origin_seq": "int",
    "at": "ts",
    "actor": "str:200",
    "action": "str:40",
    "entity": "str:40",
    "entity_id": "str:36",
    "field": "str:100",
    "old_value": "text?",
    "new_value": "text?",
    "prev_hash": "str:64",
    "hash": "str:64",
}
# A referral's status follows from its events when they are merged, so it is left out of the
# digest that breaks ties between two versions of one referral.
REFERRAL_DERIVED = ("status", "closed_at")
CHUNK = 500


def digest(record: dict[str, Any], leave_out: Iterable[str] = ()) -> str:
    """SHA-256 of a record's canonical JSON: equal records, equal digests, in any store."""
    skip = set(leave_out)
    body = {k: v for k, v in record.items() if k not in skip}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@functools.cache
def plain(model: Any) -> Table:
    """The model's table with its UTC timestamps as plain text columns.

    ``db.types.UTCDateTime`` stores the exact canonical text that records carry, so bulk reads
    and writes pass it through rather than parse and format every timestamp again.
    """
    columns = [
        Column(c.name, String(32) if isinstance(c.type, UTCDateTime) else c.type, key=c.key)
        for c in model.__table__.columns
    ]
    return Table(model.__tablename__, MetaData(), *columns)


def _select(model: Any, spec: dict[str, str], *extra: str) -> tuple[Table, Any]:
    table = plain(model)
    return table, select(*(table.c[name] for name in (*extra, *spec)))


def assessments(conn: Connection, ids: list[str]) -> list[dict[str, Any]]:
    """The assessments with these ids, each with its ``stages`` and ``answers``."""
    result: dict[str, dict[str, Any]] = {}
    fields = list(ASSESSMENT)
    for chunk in chunks(ids):
        table, query = _select(AssessmentRow, ASSESSMENT)
        for row in conn.execute(query.where(table.c.id.in_(chunk))).all():
            result[row[0]] = {**dict(zip(fields, row, strict=True)), "stages": [], "answers": []}
        for model, spec, key in (
            (StageJudgement, STAGE, "stages"),
            (PromptAnswer, ANSWER, "answers"),
        ):
            table, query = _select(model, spec, "assessment_id")
            names = list(spec)
            rows = conn.execute(query.where(table.c.assessment_id.in_(chunk))).all()
            for owner, *values in rows:
                result[owner][key].append(dict(zip(names, values, strict=True)))
    for record in result.values():
        record["stages"].sort(key=lambda s: s["stage_id"])
        record["answers"].sort(key=lambda a: a["prompt_id"])
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


def audit_events(conn: Connection, origin: str) -> list[dict[str, Any]]:
    table, query = _select(AuditEvent, AUDIT_EVENT)
    fields = list(AUDIT_EVENT)
    rows = conn.execute(query.where(table.c.origin == origin).order_by(table.c.origin_seq)).all()
    return [dict(zip(fields, row, strict=True)) for row in rows]


def audit_index(conn: Connection, origin: str) -> dict[int, tuple[str, str]]:
    """The audit events of ``origin`` in this store: origin_seq -> (id, hash)."""
    table = plain(AuditEvent)
    query = select(table.c.origin_seq, table.c.id, table.c.hash).where(table.c.origin == origin)
    return {seq: (event_id, digest) for seq, event_id, digest in conn.execute(query).all()}
