"""The bad rows of a refused import, as a table: line, column and reason."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from workbench.errors import RowError

_Index = QModelIndex | QPersistentModelIndex
LINE, COLUMN, REASON = range(3)
HEADERS = ("Line", "Column", "Reason")


class RowErrorsModel(QAbstractTableModel):
    """A read-only table over ``ImportRefused.rows``."""

    def __init__(self, rows: Sequence[RowError] = (), parent=None) -> None:
        super().__init__(parent)
        self._rows: list[RowError] = list(rows)

    def set_rows(self, rows: Sequence[RowError]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_error(self, row: int) -> RowError:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        error, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (str(error.line), error.column, error.reason)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(error)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == LINE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None
