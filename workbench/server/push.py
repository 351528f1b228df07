"""``workbench inspection push``: one inspection copied whole from a lead's store to a
server, in one server transaction, idempotently (pushing again changes nothing).

Copied: the inspection and its key, cases, assessments with their stage judgements,
referrals with their responses, moderation, registered inspectors' keys, the import log and
the follow-up (publication date and baseline, recommendations, action plans and their
actions, the force's returns, quarterly assessments with their evidence);
the source store's own audit chain, whole (as a received segment of its chain: see
``_trails``), and the audit trails it received from inspectors for the inspection.
The source's audit chain is verified before anything is sent; on the server, each chain
pushed must end on the sender's last hash. A row the server holds is replaced by the
source's when they differ (the lead's store is the inspection's authoritative copy). On the
server the inspection is led by the login that first pushed it (``created_by``). A
re-inspection's baseline link goes over once the server holds the baseline inspection (push
that first); until then the server's copy names none and the result says so. Rows removed
from the source since an earlier push are not removed from the server.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from db.bulk import bulk_insert
from db.engine import Store
from db.models import (
    ActionPlan,
    Assessment,
    AuditSegment,
    Case,
    ImportLog,
    Inspection,
    InspectionFollowup,
    InspectionKey,
    InspectorKey,
    KitIssue,
    Moderation,
    PlanAction,
    PlanReturn,
    QuarterAssessment,
    QuarterEvidence,
    Recommendation,
    Referral,
    ReferralEvent,
    SampleDraw,
    StageJudgement,
    StageModeration,
)  # fmt: skip
from workbench import audit
from workbench.errors import WorkbenchError
from workbench.identity import identity, require_user_name
from workbench.packs import records
from workbench.packs.container import PackRefused
from workbench.packs.trail import AuditTrail, merge_trail
from workbench.progress import Progress, no_progress
from workbench.services.inspections import get_inspection


@dataclass
class PushResult:
    inspection_id: str
    title: str
    added: int = 0
    changed: int = 0
    audit_added: int = 0
    origins: int = 0
    baseline_missing: str | None = None  # the baseline's id, when the server lacks it

    def describe(self) -> str:
        if not (self.added or self.changed or self.audit_added):
            words = f"{self.title}: the server already holds all of it; nothing changed."
        else:
            words = (
                f"{self.title}: {self.added} records added and {self.changed} changed on the "
                f"server, {self.audit_added} audit events added; the audit trail verifies at "
                "both ends."
            )
        if self.baseline_missing:
            words += (
                f" Its baseline inspection {self.baseline_missing[:8]} is not on the server, so "
                "the server's copy names no baseline yet: push the baseline, then this again."
            )
        return words


def _tables(inspection_id: str) -> list[tuple[Table, ColumnElement[bool]]]:
    """Each table to copy (as plain text columns: values pass through unconverted), in
    foreign-key order, with the condition that picks the inspection's rows."""
    t = {model.__tablename__: records.plain(model) for model in MODELS}
    case, assessment, referral = t["case_file"].c, t["assessment"].c, t["referral"].c
    cases = select(case.id).where(case.inspection_id == inspection_id)
    assessments = select(assessment.id).where(assessment.case_id.in_(cases))
    referrals = select(referral.id).where(referral.case_id.in_(cases))
    rec, plan = t["recommendation"].c, t["action_plan"].c
    recommendations = select(rec.id).where(rec.inspection_id == inspection_id)
    plans = select(plan.id).where(plan.inspection_id == inspection_id)
    quarters = select(t["quarter_assessment"].c.id).where(
        t["quarter_assessment"].c.recommendation_id.in_(recommendations)
    )
    return [
        (t["inspection"], t["inspection"].c.id == inspection_id),
        (t["inspection_key"], t["inspection_key"].c.inspection_id == inspection_id),
        (t["case_file"], case.inspection_id == inspection_id),
        (t["assessment"], assessment.case_id.in_(cases)),
        (t["stage_judgement"], t["stage_judgement"].c.assessment_id.in_(assessments)),
        (t["referral"], referral.case_id.in_(cases)),
        (t["referral_event"], t["referral_event"].c.referral_id.in_(referrals)),
        (t["moderation"], t["moderation"].c.case_id.in_(cases)),
        (t["inspector_key"], t["inspector_key"].c.inspection_id == inspection_id),
        (t["import_log"], t["import_log"].c.inspection_id == inspection_id),
        (t["inspection_followup"], t["inspection_followup"].c.inspection_id == inspection_id),
        (t["recommendation"], rec.inspection_id == inspection_id),
        (t["action_plan"], plan.inspection_id == inspection_id),
        (t["plan_action"], t["plan_action"].c.plan_id.in_(plans)),
        (t["plan_return"], t["plan_return"].c.inspection_id == inspection_id),
        (t["quarter_assessment"], t["quarter_assessment"].c.recommendation_id.in_(recommendations)),
        (t["quarter_evidence"], t["quarter_evidence"].c.assessment_id.in_(quarters)),
        (t["stage_moderation"], t["stage_moderation"].c.case_id.in_(cases)),
        (t["sample_draw"], t["sample_draw"].c.inspection_id == inspection_id),
        (t["kit_issue"], t["kit_issue"].c.inspection_id == inspection_id),
    ]


def _rows(conn: Connection, table: Table, where: ColumnElement[bool]) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(select(table).where(where)).mappings()]


MODELS = (
    Inspection, InspectionKey, Case, Assessment, StageJudgement, Referral, ReferralEvent,
    Moderation, InspectorKey, ImportLog, InspectionFollowup, Recommendation, ActionPlan,
    PlanAction, PlanReturn, QuarterAssessment, QuarterEvidence, StageModeration, SampleDraw,
    KitIssue,
)  # fmt: skip
KEYED_BY_INSPECTION = ("inspection_key", "inspection_followup")  # one row per inspection


def _key(table: Table) -> str:
    """The primary key's column (the plain copy of a table has none of its own)."""
    return "inspection_id" if table.name in KEYED_BY_INSPECTION else "id"


def _baseline_held(conn: Connection, rows: list[dict[str, Any]], result: PushResult) -> None:
    """A baseline the server does not hold cannot be named there (its foreign key): the
    link is left out, and the result says so, until the baseline is pushed."""
    for row in rows:
        baseline = row.get("baseline_id")
        if baseline and conn.scalar(select(Inspection.id).where(Inspection.id == baseline)) is None:
            row["baseline_id"] = None
            result.baseline_missing = baseline


def _trails(session: Session, origin: str, inspection_id: str) -> dict[str, list[str]]:
    """The source's own chain whole, and the lines it received from each inspector who sent
    it a pack for the inspection (by origin).

    The whole chain, not only its events about the inspection: the server keeps what it
    received of a store's chain as a prefix of it (``packs.trail.merge_trail``), so a
    laptop's second inspection, whose events are interleaved with the first's, can follow
    only if every push sends the chain so far. The server then holds the laptop's chain
    without gaps, and verifies it whole (docs/server.md)."""
    conn = session.connection()
    trails = {origin: records.audit_lines(conn, origin, lambda _entity, _entity_id: True)}
    senders = set()
    for details in conn.scalars(
        select(ImportLog.details).where(
            ImportLog.inspection_id == inspection_id, ImportLog.kind == "pack"
        )
    ):
        try:
            sender = json.loads(details or "{}").get("origin")
        except ValueError:
            continue
        if isinstance(sender, str):
            senders.add(sender)
    for sender in sorted(senders - {origin}):
        blocks = conn.scalars(
            select(AuditSegment.lines)
            .where(AuditSegment.origin == sender)
            .order_by(AuditSegment.first_seq)
        )
        trails[sender] = [
            line for block in blocks for line in zlib.decompress(block).decode().split("\n")
        ]
    return trails


def push_inspection(
    source: Store, key: str, target: Store, progress: Progress = no_progress
) -> PushResult:
    """Copy the inspection ``key`` (an id or prefix in ``source``) whole to ``target``."""
    progress(0, 3, "Checking this store's audit trail…")
    with source.sessions() as session:
        inspection = get_inspection(session, key)
        checked = audit.verify(session)
        if not checked.intact:
            raise WorkbenchError(
                f"This store's audit trail does not verify ({checked.problem}); nothing was "
                "pushed. Run 'workbench audit verify' and restore a backup first."
            )
        origin = identity(session).id
        conn = session.connection()
        copied = [(t, _rows(conn, t, where)) for t, where in _tables(inspection.id)]
        trails = _trails(session, origin, inspection.id)
    result = PushResult(inspection.id, inspection.title)
    progress(1, 3, "Copying the inspection to the server…")
    with target.sessions.begin() as session:
        login = require_user_name(session)
        conn = session.connection()
        for table, rows in copied:
            if table.name == "inspection_followup":
                _baseline_held(conn, rows, result)
            _upsert(conn, table, rows, result, login)
        for sender, lines in trails.items():
            if lines:
                result.audit_added += _merged(conn, sender, lines, origin)
                _check_held(conn, sender, lines)
                result.origins += 1
        if result.added or result.changed or result.audit_added:
            audit.record(
                session, login, "push", "inspection", inspection.id, "", None,
                {"from": origin, "added": result.added, "changed": result.changed,
                 "audit_events": result.audit_added},
            )  # fmt: skip
    progress(3, 3, "Done")
    return result


def _upsert(
    conn: Connection, table: Table, rows: list[dict[str, Any]], result: PushResult, login: str
) -> None:
    if not rows:
        return
    key = _key(table)
    held = {
        row[key]: dict(row)
        for row in conn.execute(
            select(table).where(table.c[key].in_([r[key] for r in rows]))
        ).mappings()
    }
    new = [row for row in rows if row[key] not in held]
    if table.name == "inspection":  # led on the server by the login that first pushed it
        new = [{**row, "created_by": login} for row in new]
    changed = [row for row in rows if row[key] in held and _differs(table, row, held[row[key]])]
    bulk_insert(conn, table, new)
    if changed:
        columns = [c for c in rows[0] if c != key and not _kept(table, c)]
        statement = (
            table.update()
            .where(table.c[key] == bindparam("_key"))
            .values({c: bindparam(f"_{c}") for c in columns})
        )
        conn.execute(
            statement, [{"_key": r[key], **{f"_{c}": r[c] for c in columns}} for r in changed]
        )
    result.added += len(new)
    result.changed += len(changed)


def _kept(table: Table, column: str) -> bool:
    """Columns the server keeps as they are: who leads the inspection there."""
    return table.name == "inspection" and column == "created_by"


def _differs(table: Table, row: dict[str, Any], held: dict[str, Any]) -> bool:
    return any(row[c] != held[c] for c in row if not _kept(table, c))


def _merged(conn: Connection, sender: str, lines: list[str], origin: str) -> int:
    try:
        return merge_trail(conn, sender, AuditTrail.of_lines(lines))
    except PackRefused:
        whose = "this store's audit trail" if sender == origin else f"the trail of {sender}"
        raise WorkbenchError(
            f"The server holds a copy of {whose} that this store's does not continue; "
            "nothing was pushed. A server that received only part of this "
            "store's chain from an earlier version, or a store restored from an older backup, "
            "gives this: ask the server's administrator."
        ) from None


def _check_held(conn: Connection, origin: str, lines: list[str]) -> None:
    """The server's copy of ``origin``'s trail ends where the sender's does."""
    count, last_seq, last_hash = records.received_mark(conn, origin)
    sent = AuditTrail.of_lines(lines)
    if last_seq != sent.seqs[-1] or last_hash != audit.line_hash(lines[-1]) or count < len(lines):
        raise WorkbenchError(
            f"The server's copy of the audit trail of {origin} does not end where this store's "
            "does; nothing was pushed."
        )
