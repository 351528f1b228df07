"""Undo and redo of grading edits.

A command is pushed after its edit has already been saved, so its first ``redo`` (which
``QUndoStack.push`` calls) does nothing. Undo applies the old value through
``grading_undo.reapply`` again, and redo the new one, so the audit trail records both like
any other edit. Successive saves of the same text field merge into one command, so one undo
takes back a whole spell of typing rather than one pause's worth.

The case's status stays consistent: an edit, undo or redo that left a graded case incomplete
(In progress) is remembered, and going back over it (undo of that edit, redo of that undo)
restores Graded once the case is complete again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from workbench.services.grading_undo import StatusChange

# apply(case_id, field, value, regrade) saves the value and shows it (marking the case graded
# again when ``regrade`` and it is complete); None if it could not.
Apply = Callable[[str, str, str | None, bool], "StatusChange | None"]

TEXT_MERGE_ID = 7301


class FieldEdit(QUndoCommand):
    """One saved change of one assessment field of one case."""

    def __init__(
        self,
        apply: Apply,
        case_id: str,
        reference: str,
        field: str,
        label: str,
        old: str | None,
        new: str | None,
        *,
        text: bool = False,
        ungraded: bool = False,
    ) -> None:
        super().__init__(f"{label} ({reference})")
        self._apply = apply
        self.case_id, self.field = case_id, field
        self.old, self.new = old, new
        self._text = text
        self._first_redo = True
        self._regrade_on_undo = ungraded  # the edit took Graded away: undo gives it back
        self._regrade_on_redo = False

    def redo(self) -> None:
        if self._first_redo:  # the edit was saved before the command was pushed
            self._first_redo = False
            return
        change = self._apply(self.case_id, self.field, self.new, self._regrade_on_redo)
        if change is None:
            self.setObsolete(True)
        elif change.ungraded:
            self._regrade_on_undo = True

    def undo(self) -> None:
        change = self._apply(self.case_id, self.field, self.old, self._regrade_on_undo)
        if change is None:
            self.setObsolete(True)
        elif change.ungraded:
            self._regrade_on_redo = True

    def id(self) -> int:
        return TEXT_MERGE_ID if self._text else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if not (
            isinstance(other, FieldEdit)
            and other.case_id == self.case_id
            and other.field == self.field
        ):
            return False
        self.new = other.new
        self._regrade_on_undo = self._regrade_on_undo or other._regrade_on_undo
        if (self.old or None) == (self.new or None):
            self.setObsolete(True)  # typed and then typed back: nothing to undo
        return True
