"""Undo and redo of grading edits.

A command is pushed after its edit has already been saved, so its first ``redo`` (which
``QUndoStack.push`` calls) does nothing. Undo applies the old value through
``grading.edit`` again, and redo the new one, so the audit trail records both like any
other edit. Successive saves of the same text field merge into one command, so one undo
takes back a whole spell of typing rather than one pause's worth.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

# apply(case_id, field, value) saves the value and shows it; False if it could not.
Apply = Callable[[str, str, str | None], bool]

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
    ) -> None:
        super().__init__(f"{label} ({reference})")
        self._apply = apply
        self.case_id, self.field = case_id, field
        self.old, self.new = old, new
        self._text = text
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:  # the edit was saved before the command was pushed
            self._first_redo = False
            return
        if not self._apply(self.case_id, self.field, self.new):
            self.setObsolete(True)

    def undo(self) -> None:
        if not self._apply(self.case_id, self.field, self.old):
            self.setObsolete(True)

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
        if (self.old or None) == (self.new or None):
            self.setObsolete(True)  # typed and then typed back: nothing to undo
        return True
