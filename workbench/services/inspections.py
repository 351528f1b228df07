"""Creating, listing and finding inspections and their cases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.engine import Store
from db.models import Assessment, Case, ImportLog, Inspection
from db.types import utcnow
from workbench import audit
from workbench.changes import Topic, publish
from workbench.errors import NotFoundError, WorkbenchError
from workbench.identity import require_user_name
from workbench.methodology import DEFAULT_METHODOLOGY, Methodology, load_methodology
from workbench.services.inspection_info import InspectionInfo as InspectionInfo
from workbench.services.inspection_words import no_inspection, several_inspections

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"


def parse_date(text: str, what: str = "date") -> date:
    """A date written as 2026-11-29 or 29/11/2026."""
    text = text.strip()
    for parse in (date.fromisoformat, _parse_british):
        try:
            return parse(text)
        except ValueError:
            continue
    raise WorkbenchError(
        f"The {what} '{text}' is not a date; write it as 2026-11-29 or 29/11/2026."
    )


def _parse_british(text: str) -> date:
    day, month, year = text.split("/")
    if len(year) != 4:
        raise ValueError(text)
    return date(int(year), int(month), int(day))


def create_inspection(
    store: Store,
    *,
    force: str,
    title: str,
    start: date,
    end: date,
    methodology_id: str = DEFAULT_METHODOLOGY,
    marking: str = DEFAULT_MARKING,
    fictional: bool = False,
    passphrase: str | None = None,
) -> Inspection:
    """Create an inspection; with ``passphrase``, its key pair too, in the same transaction
    (so an inspection never exists without its keys: a refused passphrase creates nothing)."""
    force, title, marking = force.strip(), title.strip(), marking.strip()
    if not force:
        raise WorkbenchError("Give the force being inspected (--force).")
    if not title:
        raise WorkbenchError("Give the inspection a title (--title).")
    if not marking:
        raise WorkbenchError("The protective marking must not be empty (--marking).")
    if end < start:
        raise WorkbenchError(
            f"The fieldwork ends ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y})."
        )
    method = load_methodology(methodology_id)
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = create_inspection_in(
            session, actor, force=force, title=title, start=start, end=end, method=method,
            marking=marking, fictional=fictional,
        )  # fmt: skip
        if passphrase is not None:
            from workbench.packs.keys import create_inspection_keys_in

            create_inspection_keys_in(session, inspection, passphrase, actor)
    topics = (Topic.INSPECTIONS,) if passphrase is None else (Topic.INSPECTIONS, Topic.KEYS)
    publish(store, *topics, inspection_id=inspection.id)
    return inspection


def create_inspection_in(
    session: Session,
    actor: str,
    *,
    force: str,
    title: str,
    start: date,
    end: date,
    method: Methodology,
    marking: str = DEFAULT_MARKING,
    fictional: bool = False,
) -> Inspection:
    """Add an inspection and its audit event inside the caller's transaction."""
    row = Inspection(
        force=force,
        title=title,
        start_date=start,
        end_date=end,
        methodology_id=method.id,
        methodology_version=method.version,
        marking=marking,
        fictional=fictional,
        created_by=actor,
    )
    session.add(row)
    session.flush()
    details: dict[str, object] = {"force": force, "title": title, "marking": marking}
    if fictional:
        details["fictional"] = True
    audit.record(session, actor, "create", "inspection", row.id, "", None, details)
    return row


def list_inspections(store: Store, inspection_id: str | None = None) -> list[InspectionInfo]:
    """Every inspection in the store (or only the one with ``inspection_id``) with counts."""
    with store.sessions() as session:
        cases = (
            select(Case.inspection_id, func.count().label("n")).group_by(Case.inspection_id)
        ).subquery()
        graded = (
            select(Case.inspection_id, func.count(func.distinct(Case.id)).label("n"))
            .join(Assessment, Assessment.case_id == Case.id)
            .where(Assessment.status == "graded")
            .group_by(Case.inspection_id)
        ).subquery()
        query = (
            select(Inspection, func.coalesce(cases.c.n, 0), func.coalesce(graded.c.n, 0))
            .outerjoin(cases, cases.c.inspection_id == Inspection.id)
            .outerjoin(graded, graded.c.inspection_id == Inspection.id)
            .order_by(Inspection.created_at)
        )
        if inspection_id is not None:
            query = query.where(Inspection.id == inspection_id)
        return [_info(row, n, g) for row, n, g in session.execute(query).all()]


def _no_inspection(inspection_id: str) -> NotFoundError:
    return NotFoundError(f"No inspection with id '{inspection_id}' in this store.")


def inspection_info(store: Store, inspection_id: str) -> InspectionInfo:
    """One inspection with its counts, by its full id."""
    found = list_inspections(store, inspection_id)
    if not found:
        raise _no_inspection(inspection_id)
    return found[0]


def methodology_of(inspection: Inspection) -> Methodology:
    """The methodology an inspection is graded against, at the version it recorded (a later
    version of the methodology may change its stages and prompts)."""
    return load_methodology(inspection.methodology_id, inspection.methodology_version)


def inspection_methodology(store: Store, inspection_id: str) -> Methodology:
    """The methodology (at its recorded version) an inspection is graded against."""
    with store.sessions() as session:
        row = session.get(Inspection, inspection_id)
        if row is None:
            raise _no_inspection(inspection_id)
        return methodology_of(row)


def _info(row: Inspection, cases: int, graded: int) -> InspectionInfo:
    return InspectionInfo(
        id=row.id,
        force=row.force,
        title=row.title,
        start_date=row.start_date,
        end_date=row.end_date,
        methodology_id=row.methodology_id,
        methodology_version=row.methodology_version,
        marking=row.marking,
        fictional=row.fictional,
        cases=cases,
        graded=graded,
        archived=row.archived_at is not None,
    )


def get_inspection(session: Session, key: str) -> Inspection:
    """An inspection by its id or an unambiguous prefix of it (at least 4 characters)."""
    key = key.strip()
    row = session.get(Inspection, key)
    if row is not None:
        return row
    if len(key) >= 4:
        found = session.scalars(select(Inspection).where(Inspection.id.startswith(key))).all()
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise WorkbenchError(several_inspections(key, len(found)))
    raise NotFoundError(no_inspection(key))


def case_by_id(session: Session, case_id: str) -> Case:
    """A case by its id, from any inspection."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFoundError(f"No case with id '{case_id}'.")
    return case


def get_case(session: Session, inspection_id: str, reference: str) -> Case:
    row = session.scalars(
        select(Case).where(Case.inspection_id == inspection_id, Case.reference == reference)
    ).first()
    if row is None:
        raise NotFoundError(f"No case with reference '{reference}' in this inspection.")
    return row


# --- archiving and deleting ----------------------------------------------------------------


class ConfirmationNeeded(WorkbenchError):
    """Deleting an inspection that holds packs received from inspectors needs a second yes."""


def received_packs(session: Session, inspection_id: str) -> int:
    """How many findings packs from inspectors have been merged into the inspection."""
    query = select(func.count()).where(
        ImportLog.inspection_id == inspection_id, ImportLog.kind == "pack"
    )
    return int(session.scalar(query) or 0)


def archive_inspection(store: Store, inspection_id: str, archived: bool = True) -> bool:
    """Archive the inspection (kept whole, no longer offered for work) or bring it back;
    True if that changed anything. Audited."""
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        row = get_inspection(session, inspection_id)
        if (row.archived_at is not None) == archived:
            return False
        old = row.archived_at.isoformat() if row.archived_at else None
        row.archived_at = utcnow() if archived else None
        new = row.archived_at.isoformat() if row.archived_at else None
        audit.record(session, actor, "update", "inspection", row.id, "archived_at", old, new)
    publish(store, Topic.INSPECTIONS, inspection_id=inspection_id)
    return True


def delete_inspection(
    store: Store, inspection_id: str, *, with_received_packs: bool = False
) -> str:
    """Delete the inspection and everything in it (cases, grades, referrals, keys); returns
    its title. One holding packs received from inspectors is refused with
    ``ConfirmationNeeded`` unless ``with_received_packs``. The audit trail keeps the deletion.
    """
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        row = get_inspection(session, inspection_id)
        packs = received_packs(session, row.id)
        if packs and not with_received_packs:
            raise ConfirmationNeeded(
                f"'{row.title}' holds {packs} findings pack{'s' if packs != 1 else ''} received "
                "from inspectors; their grades would be lost from this store. Confirm a second "
                "time to delete it anyway (--with-received-packs)."
            )
        cases = session.scalar(select(func.count()).where(Case.inspection_id == row.id))
        title, key = row.title, row.id
        audit.record(
            session, actor, "delete", "inspection", key, "", {"title": title, "cases": cases,
            "received_packs": packs}, None,
        )  # fmt: skip
        session.execute(delete(Inspection).where(Inspection.id == key))
    publish(store, Topic.INSPECTIONS, inspection_id=key)
    return title
