"""File ▸ Import packs… with its outcome per file, and the imports log view."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.engine import Store
from ui import file_places
from ui.dialogs import WARNING_SIGN, read_only_table, selectable, show_problems
from ui.dialogs.packs import PACK_FILTER, _secret_field
from ui.dialogs.work import WorkDialog
from ui.messages import confirm, show_error
from ui.table_model import RIGHT, ReadOnlyTableModel
from workbench import crypto, packs
from workbench.changes import Topic
from workbench.errors import WorkbenchError
from workbench.packs.imports_log import ImportEntry, list_imports

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class OutcomesModel(ReadOnlyTableModel):
    """One row per pack imported: file, from, key, added, changed, result."""

    headers = ("File", "From", "Key", "Added", "Changed", "Result")
    rows: list[packs.ImportOutcome]

    def cells(self, outcome: packs.ImportOutcome) -> tuple[str, ...]:
        result = outcome.result
        if result is None:
            return (outcome.path.name, "", "", "", "", f"{WARNING_SIGN} Refused: {outcome.error}")
        note = "Imported; their key is now registered" if result.registered else "Imported"
        counts = result.counts
        return (
            outcome.path.name, result.inspector, result.fingerprint, str(counts.added),
            str(counts.changed), note,
        )  # fmt: skip

    def text(self, row: int, column: int) -> str:
        return self.cells(self.rows[row])[column]

    def role_data(self, row: int, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.text(row, column) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (3, 4):
            return RIGHT
        return None


class ImportPacksDialog(WorkDialog):
    """The lead merges inspectors' packs; each is its own transaction and log entry."""

    action_text = "&Import"
    table_name = "Packs imported"
    field_errors = {crypto.WrongPassphrase: "passphrase"}
    imported = Signal(object)  # list[packs.ImportOutcome]

    def __init__(
        self,
        store: Store,
        paths: Sequence[str | Path] = (),
        inspection_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            store,
            "Import packs",
            "Merge findings packs from the team. Each pack is checked (signature, inspection, "
            "sender's key) and merged on its own: a refused pack changes nothing and says why.",
            parent,
        )
        self.inspection_id = inspection_id
        self.paths: list[Path] = [Path(p) for p in paths]
        self.files = selectable()
        self.files.setAccessibleName("Packs to import")
        add = QPushButton("&Add packs…")
        add.clicked.connect(self.choose_files)
        row = QHBoxLayout()
        row.addWidget(self.files, 1)
        row.addWidget(add)
        self.add_row("files", "Packs:", self.files, row)
        self.passphrase = _secret_field("Your passphrase for the inspection's key")
        self.add_row("passphrase", "Pa&ssphrase:", self.passphrase)
        self.model = OutcomesModel(parent=self)
        self.accept_key = QPushButton("Accept the &new key…")
        self.accept_key.setAccessibleName("Accept an inspector's new key")
        self.accept_key.clicked.connect(self.accept_new_key)
        self.accept_key.hide()
        self.body.insertWidget(self.body.indexOf(self.table) + 1, self.accept_key)
        self._show_files()

    def choose_files(self) -> None:
        start = file_places.in_documents()
        chosen, _ = QFileDialog.getOpenFileNames(self, "Import packs", start, PACK_FILTER)
        self.paths += [Path(c) for c in chosen if Path(c) not in self.paths]
        self._show_files()

    def _show_files(self) -> None:
        names = ", ".join(p.name for p in self.paths)
        self.files.setText(names or "No packs chosen yet.")

    def start(self, paths: Sequence[Path] | None = None) -> None:
        passphrase, chosen = self.passphrase.text(), list(paths or self.paths)
        problems = {}
        if not chosen:
            problems["files"] = "Add the packs to import."
        if not passphrase:
            problems["passphrase"] = "Type your passphrase for the inspection's key."
        if show_problems(self.errors, problems):
            self.run(
                "Importing packs",
                lambda progress: packs.import_packs(
                    self.store, chosen, passphrase, inspection_id=self.inspection_id,
                    progress=progress,
                ),
            )  # fmt: skip

    def describe(self, result: list[packs.ImportOutcome]) -> str:
        merged = {o.path: o for o in self.model.rows}
        merged.update({o.path: o for o in result})
        self.model.set_rows(list(merged.values()))
        self.show_table(self.model)
        self.resize(max(self.width(), 900), max(self.height(), 480))
        unknown = [o for o in self.model.rows if isinstance(o.error, packs.UnknownKey)]
        self.accept_key.setVisible(bool(unknown))
        self.imported.emit(result)
        refused = sum(o.error is not None for o in result)
        done = len(result) - refused
        text = f"{done} of {len(result)} packs imported."
        return text + (f" {refused} refused: the reasons are below." if refused else "")

    def accept_new_key(self) -> None:
        """Re-register an inspector's new key (after checking it by phone) and import again."""
        unknown = [o for o in self.model.rows if isinstance(o.error, packs.UnknownKey)]
        if not unknown:
            return
        outcome = unknown[0]
        error: packs.UnknownKey = outcome.error  # type: ignore[assignment]
        question = (
            f"{outcome.path.name} is signed by a key that {error.inspector} has not used before:"
            f"\n\n{error.fingerprint}\n\nPhone {error.inspector} and ask them to read you the "
            "fingerprint from their workbench. Accept this key only if every character "
            "matches. Accept it and import the pack?"
        )
        if not confirm(self, "Accept a new key", question):
            return
        try:
            packs.reregister(self.store, error.inspection_id, error.inspector, error.fingerprint)
        except WorkbenchError as exc:
            show_error(self, exc)
            return
        self.start([outcome.path])


class ImportsLogModel(ReadOnlyTableModel):
    """The imports log: newest first."""

    headers = ("When (UTC)", "Kind", "File", "Inspection", "From", "Key", "Added", "Changed")
    rows: list[ImportEntry]

    def cells(self, entry: ImportEntry) -> tuple[str, ...]:
        return (
            f"{entry.at:%d/%m/%Y %H:%M}", entry.kind, Path(entry.source).name,
            entry.inspection_title or "", entry.inspector or entry.actor, entry.fingerprint or "",
            str(entry.added), str(entry.changed),
        )  # fmt: skip

    def text(self, row: int, column: int) -> str:
        return self.cells(self.rows[row])[column]

    def role_data(self, row: int, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.rows[row].source
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 6:
            return RIGHT
        return None


class ImportsLogView(QWidget):
    """Everything imported into the store (of one inspection when given), newest first."""

    def __init__(
        self, store: Store, inspection_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.inspection_id = store, inspection_id
        self.model = ImportsLogModel(parent=self)
        self.table = read_only_table("Imports log")
        self.table.setModel(self.model)
        self.empty = QLabel("Nothing has been imported yet.")
        refresh = QPushButton("&Refresh")
        refresh.clicked.connect(self.refresh)
        row = QHBoxLayout()
        row.addWidget(self.empty, 1)
        row.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(list_imports(self.store, self.inspection_id))
        self.empty.setVisible(not self.model.rows)
        self.table.resizeColumnsToContents()


def import_packs(
    parent: QWidget | None,
    store: Store,
    paths: Sequence[str | Path] | None = None,
    inspection_id: str | None = None,
) -> ImportPacksDialog | None:
    """File ▸ Import packs… (connect ``imported`` to refresh what is shown)."""
    if paths is None:
        start = file_places.in_documents()
        chosen, _ = QFileDialog.getOpenFileNames(parent, "Import packs", start, PACK_FILTER)
        if not chosen:
            return None
        paths = chosen
    dialog = ImportPacksDialog(store, paths, inspection_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.passphrase.setFocus()
    return dialog


# --- The window's commands (declared in ui.actions) -------------------------------------------


def import_packs_command(window: MainWindow) -> None:
    """File ▸ Import packs… (what they changed reaches the views as ``window.changes``)."""
    if window.inspection is not None:
        dialog = import_packs(window, window.active_store(), inspection_id=window.inspection.id)
        if dialog is not None:  # said in the status bar too, once the dialog is closed
            dialog.imported.connect(lambda outcomes: window.tell(imported_text(outcomes)))


def imported_text(outcomes: Sequence[packs.ImportOutcome]) -> str:
    """The status bar's confirmation of a pack import: how many merged, how many refused."""
    merged = sum(1 for o in outcomes if o.result is not None)
    packs_word = "pack" if len(outcomes) == 1 else "packs"
    text = f"{merged} of {len(outcomes)} {packs_word} imported"
    refused = len(outcomes) - merged
    return text + (f"; {refused} refused, the reasons in Import packs." if refused else ".")


def show_imports_log(window: MainWindow) -> None:
    """View ▸ Imports log, in a dock that follows the inspection shown."""

    def make(inspection_id: str) -> ImportsLogView:
        view = ImportsLogView(window.active_store(), inspection_id)
        window.changes.follow(view, view.refresh, Topic.IMPORTS)
        return view

    window.show_dock("imports", "Imports log", make)
