"""The store's schema: SQLAlchemy 2.x typed models.

Every record has a UUID (text) key that stays the same in every store it travels to.
Timestamps are ISO 8601 in UTC (see ``db.types.UTCDateTime``). Plain dates are ISO dates.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    null,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import AnswerMap, UTCDateTime, utcnow


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class StoreIdentity(Base):
    """The store's own identity: who uses it. One row."""

    __tablename__ = "store_identity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Inspection(Base):
    __tablename__ = "inspection"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    force: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(400))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    methodology_id: Mapped[str] = mapped_column(String(100))
    methodology_version: Mapped[str] = mapped_column(String(40))
    marking: Mapped[str] = mapped_column(String(100), default="OFFICIAL-SENSITIVE")
    fictional: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the lead archives the inspection: kept, but no longer offered for work.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cases: Mapped[list[Case]] = relationship(back_populates="inspection")


class Case(Base):
    """One sampled case file."""

    __tablename__ = "case_file"
    __table_args__ = (UniqueConstraint("inspection_id", "reference"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    inspection_id: Mapped[str] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), index=True
    )
    reference: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(200), default="")
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    child_ref: Mapped[str | None] = mapped_column(String(100))
    force_grade: Mapped[str | None] = mapped_column(String(40))
    assigned_to: Mapped[str | None] = mapped_column(String(200), index=True)
    # Dual grading: the second inspector, who grades the case blind to the first's grade.
    second_inspector: Mapped[str | None] = mapped_column(String(200))
    methodology_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Columns of the force's list beyond the import's own (canonical JSON: name -> text).
    attributes: Mapped[dict[str, str | None]] = mapped_column(AnswerMap, server_default="{}")

    inspection: Mapped[Inspection] = relationship(back_populates="cases")
    assessments: Mapped[list[Assessment]] = relationship(back_populates="case")
    referrals: Mapped[list[Referral]] = relationship(back_populates="case")


class Assessment(Base):
    """One inspector's grading of one case. Two inspectors may grade the same case."""

    __tablename__ = "assessment"
    # The unique index also serves lookups by case (its leading column). The case list reads
    # every case's status and grade from ix_assessment_listed alone (a covering index), not
    # from the table's pages, which hold the answers and rationale.
    __table_args__ = (
        UniqueConstraint("case_id", "inspector"),
        Index("ix_assessment_listed", "case_id", "inspector", "status", "overall_grade"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    inspector: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    overall_grade: Mapped[str | None] = mapped_column(String(40))
    rationale: Mapped[str] = mapped_column(Text, default="")
    methodology_id: Mapped[str] = mapped_column(String(100))
    methodology_version: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Prompt id -> yes / partly / no / not_applicable (or None once cleared).
    answers: Mapped[dict[str, str | None]] = mapped_column(AnswerMap, default=dict)
    # The content digest as a pack's merge wrote the row (workbench.packs.merge); any update
    # made here clears it, so a tie with a later pack reads the row back instead.
    pack_digest: Mapped[str | None] = mapped_column(String(64), onupdate=null())

    case: Mapped[Case] = relationship(back_populates="assessments")
    stages: Mapped[list[StageJudgement]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )


class StageJudgement(Base):
    __tablename__ = "stage_judgement"
    # The unique index also serves lookups by assessment (its leading column).
    __table_args__ = (UniqueConstraint("assessment_id", "stage_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    stage_id: Mapped[str] = mapped_column(String(100))
    grade: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[Assessment] = relationship(back_populates="stages")


class Referral(Base):
    """A case referred back to the force because a child is at continued risk."""

    __tablename__ = "referral"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    raised_by: Mapped[str] = mapped_column(String(200))
    risk_summary: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(40))
    referred_to: Mapped[str] = mapped_column(String(200), default="")
    referred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="referrals")
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", order_by="ReferralEvent.occurred_at"
    )


class ReferralEvent(Base):
    """One response from the force to a referral. Append-only."""

    __tablename__ = "referral_event"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    response: Mapped[str] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    referral: Mapped[Referral] = relationship(back_populates="events")


class Moderation(Base):
    """The lead's agreed grade for a case, beside the original assessments."""

    __tablename__ = "moderation"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), unique=True
    )
    grade: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    moderated_by: Mapped[str] = mapped_column(String(200))
    moderated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StageModeration(Base):
    """The lead's agreed grade for one stage of a dual-graded case, with the reason."""

    __tablename__ = "stage_moderation"
    __table_args__ = (UniqueConstraint("case_id", "stage_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    stage_id: Mapped[str] = mapped_column(String(100))
    grade: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    moderated_by: Mapped[str] = mapped_column(String(200))
    moderated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SampleDraw(Base):
    """A stratified random sample drawn from the force's full list of cases.

    The seed, method and plan reproduce the draw from the same file (``sha256``);
    ``strata`` keeps, per stratum, how many cases were listed and how many drawn, so the
    cases not drawn stay on record as the population.
    """

    __tablename__ = "sample_draw"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    inspection_id: Mapped[str] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[str] = mapped_column(String(100))
    seed: Mapped[str] = mapped_column(String(100))
    strata_by: Mapped[str] = mapped_column(String(100))
    plan: Mapped[str] = mapped_column(Text)
    strata: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    listed: Mapped[int] = mapped_column(Integer)
    drawn: Mapped[int] = mapped_column(Integer)
    drawn_by: Mapped[str] = mapped_column(String(200))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KitIssue(Base):
    """A kit the lead issued to an inspector: which cases it gave them to grade, to tell when
    it is out of date, and whose packs may be accepted, for which cases (``packs.authority``).

    ``case_ids`` is canonical JSON, the sorted ids of the cases the kit assigned to the
    inspector (first or second inspector). ``all_cases`` says the kit carried every case of
    the inspection, so the inspector's packs may be on any of them; kits issued before kits
    were recorded are taken from the audit trail with ``all_cases`` set and no case ids (the
    trail says only whom they went to). ``cases`` is how many cases the kit carried."""

    __tablename__ = "kit_issue"
    __table_args__ = (Index("ix_kit_issue_lookup", "inspection_id", "inspector"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"))
    inspector: Mapped[str] = mapped_column(String(200))
    case_ids: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cases: Mapped[int] = mapped_column(Integer, default=0)
    all_cases: Mapped[bool] = mapped_column(default=False)
    file_name: Mapped[str] = mapped_column(String(500), default="")


class AuditEvent(Base):
    """Append-only record of a change, hash-chained per originating store.

    ``hash`` covers every other field and ``prev_hash``; editing or removing a past event
    breaks the chain of the store it came from (``origin``), which verification reports.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        UniqueConstraint("origin", "origin_seq"),
        Index("ix_audit_entity", "entity", "entity_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    origin: Mapped[str] = mapped_column(String(36))
    origin_seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(100), default="")
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditSegment(Base):
    """Audit events received from another store, kept exactly as that store wrote them.

    ``lines`` is zlib-compressed UTF-8 text, one event per line in ``origin_seq`` order, each
    line the canonical JSON that the event's hash covers (``workbench.audit.event_line``), so
    the sender's chain verifies here line by line. A findings pack carries its store's trail
    this way, and an import keeps the part not yet here as one segment: hundreds of thousands
    of events cost a few rows rather than one row (and four index entries) each.
    """

    __tablename__ = "audit_segment"
    __table_args__ = (UniqueConstraint("origin", "first_seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    origin: Mapped[str] = mapped_column(String(36))
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    lines: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImportLog(Base):
    """One import into the store: a case sample, a grades spreadsheet or a findings pack."""

    __tablename__ = "import_log"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(500))
    inspection_id: Mapped[str | None] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(200))
    inspector: Mapped[str | None] = mapped_column(String(200))
    fingerprint: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[str] = mapped_column(Text, default="")


class InspectionKey(Base):
    """An inspection's key pair: Ed25519 to sign kits, X25519 to receive packs.

    The lead's store holds the private keys, encrypted under the lead's passphrase
    (``private_blob`` with the KDF parameters in ``kdf``); a store set up from a kit holds
    only the public keys, so it can encrypt packs to the lead but never open them.
    """

    __tablename__ = "inspection_key"

    inspection_id: Mapped[str] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), primary_key=True
    )
    sign_public: Mapped[str] = mapped_column(String(64))
    encrypt_public: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    private_blob: Mapped[str | None] = mapped_column(Text)
    kdf: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="created")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeviceKey(Base):
    """This store's Ed25519 signing key, which signs the packs it exports. One row."""

    __tablename__ = "device_key"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    public_key: Mapped[str] = mapped_column(String(64))
    private_key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InspectorKey(Base):
    """An inspector's device key as registered in the lead's store for an inspection.

    The first pack from an inspector registers its key; a pack under another key is refused
    until the lead re-registers (which deactivates the old row and adds one with only the
    fingerprint, told by phone; ``public_key`` is filled in by the first matching pack).
    """

    __tablename__ = "inspector_key"
    __table_args__ = (Index("ix_inspector_key_lookup", "inspection_id", "inspector"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"))
    inspector: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[str | None] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    registered_by: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


# --- Follow-up after publication: recommendations, action plans, quarterly assessments ---
# (workbench.followup). Lists (a recommendation's points, areas and categories; an evidence
# item's figures) are JSON; plain dates are ISO dates.


class InspectionFollowup(Base):
    """What the follow-up needs to know about an inspection: when its report was published
    (the recommendations' due dates count from it) and, for a re-inspection, its baseline."""

    __tablename__ = "inspection_followup"

    inspection_id: Mapped[str] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), primary_key=True
    )
    published_on: Mapped[date | None] = mapped_column(Date)
    baseline_id: Mapped[str | None] = mapped_column(
        ForeignKey("inspection.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Recommendation(Base):
    """One numbered recommendation of an inspection's report."""

    __tablename__ = "recommendation"
    __table_args__ = (UniqueConstraint("inspection_id", "number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    points: Mapped[list[str]] = mapped_column(JSON, default=list)
    timeframe: Mapped[str] = mapped_column(String(20))  # immediately, months, date
    months: Mapped[int | None] = mapped_column(Integer)
    by_date: Mapped[date | None] = mapped_column(Date)
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    discharged_quarter: Mapped[int | None] = mapped_column(Integer)
    discharged_reason: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActionPlan(Base):
    """One of the force's action plans (an inspection may have several)."""

    __tablename__ = "action_plan"
    __table_args__ = (UniqueConstraint("inspection_id", "title"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanAction(Base):
    """One action of a plan, tied to a recommendation. Overdue is derived, never stored."""

    __tablename__ = "plan_action"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("action_plan.id", ondelete="CASCADE"))
    recommendation_id: Mapped[str] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), index=True
    )
    objective: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(300), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    position: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanReturn(Base):
    """A spreadsheet the force returned, kept byte for byte as dated evidence, with what it
    changed in the plans."""

    __tablename__ = "plan_return"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    inspection_id: Mapped[str] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(200))
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class QuarterAssessment(Base):
    """An inspector's judgement of the progress on one recommendation in one quarter."""

    __tablename__ = "quarter_assessment"
    __table_args__ = (UniqueConstraint("recommendation_id", "quarter", "author"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    recommendation_id: Mapped[str] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE")
    )
    quarter: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(200))
    judgement: Mapped[str | None] = mapped_column(String(40))
    finding: Mapped[str] = mapped_column(Text, default="")
    concerns: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    evidence: Mapped[list[QuarterEvidence]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="QuarterEvidence.seq"
    )


class QuarterEvidence(Base):
    """What a quarterly judgement rests on: a document (with its SHA-256), the force's own
    audit figures (name -> number), an interview or a meeting."""

    __tablename__ = "quarter_evidence"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    assessment_id: Mapped[str] = mapped_column(
        ForeignKey("quarter_assessment.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))  # document, audit, interview, meeting
    title: Mapped[str] = mapped_column(String(500))
    on_date: Mapped[date | None] = mapped_column(Date)
    sha256: Mapped[str | None] = mapped_column(String(64))
    figures: Mapped[dict[str, float | int]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[QuarterAssessment] = relationship(back_populates="evidence")


class ChainHead(Base):
    """A recorded head of an audit chain (its last sequence number and hash).

    ``kind`` is ``own`` (this store's chain as it stands, kept with every event appended),
    ``exported`` (the last event a pack from this store carried) or ``received`` (the last
    event of a sender's chain a pack brought here). ``audit verify`` checks each against the
    events, so removing the newest events, or rewriting a chain with fresh hashes, shows."""

    __tablename__ = "chain_head"
    __table_args__ = (Index("ix_chain_head_origin", "origin", "kind"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    origin: Mapped[str] = mapped_column(String(36))
    inspection_id: Mapped[str | None] = mapped_column(String(36))
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(500), default="")


class Draft(Base):
    """Text typed into a grading box and not yet saved as an audited edit (a journal).

    Written within a moment of each keystroke and deleted once the text is saved as the
    edit, so what remains after a crash is what was typed and not yet saved; the window
    offers it again the next time the case opens. Like the rest of the store it is
    encrypted at rest. Never exported in a pack and not part of the audit trail."""

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("case_id", "inspector", "field"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    inspector: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
