"""Undo and redo of a grading edit, keeping the case's status what the person expects.

An edit that leaves a graded assessment incomplete sets it back to In progress (as any edit
does). Taking that edit back (undo, or redo of the edit undone) restores Graded when it was
graded before and the assessment is complete again, in the same transaction, audited as
marking it graded. ``StatusChange`` says what happened so the window can say so.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.engine import Store
from workbench.changes import Topic, publish
from workbench.server.retry import retried
from workbench.services.grading import (
    apply_edit,
    check,
    find_assessment,
    methodology_for,
    set_graded_in,
)
from workbench.services.grading_locks import check_revision
from workbench.services.inspections import case_by_id
from workbench.services.status import GRADED, NOT_STARTED


@dataclass(frozen=True)
class StatusChange:
    """The assessment's status before and after, and what is missing when not graded."""

    before: str
    after: str
    missing: tuple[str, ...] = ()

    @property
    def ungraded(self) -> bool:
        return self.before == GRADED and self.after != GRADED


@retried
def reapply(
    store: Store, case_id: str, inspector: str, name: str, value: str | None, *, regrade: bool
) -> StatusChange:
    """Save ``value`` again (an undo or a redo); with ``regrade``, mark the assessment graded
    again if it is complete once the value is back."""
    from workbench.identity import require_user_name

    with store.sessions.begin() as session:
        actor = require_user_name(session)
        case = case_by_id(session, case_id)
        check_revision(session, case, inspector, None)
        method = methodology_for(session, case)
        found = find_assessment(session, case_id, inspector)
        before = found.status if found is not None else NOT_STARTED
        apply_edit(session, case, inspector, actor, name, value, method)
        assessment = find_assessment(session, case_id, inspector)
        result = check(method, case, assessment)
        if assessment is not None and regrade and result.complete:
            set_graded_in(session, assessment, actor)
        after = assessment.status if assessment is not None else NOT_STARTED
        missing = tuple(p.message for p in result.problems) if after != GRADED else ()
    publish(store, Topic.ASSESSMENTS, case_id=case_id)
    return StatusChange(before, after, missing)


def missing(store: Store, case_id: str, inspector: str) -> tuple[str, ...]:
    """What is missing before this assessment can be marked graded, in words."""
    with store.sessions() as session:
        case = case_by_id(session, case_id)
        found = find_assessment(session, case_id, inspector)
        return tuple(p.message for p in check(methodology_for(session, case), case, found).problems)
