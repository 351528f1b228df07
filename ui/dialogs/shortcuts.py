"""Help ▸ Keyboard shortcuts: every shortcut in a table (area, keys, what it does)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QVBoxLayout, QWidget

from ui.dialogs import read_only_table

_Index = QModelIndex | QPersistentModelIndex
AREAS = {
    "case": "Cases",
    "grade": "Grading",
    "edit": "Editing",
    "view": "Moving around",
    "help": "Help",
    "file": "File",
}


def _area(name: str) -> str:
    prefix = name.split(".", 1)[0]
    return AREAS.get(prefix, prefix.replace("_", " ").capitalize())


def keys_text(keys: str | Sequence[str]) -> str:
    """The keys as this platform writes them (Ctrl+F; ⌘F on macOS), alternatives joined."""
    sequences = [keys] if isinstance(keys, str) else list(keys)
    shown = [QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in sequences]
    return " or ".join(s for s in shown if s)


def as_rows(shortcuts: Iterable[Any]) -> list[tuple[str, str, str]]:
    """(area, keys, description) from ``ui.shortcuts.Shortcut`` items or plain triples."""
    rows = []
    for item in shortcuts:
        if isinstance(item, tuple):
            name, keys, description = item
        else:
            name, keys, description = item.name, item.keys, item.description
        rows.append((_area(name), keys_text(keys), description))
    return rows


class ShortcutsModel(QAbstractTableModel):
    headers = ("Area", "Keys", "What it does")

    def __init__(self, shortcuts: Iterable[Any], parent=None) -> None:
        super().__init__(parent)
        self._rows = as_rows(shortcuts)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._rows[index.row()][index.column()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None


class ShortcutsDialog(QDialog):
    """A read-only list of the keyboard shortcuts."""

    def __init__(self, shortcuts: Iterable[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(780, 560)
        self.model = ShortcutsModel(shortcuts, self)
        self.table = read_only_table("Keyboard shortcuts")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        note = QLabel(
            "Every action is also in the menus. Tab and Shift+Tab move between fields; "
            "Space or the arrow keys change the choice in a list."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
