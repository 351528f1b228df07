"""Referring a case back to the force, and recording the force's responses until closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.engine import Store
from db.models import Case, Referral, ReferralEvent
from db.types import utcnow
from workbench import audit
from workbench.changes import Topic, publish
from workbench.errors import NotFoundError, WorkbenchError
from workbench.identity import require_user_name
from workbench.services.grading import methodology_for
from workbench.services.inspections import case_by_id

OPEN, CLOSED = "open", "closed"


def as_utc(moment: datetime | date | None) -> datetime:
    """A date or datetime as an aware UTC datetime (dates at midnight UTC)."""
    if moment is None:
        return utcnow()
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def raise_referral_in(
    session: Session,
    case: Case,
    actor: str,
    *,
    risk_summary: str,
    urgency: str,
    referred_to: str = "",
    referred_at: datetime | date | None = None,
) -> Referral:
    """Raise a referral inside the caller's transaction."""
    risk_summary = risk_summary.strip()
    if not risk_summary:
        raise WorkbenchError("Say what the continued risk to the child is (risk summary).")
    method = methodology_for(session, case)
    try:
        method.urgency(urgency)
    except KeyError:
        names = ", ".join(u.id for u in method.urgencies)
        raise WorkbenchError(f"'{urgency}' is not an urgency; use one of {names}.") from None
    when = as_utc(referred_at)
    if when > utcnow():
        raise WorkbenchError("The referral date is in the future.")
    row = Referral(
        case_id=case.id,
        raised_by=actor,
        risk_summary=risk_summary,
        urgency=urgency,
        referred_to=referred_to.strip(),
        referred_at=when,
        status=OPEN,
        revision=1,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "referral",
        row.id,
        "",
        None,
        {
            "case": case.reference,
            "urgency": urgency,
            "referred_to": row.referred_to,
            "referred_at": when.isoformat(),
            "risk_summary": risk_summary,
        },
    )
    return row


def raise_referral(
    store: Store,
    case_id: str,
    *,
    risk_summary: str,
    urgency: str,
    referred_to: str = "",
    referred_at: datetime | date | None = None,
) -> str:
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        referral_id = raise_referral_in(
            session,
            case_by_id(session, case_id),
            actor,
            risk_summary=risk_summary,
            urgency=urgency,
            referred_to=referred_to,
            referred_at=referred_at,
        ).id
    publish(store, Topic.REFERRALS, case_id=case_id)
    return referral_id


def add_response(
    store: Store,
    referral_id: str,
    *,
    response: str,
    note: str = "",
    occurred_at: datetime | date | None = None,
) -> str:
    """Record a response from the force; a closing response closes the referral."""
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise NotFoundError(f"No referral with id '{referral_id}'.")
        case_id = referral.case_id
        response_id = add_response_in(session, referral, actor, response, note, occurred_at)
    publish(store, Topic.REFERRALS, case_id=case_id)
    return response_id


def add_response_in(
    session: Session,
    referral: Referral,
    actor: str,
    response: str,
    note: str = "",
    occurred_at: datetime | date | None = None,
) -> str:
    """Record a response inside the caller's transaction; returns the event's id."""
    if referral.status == CLOSED:
        raise WorkbenchError("This referral is closed; no further responses can be added.")
    method = methodology_for(session, referral.case)
    try:
        kind = method.response(response)
    except KeyError:
        names = ", ".join(r.id for r in method.responses)
        raise WorkbenchError(f"'{response}' is not a response; use one of {names}.") from None
    when = as_utc(occurred_at)
    if when < referral.referred_at.replace(hour=0, minute=0, second=0, microsecond=0):
        raise WorkbenchError("The response is dated before the referral was made.")
    if when > utcnow():
        raise WorkbenchError("The response date is in the future.")
    event = ReferralEvent(
        referral_id=referral.id,
        response=response,
        note=note.strip(),
        occurred_at=when,
        recorded_by=actor,
    )
    session.add(event)
    referral.revision += 1
    referral.updated_at = utcnow()
    if kind.closes:
        referral.status, referral.closed_at = CLOSED, when
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "referral_event",
        event.id,
        "",
        None,
        {
            "referral": referral.id,
            "response": response,
            "note": event.note,
            "occurred_at": when.isoformat(),
        },
    )
    if kind.closes:
        audit.record(session, actor, "update", "referral", referral.id, "status", OPEN, CLOSED)
    return event.id


@dataclass(frozen=True)
class ReferralRow:
    id: str
    case_id: str
    case_reference: str
    unit: str
    raised_by: str
    risk_summary: str
    urgency: str
    referred_to: str
    referred_at: datetime
    status: str
    closed_at: datetime | None
    responses: tuple[tuple[str, str, datetime, str], ...]  # (response, note, when, by)

    def age_days(self, today: date | None = None) -> int:
        end = self.closed_at or utcnow()
        if today is not None and self.closed_at is None:
            end = as_utc(today)
        return max(0, (end - self.referred_at).days)


def list_referrals(
    store: Store, inspection_id: str, case_id: str | None = None
) -> list[ReferralRow]:
    with store.sessions() as session:
        query = (
            select(Referral)
            .join(Case)
            .where(Case.inspection_id == inspection_id)
            .options(selectinload(Referral.events), selectinload(Referral.case))
            .order_by(Referral.referred_at)
        )
        if case_id is not None:
            query = query.where(Referral.case_id == case_id)
        return [_row(r) for r in session.scalars(query)]


def get_referral(store: Store, referral_id: str) -> ReferralRow:
    """One referral with its responses, by id."""
    with store.sessions() as session:
        found = session.get(
            Referral,
            referral_id,
            options=[selectinload(Referral.events), selectinload(Referral.case)],
        )
        if found is None:
            raise NotFoundError(f"No referral with id '{referral_id}' in this store.")
        return _row(found)


def _row(r: Referral) -> ReferralRow:
    return ReferralRow(
        r.id,
        r.case_id,
        r.case.reference,
        r.case.unit,
        r.raised_by,
        r.risk_summary,
        r.urgency,
        r.referred_to,
        r.referred_at,
        r.status,
        r.closed_at,
        tuple((e.response, e.note, e.occurred_at, e.recorded_by) for e in r.events),
    )


# --- Corrections and reopening (docs/pack-format.md, "What a pack may change") -------------

CORRECTABLE = ("risk_summary", "urgency", "referred_to")


def correct_referral(store: Store, referral_id: str, **changes: str) -> list[str]:
    """Correct an open referral's risk summary, urgency or recipient; the fields changed.

    Only its author may (a pack carries only its sender's referrals, so a correction made
    anywhere else would never reach, or would be overwritten by, the author's copy); each
    field changed is one audited edit and one revision."""
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise WorkbenchError(f"A referral's {', '.join(sorted(unknown))} cannot be corrected.")
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        referral = _referral(session, referral_id)
        if referral.raised_by != actor:
            raise WorkbenchError(
                f"Only {referral.raised_by}, who raised this referral, can correct it: their "
                "packs carry it. Ask them to, or record the force's response here."
            )
        if referral.status == CLOSED:
            raise WorkbenchError("This referral is closed; reopen it before correcting it.")
        values = {name: value.strip() for name, value in changes.items()}
        if "risk_summary" in values and not values["risk_summary"]:
            raise WorkbenchError("Say what the continued risk to the child is (risk summary).")
        if "urgency" in values:
            method = methodology_for(session, referral.case)
            try:
                method.urgency(values["urgency"])
            except KeyError:
                names = ", ".join(u.id for u in method.urgencies)
                raise WorkbenchError(
                    f"'{values['urgency']}' is not an urgency; use one of {names}."
                ) from None
        changed = [n for n in CORRECTABLE if n in values and values[n] != getattr(referral, n)]
        for name in changed:
            old = getattr(referral, name)
            setattr(referral, name, values[name])
            referral.revision += 1
            audit.record(session, actor, "update", "referral", referral.id, name, old, values[name])
        if changed:
            referral.updated_at = utcnow()
        case_id = referral.case_id
    if changed:
        publish(store, Topic.REFERRALS, case_id=case_id)
    return changed


def reopen_referral(store: Store, referral_id: str, reason: str) -> None:
    """The lead reopens a closed referral, with a reason (audited).

    Only in the lead's store (the one holding the inspection's private key): the reopening
    stays there, and a pack merged later closes the referral again only with a closing
    response recorded after it (``workbench.packs.merge_referrals``)."""
    from workbench.packs.keys import inspection_key

    reason = reason.strip()
    if not reason:
        raise WorkbenchError("Say why the referral is reopened (kept in the audit trail).")
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        referral = _referral(session, referral_id)
        if referral.status != CLOSED:
            raise WorkbenchError("This referral is open already.")
        try:
            lead = inspection_key(session, referral.case.inspection_id).private_blob is not None
        except WorkbenchError:
            lead = False
        if not lead:
            raise WorkbenchError(
                "Only the lead inspector can reopen a referral, in the store that holds the "
                "inspection's key. Ask the lead to reopen it."
            )
        referral.status, referral.closed_at, referral.updated_at = OPEN, None, utcnow()
        audit.record(session, actor, "reopen", "referral", referral.id, "status", CLOSED, OPEN)
        audit.record(session, actor, "reason", "referral", referral.id, "reopen", None, reason)
        case_id = referral.case_id
    publish(store, Topic.REFERRALS, case_id=case_id)


def _referral(session: Session, referral_id: str) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFoundError(f"No referral with id '{referral_id}' in this store.")
    return referral
