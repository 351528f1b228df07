"""Help ▸ Keyboard shortcuts: every shortcut in a table (area, keys, what it does)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QVBoxLayout, QWidget

from ui.dialogs import read_only_table
from ui.shortcuts import Shortcut, shortcuts
from ui.table_model import ReadOnlyTableModel

if TYPE_CHECKING:
    from ui.main_window import MainWindow


AREAS = {
    "case": "Cases",
    "grade": "Grading",
    "stage": "Grading",
    "field": "Grading",
    "edit": "Editing",
    "view": "Moving around",
    "help": "Help",
    "file": "File",
}


def _area(name: str) -> str:
    prefix = name.split(".", 1)[0]
    return AREAS.get(prefix, prefix.replace("_", " ").capitalize())


def keys_text(keys: Sequence[str]) -> str:
    """The keys as this platform writes them (Ctrl+F; ⌘F on macOS), alternatives joined."""
    shown = [QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys]
    return " or ".join(s for s in shown if s)


def as_rows(shortcuts: Iterable[Shortcut]) -> list[tuple[str, str, str]]:
    """(area, keys, description) of each shortcut."""
    return [(_area(s.name), keys_text(s.keys), s.description) for s in shortcuts]


class ShortcutsModel(ReadOnlyTableModel):
    headers = ("Area", "Keys", "What it does")

    def __init__(self, shortcuts: Iterable[Shortcut], parent=None) -> None:
        super().__init__(as_rows(shortcuts), parent)

    def text(self, row: int, column: int) -> str:
        return self.rows[row][column]


class ShortcutsDialog(QDialog):
    """A read-only list of the keyboard shortcuts."""

    def __init__(self, shortcuts: Iterable[Shortcut], parent: QWidget | None = None) -> None:
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


def show_shortcuts(window: MainWindow) -> None:
    """Help ▸ Keyboard shortcuts: those of the window as it is (its methodology's grades)."""
    window.exec_dialog(ShortcutsDialog(shortcuts(window.menus.shown_actions()), window))
