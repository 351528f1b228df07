"""Merging a pack's referrals and their responses (see ``workbench.packs.merge``).

A referral keeps its greatest version; responses are a union by id; a referral is closed,
at its earliest closing response, once any closing response is known here or in the pack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Connection

from db.models import AuditEvent, Referral, ReferralEvent
from workbench.methodology import Methodology
from workbench.packs import records
from workbench.packs.container import PackRefused
from workbench.packs.document import PackDocument
from workbench.packs.payload import conflict, parse_timestamp, timestamp
from workbench.packs.records import cases_outside, chunks, digest, insert_sorted, row_of, wins

if TYPE_CHECKING:
    from workbench.packs.merge import MergeCounts


def merge_referrals(
    conn: Connection, pack: PackDocument, method: Methodology, inspection: str, counts: MergeCounts
) -> None:
    """The pack's referrals and responses, then each touched referral's status."""
    closing = [r.id for r in method.responses if r.closes]
    closes = _first_closes(conn, pack, closing)
    touched = _merge_referrals(conn, [_settled(r, closes) for r in pack.referrals], counts)
    touched |= _merge_responses(conn, pack, inspection, counts)
    _derive_status(conn, touched, closing)


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
        elif wins(record, old, records.REFERRAL_DERIVED):
            updates.append(record)
    insert_sorted(conn, Referral, [row_of(r, records.REFERRAL) for r in inserts])
    if updates:
        rows = [row_of(r, records.REFERRAL, b_id=r["id"]) for r in updates]
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
    if None in referral_cases or cases_outside(conn, inspection, referral_cases):  # type: ignore[arg-type]
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
    insert_sorted(conn, ReferralEvent, [row_of(e, records.REFERRAL_EVENT) for e in inserts])
    table = records.plain(ReferralEvent)
    for record in updates:
        values = row_of(record, records.REFERRAL_EVENT)
        conn.execute(update(table).where(table.c.id == values.pop("id")).values(values))
    counts.responses_added += len(inserts)
    counts.responses_changed += len(updates)
    return {e["referral_id"] for e in inserts + updates}


def _derive_status(conn: Connection, touched: set[str], closing: list[str]) -> None:
    """A referral is closed, at its earliest closing response, once any such is known; a
    referral the lead reopened here is closed again only by a closing response recorded
    after the reopening (``workbench.services.referrals.reopen_referral``)."""
    for chunk in chunks(sorted(touched)):
        reopened = dict(
            conn.execute(
                select(AuditEvent.entity_id, func.max(AuditEvent.at))
                .where(
                    AuditEvent.entity == "referral",
                    AuditEvent.action == "reopen",
                    AuditEvent.entity_id.in_(chunk),
                )
                .group_by(AuditEvent.entity_id)
            ).all()
        )
        first_close: dict[str, Any] = {}
        for referral_id, when, recorded in conn.execute(
            select(
                ReferralEvent.referral_id, ReferralEvent.occurred_at, ReferralEvent.created_at
            ).where(ReferralEvent.referral_id.in_(chunk), ReferralEvent.response.in_(closing))
        ):
            since = reopened.get(referral_id)
            if since is not None and _moment(recorded) <= _moment(since):
                continue
            when = _moment(when)
            if referral_id not in first_close or when < first_close[referral_id]:
                first_close[referral_id] = when
        wanted = set(first_close) | set(reopened)
        for referral_id, status, closed_at in conn.execute(
            select(Referral.id, Referral.status, Referral.closed_at).where(
                Referral.id.in_(sorted(wanted))
            )
        ):
            when = first_close.get(referral_id)
            target = ("closed", when) if when is not None else ("open", None)
            if (status, closed_at if closed_at is None else _moment(closed_at)) != target:
                conn.execute(
                    update(Referral)
                    .where(Referral.id == referral_id)
                    .values(status=target[0], closed_at=target[1])
                )


def _moment(value: Any) -> Any:
    return parse_timestamp(value) if isinstance(value, str) else value
