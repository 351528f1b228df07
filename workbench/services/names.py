"""Work recorded in this store under another name than its user's, and moving it to the
user's name (an audited re-attribution).

A store's user may have typed one name at first run ("Sam") and been issued a kit under
another ("Samantha Jones"). Grades recorded under the first name would stay out of the pack
the kit's name sends (a pack carries only its sender's records), so before a pack is
exported ``other_names`` says what this store's own trail recorded under other names, and
``reattribute`` moves those assessments, referrals and responses to the user's name: each
record's change is an audited edit, and one ``reattribute`` event on the inspection names
the old and new names, which is what lets the lead's store accept the earlier events of
this store's trail recorded under the old name (``workbench.packs.trail.check_senders``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from db.engine import Store
from db.models import Assessment, AuditEvent, Case, Referral, ReferralEvent
from db.types import utcnow
from workbench import audit
from workbench.changes import Topic, publish
from workbench.errors import WorkbenchError
from workbench.identity import identity, require_user_name


@dataclass(frozen=True)
class OtherName:
    name: str
    assessments: int  # of them graded: ``graded``
    graded: int
    referrals: int


def other_names(store: Store, inspection_id: str) -> list[OtherName]:
    """Names other than the user's under which this store itself recorded assessments or
    referrals of the inspection (records received in packs, in a lead's store, are not)."""
    with store.sessions() as session:
        user = require_user_name(session)
        own = identity(session).id
        typed_here = set(
            session.scalars(select(AuditEvent.actor).where(AuditEvent.origin == own).distinct())
        )
        typed_here.discard(user)
        if not typed_here:
            return []
        found: dict[str, list[int]] = {}
        rows = session.execute(
            select(Assessment.inspector, Assessment.status, func.count())
            .join(Case, Case.id == Assessment.case_id)
            .where(Case.inspection_id == inspection_id, Assessment.inspector.in_(typed_here))
            .group_by(Assessment.inspector, Assessment.status)
        )
        for name, status, count in rows:
            counts = found.setdefault(name, [0, 0, 0])
            counts[0] += count
            counts[1] += count if status == "graded" else 0
        referrals = session.execute(
            select(Referral.raised_by, func.count())
            .join(Case, Case.id == Referral.case_id)
            .where(Case.inspection_id == inspection_id, Referral.raised_by.in_(typed_here))
            .group_by(Referral.raised_by)
        )
        for name, count in referrals:
            found.setdefault(name, [0, 0, 0])[2] = count
    return [OtherName(name, *counts) for name, counts in sorted(found.items())]


def reattribute(store: Store, inspection_id: str, old_name: str) -> int:
    """Move the inspection's assessments, referrals and responses recorded here under
    ``old_name`` to this store's user; the number of records moved."""
    with store.sessions.begin() as session:
        user = require_user_name(session)
        if old_name == user:
            raise WorkbenchError(f"The work is already under your name, {user}.")
        cases = select(Case.id).where(Case.inspection_id == inspection_id)
        clash = session.scalars(
            select(Case.reference)
            .join(Assessment, Assessment.case_id == Case.id)
            .where(Case.inspection_id == inspection_id, Assessment.inspector == user)
            .where(
                Case.id.in_(
                    select(Assessment.case_id).where(
                        Assessment.inspector == old_name, Assessment.case_id.in_(cases)
                    )
                )
            )
        ).first()
        if clash is not None:
            raise WorkbenchError(
                f"Case {clash} is graded both under {old_name} and under {user}; keep one of "
                "the two before moving the work to your name."
            )
        moved = 0
        now = utcnow()
        for row in session.scalars(
            select(Assessment).where(
                Assessment.inspector == old_name, Assessment.case_id.in_(cases)
            )
        ):
            audit.record(session, user, "update", "assessment", row.id, "inspector", old_name, user)
            row.inspector, row.revision, row.updated_at = user, row.revision + 1, now
            moved += 1
        for referral in session.scalars(
            select(Referral).where(Referral.raised_by == old_name, Referral.case_id.in_(cases))
        ):
            audit.record(
                session, user, "update", "referral", referral.id, "raised_by", old_name, user
            )
            referral.raised_by, referral.revision = user, referral.revision + 1
            referral.updated_at = now
            moved += 1
        referrals = select(Referral.id).where(Referral.case_id.in_(cases))
        for event_id in session.scalars(
            select(ReferralEvent.id).where(
                ReferralEvent.recorded_by == old_name, ReferralEvent.referral_id.in_(referrals)
            )
        ):
            audit.record(
                session, user, "update", "referral_event", event_id, "recorded_by", old_name, user
            )
            moved += 1
        session.execute(
            update(ReferralEvent)
            .where(ReferralEvent.recorded_by == old_name, ReferralEvent.referral_id.in_(referrals))
            .values(recorded_by=user)
        )
        audit.record(
            session, user, "reattribute", "inspection", inspection_id, "inspector", old_name, user
        )
    publish(store, Topic.ASSESSMENTS)
    publish(store, Topic.REFERRALS)
    return moved
