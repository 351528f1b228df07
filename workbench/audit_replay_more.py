"""Replaying the audit trail for the records added after the first replay: stage
moderation (the lead's agreed grade for one stage of a dual-graded case) and the
follow-up's quarterly assessments with their evidence (this store's own, and those merged
from inspectors' packs, whose events travel with them).

Not replayed: the follow-up's recommendations, action plans and the force's returns. They
are audited edits in the lead's store, but a kit installs the recommendations in an
inspector's store without events of its own, so their rows cannot be proved from every
store's trail; ``audit verify`` still checks those events' hashes and chains.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case, QuarterAssessment, QuarterEvidence, StageModeration
from workbench import fields

ENTITIES = frozenset(("stage_moderation", "quarter_assessment", "quarter_evidence"))
Differs = Callable[[str, str, Any, Any], str]
Newest = dict[str, dict[str, Any]]  # audit_replay.Replay.newest
_NONE: dict[str, Any] = {}


def _json(raw: Any) -> dict[str, Any] | None:
    try:
        value = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def stage_moderations(session: Session, newest: Newest, differs: Differs) -> Iterator[str]:
    """Each stage moderation is its newest ``moderate`` event (grade and reason)."""
    query = select(
        StageModeration.id, StageModeration.stage_id, StageModeration.grade,
        StageModeration.reason, Case.reference,
    ).join(Case, Case.id == StageModeration.case_id)  # fmt: skip
    for ident, stage_id, grade, reason, reference in session.execute(query):
        what = f"the moderation of stage {stage_id} of case {reference}"
        expected = _json(newest.get(ident, _NONE).get(fields.stage_grade(stage_id)))
        if expected is None:
            yield f"{what} has no audit trail"
            continue
        for field, value in (("grade", grade), ("reason", reason)):
            if expected.get(field) != value:
                yield differs(what, field, value, expected.get(field))


def quarter_assessments(session: Session, newest: Newest, differs: Differs) -> Iterator[str]:
    """A quarterly assessment is its creation and newest judgement, finding and concerns."""
    query = select(
        QuarterAssessment.id, QuarterAssessment.quarter, QuarterAssessment.author,
        QuarterAssessment.judgement, QuarterAssessment.finding, QuarterAssessment.concerns,
    )  # fmt: skip
    for ident, quarter, author, judgement, finding, concerns in session.execute(query):
        what = f"the quarter {quarter} assessment {ident} ({author})"
        last = newest.get(ident, _NONE)
        if "" not in last:
            yield f"{what} has no audit trail"
            continue
        if last.get("judgement") != judgement:
            yield differs(what, "judgement", judgement, last.get("judgement"))
        for field, value in (("finding", finding), ("concerns", concerns)):
            if (last.get(field) or "") != (value or ""):
                yield differs(what, field, value, last.get(field))


def quarter_evidence(session: Session, newest: Newest, differs: Differs) -> Iterator[str]:
    """Evidence is added, never edited: each item is its creation event."""
    query = select(
        QuarterEvidence.id, QuarterEvidence.assessment_id, QuarterEvidence.kind,
        QuarterEvidence.title, QuarterEvidence.on_date, QuarterEvidence.sha256,
        QuarterEvidence.figures,
    )  # fmt: skip
    for ident, assessment, kind, title, on_date, sha256, figures in session.execute(query):
        what = f"the evidence {ident} of the quarterly assessment {assessment}"
        created = _json(newest.get(ident, _NONE).get(""))
        if created is None:
            yield f"{what} has no audit trail"
            continue
        shown = on_date.isoformat() if on_date is not None else None
        for field, value in (("assessment", assessment), ("kind", kind), ("title", title),
                             ("on_date", shown), ("sha256", sha256),
                             ("figures", dict(figures or {}))):  # fmt: skip
            if created.get(field) != value:
                yield differs(what, field.replace("_", " "), value, created.get(field))


def counted(session: Session) -> int:
    """How many records these replays prove."""
    return sum(
        len(session.scalars(select(model.id)).all())
        for model in (StageModeration, QuarterAssessment, QuarterEvidence)
    )
