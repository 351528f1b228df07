"""Kits and findings packs in the window: File ▸ Issue kit…, Open kit…, Export pack….
(Import packs… and the imports log are in ``ui.dialogs.pack_import``.)

The work runs on the worker (``ui.worker.run_task``); each dialog shows its outcome in words
inside itself, so the kit code and fingerprints can be read out by phone. The lead's
passphrase is typed into the dialog that needs it and never stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.engine import Store
from ui import file_places
from ui.dialogs import (
    add_with_error,
    selectable,
    show_problems,
)
from ui.dialogs.form import FormDialog
from ui.dialogs.work import WorkDialog
from ui.messages import show_error
from ui.worker import Task, run_task
from workbench import crypto, packs
from workbench.errors import WorkbenchError
from workbench.services.inspections import list_inspections

if TYPE_CHECKING:
    from ui.main_window import MainWindow


KIT_FILTER = "Inspection kits (*.wbkit)"
PACK_FILTER = "Findings packs (*.wbpack)"


def _secret_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


def _file_row(field: QLineEdit, choose: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(choose)
    return row


class IssueKitDialog(WorkDialog):
    """The lead issues a kit to one inspector; the kit code is shown to read out by phone."""

    action_text = "&Issue kit"
    field_errors = {crypto.WrongPassphrase: "passphrase"}

    def __init__(
        self, store: Store, inspection_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            store,
            "Issue kit",
            "Write a kit for one inspector: the inspection, its methodology, the cases assigned "
            "to them and the inspection's public key. It is encrypted under a kit code that you "
            "tell the inspector by phone, never in the email that carries the kit.",
            parent,
        )
        self.inspection = QComboBox()
        self.inspection.setAccessibleName("Inspection")
        for info in list_inspections(store):
            self.inspection.addItem(info.title, info.id)
        if inspection_id is not None:
            self.inspection.setCurrentIndex(max(self.inspection.findData(inspection_id), 0))
        self.inspector = QComboBox(editable=True)
        self.inspector.setAccessibleName("Inspector the kit is for")
        self.all_cases = QCheckBox("Every case, not only those assigned to them")
        self.passphrase = _secret_field("Your passphrase for the inspection's key")
        self.path = QLineEdit(placeholderText="Where to save the kit (.wbkit)")
        self.path.setAccessibleName("Kit file")
        choose = QPushButton("&Choose…")
        choose.clicked.connect(self.choose_file)
        self.add_row("inspection", "I&nspection:", self.inspection)
        self.add_row("inspector", "Ins&pector:", self.inspector)
        self.form.addRow("", self.all_cases)
        self.add_row("passphrase", "Pa&ssphrase:", self.passphrase)
        self.add_row("path", "Kit &file:", self.path, _file_row(self.path, choose))
        self.inspection.currentIndexChanged.connect(self._load_inspectors)
        self._load_inspectors()

    def _load_inspectors(self) -> None:
        self.inspector.clear()
        inspection_id = self.inspection.currentData()
        if inspection_id:
            self.inspector.addItems(packs.assigned_inspectors(self.store, inspection_id))

    def choose_file(self) -> None:
        start = file_places.kit_start(self.store, self.inspection.currentData(),
                                      self.inspector.currentText().strip())  # fmt: skip
        chosen, _ = QFileDialog.getSaveFileName(self, "Save the kit", start, KIT_FILTER)
        if chosen:
            self.path.setText(chosen)

    def start(self) -> None:
        values = {
            "inspection": self.inspection.currentData(),
            "inspector": self.inspector.currentText().strip(),
            "passphrase": self.passphrase.text(),
            "path": self.path.text().strip(),
        }
        missing = {
            "inspection": "Choose the inspection.",
            "inspector": "Name the inspector the kit is for.",
            "passphrase": "Type your passphrase for the inspection's key.",
            "path": "Choose where to save the kit.",
        }
        if not show_problems(self.errors, {k: missing[k] for k, v in values.items() if not v}):
            return
        self.run(
            "Issuing the kit",
            lambda progress: packs.export_kit(
                self.store,
                values["inspection"],
                values["inspector"],
                Path(values["path"]),
                values["passphrase"],
                all_cases=self.all_cases.isChecked(),
                progress=progress,
            ),
        )

    def describe(self, result: packs.KitExport) -> str:
        self.passphrase.clear()
        cases = "1 case" if result.cases == 1 else f"{result.cases} cases"
        return (
            f"Kit for {result.inspector} saved as {result.path.name} ({cases}).\n\n"
            f"Kit code:  {result.code}\n\n"
            "Tell the kit code to the inspector by phone or in person, not in the email that "
            "carries the kit. Ask them to check the inspection's fingerprint:\n"
            f"{result.fingerprint}"
        )


class OpenKitDialog(WorkDialog):
    """An inspector opens the kit the lead sent, with the kit code the lead told them."""

    action_text = "&Open kit"
    field_errors = {crypto.WrongKitCode: "code"}
    opened = Signal(object)  # packs.KitImport

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(
            store,
            "Open kit",
            "Open the kit the lead inspector sent you. It adds the inspection and your cases to "
            "this store. You need the kit code the lead told you.",
            parent,
        )
        self.path = QLineEdit(placeholderText="The kit file (.wbkit)")
        self.path.setAccessibleName("Kit file")
        choose = QPushButton("&Choose…")
        choose.clicked.connect(self.choose_file)
        self.code = QLineEdit(placeholderText="Five groups of four, such as 7KQF-M2XA-…")
        self.code.setAccessibleName("Kit code")
        self.add_row("path", "Kit &file:", self.path, _file_row(self.path, choose))
        self.add_row("code", "Kit &code:", self.code)

    def choose_file(self) -> None:
        start = file_places.in_documents()
        chosen, _ = QFileDialog.getOpenFileName(self, "Open kit", start, KIT_FILTER)
        if chosen:
            self.path.setText(chosen)

    def start(self) -> None:
        path, code = self.path.text().strip(), self.code.text().strip()
        problems = {}
        if not path:
            problems["path"] = "Choose the kit file."
        if not code:
            problems["code"] = "Type the kit code the lead told you."
        if show_problems(self.errors, problems):
            self.run(
                "Opening the kit",
                lambda progress: packs.import_kit(self.store, Path(path), code, progress),
            )

    def _failed(self, exc: BaseException) -> None:
        from ui.dialogs.names import offer_kit_name

        if isinstance(exc, packs.KitNameDiffers) and offer_kit_name(self, self.store, exc):
            if self.task is None:
                self.start()  # opened again under the kit's name
            else:
                self.task.finished.connect(self.start)
            return
        super()._failed(exc)

    def describe(self, result: packs.KitImport) -> str:
        self.opened.emit(result)
        added = "1 case" if result.cases_added == 1 else f"{result.cases_added} cases"
        named = f"\nThis store's user is now {result.inspector}." if result.user_name_set else ""
        return (
            f"Opened the kit for '{result.title}': {added} added, {result.cases_updated} "
            f"updated.{named}\n\nCheck this fingerprint with the lead inspector by phone:\n"
            f"{result.fingerprint}"
        )


def export_pack(
    parent: QWidget | None, store: Store, inspection_id: str, path: str | Path | None = None
) -> Task | None:
    """File ▸ Export pack…: choose where, export on the worker, say what was written."""
    from ui.dialogs.names import include_other_names

    if not include_other_names(parent, store, inspection_id):
        return None
    if path is None:
        start = file_places.pack_start(store, inspection_id)
        chosen, _ = QFileDialog.getSaveFileName(parent, "Export pack", start, PACK_FILTER)
        if not chosen:
            return None
        path = chosen
    target = Path(path)

    def done(result: packs.PackExport) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information, "Pack exported", _pack_text(result), parent=parent
        )
        box.setAccessibleName("Pack exported")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        file_places.offer_folder(box, result.path)
        box.open()
        file_places.tell_written(parent, f"Pack written to {result.path}.", result.path)

    return run_task(
        parent,
        "Exporting pack",
        lambda progress: packs.export_pack(store, inspection_id, target, progress),
        done,
    )


def _pack_text(result: packs.PackExport) -> str:
    return (
        f"Saved {result.path.name}: {result.assessments} assessments, {result.referrals} "
        f"referrals, {result.responses} responses. It is encrypted to the inspection and "
        f"signed by this store's key {result.fingerprint}. Send it to the lead inspector."
    )


class NewPassphraseDialog(FormDialog):
    """Choose the passphrase that protects a new inspection's key (typed twice)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Passphrase for the inspection's key")
        self.first = _secret_field("New passphrase")
        self.second = _secret_field("The same passphrase again")
        form = QFormLayout()
        self.error = add_with_error(form, "&Passphrase:", self.first)
        form.addRow("&Again:", self.second)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            selectable(
                "The inspection's private key is kept encrypted under this passphrase. You need "
                f"it to issue kits and import packs; it cannot be recovered. At least "
                f"{crypto.MIN_PASSPHRASE} characters: a few unrelated words make a good one."
            )
        )
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.set_main_action(buttons.button(QDialogButtonBox.StandardButton.Ok))

    def accept(self) -> None:
        self.error.clear_problem()
        if self.first.text() != self.second.text():
            self.error.show_problem("The two passphrases differ.")
            return
        try:
            crypto.check_new_passphrase(self.first.text())
        except WorkbenchError as exc:
            self.error.show_problem(str(exc))
            return
        super().accept()


def create_keys(parent: QWidget | None, store: Store, inspection_id: str) -> str | None:
    """Ask for a new passphrase and make the inspection's key pair; its fingerprint.

    For the New inspection flow (and for an inspection made before keys existed). None if
    the user cancels; the fingerprint is shown to them.
    """
    dialog = NewPassphraseDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    try:
        fingerprint = packs.create_inspection_keys(store, inspection_id, dialog.first.text())
    except WorkbenchError as exc:
        show_error(parent, exc)
        return None
    text = f"The inspection's key pair is made. Its fingerprint:\n\n{fingerprint}"
    box = QMessageBox(QMessageBox.Icon.Information, "Inspection key", text, parent=parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return fingerprint


def issue_kit(
    parent: QWidget | None, store: Store, inspection_id: str | None = None
) -> IssueKitDialog:
    """File ▸ Issue kit…"""
    dialog = IssueKitDialog(store, inspection_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def open_kit(parent: QWidget | None, store: Store) -> OpenKitDialog:
    """File ▸ Open kit… (connect ``opened`` to refresh the inspections shown)."""
    dialog = OpenKitDialog(store, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


# --- The window's commands (declared in ui.actions) -------------------------------------------


def issue_kit_command(window: MainWindow) -> None:
    if window.inspection is not None:
        issue_kit(window, window.active_store(), window.inspection.id)


def open_kit_command(window: MainWindow) -> None:
    dialog = open_kit(window, window.active_store())
    dialog.opened.connect(lambda result: _kit_opened(window, result))


def _kit_opened(window: MainWindow, result: packs.KitImport) -> None:
    """Show the kit's inspection, as its inspector (the name may just have become theirs)."""
    if result.inspector != window.user_name:
        window.attach(window.active_store(), result.inspector)
    window.open_inspection(result.inspection_id)


def export_pack_command(window: MainWindow) -> None:
    if window.inspection is not None:
        window.panel.flush()  # the text being typed goes into the pack too
        export_pack(window, window.active_store(), window.inspection.id)


__all__ = [
    "IssueKitDialog",
    "NewPassphraseDialog",
    "OpenKitDialog",
    "create_keys",
    "export_pack",
    "issue_kit",
    "open_kit",
]
