"""The main window: pick an inspection, find a case in the list, grade it in the panel.

Left of the splitter is the case list (search, filters and a ``QTableView`` over
``CaseModel``); right is the ``GradingPanel``. Every command, with its menu place, shortcuts
and when it is enabled, is one entry of the action table (``ui.actions``); the menus are made
from it in ``ui.window_menus``, and each command's handler lives beside the dialog or view it
opens. Docks (referrals register, moderation, imports log) follow the inspection shown. The
window's layout is remembered with ``QSettings``.

The window can be built before the store is open (``MainWindow()``): it then shows its
layout, menus and an empty list saying the store is being opened, with everything that
needs the store disabled, until ``attach(store, user_name)``. That is how the application
starts, so the window is on screen at once; the services (and SQLAlchemy with them) are
imported only when first used. Meanwhile ``show_early`` may list the cases read the quick
way (``ui.quick_start``): the list can be looked through, and ``attach`` keeps its rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.after_paint import AfterPaint
from ui.case_list import CaseListPane, labelled_combo
from ui.changes import ChangeSignal
from ui.grading_panel import GradingPanel
from ui.messages import show_error
from ui.names import DISPLAY_NAME
from ui.status_line import StatusLine
from ui.style import set_role
from ui.view_tabs import ViewDock, ViewTabs
from ui.window_fit import KEPT, clamp_to_screen, fit_first
from ui.window_menus import WindowActions
from ui.window_settings import LAST_INSPECTION, last_inspection
from ui.window_settings import settings as settings
from workbench.changes import Topic
from workbench.dates import short_date
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from db.engine import Store
    from ui.case_model import CaseModel
    from workbench.changes import Changes
    from workbench.methodology import Methodology
    from workbench.services.caselist_rows import CaseRow
    from workbench.services.inspection_info import InspectionInfo

PROGRESS_STYLE = (
    "QProgressBar { border: 1px solid #A8ADB3; border-radius: 4px; background: #E3E6EA; }"
    "QProgressBar::chunk { background: #2F6FB3; border-radius: 3px; }"
)
NO_INSPECTIONS = (
    "No inspections yet. If the lead inspector sent you a kit, open it with File ▸ Open kit…: "
    "it brings your inspection and your cases. (The lead sets up an inspection with File ▸ "
    "New inspection….)"
)
OPENING = "Opening the store…"
# What the case list shows: a change to any of these reads the cases again.
CASE_TOPICS = (Topic.CASES, Topic.ASSESSMENTS, Topic.REFERRALS, Topic.MODERATION)
# The first window: all of a laptop's screen, and no more than this on a larger one.
FIRST_SIZE = QSize(1440, 900)


class MainWindow(QMainWindow):
    """Inspections, cases and grading for the store's user.

    ``MainWindow(store, user_name)`` lists the store's cases before it returns;
    ``MainWindow()`` waits, empty, for ``attach``.
    """

    panel: GradingPanel
    cases: CaseListPane
    model: CaseModel
    table: QTableView

    def __init__(
        self, store: Store | None = None, user_name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.user_name = user_name
        self._listed_early: str | None = None  # the inspection whose rows show_early put up
        self.method: Methodology | None = None
        self.inspection: InspectionInfo | None = None
        self.undo_stack = QUndoStack(self)
        self.docks: dict[str, QDockWidget] = {}
        self._dock_makers: dict[str, Callable[[str], QWidget]] = {}
        self.setWindowTitle(DISPLAY_NAME)
        self.changes = ChangeSignal(self)  # what the services changed; every view follows it
        self.changes.changed.connect(self._changed)
        self._build()
        self.menus = WindowActions(self)
        # The actions by id (``window.actions["case.next"]``), in place of QWidget.actions().
        self.actions = self.menus.actions  # type: ignore[assignment,method-assign]
        for signal in (
            self.undo_stack.canUndoChanged,
            self.undo_stack.canRedoChanged,
            self.undo_stack.indexChanged,
        ):
            signal.connect(self._update_actions)
        self._restore_layout()
        if store is None:
            self._wait_for_store()
        else:
            self.attach(store, user_name)

    # --- The store --------------------------------------------------------------------------

    def _wait_for_store(self) -> None:
        """Before the store is open: an empty list, and nothing to do that needs the store."""
        self.inspection_combo.blockSignals(True)
        self.inspection_combo.addItem(OPENING, None)
        self.inspection_combo.blockSignals(False)
        self.inspection_combo.setEnabled(False)
        self.cases.setEnabled(False)
        self.panel.placeholder.setText(OPENING)
        self.progress_bar.hide()  # an empty bar reads as a box to type in
        self.show_opening(None)
        self._update_actions()

    def show_opening(self, place: str | None) -> None:
        """Say in the status bar which store is being opened (``None``: not known yet)."""
        self.store_label.setText(f"Opening the store at {place}…" if place else OPENING)
        self.store_label.setToolTip(place or "")

    def show_early(
        self, user_name: str, inspections: list[InspectionInfo], inspection_id: str, rows: list
    ) -> None:
        """Before the store is open: the inspection's case list, read the quick way, to look
        through. The grading panel and every command that needs the store wait for
        ``attach``, which keeps these rows and the case chosen meanwhile."""
        from workbench.methodology import load_methodology

        self.user_name = user_name
        self.cases.set_user_name(user_name)
        self._inspections = _open_inspections(inspections)
        self._fill_combo(inspection_id)
        self.inspection_combo.setEnabled(False)  # another inspection: once the store is open
        self._listed_early = inspection_id
        self.cases.set_methodology(
            load_methodology(self._inspections[inspection_id].methodology_id)
        )
        self.cases.set_rows(rows)
        self.cases.setEnabled(True)
        self._update_progress()

    def attach(self, store: Store, user_name: str) -> None:
        """Work in this store as this user: list its inspections and open the last one used."""
        self.store, self.user_name = store, user_name
        self.panel.store, self.panel.user_name = store, user_name
        self.cases.set_user_name(user_name)
        self.cases.setEnabled(True)
        self.store_label.setText(f"Store: {store.describe()}")
        self.store_label.setToolTip(store.describe())
        self.reload_inspections()

    def active_store(self) -> Store:
        """The store, once it is open: every command that needs it is disabled until then."""
        assert self.store is not None
        return self.store

    # --- Layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 4)
        layout.setSpacing(8)
        layout.addLayout(self._top_bar())
        self.panel = GradingPanel(self.store, self.user_name, self.undo_stack, self)
        self.panel.saved.connect(self._case_saved)
        self.panel.graded.connect(self._case_graded)
        self.panel.notice.connect(self.saved_label_notice)
        self.panel.reveal_requested.connect(self.select_case)
        self.panel.raise_referral_requested.connect(self._raise_referral)
        self.panel.referrals_requested.connect(self._show_case_referrals)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.cases = CaseListPane(self.user_name, lambda: self.panel.case_id)
        self.cases.case_chosen.connect(self._case_chosen)
        self.model, self.table = self.cases.model, self.cases.table
        self.model.modelReset.connect(self._say_if_open_case_hidden)
        self.views = ViewTabs(self.cases)  # wide views open as tabs beside the case list
        self.cases.reveal_requested.connect(self.views.show_cases)
        self.splitter.addWidget(self.views)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([815, 535])
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.status_line = StatusLine(self.statusBar())
        self.store_label = self.status_line.store_label
        self.saved_label = self.status_line.saved_label

    def tell(self, text: str, written: Path | None = None) -> None:
        """A confirmation in the status bar for a while ("… was written to …"), with
        "Show in folder" beside it when it is about a file ``written``."""
        self.status_line.tell(text, written)

    def _top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setSpacing(8)
        label = QLabel("&Inspection:")
        self.inspection_combo = labelled_combo("Inspection", 30)
        label.setBuddy(self.inspection_combo)
        self.inspection_combo.currentIndexChanged.connect(self._inspection_chosen)
        bar.addWidget(label)
        bar.addWidget(self.inspection_combo, 1)
        bar.addSpacing(16)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedSize(160, 10)
        # A slim bar on a grey groove: at 0 graded a full-height white bar reads as a text box.
        self.progress_bar.setStyleSheet(PROGRESS_STYLE)
        self.progress_bar.setAccessibleName("Cases graded")
        self.progress_text = QLabel()
        set_role(self.progress_text, "progressText")
        self.progress_text.setAccessibleName("Grading progress")
        bar.addWidget(self.progress_bar)
        bar.addWidget(self.progress_text)
        return bar

    # --- Inspections ------------------------------------------------------------------------

    def reload_inspections(self, select_id: str | None = None) -> None:
        """List the store's inspections again and open ``select_id`` (or the last one used)."""
        from workbench.services.inspections import list_inspections

        current = self.inspection.id if self.inspection else None
        wanted = select_id or current or last_inspection()
        self._inspections = _open_inspections(list_inspections(self.active_store()))
        self._fill_combo(wanted)
        self._inspection_chosen()

    def _fill_combo(self, wanted: str | None) -> None:
        combo = self.inspection_combo
        combo.blockSignals(True)
        combo.clear()
        for info in self._inspections.values():
            combo.addItem(f"{info.force} — {info.title}", info.id)
            dates = f"{short_date(info.start_date)} to {short_date(info.end_date)}"
            combo.setItemData(combo.count() - 1, f"Fieldwork {dates}", Qt.ItemDataRole.ToolTipRole)
        combo.setEnabled(bool(self._inspections))
        if not self._inspections:
            combo.addItem("No inspections in this store", None)
        position = combo.findData(wanted) if wanted else -1
        combo.setCurrentIndex(position if position >= 0 else 0)
        combo.blockSignals(False)

    def open_inspection(self, inspection_id: str) -> None:
        """List the inspections again and open this one (after it was created or imported)."""
        self.reload_inspections(inspection_id)

    def _inspection_chosen(self) -> None:
        inspection_id = self.inspection_combo.currentData()
        # Its rows are listed already (show_early): kept as they are, with the case chosen.
        early = inspection_id is not None and inspection_id == self._listed_early
        self._listed_early = None
        self.panel.flush()
        same = self.inspection is not None and self.inspection.id == inspection_id
        keep = self.panel.case_id if same else (self.cases.current_case_id() if early else None)
        if not same:
            self.undo_stack.clear()  # undo never reaches into another inspection
        self.inspection = self._inspections.get(inspection_id) if inspection_id else None
        if self.inspection is None:
            self.method = None
            self.panel.set_methodology(None)
            self.panel.placeholder.setText(NO_INSPECTIONS)
            self.menus.set_grades(())
            self._load_rows([])
            self.reload_docks()
            return
        from workbench.methodology import load_methodology

        self.method = load_methodology(self.inspection.methodology_id)
        self.panel.placeholder.setText("Choose a case from the list to grade it.")
        self.panel.set_methodology(self.method)
        self.menus.set_grades(self.method.grades)
        if early:
            self._update_progress()
            self._update_actions()
        else:
            self.cases.set_methodology(self.method)
            self._load_rows(self._case_rows())
        self.panel.prebuild(sorted({r.category for r in self.cases.index.rows}))
        self.reload_docks()
        if keep is not None and self.cases.index.get(keep) is not None:
            self.select_case(keep)
        elif self.model.rowCount():
            self.cases.select_row(0)
        self._dashboard_for_lead()  # (after the case opened by itself: see there)

    def _dashboard_for_lead(self) -> None:
        """The lead (whose store holds the inspection's private key) sees the dashboard
        first; once its dock exists it stays as the person left it. It is built once the
        case list has been painted: finding the key and building the dashboard (pandas)
        take longer than listing the cases. A person who has already opened another case
        or view meanwhile keeps it in front: the dashboard's tab is added behind it."""
        if self.inspection is None or "dashboard" in self.docks:
            return
        shown, opened = self.inspection.id, self.panel.case_id

        def build() -> None:
            if self.inspection is None or self.inspection.id != shown or "dashboard" in self.docks:
                return
            from ui.dashboard_view import show_dashboard_for_lead

            untouched = self.panel.case_id in (opened, None) and (
                self.views.currentWidget() is self.views.cases
            )
            show_dashboard_for_lead(self, front=untouched)

        AfterPaint(self.table.viewport(), build)

    def _case_rows(self) -> list[CaseRow]:
        from workbench.services.caselist import case_rows

        assert self.store is not None and self.inspection is not None
        return case_rows(self.store, self.inspection.id)

    def _load_rows(self, rows: list) -> None:
        self.cases.set_rows(rows)
        self._update_progress()
        self._update_actions()

    # --- The case list ----------------------------------------------------------------------

    def _case_chosen(self, case_id: str) -> None:
        if self.store is None:
            return  # listed early: the case opens once the store is attached
        if case_id != self.panel.case_id:
            self._open_case(case_id)

    def _open_case(self, case_id: str) -> None:
        try:
            self.panel.show_case(case_id)
        except WorkbenchError as exc:
            show_error(self, exc)
        self._update_actions()

    def select_case(self, case_id: str) -> None:
        """Open a case, selecting it in the list when the filters show it."""
        if not self.cases.select(case_id):
            self._open_case(case_id)
            self.panel.set_listed(False)
        elif case_id != self.panel.case_id:  # its row was current already
            self._open_case(case_id)

    def _say_if_open_case_hidden(self) -> None:
        """The list was filtered or read again: the panel says if its case is not in it."""
        case_id = self.panel.case_id
        self.panel.set_listed(case_id is None or self.model.row_of(case_id) is not None)

    def _case_saved(self, _case_id: str) -> None:
        when = self.panel.last_saved or datetime.now()
        self.saved_label.setText(f"Saved {when:%H:%M:%S}")

    def saved_label_notice(self, text: str) -> None:
        """Words from the grading panel for the status line (a case no longer graded)."""
        self.saved_label.setText(text)

    def _refresh_row(self, case_id: str) -> None:
        from workbench.services.caselist import case_row

        try:
            fresh = case_row(self.active_store(), case_id)
        except WorkbenchError:
            return
        self.cases.replace_row(fresh)
        self._update_progress()

    def _case_graded(self, case_id: str) -> None:
        row = self.cases.index.get(case_id)
        reference = row.reference if row else "the case"
        self.saved_label.setText(f"{reference} marked graded, saved {datetime.now():%H:%M:%S}")

    def _update_progress(self) -> None:
        total, graded = len(self.cases.index), self.cases.index.graded()
        self.progress_bar.setMaximum(max(total, 1))
        self.progress_bar.setValue(graded)
        # With no inspection there is nothing to count: no bar, no "0 of 0 graded".
        listed = self.inspection is not None or self._listed_early is not None
        self.progress_bar.setVisible(listed)
        self.progress_text.setText(f"{graded:,} of {total:,} graded" if listed else "")

    def _changed(self, changes: Changes) -> None:
        """What the services changed: the inspections, the case list, the case shown."""
        if changes.touches(Topic.INSPECTIONS):
            self._relist_inspections()
        if self.inspection is None or not changes.touches(*CASE_TOPICS):
            return
        if changes.inspection_id not in (None, self.inspection.id):
            return
        if changes.case_id is not None and self.cases.index.get(changes.case_id) is None:
            return
        if changes.topics == {Topic.ASSESSMENTS} and changes.case_id is not None:
            self._refresh_row(changes.case_id)  # one edit: its row (the panel shows it already)
        else:
            self.refresh_cases()

    def _relist_inspections(self) -> None:
        """A new inspection: list it, staying on the one shown (or open it if none was)."""
        if self.inspection is None:
            self.reload_inspections()
            return
        from workbench.services.inspections import list_inspections

        self._inspections = _open_inspections(list_inspections(self.active_store()))
        if self.inspection.id not in self._inspections:  # archived or deleted: show another
            self.reload_inspections()
            return
        self._fill_combo(self.inspection.id)

    def refresh_cases(self) -> None:
        """Read the inspection's cases again (after an import or a referral)."""
        if self.inspection is None:
            return
        self._load_rows(self._case_rows())
        if self.panel.case_id:
            self.panel.show_case(self.panel.case_id)

    # --- Grading ----------------------------------------------------------------------------

    def undo(self) -> None:
        self.panel.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.panel.flush()
        self.undo_stack.redo()

    def _raise_referral(self, case_id: str) -> None:
        from ui.dialogs.referral import raise_referral_command

        raise_referral_command(self, case_id)

    def _show_case_referrals(self, case_id: str) -> None:
        from ui.dialogs.referral import show_case_referrals

        show_case_referrals(self, case_id)

    # --- Commands: enablement, dialogs, docks -----------------------------------------------

    def _update_actions(self) -> None:
        self.menus.update()

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Run a dialog modally; True when accepted. (Tests replace this.)"""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def show_dock(
        self,
        key: str,
        title: str,
        make: Callable[[str], QWidget],
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.BottomDockWidgetArea,
        *,
        front: bool = True,
    ) -> QDockWidget | None:
        """Show the dock ``key`` for the inspection shown (``make(inspection_id)`` builds its
        content, again whenever another inspection is shown), first placed in ``area`` (a
        tab there brought to the front unless ``front`` is False). None without an
        inspection.

        The right of the window belongs to the grading panel: a view asked for there (the
        dashboard) opens as a tab beside the case list instead (``ui.view_tabs``), so it
        never squeezes the panel's text."""
        if self.inspection is None:
            return None
        self._dock_makers[key] = make
        dock = self.docks.get(key)
        if dock is None:
            dock = ViewDock(title, self)
            dock.setObjectName(f"{key}Dock")
            self.docks[key] = dock
            beside = self._docked_in(area)
            if area == Qt.DockWidgetArea.RightDockWidgetArea:
                self.views.show_view(dock, front=front)
            elif beside is not None:  # tabs in one dock area: each view has its full width
                self.tabifyDockWidget(beside, dock)
            else:
                self.addDockWidget(area, dock)
            if area == Qt.DockWidgetArea.BottomDockWidgetArea:
                # Half the window: room for a comparison, the case list still usable above.
                self.resizeDocks([dock], [max(300, self.height() // 2)], Qt.Orientation.Vertical)
        dock.setWidget(make(self.inspection.id))
        if area == Qt.DockWidgetArea.RightDockWidgetArea:
            self.views.show_view(dock, front=front)
        else:
            dock.show()
            dock.raise_()
        return dock

    def _docked_in(self, area: Qt.DockWidgetArea) -> QDockWidget | None:
        """A dock shown in ``area`` already, to open another as a tab beside it."""
        for dock in self.docks.values():
            if dock.isVisible() and self.dockWidgetArea(dock) == area and not dock.isFloating():
                return dock
        return None

    def reload_docks(self) -> None:
        """Build each open dock again for the inspection shown (hide them all if none)."""
        if self.inspection is None:
            self.views.close_views()
        for key, dock in self.docks.items():
            if self.inspection is None:
                dock.hide()
            elif dock.isVisible() or self.views.holds(dock):
                dock.setWidget(self._dock_makers[key](self.inspection.id))

    # --- Remembering the layout -------------------------------------------------------------

    def _restore_layout(self) -> None:
        stored = settings()
        geometry = stored.value("main/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            fit_first(self, FIRST_SIZE)
        else:
            clamp_to_screen(self)  # remembered on a larger screen, or one since unplugged
        self.setProperty(KEPT, True)  # placed: the application's ScreenKeeper leaves it be
        for key, restore in (
            ("main/splitter", self.splitter.restoreState),
            ("main/case_columns", self.table.horizontalHeader().restoreState),
        ):
            value = stored.value(key)
            if value is not None:
                restore(value)  # the header's sort indicator sorts the list again
        # Widths the user set stay; "main/columns" held the widths from before the columns
        # were fitted to their content, and is left unread.
        self.cases.columns_fitted = stored.value("main/case_columns") is not None

    def save_layout(self) -> None:
        stored = settings()
        stored.setValue("main/geometry", self.saveGeometry())
        stored.setValue("main/splitter", self.splitter.saveState())
        stored.setValue("main/case_columns", self.table.horizontalHeader().saveState())
        if self.inspection is not None:
            stored.setValue(LAST_INSPECTION, self.inspection.id)
        stored.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.panel.flush()
        self.save_layout()
        super().closeEvent(event)


def _open_inspections(found: list[InspectionInfo]) -> dict[str, InspectionInfo]:
    """The inspections offered for work, by id: an archived one is kept aside."""
    return {i.id: i for i in found if not i.archived}


__all__ = ["MainWindow", "settings"]
