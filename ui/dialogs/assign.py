"""Case ▸ Assign to…: assign or reassign the selected cases, or give them a second inspector
who grades them blind for moderation."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from db.engine import Store
from ui.dialogs import form_with_errors, selectable, show_problems
from workbench.errors import WorkbenchError
from workbench.services.assignment import AssignResult, assign_cases, inspectors_of

KEEP = "(leave as it is)"
NO_SECOND = "(no second inspector)"


def _names_box(names: Sequence[str], first: str, accessible: str) -> QComboBox:
    box = QComboBox(editable=True)
    box.setAccessibleName(accessible)
    box.addItem(first)
    box.addItems(list(names))
    return box


class AssignDialog(QDialog):
    """Assign ``references`` to an inspector and/or a second inspector; ``result`` after."""

    def __init__(
        self,
        store: Store,
        inspection_id: str,
        references: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.inspection_id = store, inspection_id
        self.references = list(references)
        self.result_value: AssignResult | None = None
        self.setWindowTitle("Assign cases")
        names = inspectors_of(store, inspection_id)
        self.to = _names_box(names, KEEP, "Inspector who grades the cases")
        self.second = _names_box(names, KEEP, "Second inspector, for dual grading")
        self.second.insertItem(1, NO_SECOND)
        form, self.errors = form_with_errors(
            (("&Inspector:", self.to), ("&Second inspector:", self.second))
        )
        count = len(self.references)
        shown = ", ".join(self.references[:6]) + (" …" if count > 6 else "")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.assign_button = self.buttons.addButton(
            "&Assign", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            selectable(
                f"{count} case{'s' if count != 1 else ''} selected: {shown}. Type a new name "
                "or choose one. A second inspector grades the case blind: neither sees the "
                "other's grade until both have graded it. A kit already issued shows as out "
                "of date until an update kit is issued."
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def _choice(self, box: QComboBox) -> str | None:
        text = box.currentText().strip()
        if text in ("", KEEP):
            return None
        return "" if text == NO_SECOND else text

    def accept(self) -> None:
        to, second = self._choice(self.to), self._choice(self.second)
        problems = {}
        if to is None and second is None:
            problems[self.to] = "Choose the inspector (or a second inspector) to assign."
        if not show_problems(self.errors, problems):
            return
        try:
            self.result_value = assign_cases(
                self.store, self.inspection_id, self.references, to=to, second=second
            )
        except WorkbenchError as exc:
            self.errors[self.to].show_problem(str(exc))
            return
        super().accept()
