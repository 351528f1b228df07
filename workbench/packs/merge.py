"""Merging a checked pack into the store: idempotent, order-independent, monotone.

Each record keeps the greatest version seen, ordered by (revision, updated_at, digest of
its content): an older revision never overwrites a newer one, a tie on revision and time is
broken by the digest, so whichever order packs arrive in, every store ends up the same, and
a pack merged twice changes nothing the second time. An assessment is one inspector's grading
of one case (the key is the case and the inspector), so two inspectors' grades of a case are
both kept. Referral responses are append-only and merged as a union by id; a referral's
status then follows from its responses (closed once any closing response is known). The
sender's audit trail is append-only too: the lines beyond what this store holds of it are
kept as one ``AuditSegment`` once their links check. Everything is written with bulk
statements in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.engine import Connection

from db.bulk import bulk_insert
from db.models import (
    Assessment,
    Case,
    Referral,
    ReferralEvent,
    StageJudgement,
)
from db.types import canonical_json
from workbench.methodology import Methodology
from workbench.packs import records
from workbench.packs.container import PackRefused
from workbench.packs.document import PackDocument
from workbench.packs.payload import conflict, parse_timestamp, timestamp
from workbench.packs.records import chunks, digest
from workbench.packs.trail import merge_trail


@dataclass
class MergeCounts:
    assessments_added: int = 0
    assessments_changed: int = 0
    referrals_added: int = 0
    referrals_changed: int = 0
    responses_added: int = 0
    responses_changed: int = 0
    audit_events_added: int = 0

    @property
    def added(self) -> int:
        return self.assessments_added + self.referrals_added + self.responses_added

    @property
    def changed(self) -> int:
        return self.assessments_changed + self.referrals_changed + self.responses_changed


def _rows(record: dict[str, Any], spec: dict[str, str], **extra: Any) -> dict[str, Any]:
    """A checked record as column values for ``_plain`` tables (timestamps stay text)."""
    row = {field: record[field] for field in spec}
    row.update(extra)
    return row


def _insert(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk insert, in primary key order (far fewer index pages touched in SQLite)."""
    if rows:
        bulk_insert(conn, records.plain(model), sorted(rows, key=lambda row: row["id"]))


def _wins(new: dict[str, Any], old: dict[str, Any], derived: tuple[str, ...] = ()) -> bool:
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


def _cases_outside(conn: Connection, inspection_id: str, wanted: set[str]) -> set[str]:
    """The ``wanted`` case ids that are not cases of the inspection in this store."""
    found: set[str] = set()
    for chunk in chunks(sorted(wanted)):
        query = select(Case.id).where(Case.inspection_id == inspection_id, Case.id.in_(chunk))
        found.update(conn.scalars(query))
    return wanted - found


def merge(
    conn: Connection, pack: PackDocument, method: Methodology, inspection_id: str
) -> MergeCounts:
    """Merge ``pack`` (already checked by ``parse_pack``) in the caller's transaction."""
    counts = MergeCounts()
    cases = {a["case_id"] for a in pack.assessments} | {r["case_id"] for r in pack.referrals}
    outside = _cases_outside(conn, inspection_id, cases)
    if outside:
        raise PackRefused(
            f"This pack refers to {len(outside)} case(s) that are not in this "
            "inspection in this store; nothing was imported. Was the kit issued from here?",
            "unknown_cases",
        )
    with _roomy_cache(conn):
        _merge_all(conn, pack, method, inspection_id, counts)
    return counts


def _merge_all(
    conn: Connection, pack: PackDocument, method: Methodology, inspection: str, counts: MergeCounts
) -> None:
    _merge_assessments(conn, pack, counts)
    closing = [r.id for r in method.responses if r.closes]
    closes = _first_closes(conn, pack, closing)
    touched = _merge_referrals(conn, [_settled(r, closes) for r in pack.referrals], counts)
    touched |= _merge_responses(conn, pack, inspection, counts)
    _derive_status(conn, touched, closing)
    counts.audit_events_added += merge_trail(conn, pack.origin, pack.audit)


@contextmanager
def _roomy_cache(conn: Connection) -> Iterator[None]:
    """A 64 MB SQLite page cache while merging (the default 2 MB thrashes on a big pack)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
    conn.exec_driver_sql("PRAGMA cache_size=-65536")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={before}")


def _merge_assessments(conn: Connection, pack: PackDocument, counts: MergeCounts) -> None:
    incoming = pack.assessments
    if not incoming:
        return
    inspectors = {a["inspector"] for a in incoming}
    found: dict[tuple[str, str], tuple[str, int, str]] = {}
    table = records.plain(Assessment)
    for chunk in chunks(sorted({a["case_id"] for a in incoming})):
        query = select(
            table.c.case_id, table.c.inspector, table.c.id, table.c.revision, table.c.updated_at
        ).where(table.c.case_id.in_(chunk))
        for case_id, inspector, *rest in conn.execute(query):
            if inspector in inspectors:
                found[(case_id, inspector)] = tuple(rest)  # type: ignore[assignment]
    _check_ids(conn, Assessment, [a["id"] for a in incoming], found)
    inserts, replaces, ties = [], [], []
    for record in incoming:
        old = found.get((record["case_id"], record["inspector"]))
        if old is None:
            inserts.append(pack.complete(record))
            continue
        key_new = (record["revision"], record["updated_at"])
        if key_new > old[1:]:
            replaces.append((old[0], pack.complete(record)))
        elif key_new == old[1:]:
            ties.append((old[0], record))
    if ties:
        stored = {r["id"]: r for r in records.assessments(conn, [old_id for old_id, _ in ties])}
        for old_id, record in ties:
            if not _same(stored[old_id], record):
                record = pack.complete(record)
                if digest(record) > digest(stored[old_id]):
                    replaces.append((old_id, record))
    _delete_assessments(conn, [old_id for old_id, _ in replaces])
    _insert_assessments(conn, inserts + [record for _, record in replaces])
    counts.assessments_added += len(inserts)
    counts.assessments_changed += len(replaces)


def _same(stored: dict[str, Any], record: dict[str, Any]) -> bool:
    """Whether an incoming assessment (children not yet checked) equals the stored one."""
    try:
        stages = sorted(record["stages"], key=lambda s: s["stage_id"])
    except (TypeError, KeyError):
        return False
    return {**record, "stages": stages} == stored


def _check_ids(conn: Connection, model: Any, ids: list[str], found: dict) -> None:
    """An incoming assessment id already used in this store for another case or inspector."""
    known = {value[0] for value in found.values()}
    for chunk in chunks(ids):
        clash = conn.scalars(select(model.id).where(model.id.in_(chunk))).all()
        if set(clash) - known:
            raise conflict("an assessment id is used here for another case or inspector")


def _delete_assessments(conn: Connection, ids: list[str]) -> None:
    for chunk in chunks(ids):
        conn.execute(delete(StageJudgement).where(StageJudgement.assessment_id.in_(chunk)))
        conn.execute(delete(Assessment).where(Assessment.id.in_(chunk)))


def _insert_assessments(conn: Connection, incoming: list[dict]) -> None:
    if not incoming:
        return
    rows = [_rows(a, records.ASSESSMENT, answers=canonical_json(a["answers"])) for a in incoming]
    _insert(conn, Assessment, rows)
    stages = [{**s, "assessment_id": a["id"]} for a in incoming for s in a["stages"]]
    _insert(conn, StageJudgement, stages)


def _first_closes(conn: Connection, pack: PackDocument, closing: list[str]) -> dict[str, str]:
    """For each referral the pack touches, its earliest closing response known here or in it."""
    ids = sorted(
        {r["id"] for r in pack.referrals} | {e["referral_id"] for e in pack.referral_events}
    )
    found = {
        e["referral_id"]: e["occurred_at"]
        for e in sorted(pack.referral_events, key=lambda e: e["occurred_at"], reverse=True)
        if e["response"] in closing
    }
    for chunk in chunks(ids):
        query = (
            select(ReferralEvent.referral_id, func.min(ReferralEvent.occurred_at))
            .where(ReferralEvent.referral_id.in_(chunk), ReferralEvent.response.in_(closing))
            .group_by(ReferralEvent.referral_id)
        )
        for referral_id, when in conn.execute(query):
            text = timestamp(parse_timestamp(when) if isinstance(when, str) else when) or ""
            found[referral_id] = min(text, found.get(referral_id, text))
    return found


def _settled(referral: dict[str, Any], closes: dict[str, str]) -> dict[str, Any]:
    """The referral as it stands once its known responses are applied (closed if one closes)."""
    when = closes.get(referral["id"])
    return referral if when is None else {**referral, "status": "closed", "closed_at": when}


def _merge_referrals(conn: Connection, incoming: list[dict], counts: MergeCounts) -> set[str]:
    if not incoming:
        return set()
    stored = {r["id"]: r for r in records.referrals(conn, [r["id"] for r in incoming])}
    inserts, updates = [], []
    for record in incoming:
        old = stored.get(record["id"])
        if old is None:
            inserts.append(record)
        elif old["case_id"] != record["case_id"]:
            raise conflict("a referral is recorded here against another case")
        elif _wins(record, old, records.REFERRAL_DERIVED):
            updates.append(record)
    _insert(conn, Referral, [_rows(r, records.REFERRAL) for r in inserts])
    if updates:
        rows = [_rows(r, records.REFERRAL, b_id=r["id"]) for r in updates]
        for row in rows:
            del row["id"]
        table = records.plain(Referral)
        values = {field: bindparam(field) for field in records.REFERRAL if field != "id"}
        statement = update(table).where(table.c.id == bindparam("b_id")).values(values)
        conn.execute(statement, rows)
    counts.referrals_added += len(inserts)
    counts.referrals_changed += len(updates)
    return {r["id"] for r in inserts + updates}


def _merge_responses(
    conn: Connection, pack: PackDocument, inspection: str, counts: MergeCounts
) -> set[str]:
    incoming = pack.referral_events
    if not incoming:
        return set()
    wanted = sorted({e["referral_id"] for e in incoming})
    known: dict[str, str] = {r["id"]: r["case_id"] for r in pack.referrals}
    for chunk in chunks(wanted):
        query = select(Referral.id, Referral.case_id).where(Referral.id.in_(chunk))
        known.update((row.id, row.case_id) for row in conn.execute(query))
    referral_cases = {known.get(referral_id) for referral_id in wanted}
    if None in referral_cases or _cases_outside(conn, inspection, referral_cases):  # type: ignore[arg-type]
        raise PackRefused(
            "This pack holds a response to a referral that is not in this inspection; "
            "nothing was imported.",
            "unknown_cases",
        )
    stored = {e["id"]: e for e in records.referral_events(conn, [e["id"] for e in incoming])}
    inserts, updates = [], []
    for record in incoming:
        old = stored.get(record["id"])
        if old is None:
            inserts.append(record)
        elif old["referral_id"] != record["referral_id"]:
            raise conflict("a referral response is recorded here against another referral")
        elif digest(record) > digest(old):
            updates.append(record)
    _insert(conn, ReferralEvent, [_rows(e, records.REFERRAL_EVENT) for e in inserts])
    table = records.plain(ReferralEvent)
    for record in updates:
        values = _rows(record, records.REFERRAL_EVENT)
        conn.execute(update(table).where(table.c.id == values.pop("id")).values(values))
    counts.responses_added += len(inserts)
    counts.responses_changed += len(updates)
    return {e["referral_id"] for e in inserts + updates}


def _derive_status(conn: Connection, touched: set[str], closing: list[str]) -> None:
    """A referral is closed, at its earliest closing response, once any such is known."""
    for chunk in chunks(sorted(touched)):
        first_close = dict(
            conn.execute(
                select(ReferralEvent.referral_id, func.min(ReferralEvent.occurred_at))
                .where(ReferralEvent.referral_id.in_(chunk), ReferralEvent.response.in_(closing))
                .group_by(ReferralEvent.referral_id)
            ).all()
        )
        for referral_id, status, closed_at in conn.execute(
            select(Referral.id, Referral.status, Referral.closed_at).where(
                Referral.id.in_(list(first_close))
            )
        ):
            when = first_close[referral_id]
            when = parse_timestamp(when) if isinstance(when, str) else when
            if status != "closed" or closed_at != when:
                conn.execute(
                    update(Referral)
                    .where(Referral.id == referral_id)
                    .values(status="closed", closed_at=when)
                )
