"""The bad rows of a refused import, as a table: line, column and reason."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.table_model import RIGHT, ReadOnlyTableModel
from workbench.errors import RowError

LINE, COLUMN, REASON = range(3)
HEADERS = ("Line", "Column", "Reason")


class RowErrorsModel(ReadOnlyTableModel):
    """A read-only table over ``ImportRefused.rows``."""

    headers = HEADERS
    rows: list[RowError]

    def row_error(self, row: int) -> RowError:
        return self.rows[row]

    def text(self, row: int, column: int) -> str:
        error = self.rows[row]
        return (str(error.line), error.column, error.reason)[column]

    def role_data(self, row: int, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(self.rows[row])
        if role == Qt.ItemDataRole.TextAlignmentRole and column == LINE:
            return RIGHT
        return None
