"""The grading edit's reads and locks: the case, its inspection and the assessment, locked
for the transaction, and the revision check ("changed by X at T; reload").

On a server the assessment row is locked (``SELECT ... FOR UPDATE``), so the check and the
write see the same row and no accepted edit is lost; SQLite has one writer at a time and
ignores the locking clauses. The assessment read here is kept in the session's
``assessments`` for ``grading.apply_edit``, which then reads it no more.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Assessment, Case, Inspection
from workbench.errors import NotFoundError
from workbench.server.revisions import last_writer, refuse_stale


def locked(
    session: Session, case_id: str, inspector: str
) -> tuple[Case, Inspection, Assessment | None]:
    """The case, its inspection and the inspector's assessment of it (locked for the
    transaction, and kept for ``apply_edit``): one statement when the assessment exists,
    the usual case. Its stage judgements are read only if the edit needs them. When there
    is none yet, the case is locked first (``_locked_assessment``) and the assessment
    looked for again."""
    found = session.execute(
        select(Assessment, Case, Inspection)
        .join(Case, Case.id == Assessment.case_id)
        .join(Inspection, Inspection.id == Case.inspection_id)
        .where(Assessment.case_id == case_id, Assessment.inspector == inspector)
        .with_for_update(of=Assessment)
    ).first()
    if found is not None:
        _keep(session, found[0])
        return found[1], found[2], found[0]
    plain = session.execute(
        select(Case, Inspection)
        .join(Inspection, Inspection.id == Case.inspection_id)
        .where(Case.id == case_id)
        .with_for_update(key_share=True, of=Case)
    ).first()
    if plain is None:
        raise NotFoundError(f"No case with id '{case_id}'.")
    case, inspection = plain[0], plain[1]
    return case, inspection, _assessment_for_update(session, case.id, inspector)


def _keep(session: Session, assessment: Assessment) -> None:
    session.info.setdefault("assessments", {})[(assessment.case_id, assessment.inspector)] = (
        assessment
    )


def _locked_assessment(session: Session, case: Case, inspector: str) -> Assessment | None:
    """Lock the case (so that a first edit and a concurrent one cannot both find the
    assessment missing unseen: the second meets the unique key and is retried) and the
    assessment, read afresh after the case's lock."""
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update(key_share=True))
    return _assessment_for_update(session, case.id, inspector)


def _assessment_for_update(session: Session, case_id: str, inspector: str) -> Assessment | None:
    row = session.scalars(
        select(Assessment)
        .where(Assessment.case_id == case_id, Assessment.inspector == inspector)
        .with_for_update(of=Assessment)
    ).first()
    if row is not None:
        _keep(session, row)
    return row


def check_revision(session: Session, case: Case, inspector: str, revision: int | None) -> None:
    """Lock the assessment and refuse an edit made against an older revision than the one
    held (a missing assessment is revision 0)."""
    refuse_if_stale(
        session, case, inspector, _locked_assessment(session, case, inspector), revision
    )


def refuse_if_stale(
    session: Session,
    case: Case,
    inspector: str,
    row: Assessment | None,
    revision: int | None,
) -> None:
    if row is not None and revision is not None and revision != row.revision:
        writer = last_writer(session, "assessment", row.id)
        what = f"{inspector}'s assessment of case {case.reference}"
        refuse_stale(what, writer, row.updated_at, revision, row.revision)
