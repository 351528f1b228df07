"""Quarterly assessments: per quarter and recommendation, an inspector's judgement on the
progress scale, the narrative finding, the evidence it rests on and the concerns carried
forward.

Each inspector's assessment is their own record (as grades are): the lead's store may hold
several for one recommendation and quarter; the report uses the lead's own, or else the one
revised last. Every change is an audited edit.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.engine import Store
from db.models import QuarterAssessment, QuarterEvidence, Recommendation
from db.types import utcnow
from workbench import audit
from workbench.changes import Topic, publish
from workbench.errors import WorkbenchError
from workbench.followup.recommendations import get_row
from workbench.followup.scale import load_scale
from workbench.followup.timeframes import check_quarter
from workbench.identity import require_user_name
from workbench.services.inspections import get_inspection

KINDS = {"document": "Document", "audit": "The force's own audit", "interview": "Interview",
         "meeting": "Meeting"}  # fmt: skip
MAX_TEXT = 20_000
MAX_TITLE = 500
MAX_FIGURES = 50
MAX_EVIDENCE = 200


@dataclass(frozen=True)
class EvidenceView:
    kind: str
    title: str
    on_date: date | None
    sha256: str | None
    figures: dict[str, float | int]
    note: str


@dataclass(frozen=True)
class AssessmentView:
    number: int
    quarter: int
    author: str
    judgement: str | None
    finding: str
    concerns: str
    evidence: tuple[EvidenceView, ...]


def _text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise WorkbenchError(f"The {what} must be text.")
    if len(value) > limit:
        raise WorkbenchError(f"The {what} is longer than {limit:,} characters.")
    return value.strip()


def _own(session: Session, rec: Recommendation, quarter: int, author: str) -> QuarterAssessment:
    row = session.scalars(
        select(QuarterAssessment).where(
            QuarterAssessment.recommendation_id == rec.id,
            QuarterAssessment.quarter == quarter,
            QuarterAssessment.author == author,
        )
    ).first()
    if row is None:
        row = QuarterAssessment(
            recommendation_id=rec.id, quarter=quarter, author=author, finding="", concerns="",
            revision=0,
        )  # fmt: skip
        session.add(row)
        session.flush()
        audit.record(session, author, "create", "quarter_assessment", row.id, "", None,
                     {"recommendation": rec.number, "quarter": quarter})  # fmt: skip
    return row


def assess(
    store: Store,
    inspection_id: str,
    quarter: int,
    number: int,
    *,
    judgement: str | None = None,
    finding: str | None = None,
    concerns: str | None = None,
) -> AssessmentView:
    """Set this store's user's judgement, finding or concerns (those given) for one
    recommendation in one quarter."""
    check_quarter(quarter)
    values: dict[str, object] = {}
    if judgement is not None:
        values["judgement"] = load_scale().parse(judgement)
    if finding is not None:
        values["finding"] = _text(finding, "finding")
    if concerns is not None:
        values["concerns"] = _text(concerns, "concerns")
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        row = _own(session, get_row(session, inspection.id, number), quarter, actor)
        changed = False
        for name, new in values.items():
            if getattr(row, name) != new:
                audit.record(session, actor, "update", "quarter_assessment", row.id, name,
                             getattr(row, name), new)  # fmt: skip
                setattr(row, name, new)
                changed = True
        if changed:
            row.revision += 1
            row.updated_at = utcnow()
        session.flush()
        shown = _view(row, number)
        inspection_id = inspection.id
    publish(store, Topic.FOLLOWUP, inspection_id=inspection_id)
    return shown


def _figures(figures: dict[str, object] | None) -> dict[str, float | int]:
    figures = dict(figures or {})
    if len(figures) > MAX_FIGURES:
        raise WorkbenchError(f"Give at most {MAX_FIGURES} figures for one piece of evidence.")
    checked: dict[str, float | int] = {}
    for name, value in figures.items():
        name = _text(str(name), "figure's name", 200)
        bad = isinstance(value, bool) or not isinstance(value, int | float)
        if bad or not math.isfinite(value):  # type: ignore[arg-type]
            raise WorkbenchError(f"The figure '{name}' must be a number, not '{value}'.")
        if not name:
            raise WorkbenchError("Every figure needs a name.")
        checked[name] = value  # type: ignore[assignment]
    return checked


def file_digest(path: str | Path) -> str:
    """The SHA-256 of a document the force provided, read in blocks."""
    path = Path(path)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise WorkbenchError(f"Cannot read the document '{path}': {exc.strerror or exc}.") from exc
    return digest.hexdigest()


def add_evidence(
    store: Store,
    inspection_id: str,
    quarter: int,
    number: int,
    kind: str,
    title: str,
    *,
    on_date: date | None = None,
    document: str | Path | None = None,
    figures: dict[str, object] | None = None,
    note: str = "",
) -> EvidenceView:
    """Add what an assessment rests on: a document (its file's SHA-256 is recorded), the
    force's own audit figures, an interview or a meeting."""
    check_quarter(quarter)
    if kind not in KINDS:
        raise WorkbenchError(f"'{kind}' is not a kind of evidence; use {', '.join(KINDS)}.")
    title = _text(title, "evidence's title", MAX_TITLE)
    if not title:
        raise WorkbenchError("Give the evidence a title (what the document, audit or "
                             "interview was).")  # fmt: skip
    sha = file_digest(document) if document is not None else None
    item = EvidenceView(kind, title, on_date, sha, _figures(figures), _text(note, "note"))
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        row = _own(session, get_row(session, inspection.id, number), quarter, actor)
        if len(row.evidence) >= MAX_EVIDENCE:
            raise WorkbenchError(f"An assessment holds at most {MAX_EVIDENCE} pieces of evidence.")
        evidence = QuarterEvidence(
            seq=len(row.evidence) + 1, kind=kind, title=title, on_date=on_date, sha256=sha,
            figures=item.figures, note=item.note,
        )  # fmt: skip
        row.evidence.append(evidence)
        session.flush()
        audit.record(session, actor, "create", "quarter_evidence", evidence.id, "", None,
                     {"assessment": row.id, "kind": kind, "title": title,
                      "on_date": on_date, "sha256": sha, "figures": item.figures})  # fmt: skip
        row.revision += 1
        row.updated_at = utcnow()
        inspection_id = inspection.id
    publish(store, Topic.FOLLOWUP, inspection_id=inspection_id)
    return item


def _view(row: QuarterAssessment, number: int) -> AssessmentView:
    evidence = tuple(
        EvidenceView(e.kind, e.title, e.on_date, e.sha256, dict(e.figures or {}), e.note)
        for e in row.evidence
    )
    return AssessmentView(number, row.quarter, row.author, row.judgement, row.finding,
                          row.concerns, evidence)  # fmt: skip


def all_assessments(store: Store, inspection_id: str) -> list[AssessmentView]:
    """Every inspector's assessment of every recommendation of the inspection."""
    with store.sessions() as session:
        ident = get_inspection(session, inspection_id).id
        rows = session.execute(
            select(QuarterAssessment, Recommendation.number)
            .join(Recommendation, QuarterAssessment.recommendation_id == Recommendation.id)
            .where(Recommendation.inspection_id == ident)
            .options(selectinload(QuarterAssessment.evidence))
            .order_by(QuarterAssessment.quarter, Recommendation.number, QuarterAssessment.author)
        ).all()
        return [_view(row, number) for row, number in rows]


def chosen_assessments(
    store: Store, inspection_id: str, lead: str | None = None
) -> dict[tuple[int, int], AssessmentView]:
    """One assessment per (recommendation number, quarter): the lead's own where there is
    one, otherwise the last one listed (by author)."""
    chosen: dict[tuple[int, int], AssessmentView] = {}
    for view in all_assessments(store, inspection_id):
        current = chosen.get((view.number, view.quarter))
        if current is None or current.author != lead:
            chosen[(view.number, view.quarter)] = view
    return chosen
