"""What a validly signed pack may change: only its sender's records, on their kit's cases,
with values the methodology and the local rules accept.

A signature says who sent a pack, not that its content is allowed. ``check_authority`` runs
after ``document.parse_pack`` has checked every field's type, and before anything is merged;
any record it objects to refuses the whole pack, naming the record and its author. The rules
(see ``docs/pack-format.md``, "What a pack may change"):

- the sender is an inspector the lead issued a kit to, and every assessment and referral is
  on a case of a kit issued to them (``kit_issue``; a dual-graded case is in its second
  inspector's kit); no assessment changed, and no referral raised, after an update kit
  withdrew its case from them (``workbench.packs.kit_grants``);
- every record is the sender's: an assessment's ``inspector``, a referral's ``raised_by``, a
  response's ``recorded_by``; a response travels with its referral (only the inspector who
  raised a referral records the force's responses to it in their store; the lead records
  them in the lead's store); no record already here under another author is changed;
- stages, prompts and facts apply to the case's category (a prompt or fact naming
  ``categories`` applies to those only); timestamps lie within the fieldwork
  window (30 days before it to 90 days after it) and never in the future beyond ten minutes
  of clock skew; a revision never exceeds the number of audit events the sender's trail holds
  (every revision is one audited edit there); no response follows a closing one, and none is
  dated before its referral; every record appears in the sender's audit trail;
- the follow-up's quarterly assessments follow the same rules
  (``workbench.packs.followup_authority``).

The rules shared by every kind of record (another's record, the trail, revisions, times)
are each written once, in ``workbench.packs.rules``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Assessment, Case, Inspection, Referral, ReferralEvent
from db.types import utcnow
from workbench.methodology import Methodology
from workbench.packs.container import PackRefused
from workbench.packs.document import PackDocument
from workbench.packs.followup_authority import check_followup
from workbench.packs.kit_grants import KitGrant, kit_grant
from workbench.packs.payload import malformed, timestamp, unauthorised
from workbench.packs.records import chunks
from workbench.packs.rules import (
    in_trail,
    refuse_others,
    revision_limit,
    within_revisions,
    within_times,
)
from workbench.packs.trail import check_senders, named_ids

WHAT = "findings pack"
BEFORE_FIELDWORK = timedelta(days=30)
AFTER_FIELDWORK = timedelta(days=90)
CLOCK_SKEW = timedelta(minutes=10)
_TIMES = {
    "assessment": ("created_at", "updated_at", "graded_at"),
    "referral": ("referred_at", "created_at", "updated_at", "closed_at"),
    "referral response": ("occurred_at", "created_at"),
}


def _window(inspection: Inspection, now: datetime) -> tuple[str, str, str]:
    """The earliest and latest timestamps a record may carry, and the latest of all."""

    def midnight(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

    latest = timestamp(now + CLOCK_SKEW) or ""
    start = timestamp(midnight(inspection.start_date) - BEFORE_FIELDWORK) or ""
    end = timestamp(midnight(inspection.end_date) + timedelta(days=1) + AFTER_FIELDWORK) or ""
    return start, min(end, latest), latest


def check_authority(
    session: Session, pack: PackDocument, inspection: Inspection, method: Methodology
) -> None:
    """Refuse the pack unless every record in it is one its sender may create or revise."""
    sender = pack.inspector
    grant = kit_grant(session, inspection.id, sender)
    cases = _cases(session, inspection.id, pack)
    _check_authors(session, pack)
    _check_kits(pack, grant, cases)
    _check_stages(pack, cases, method)
    _check_times(pack, inspection)
    earliest, _, now = _window(inspection, utcnow())
    check_followup(session, pack, inspection.id, earliest, now)
    check_senders(pack.audit, sender, timestamp(utcnow() + CLOCK_SKEW) or "")
    _check_responses(pack, method)
    _check_revisions_and_trail(session, pack)


def _cases(session: Session, inspection_id: str, pack: PackDocument) -> dict[str, tuple[str, str]]:
    """Reference and category of each case the pack names; refused if one is not here."""
    wanted = sorted(
        {a["case_id"] for a in pack.assessments} | {r["case_id"] for r in pack.referrals}
    )
    found: dict[str, tuple[str, str]] = {}
    for chunk in chunks(wanted):
        # By id alone (the inspection compared here): filtered by inspection as well, SQLite
        # may walk every case of the inspection for each chunk rather than look ids up.
        query = select(Case.id, Case.reference, Case.category, Case.inspection_id).where(
            Case.id.in_(chunk)
        )
        found.update(
            (row.id, (row.reference, row.category))
            for row in session.execute(query)
            if row.inspection_id == inspection_id
        )
    if len(found) != len(wanted):
        raise PackRefused(
            f"This pack refers to {len(wanted) - len(found)} case(s) that are not in this "
            "inspection in this store; nothing was imported. Was the kit issued from here?",
            "unknown_cases",
        )
    return found


def _check_kits(pack: PackDocument, grant: KitGrant, cases: dict[str, tuple[str, str]]) -> None:
    """Every record is on a case of the sender's kits, and no new work is on a case an update
    kit withdrew from them (``workbench.packs.kit_grants``)."""
    sender = pack.inspector
    for label, items, when in (
        ("assessment", pack.assessments, "updated_at"),
        ("referral", pack.referrals, "created_at"),
    ):
        for record in items:
            reference = cases[record["case_id"]][0]
            if not grant.allows(record["case_id"]):
                raise unauthorised(
                    f"the {label} {record['id']} is of case {reference}, which is in no kit "
                    f"issued to {sender}"
                )
            withdrawn = grant.withdrawn.get(record["case_id"])
            stamp = timestamp(withdrawn) if withdrawn is not None else None
            if stamp is not None and record[when] > stamp:
                verb = "changed" if label == "assessment" else "raised"
                raise unauthorised(
                    f"the {label} {record['id']} of case {reference} was {verb} at "
                    f"{record[when]}, after the kit issued at {stamp} withdrew the case from "
                    f"{sender}"
                )


def _check_authors(session: Session, pack: PackDocument) -> None:
    sender = pack.inspector
    for record in pack.referrals:
        if record["raised_by"] != sender:
            raise unauthorised(
                f"the referral {record['id']} was raised by {record['raised_by'][:200]}, and a "
                f"pack from {sender} may carry only referrals {sender} raised"
            )
    referral_ids = {r["id"] for r in pack.referrals}
    for event in pack.referral_events:
        if event["recorded_by"] != sender:
            raise unauthorised(
                f"the response {event['id']} is recorded by {event['recorded_by'][:200]}, and a "
                f"pack from {sender} may carry only responses {sender} recorded"
            )
        if event["referral_id"] not in referral_ids:
            raise unauthorised(
                f"the response {event['id']} is to the referral {event['referral_id']}, which "
                f"{sender} did not raise (a response travels with its referral)"
            )
    checks = (
        (Assessment, Assessment.inspector, pack.assessments, "assessment", "graded by"),
        (Referral, Referral.raised_by, pack.referrals, "referral", "raised by"),
        (ReferralEvent, ReferralEvent.recorded_by, pack.referral_events, "response", "recorded by"),
    )
    for model, author, items, label, verb in checks:
        refuse_others(session, sender, model, author, [r["id"] for r in items], label, verb)


def _check_stages(
    pack: PackDocument, cases: dict[str, tuple[str, str]], method: Methodology
) -> None:
    applies: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
    items = {i.id: i for i in method.items}  # prompts and facts
    for record in pack.assessments:
        category = cases[record["case_id"]][1]
        known = applies.get(category)
        if known is None:
            stages = frozenset(s.id for s in method.stages_for(category))
            answerable = frozenset(  # the prompts and facts that apply to the category
                i.id for i in items.values() if i.stage_id in stages and i.applies_to(category)
            )
            known = applies[category] = stages, answerable
        stages, answerable = known
        if record["status"] == "graded":
            _check_graded(record, stages, cases[record["case_id"]][0])
        if record["answers"].keys() <= answerable and all(
            type(s) is dict and type(s.get("stage_id")) is str and s["stage_id"] in stages
            for s in record["stages"]
        ):
            continue  # the usual record: every stage and answer applies (checked below if not)
        for stage in record["stages"]:
            stage_id = stage.get("stage_id") if type(stage) is dict else None
            if type(stage_id) is str and stage_id not in stages:
                raise malformed(
                    WHAT,
                    f"the assessment {record['id']} grades the stage '{stage_id[:100]}', which "
                    f"does not apply to case {cases[record['case_id']][0]}'s category",
                )
        for item_id in record["answers"]:
            item = items.get(item_id)
            if item is None:
                continue  # an unknown id is refused with the answers' values
            kind, reference = "fact" if item.fact else "prompt", cases[record["case_id"]][0]
            if item.stage_id not in stages:
                raise malformed(
                    WHAT,
                    f"the assessment {record['id']} answers the {kind} '{item_id}', whose "
                    f"stage does not apply to case {reference}'s category",
                )
            if not item.applies_to(category):  # the item names the categories it is for
                raise malformed(
                    WHAT,
                    f"the assessment {record['id']} of case {reference} answers the {kind} "
                    f"'{item_id}', which does not apply to {method.category_name(category)} "
                    f"cases ({category})",
                )


def _check_graded(record: dict[str, Any], applicable: frozenset[str], reference: str) -> None:
    """A graded assessment is complete, as marking it graded requires at the keyboard (a
    stage judgement not well formed is refused, naming its field, when it is checked)."""
    if any(type(s) is not dict or type(s.get("stage_id")) is not str for s in record["stages"]):
        return
    graded = {
        s["stage_id"]
        for s in record["stages"]
        if type(s) is dict and type(s.get("stage_id")) is str and s.get("grade") is not None
    }
    missing = (
        "an overall grade" if record["overall_grade"] is None
        else "a rationale" if not record["rationale"].strip()
        else "a grade for every stage that applies" if not applicable <= graded
        else ""
    )  # fmt: skip
    if missing:
        raise malformed(
            WHAT, f"the assessment {record['id']} of case {reference} is graded without {missing}"
        )


def _check_times(pack: PackDocument, inspection: Inspection) -> None:
    earliest, latest, now = _window(inspection, utcnow())
    if pack.exported_at > now:
        raise malformed(WHAT, f"it was exported at {pack.exported_at}, in the future")
    kinds = (
        ("assessment", pack.assessments),
        ("referral", pack.referrals),
        ("referral response", pack.referral_events),
    )
    accepted = f" (from {earliest[:10]} to {latest[:10]} is accepted)"
    for label, items in kinds:
        window = (earliest, latest, now)
        within_times(label, items, _TIMES[label], window, "outside the fieldwork window", accepted)


def _check_revisions_and_trail(session: Session, pack: PackDocument) -> None:
    """Every record is in its sender's trail, and every revision is one audited edit there,
    so no record can be at a revision beyond the number of events the trail holds."""
    ids = [r["id"] for r in (*pack.assessments, *pack.referrals, *pack.referral_events)]
    named = named_ids(session.connection(), pack.audit, ids, (Assessment, Referral, ReferralEvent))
    for label, items in (
        ("assessment", pack.assessments),
        ("referral", pack.referrals),
        ("response", pack.referral_events),
    ):
        for record in items:
            in_trail(named, label, record["id"])
    limit = revision_limit(pack.audit)
    for label, items in (("assessment", pack.assessments), ("referral", pack.referrals)):
        for record in items:
            within_revisions(label, record, limit)


def _check_responses(pack: PackDocument, method: Methodology) -> None:
    closing = {r.id for r in method.responses if r.closes}
    referred = {r["id"]: r["referred_at"][:10] for r in pack.referrals}
    by_referral: dict[str, list[dict[str, Any]]] = {}
    for event in pack.referral_events:
        by_referral.setdefault(event["referral_id"], []).append(event)
        if event["occurred_at"][:10] < referred[event["referral_id"]]:
            raise malformed(
                WHAT, f"the response {event['id']} is dated before its referral was made"
            )
    for events in by_referral.values():
        closes = [e["occurred_at"] for e in events if e["response"] in closing]
        if closes and any(e["occurred_at"] > min(closes) for e in events):
            late = max(events, key=lambda e: e["occurred_at"])
            raise malformed(
                WHAT,
                f"the response {late['id']} comes after the referral {late['referral_id']} "
                "was closed",
            )
