"""Merging a checked pack into the store: idempotent, order-independent, monotone.

Each record keeps the greatest version seen, ordered by (revision, updated_at, digest of
its content): an older revision never overwrites a newer one, a tie on revision and time is
broken by the digest, so whichever order packs arrive in, every store ends up the same, and
a pack merged twice changes nothing the second time. An assessment is one inspector's grading
of one case (the key is the case and the inspector), so two inspectors' grades of a case are
both kept. Referrals and their responses are merged by ``merge_referrals``; the sender's
audit trail, append-only, by ``trail.merge_trail`` (the lines beyond what this store holds
of it, kept as one ``AuditSegment`` once their links check). Everything is written with
bulk statements in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    delete,
    select,
)
from sqlalchemy.engine import Connection

from db.models import (
    Assessment,
    StageJudgement,
)
from db.types import canonical_json
from workbench.methodology import Methodology
from workbench.packs import records
from workbench.packs.container import PackRefused
from workbench.packs.document import PackDocument
from workbench.packs.merge_referrals import merge_referrals
from workbench.packs.payload import conflict
from workbench.packs.records import cases_outside, chunks, digest, insert_sorted, row_of
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
    quarter_assessments_added: int = 0  # workbench.followup.pack_records
    quarter_assessments_changed: int = 0

    @property
    def added(self) -> int:
        return (self.assessments_added + self.referrals_added + self.responses_added
                + self.quarter_assessments_added)  # fmt: skip

    @property
    def changed(self) -> int:
        return (self.assessments_changed + self.referrals_changed + self.responses_changed
                + self.quarter_assessments_changed)  # fmt: skip


def merge(
    conn: Connection, pack: PackDocument, method: Methodology, inspection_id: str
) -> MergeCounts:
    """Merge ``pack`` (already checked by ``parse_pack``) in the caller's transaction."""
    counts = MergeCounts()
    cases = {a["case_id"] for a in pack.assessments} | {r["case_id"] for r in pack.referrals}
    outside = cases_outside(conn, inspection_id, cases)
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
    merge_referrals(conn, pack, method, inspection, counts)
    from workbench.followup.pack_records import merge_section

    added, changed = merge_section(conn, pack.followup, inspection)
    counts.quarter_assessments_added += added
    counts.quarter_assessments_changed += changed
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
    found: dict[tuple[str, str], tuple[str, int, str, str | None]] = {}
    table = records.plain(Assessment)
    for chunk in chunks(sorted({a["case_id"] for a in incoming})):
        query = select(
            table.c.case_id, table.c.inspector, table.c.id, table.c.revision, table.c.updated_at,
            table.c.pack_digest,
        ).where(table.c.case_id.in_(chunk))  # fmt: skip
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
        if key_new > old[1:3]:
            replaces.append((old[0], pack.complete(record)))
        elif key_new == old[1:3]:
            ties.append((old[0], old[3], record))
    _settle_ties(conn, pack, ties, replaces)
    _delete_assessments(conn, [old_id for old_id, _ in replaces])
    _insert_assessments(conn, inserts + [record for _, record in replaces])
    counts.assessments_added += len(inserts)
    counts.assessments_changed += len(replaces)


def _settle_ties(
    conn: Connection,
    pack: PackDocument,
    ties: list[tuple[str, str | None, dict[str, Any]]],
    replaces: list[tuple[str, dict[str, Any]]],
) -> None:
    """The incoming versions that win a tie on (revision, updated_at): the greater content
    digest. A stored row's digest is the one its merge kept (``pack_digest``); a row without
    one (written here, or before digests were kept) is read back and its digest computed."""
    unknown = [old_id for old_id, kept, _ in ties if kept is None]
    stored = {r["id"]: r for r in records.assessments(conn, unknown)} if unknown else {}
    for old_id, kept, record in ties:
        if kept is None:
            if _same(stored[old_id], record):
                continue
            kept = digest(stored[old_id])
        elif records.plain_digest(record) == kept:
            continue  # the very content merged before (and checked then): nothing to do
        complete = pack.complete(record)
        if digest(complete) > kept:
            replaces.append((old_id, complete))


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
    rows = [
        row_of(a, records.ASSESSMENT, answers=canonical_json(a["answers"]), pack_digest=digest(a))
        for a in incoming
    ]
    insert_sorted(conn, Assessment, rows)
    stages = [{**s, "assessment_id": a["id"]} for a in incoming for s in a["stages"]]
    insert_sorted(conn, StageJudgement, stages)
