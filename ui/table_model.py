"""The base of the small read-only tables (shortcuts, referrals, moderation, imports).

A ``ReadOnlyTableModel`` holds a list of ``rows`` under fixed column ``headers``; a subclass
says what each cell reads (``text``) and, when it needs to, what else a cell carries for
other roles (``role_data``: tooltips, alignment, shading). The case list has its own model
(``ui.case_model``), tuned for thousands of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class ReadOnlyTableModel(QAbstractTableModel):
    """Rows of a list, shown as text under ``headers``; ``set_rows`` replaces them all."""

    headers: tuple[str, ...] = ()

    def __init__(self, rows: Sequence[Any] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = list(rows)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def text(self, row: int, column: int) -> str:  # pragma: no cover - each table defines it
        """What the cell at (``row``, ``column``) reads, on screen and to a screen reader."""
        raise NotImplementedError

    def role_data(self, row: int, column: int, role: int) -> object:
        """What the cell carries for a role other than its text (nothing by default)."""
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row, column = index.row(), index.column()
        if not (index.isValid() and 0 <= row < len(self.rows) and 0 <= column < len(self.headers)):
            return None
        if role in TEXT_ROLES:
            return self.text(row, column)
        return self.role_data(row, column, role)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None
