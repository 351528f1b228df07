"""The case list's table model: a thin adapter over a list of plain ``CaseRow`` objects.

Rows are formatted lazily as the view asks for them. Filtering happens before the rows
reach the model (``ui.case_filter``); sorting is a Python sort of the plain rows, kept
when the rows are replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ui.style import MUTED_COLOUR, chip_icon, flag_icon, grade_colour, grade_name
from workbench.services.status import STATUS_NAMES, STATUS_ORDER

if TYPE_CHECKING:
    from workbench.methodology import Methodology
    from workbench.services.caselist_rows import CaseRow

ROLE_CASE_ID = Qt.ItemDataRole.UserRole

COLUMNS = ("Reference", "Category", "Unit", "Assigned to", "Status", "Overall grade", "Referral")
REFERENCE, CATEGORY, UNIT, ASSIGNED, STATUS, GRADE, REFERRAL = range(len(COLUMNS))

Index = QModelIndex | QPersistentModelIndex
_ITEM_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


def referral_text(row: CaseRow) -> str:
    """The referral column in words (short); the icon and colour only repeat it."""
    if not row.referred:
        return ""
    if row.referrals == 1:
        return "Open" if row.open_referrals else "Closed"
    return f"{row.referrals} ({row.open_referrals} open)"


def referral_words(row: CaseRow) -> str:
    """The referral column as a screen reader says it."""
    if not row.referred:
        return "Not referred"
    if row.referrals == 1:
        return "Referred, open" if row.open_referrals else "Referred, closed"
    return f"{row.referrals} referrals, {row.open_referrals} open"


def referral_tooltip(row: CaseRow) -> str:
    if not row.referred:
        return "Not referred to the force"
    closed = row.referrals - row.open_referrals
    return (
        f"Referred to the force: {row.referrals} referral{'s' if row.referrals > 1 else ''}, "
        f"{row.open_referrals} still open, {closed} closed"
    )


class CaseModel(QAbstractTableModel):
    """Cases of one inspection as table rows; ``set_rows`` replaces them all at once."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseRow] = []
        self._method: Methodology | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # --- Feeding the model ------------------------------------------------------------------

    def set_methodology(self, method: Methodology | None) -> None:
        self.beginResetModel()
        self._method = method
        self.endResetModel()

    def set_rows(self, rows: list[CaseRow], *, in_order: bool = False) -> None:
        """Replace every row; ``in_order`` when they already follow ``sort_key()``."""
        self.beginResetModel()
        self._rows = list(rows)
        if self._sort is not None and not in_order:
            self._rows.sort(key=self._sort_key(self._sort[0]), reverse=self._reverse())
        self.endResetModel()

    def sort_key(self) -> tuple[Callable[[CaseRow], Any], bool]:
        """The key and direction the rows are sorted by (by reference until told)."""
        column = self._sort[0] if self._sort else REFERENCE
        return self._sort_key(column), self._reverse()

    def rows(self) -> list[CaseRow]:
        return list(self._rows)

    def row_at(self, row: int) -> CaseRow:
        return self._rows[row]

    def row_of(self, case_id: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == case_id), None)

    def update_row(self, fresh: CaseRow) -> None:
        """Show a case's refreshed row in place (it stays even if it no longer matches)."""
        position = self.row_of(fresh.id)
        if position is None:
            return
        self._rows[position] = fresh
        left, right = self.index(position, 0), self.index(position, len(COLUMNS) - 1)
        self.dataChanged.emit(left, right)

    # --- QAbstractTableModel ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        wanted = role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
        if wanted and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _ITEM_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, column = self._rows[index.row()], index.column()
        handler = _ROLES.get(role)
        return handler(self, row, column) if handler else None

    def _display(self, row: CaseRow, column: int) -> str:
        if column == REFERENCE:
            return row.reference
        if column == CATEGORY:
            return row.category_name
        if column == UNIT:
            return row.unit
        if column == ASSIGNED:
            return row.assigned_to or "Not assigned"
        if column == STATUS:
            return STATUS_NAMES.get(row.status, row.status)
        if column == GRADE:
            if row.grades_differ:
                return "Grades differ"
            return grade_name(self._method, row.overall_grade, "Not graded")
        if column == REFERRAL:
            return referral_text(row)
        return ""

    def _accessible(self, row: CaseRow, column: int) -> str:
        return referral_words(row) if column == REFERRAL else self._display(row, column)

    def _decoration(self, row: CaseRow, column: int) -> Any:
        if column == GRADE:
            colour = grade_colour(self._method, row.overall_grade)
            return chip_icon(colour) if colour else None
        if column == REFERRAL and row.referred:
            return flag_icon()
        return None

    def _tooltip(self, row: CaseRow, column: int) -> str | None:
        if column == REFERRAL:
            return referral_tooltip(row)
        if column == GRADE and row.grades_differ:
            return "Two inspectors graded this case differently; it awaits moderation."
        if column == CATEGORY:
            return row.category_name
        return None

    def _foreground(self, row: CaseRow, column: int) -> Any:
        muted = (column == GRADE and row.overall_grade is None and not row.grades_differ) or (
            column == ASSIGNED and not row.assigned_to
        )
        return QBrush(QColor(MUTED_COLOUR)) if muted else None

    def _case_id(self, row: CaseRow, column: int) -> str:
        return row.id

    # --- Sorting ----------------------------------------------------------------------------

    def _reverse(self) -> bool:
        return self._sort is not None and self._sort[1] == Qt.SortOrder.DescendingOrder

    def _sort_key(self, column: int) -> Callable[[CaseRow], Any]:
        method = self._method
        ranks = {g.id: g.rank for g in method.grades} if method else {}
        keys: dict[int, Callable[[CaseRow], Any]] = {
            REFERENCE: lambda r: r.reference.casefold(),
            CATEGORY: lambda r: (r.category_name.casefold(), r.reference.casefold()),
            UNIT: lambda r: (r.unit.casefold(), r.reference.casefold()),
            ASSIGNED: lambda r: (r.assigned_to.casefold(), r.reference.casefold()),
            STATUS: lambda r: (STATUS_ORDER.get(r.status, 0), r.reference.casefold()),
            GRADE: lambda r: (ranks.get(r.overall_grade or "", 99), r.reference.casefold()),
            REFERRAL: lambda r: (-r.open_referrals, -r.referrals, r.reference.casefold()),
        }
        return keys.get(column, keys[REFERENCE])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._rows[i.row()].id if i.row() < len(self._rows) else None for i in persistent]
        self._sort = (column, order)
        self._rows.sort(key=self._sort_key(column), reverse=self._reverse())
        positions = {r.id: i for i, r in enumerate(self._rows)}
        new = [
            self.index(positions[case_id], old.column()) if case_id in positions else QModelIndex()
            for old, case_id in zip(persistent, ids, strict=True)
        ]
        self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()


_ROLES: dict[int, Callable[[CaseModel, CaseRow, int], Any]] = {
    Qt.ItemDataRole.DisplayRole: CaseModel._display,
    Qt.ItemDataRole.AccessibleTextRole: CaseModel._accessible,
    Qt.ItemDataRole.DecorationRole: CaseModel._decoration,
    Qt.ItemDataRole.ToolTipRole: CaseModel._tooltip,
    Qt.ItemDataRole.ForegroundRole: CaseModel._foreground,
    ROLE_CASE_ID: CaseModel._case_id,
}
