"""The follow-up as it travels: recommendations in a kit (so an inspector can assess them
offline) and an inspector's quarterly assessments in a findings pack, merged by the lead with
the rules grades follow.

- A kit carries the inspection's recommendations and publication date (``kit_section``); the
  inspector's store installs them under the same ids (``install_kit_section``).
- A pack carries its sender's own quarterly assessments, each with its evidence
  (``pack_section``). ``check_pack_section`` accepts only the sender's own records, on the
  progress scale, with known kinds of evidence; ``merge_section`` refuses the whole pack if one
  names a recommendation outside the inspection or reuses another record's id, and keeps for
  each (recommendation, quarter, author) the greatest version by (revision, updated_at,
  digest): merging twice changes nothing, and packs merge to the same result in any order.
  Two inspectors' assessments of one recommendation are both kept; the lead writes (and so
  moderates) the wording the report uses in their own assessment.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from db.models import InspectionFollowup, QuarterAssessment, QuarterEvidence, Recommendation
from workbench.followup.quarters import KINDS, MAX_EVIDENCE, MAX_FIGURES
from workbench.followup.scale import load_scale
from workbench.followup.timeframes import BY_DATE, IMMEDIATELY, MAX_QUARTER, MONTHS
from workbench.packs.container import PackRefused
from workbench.packs.payload import (
    check_list,
    check_record,
    malformed,
    parse_timestamp,
    timestamp,
    unauthorised,
)
from workbench.packs.records import chunks, digest

PACK, KIT = "findings pack", "kit"
ASSESSMENT = {
    "id": "id", "recommendation_id": "id", "quarter": "int", "author": "str:200",
    "judgement": "str?:40", "finding": "text", "concerns": "text", "revision": "int",
    "created_at": "ts", "updated_at": "ts",
}  # fmt: skip
EVIDENCE = {"id": "id", "seq": "int", "kind": "str:20", "title": "str:500", "on_date": "date?",
            "sha256": "sha256?", "note": "text"}  # fmt: skip
RECOMMENDATION = {
    "id": "id", "number": "int", "title": "str:300", "text": "text", "timeframe": "str:20",
    "months": "int?", "by_date": "date?", "discharged_quarter": "int?",
    "discharged_reason": "text", "author": "str:200", "revision": "int", "created_at": "ts",
    "updated_at": "ts",
}  # fmt: skip
LISTS = ("points", "areas", "categories")
# The tables themselves: a merge writes rows as they travel, through Core in the caller's
# connection (as workbench.packs.merge does).
_ASSESSMENTS = cast(Table, QuarterAssessment.__table__)
_EVIDENCE = cast(Table, QuarterEvidence.__table__)
MAX_ASSESSMENTS = 10_000
MAX_RECOMMENDATIONS = 500


# --- plain records from the store ----------------------------------------------------------


def _plain(row: Any, spec: dict[str, str]) -> dict[str, Any]:
    record = {}
    for name, kind in spec.items():
        value = getattr(row, name)
        if kind.startswith("ts"):
            value = timestamp(value)
        elif kind.startswith("date"):
            value = value.isoformat() if value else None
        record[name] = value
    return record


def _assessment_record(row: QuarterAssessment) -> dict[str, Any]:
    record = _plain(row, ASSESSMENT)
    record["evidence"] = [
        {**_plain(e, EVIDENCE), "figures": dict(e.figures or {})}
        for e in sorted(row.evidence, key=lambda e: (e.seq, e.id))
    ]
    return record


def relevant_ids(session: Session, inspection_id: str) -> set[str]:
    """The ids of the inspection's follow-up records (their audit events travel in a pack)."""
    recs = select(Recommendation.id).where(Recommendation.inspection_id == inspection_id)
    ids = set(session.scalars(recs))
    assessments = select(QuarterAssessment.id).where(QuarterAssessment.recommendation_id.in_(recs))
    ids.update(session.scalars(assessments))
    evidence = select(QuarterEvidence.id).where(QuarterEvidence.assessment_id.in_(assessments))
    ids.update(session.scalars(evidence))
    return ids


def pack_section(session: Session, inspection_id: str, author: str) -> dict[str, Any]:
    """The sender's own quarterly assessments of the inspection, for their pack."""
    recs = select(Recommendation.id).where(Recommendation.inspection_id == inspection_id)
    rows = session.scalars(
        select(QuarterAssessment)
        .where(QuarterAssessment.recommendation_id.in_(recs), QuarterAssessment.author == author)
        .order_by(QuarterAssessment.id)
    )
    return {"quarter_assessments": [_assessment_record(row) for row in rows]}


def kit_section(session: Session, inspection_id: str) -> dict[str, Any]:
    """The inspection's recommendations and publication date, for a kit."""
    rows = session.scalars(
        select(Recommendation).where(Recommendation.inspection_id == inspection_id)
    )
    followup = session.get(InspectionFollowup, inspection_id)
    published = followup.published_on if followup else None
    return {
        "published_on": published.isoformat() if published else None,
        "recommendations": [
            {
                **_plain(row, RECOMMENDATION),
                **{name: list(getattr(row, name) or []) for name in LISTS},
            }
            for row in rows
        ],
    }


# --- checking what arrives -----------------------------------------------------------------


def _figures(value: Any, named: str) -> dict[str, float | int]:
    if type(value) is not dict or len(value) > MAX_FIGURES:
        raise malformed(PACK, f"{named}: its field 'figures' is not a map of names to numbers")
    for name, number in value.items():
        bad = type(number) not in (int, float) or not math.isfinite(number)
        if len(name) > 200 or bad:
            raise malformed(PACK, f"{named}: its field 'figures' holds a figure that is not a "
                            "number")  # fmt: skip
    return dict(value)


def _checked_assessment(raw: Any, inspector: str, judgements: set[str | None]) -> dict[str, Any]:
    fields = {k: v for k, v in raw.items() if k != "evidence"} if type(raw) is dict else raw
    record = check_record(fields, ASSESSMENT, PACK, "quarterly assessment")
    named = f"the quarterly assessment {record['id']}"
    if record["author"] != inspector:
        raise unauthorised(
            f"{named} is recorded by {record['author']}, and a pack from {inspector} may carry "
            f"only quarterly assessments {inspector} recorded"
        )
    if record["judgement"] not in judgements:
        raise malformed(PACK, f"{named}: its field 'judgement' ('{record['judgement']}') is "
                        "not on the progress scale")  # fmt: skip
    if not 1 <= record["quarter"] <= MAX_QUARTER:
        raise malformed(PACK, f"{named}: its field 'quarter' is out of range")
    if type(raw.get("evidence")) is not list:
        raise malformed(PACK, f"{named}: its field 'evidence' is not a list of evidence")
    evidence = []
    for item in check_list(raw.get("evidence"), PACK, "evidence", MAX_EVIDENCE):
        fields = {k: v for k, v in item.items() if k != "figures"} if type(item) is dict else item
        checked = check_record(fields, EVIDENCE, PACK, "evidence")
        item_named = f"the evidence {checked['id']}"
        if checked["kind"] not in KINDS:
            raise malformed(PACK, f"{item_named}: its field 'kind' ('{checked['kind']}') is not "
                            "a kind of evidence")  # fmt: skip
        checked["figures"] = _figures(item.get("figures"), item_named)
        evidence.append(checked)
    record["evidence"] = sorted(evidence, key=lambda e: (e["seq"], e["id"]))
    return record


def check_pack_section(raw: Any, inspector: str) -> dict[str, Any]:
    """A pack's follow-up section checked field by field; the whole pack refused otherwise."""
    if raw is None:
        return {}
    if type(raw) is not dict or not set(raw) <= {"quarter_assessments"}:
        raise malformed(PACK, "its follow-up section is not what this version expects")
    judgements = {*load_scale().ids, None}
    incoming = check_list(raw.get("quarter_assessments", []), PACK, "quarterly assessment",
                          MAX_ASSESSMENTS)  # fmt: skip
    checked = [_checked_assessment(a, inspector, judgements) for a in incoming]
    ids = [a["id"] for a in checked] + [e["id"] for a in checked for e in a["evidence"]]
    keys = [(a["recommendation_id"], a["quarter"]) for a in checked]
    if len(set(ids)) != len(ids) or len(set(keys)) != len(keys):
        raise malformed(
            PACK, "two quarterly assessments share an id or a recommendation and quarter"
        )
    return {"quarter_assessments": checked}


# --- merging -------------------------------------------------------------------------------


def _stored(conn: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    with Session(bind=conn) as session:
        rows = session.scalars(select(QuarterAssessment).where(QuarterAssessment.id.in_(ids)))
        return {row.id: _assessment_record(row) for row in rows}


def _row_values(record: dict[str, Any], spec: dict[str, str]) -> dict[str, Any]:
    values = {}
    for name, kind in spec.items():
        value = record[name]
        if kind.startswith("ts") and value is not None:
            value = parse_timestamp(value)
        elif kind.startswith("date") and value is not None:
            value = date.fromisoformat(value)
        values[name] = value
    return values


def _write(conn: Connection, records: list[dict[str, Any]]) -> None:
    if not records:
        return
    conn.execute(insert(_ASSESSMENTS), [_row_values(r, ASSESSMENT) for r in records])
    evidence = [
        {**_row_values(e, EVIDENCE), "figures": e["figures"], "assessment_id": r["id"]}
        for r in records
        for e in r["evidence"]
    ]
    if evidence:
        conn.execute(insert(_EVIDENCE), evidence)


def _remove(conn: Connection, ids: list[str]) -> None:
    for chunk in chunks(ids):
        conn.execute(delete(_EVIDENCE).where(
            _EVIDENCE.c.assessment_id.in_(chunk)))  # fmt: skip
        conn.execute(delete(_ASSESSMENTS).where(
            _ASSESSMENTS.c.id.in_(chunk)))  # fmt: skip


def merge_section(conn: Connection, section: dict[str, Any], inspection_id: str) -> tuple[int, int]:
    """Merge a checked follow-up section in the caller's transaction; (added, changed)."""
    incoming = section.get("quarter_assessments", [])
    if not incoming:
        return 0, 0
    table = _ASSESSMENTS
    in_inspection = Recommendation.inspection_id == inspection_id
    known = set(conn.scalars(select(Recommendation.id).where(in_inspection)))
    if any(a["recommendation_id"] not in known for a in incoming):
        raise PackRefused(
            "This pack holds quarterly findings on recommendations that are not in this "
            "inspection in this store; nothing was imported.",
            "unknown_recommendations",
        )
    Key = tuple[str, int, str]  # recommendation, quarter, author
    found: dict[Key, tuple[str, int, str]] = {}  # id, revision, updated_at
    by_id: dict[str, Key] = {}
    columns = (table.c.id, table.c.recommendation_id, table.c.quarter, table.c.author,
               table.c.revision, table.c.updated_at)  # fmt: skip
    query = select(*columns).where(table.c.recommendation_id.in_(known))
    for ident, rec, quarter, author, revision, updated in conn.execute(query):
        found[(rec, quarter, author)] = (ident, revision, timestamp(updated) or "")
        by_id[ident] = (rec, quarter, author)
    inserts, replaces, ties = [], [], []
    for record in incoming:
        key = (record["recommendation_id"], record["quarter"], record["author"])
        if by_id.get(record["id"], key) != key:
            raise PackRefused(
                "This pack reuses the id of another quarterly assessment in this store; nothing "
                "was imported. Ask the inspector which copy is right before going further.",
                "conflict",
            )
        old = found.get(key)
        if old is None:
            inserts.append(record)
        elif (record["revision"], record["updated_at"]) > old[1:]:
            replaces.append((old[0], record))
        elif (record["revision"], record["updated_at"]) == old[1:]:
            ties.append((old[0], record))
    if ties:
        stored = _stored(conn, [old_id for old_id, _ in ties])
        for old_id, record in ties:
            if digest(record) > digest(stored[old_id]):
                replaces.append((old_id, record))
    _remove(conn, [old_id for old_id, _ in replaces])
    _write(conn, inserts + [record for _, record in replaces])
    return len(inserts), len(replaces)


def install_kit_section(session: Session, inspection_id: str, raw: Any) -> int:
    """Add or update the kit's recommendations (same ids) in this store; how many."""
    if raw is None:
        return 0
    if type(raw) is not dict or not set(raw) <= {"published_on", "recommendations"}:
        raise malformed(KIT, "its follow-up section is not what this version expects")
    records = []
    for item in check_list(raw.get("recommendations", []), KIT, "recommendation",
                           MAX_RECOMMENDATIONS):  # fmt: skip
        fields = {k: v for k, v in item.items() if k not in LISTS} if type(item) is dict else item
        record = check_record(fields, RECOMMENDATION, KIT, "recommendation")
        if record["timeframe"] not in (IMMEDIATELY, MONTHS, BY_DATE):
            raise malformed(KIT, "a recommendation's timeframe is not known")
        for name in LISTS:
            value = item.get(name)
            if type(value) is not list or not all(type(v) is str and len(v) <= 2000 for v in value):
                raise malformed(KIT, f"a recommendation's {name} are not a list of text")
            record[name] = list(value)
        records.append(record)
    for record in records:
        row = session.get(Recommendation, record["id"])
        if row is not None and row.inspection_id != inspection_id:
            raise malformed(KIT, "a recommendation belongs to another inspection in this store")
        values = _row_values(record, RECOMMENDATION) | {n: record[n] for n in LISTS}
        if row is None:
            session.add(Recommendation(inspection_id=inspection_id, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
    published = raw.get("published_on")
    if published is not None:
        followup = session.get(InspectionFollowup, inspection_id)
        if followup is None:
            followup = InspectionFollowup(inspection_id=inspection_id)
            session.add(followup)
        try:
            followup.published_on = date.fromisoformat(str(published))
        except ValueError:
            raise malformed(KIT, "its publication date is not a date") from None
    session.flush()
    return len(records)
