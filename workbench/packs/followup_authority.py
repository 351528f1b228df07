"""What a pack's follow-up section may change: the rules of ``workbench.packs.authority``
applied to the quarterly assessments it carries (``workbench.followup.pack_records``).

- every quarterly assessment is its sender's: recorded under their name (checked as the
  section is parsed, naming the record), and none already here under another author is
  changed, nor an evidence item held here by another assessment;
- every one is on a recommendation of the pack's inspection in this store;
- its timestamps lie neither in the future (beyond ten minutes of clock skew) nor before
  the fieldwork's earliest accepted moment (quarters follow publication, months after the
  fieldwork, so there is no latest but now);
- its revision never exceeds the audited edits the sender's trail holds, and the
  assessment and each evidence item appear in that trail.

The rules shared with every other record of a pack are written once, in
``workbench.packs.rules``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import QuarterAssessment, QuarterEvidence, Recommendation
from workbench.packs.document import PackDocument
from workbench.packs.payload import unauthorised
from workbench.packs.records import chunks
from workbench.packs.rules import (
    in_trail,
    refuse_others,
    revision_limit,
    within_revisions,
    within_times,
)
from workbench.packs.trail import named_ids

LABEL = "quarterly assessment"


def check_followup(
    session: Session, pack: PackDocument, inspection_id: str, earliest: str, now: str
) -> None:
    """Refuse the pack unless every follow-up record in it is one its sender may send."""
    incoming: list[dict[str, Any]] = pack.followup.get("quarter_assessments", [])
    if not incoming:
        return
    sender = pack.inspector
    in_inspection = select(Recommendation.id).where(Recommendation.inspection_id == inspection_id)
    known = set(session.scalars(in_inspection))
    for record in incoming:
        if record["recommendation_id"] not in known:
            raise unauthorised(
                f"the quarterly assessment {record['id']} is of the recommendation "
                f"{record['recommendation_id']}, which is not in this inspection in this store"
            )
    _check_owners(session, incoming, sender)
    window = (earliest, now, now)  # no latest but now
    within_times(LABEL, incoming, ("created_at", "updated_at"), window, "before the fieldwork")
    ids = [i for r in incoming for i in (r["id"], *(e["id"] for e in r["evidence"]))]
    named = named_ids(session.connection(), pack.audit, ids, (QuarterAssessment, QuarterEvidence))
    limit = revision_limit(pack.audit)
    for record in incoming:
        in_trail(named, LABEL, record["id"])
        for evidence in record["evidence"]:
            in_trail(named, "evidence", evidence["id"])
        within_revisions(LABEL, record, limit)


def _check_owners(session: Session, incoming: list[dict[str, Any]], sender: str) -> None:
    ids = [r["id"] for r in incoming]
    author = QuarterAssessment.author
    refuse_others(session, sender, QuarterAssessment, author, ids, LABEL, "recorded by")
    owner = {e["id"]: r["id"] for r in incoming for e in r["evidence"]}
    for chunk in chunks(list(owner)):
        query = select(QuarterEvidence.id, QuarterEvidence.assessment_id).where(
            QuarterEvidence.id.in_(chunk)
        )
        for ident, assessment in session.execute(query):
            if owner[ident] != assessment:
                raise unauthorised(
                    f"the evidence {ident} belongs to the quarterly assessment {assessment} in "
                    f"this store, and a pack may not move it to {owner[ident]}"
                )
