"""Case ▸ Assign to…: assign or reassign the selected cases, or give them a second inspector
who grades them blind for moderation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QVBoxLayout, QWidget

from db.engine import Store
from ui.dialogs import form_with_errors, selectable, show_problems
from ui.dialogs.form import FormDialog
from workbench.errors import WorkbenchError
from workbench.services.assignment import AssignResult, assign_cases, inspectors_of

if TYPE_CHECKING:
    from ui.main_window import MainWindow

KEEP = "(leave as it is)"
NO_SECOND = "(no second inspector)"


def _names_box(names: Sequence[str], first: str, accessible: str) -> QComboBox:
    box = QComboBox(editable=True)
    box.setAccessibleName(accessible)
    box.addItem(first)
    box.addItems(list(names))
    return box


class AssignDialog(FormDialog):
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
        self.set_main_action(self.assign_button)

    def _choice(self, box: QComboBox) -> str | None:
        text = box.currentText().strip()
        if text in ("", KEEP):
            return None
        return "" if text == NO_SECOND else text

    def accept(self) -> None:
        to, second = self._choice(self.to), self._choice(self.second)
        problems: dict[QWidget, str] = {}
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


def selected_references(window: MainWindow) -> list[str]:
    """The cases selected in the case list (or the one open), in list order."""
    table, model = window.table, window.model
    rows = sorted(index.row() for index in table.selectionModel().selectedRows())
    references = [model.row_at(row).reference for row in rows]
    if not references and window.panel.case_id:
        found = window.cases.index.get(window.panel.case_id)
        references = [found.reference] if found else []
    return references


def assign_command(window: MainWindow) -> None:
    """Case ▸ Assign to…: the selected cases (the case list follows the change itself)."""
    references = selected_references(window)
    if window.inspection is None or not references:
        return
    dialog = AssignDialog(window.active_store(), window.inspection.id, references, window)
    if window.exec_dialog(dialog):
        stale = dialog.result_value.kits_out_of_date if dialog.result_value else ()
        if stale:
            window.statusBar().showMessage(
                f"The kit issued to {', '.join(stale)} is now out of date: issue an update kit.",
                10000,
            )
