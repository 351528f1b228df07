"""Setting up an inspection: create it, import its case sample, import grades.

The imports run on the worker (``ui.worker.run_task``). A refused import shows every bad
row (line, column, reason) in a table inside the dialog, so the user can read them while
fixing the spreadsheet and then import it again.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.engine import Store
from ui.dialogs import (
    add_with_error,
    date_edit,
    form_with_errors,
    from_qdate,
    selectable,
    show_problems,
)
from ui.dialogs.form import FormDialog
from ui.dialogs.identity import current_user_name
from ui.dialogs.work import WorkDialog
from ui.messages import show_error
from workbench.crypto import MIN_PASSPHRASE, check_new_passphrase
from workbench.errors import WorkbenchError
from workbench.methodology import DEFAULT_METHODOLOGY, available_methodologies
from workbench.services.inspections import DEFAULT_MARKING, create_inspection

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from workbench.progress import Progress


MARKINGS = (DEFAULT_MARKING, "OFFICIAL", "OFFICIAL-SENSITIVE PERSONAL")
FIELDWORK_DAYS = 28
SPREADSHEET_FILTER = "Spreadsheets (*.csv *.xlsx);;CSV UTF-8 (*.csv);;Excel workbook (*.xlsx)"


class NewInspectionDialog(FormDialog):
    """Force, title, fieldwork dates, methodology and marking; ``inspection_id`` once created."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.inspection_id: str | None = None
        self.setWindowTitle("New inspection")
        self.setMinimumWidth(560)
        self.force = QLineEdit(placeholderText="For example, Metropolitan Police Service")
        self.force.setAccessibleName("Force")
        self.title_edit = QLineEdit(
            placeholderText="For example, National child protection inspection"
        )
        self.title_edit.setAccessibleName("Title")
        today = date.today()
        self.start = date_edit(today, "Fieldwork starts")
        self.end = date_edit(today + timedelta(days=FIELDWORK_DAYS - 1), "Fieldwork ends")
        self.methodology = QComboBox()
        self.methodology.setAccessibleName("Methodology")
        self.marking = QComboBox(editable=True)
        self.marking.addItems(MARKINGS)
        self.marking.setAccessibleName("Protective marking")
        # The inspection's key pair is made with it, so its passphrase is part of the form:
        # there is no inspection without keys, and Cancel creates nothing.
        self.passphrase = _secret("Passphrase for the inspection's key")
        self.passphrase_again = _secret("The same passphrase again")
        form, self.errors = form_with_errors(
            (
                ("&Force:", self.force),
                ("&Title:", self.title_edit),
                ("Fieldwork &starts:", self.start),
                ("Fieldwork &ends:", self.end),
                ("&Methodology:", self.methodology),
                ("Protective m&arking:", self.marking),
                ("Key &passphrase:", self.passphrase),
                ("Passphrase a&gain:", self.passphrase_again),
            )
        )
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(
            "Create inspection", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            selectable(
                "Set up an inspection: the force, the fieldwork dates and the methodology the "
                "cases will be graded against. Import the case sample next. The inspection's "
                "private key is kept encrypted under the passphrase; you need it to issue kits "
                f"and import packs, and it cannot be recovered (at least {MIN_PASSPHRASE} "
                "characters: a few unrelated words make a good one)."
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.set_main_action(self.create_button)
        self._load_methodologies()

    def _load_methodologies(self) -> None:
        try:
            found = available_methodologies()
        except WorkbenchError as exc:
            self.errors[self.methodology].show_problem(str(exc))
            self.create_button.setEnabled(False)
            return
        for method in found:
            self.methodology.addItem(f"{method.name} (version {method.version})", method.id)
        default = self.methodology.findData(DEFAULT_METHODOLOGY)
        self.methodology.setCurrentIndex(max(default, 0))

    def _problems(self) -> dict[QWidget, str]:
        problems: dict[QWidget, str] = {}
        if not self.force.text().strip():
            problems[self.force] = "Give the force being inspected."
        if not self.title_edit.text().strip():
            problems[self.title_edit] = "Give the inspection a title."
        if self.end.date() < self.start.date():
            problems[self.end] = "The fieldwork cannot end before it starts."
        if self.methodology.currentData() is None:
            problems[self.methodology] = "Choose the methodology."
        if not self.marking.currentText().strip():
            problems[self.marking] = "Give the protective marking, such as OFFICIAL-SENSITIVE."
        try:
            check_new_passphrase(self.passphrase.text())
        except WorkbenchError as exc:
            problems[self.passphrase] = str(exc)
        else:
            if self.passphrase_again.text() != self.passphrase.text():
                problems[self.passphrase_again] = "The two passphrases differ."
        return problems

    def accept(self) -> None:
        if not show_problems(self.errors, self._problems()):
            return
        try:
            inspection = create_inspection(
                self.store,
                force=self.force.text(),
                title=self.title_edit.text(),
                start=from_qdate(self.start.date()),
                end=from_qdate(self.end.date()),
                methodology_id=self.methodology.currentData(),
                marking=self.marking.currentText(),
                passphrase=self.passphrase.text(),
            )
        except WorkbenchError as exc:
            show_error(self, exc)
            return
        self.inspection_id = inspection.id
        self.passphrase.clear()
        self.passphrase_again.clear()
        super().accept()


def _secret(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class SpreadsheetImportDialog(WorkDialog):
    """Choose a spreadsheet, import it on the worker, show the outcome or the bad rows."""

    imported = Signal(object)  # the service's result
    action_text = "&Import"
    working_text = "Importing…"
    cancelled_text = "The import was cancelled; nothing was imported."
    table_name = "Rows that cannot be imported"
    title = ""
    explanation = ""
    task_title = ""

    def __init__(self, store: Store, inspection_id: str, parent: QWidget | None = None) -> None:
        super().__init__(store, self.title, self.explanation, parent, width=720)
        self.inspection_id = inspection_id
        self.chosen_path: Path | None = None
        self.path = QLineEdit(placeholderText="A .csv (UTF-8) or .xlsx file")
        self.path.setAccessibleName("Spreadsheet file")
        self.path.textChanged.connect(self.update_action)
        choose = QPushButton("&Choose…")
        choose.setAccessibleName("Choose the spreadsheet file")
        choose.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(choose)
        self.form.addRow("Spreadsheet:", file_row)
        self.import_button, self.errors_view = self.action, self.table
        self.update_action()
        self.adjustSize()

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.title, "", SPREADSHEET_FILTER)
        if chosen:
            self.path.setText(chosen)

    def update_action(self) -> None:
        self.action.setEnabled(bool(self.path.text().strip()) and self.task is None)

    def work(self, path: Path, progress: Progress) -> Any:  # pragma: no cover - per dialog
        raise NotImplementedError

    def check_inputs(self) -> bool:
        return True

    def _file_name(self) -> str:
        return self.chosen_path.name if self.chosen_path else ""

    def start(self) -> None:
        text = self.path.text().strip()
        if not text or self.task is not None or not self.check_inputs():
            return
        path = self.chosen_path = Path(text)
        self.run(self.task_title, lambda progress: self.work(path, progress))

    def _succeeded(self, result: Any) -> None:
        super()._succeeded(result)
        self.set_main_action(self.buttons.button(QDialogButtonBox.StandardButton.Close))
        self.imported.emit(result)


class ImportCasesDialog(SpreadsheetImportDialog):
    title = "Import cases"
    task_title = "Importing cases"
    explanation = (
        "Add the inspection's case sample from a spreadsheet with one row per case. Columns: "
        "reference and category (required); unit, opened_on, closed_on, child_ref, "
        "force_grade and assigned_to (optional). Every row is checked first: if any row is "
        "wrong, nothing is imported and the rows to correct are listed here."
    )

    def work(self, path: Path, progress: Progress) -> Any:
        from workbench.services.case_import import import_cases

        return import_cases(self.store, self.inspection_id, path, progress)

    def describe(self, result: Any) -> str:
        cases = "case" if result.added == 1 else "cases"
        return f"Imported {result.added:,} {cases} from {self._file_name()}."


class ImportGradesDialog(SpreadsheetImportDialog):
    title = "Import grades"
    task_title = "Importing grades"
    explanation = (
        "Apply one inspector's grades from a spreadsheet with one row per case. Columns: "
        "case_ref and overall_grade (required); rationale, a stage:<stage> column per stage, "
        "and referred, referral_summary and referral_urgency (optional). An empty cell leaves "
        "what is recorded unchanged. If any row is wrong, nothing is imported."
    )

    def __init__(self, store: Store, inspection_id: str, parent: QWidget | None = None) -> None:
        super().__init__(store, inspection_id, parent)
        self.inspector = QLineEdit(current_user_name(store) or "")
        self.inspector.setAccessibleName("Inspector whose grades these are")
        self.inspector_error = add_with_error(self.form, "Grades &by:", self.inspector)

    def check_inputs(self) -> bool:
        self.inspector_error.clear_problem()
        if not self.inspector.text().strip():
            self.inspector_error.show_problem("Name the inspector whose grades these are.")
            return False
        return True

    def work(self, path: Path, progress: Progress) -> Any:
        from workbench.services.grades_import import import_grades

        inspector = self.inspector.text().strip()
        return import_grades(self.store, self.inspection_id, inspector, path, progress)

    def describe(self, result: Any) -> str:
        cases = "case" if result.assessments == 1 else "cases"
        text = (
            f"Imported {self.inspector.text().strip()}'s grades for {result.assessments:,} "
            f"{cases} from {self._file_name()}: {result.graded:,} graded, "
            f"{result.in_progress:,} still in progress."
        )
        if result.referrals:
            text += f" {result.referrals:,} referral{'s' * (result.referrals != 1)} raised."
        if result.warnings:
            shown = [f"• {warning}" for warning in result.warnings[:8]]
            if len(result.warnings) > 8:
                shown.append(f"… and {len(result.warnings) - 8} more.")
            text += "\n\nStill to do:\n" + "\n".join(shown)
        return text


# --- The window's commands (declared in ui.actions) -------------------------------------------


def new_inspection(window: MainWindow) -> None:
    """File ▸ New inspection…: the dialog makes the inspection's key pair with it."""
    dialog = NewInspectionDialog(window.active_store(), window)
    if window.exec_dialog(dialog) and dialog.inspection_id is not None:
        window.open_inspection(dialog.inspection_id)


def import_cases(window: MainWindow) -> None:
    """File ▸ Import cases…"""
    if window.inspection is not None:
        window.exec_dialog(ImportCasesDialog(window.active_store(), window.inspection.id, window))


def import_grades(window: MainWindow) -> None:
    """File ▸ Import grades…"""
    if window.inspection is not None:
        window.exec_dialog(ImportGradesDialog(window.active_store(), window.inspection.id, window))
