"""Table models for referrals: the register of every referral, and one referral's history.

Both are thin read-only adapters over ``workbench.services.referrals.ReferralRow``; words come
from the inspection's methodology (urgency and response names), dates are shown 29/11/2026.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from ui.dialogs import shown_date
from ui.table_model import RIGHT, ReadOnlyTableModel
from workbench.methodology import Methodology
from workbench.services.referrals import CLOSED, ReferralRow

ID_ROLE = Qt.ItemDataRole.UserRole + 2


def state_text(row: ReferralRow, method: Methodology, today: date | None = None) -> str:
    """Open / closed in words, and whether the force's first response is overdue."""
    if row.status == CLOSED:
        return f"Closed on {shown_date(row.closed_at)}"
    if not row.responses:
        try:
            allowed = method.urgency(row.urgency).respond_within_days
        except KeyError:
            allowed = None
        if allowed is not None and row.age_days(today) > allowed:
            return "Open: response overdue"
    return "Open"


def last_response_text(row: ReferralRow, method: Methodology) -> str:
    if not row.responses:
        return "None yet"
    response, _note, when, _by = row.responses[-1]
    return f"{method.response_name(response)}, {shown_date(when)}"


class ReferralsModel(ReadOnlyTableModel):
    """Every referral of an inspection: one row each, sortable by any column."""

    headers = (
        "Case",
        "Unit",
        "Urgency",
        "Referred on",
        "State",
        "Age (days)",
        "Last response",
    )
    AGE = 5

    def __init__(self, method: Methodology, rows: Sequence[ReferralRow] = (), parent=None) -> None:
        super().__init__(rows, parent)
        self.method = method
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[ReferralRow]) -> None:
        super().set_rows(self._sorted(rows))

    def _sorted(self, rows: Sequence[ReferralRow]) -> list[ReferralRow]:
        """The rows in the order last asked for (as given until then)."""
        if self._sort is None:
            return list(rows)
        column, order = self._sort
        ordered = sorted(rows, key=lambda r: self._key(r, column))
        return ordered[::-1] if order == Qt.SortOrder.DescendingOrder else ordered

    def referral(self, row: int) -> ReferralRow:
        return self.rows[row]

    def row_of(self, referral_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == referral_id), -1)

    def text(self, row: int, column: int) -> str:
        return self._display(self.rows[row], column)

    def _display(self, row: ReferralRow, column: int) -> str:
        if column == 0:
            return row.case_reference
        if column == 1:
            return row.unit
        if column == 2:
            return self.method.urgency_name(row.urgency)
        if column == 3:
            return shown_date(row.referred_at)
        if column == 4:
            return state_text(row, self.method)
        if column == self.AGE:
            return str(row.age_days())
        return last_response_text(row, self.method)

    def _key(self, row: ReferralRow, column: int) -> Any:
        if column == 2:
            urgencies = [u.id for u in self.method.urgencies]
            return urgencies.index(row.urgency) if row.urgency in urgencies else len(urgencies)
        if column == 3:
            return row.referred_at
        if column == self.AGE:
            return row.age_days()
        if column == 6:
            return (1, row.responses[-1][2]) if row.responses else (0, row.referred_at)
        return self._display(row, column).casefold()

    def role_data(self, row: int, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.rows[row].risk_summary
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.AGE:
            return RIGHT
        if role == ID_ROLE:
            return self.rows[row].id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.headers):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self.rows[i.row()].id for i in before]
        self.rows = self._sorted(self.rows)
        after = [
            self.index(self.row_of(i), old.column()) for i, old in zip(ids, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()


class ResponsesModel(ReadOnlyTableModel):
    """The force's responses to one referral, oldest first: (response, note, when, by)."""

    headers = ("Date", "Response", "Recorded by", "Note")

    def __init__(self, method: Methodology, row: ReferralRow | None = None, parent=None) -> None:
        super().__init__(row.responses if row else (), parent)
        self.method = method

    def set_referral(self, row: ReferralRow) -> None:
        self.set_rows(row.responses)

    def text(self, row: int, column: int) -> str:
        response, note, when, by = self.rows[row]
        return (shown_date(when), self.method.response_name(response), by, note)[column]

    def role_data(self, row: int, column: int, role: int) -> object:
        note = self.rows[row][1]
        return note if role == Qt.ItemDataRole.ToolTipRole and note else None
