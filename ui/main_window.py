"""The main window: pick an inspection, find a case in the list, grade it in the panel.

Left of the splitter is the case list (search, filters and a ``QTableView`` over
``CaseModel``); right is the ``GradingPanel``. Menus and shortcuts come from one table
(``ui.shortcuts``). The window's layout is remembered with ``QSettings``.

The window can be built before the store is open (``MainWindow()``): it then shows its
layout, menus and an empty list saying the store is being opened, with everything that
needs the store disabled, until ``attach(store, user_name)``. That is how the application
starts, so the window is on screen at once; the services (and SQLAlchemy with them) are
imported only when first used.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.case_list import CaseListPane, labelled_combo
from ui.grading_panel import GradingPanel
from ui.messages import show_error
from ui.shortcuts import SHORTCUTS, shortcut
from ui.style import chip_icon, set_role
from ui.team_actions import TeamActions
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from db.engine import Store
    from workbench.methodology import Methodology
    from workbench.services.caselist import CaseRow
    from workbench.services.inspections import InspectionInfo

ORGANISATION, APPLICATION = "InspectorsWorkbench", "Workbench"
TITLE = "Inspector's Workbench"
PROGRESS_STYLE = (
    "QProgressBar { border: 1px solid #A8ADB3; border-radius: 4px; background: #E3E6EA; }"
    "QProgressBar::chunk { background: #2F6FB3; border-radius: 3px; }"
)
NO_INSPECTIONS = "No inspections yet. Use File ▸ New inspection… to set one up."
OPENING = "Opening the store…"


def settings() -> QSettings:
    """Where the window layout is kept (an INI file, so tests can point it at a folder)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


def _slot(fn: Callable[[], object]) -> Callable[[bool], None]:
    """A slot that calls ``fn`` and returns None (PySide6 mishandles a slot returning bool)."""

    def run(_checked: bool = False) -> None:
        fn()

    return run


class MainWindow(QMainWindow):
    """Inspections, cases and grading for the store's user.

    ``MainWindow(store, user_name)`` lists the store's cases before it returns;
    ``MainWindow()`` waits, empty, for ``attach``.
    """

    def __init__(
        self, store: Store | None = None, user_name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.user_name = user_name
        self.method: Methodology | None = None
        self.inspection: InspectionInfo | None = None
        self.undo_stack = QUndoStack(self)
        self.actions: dict[str, QAction] = {}
        self.register_dock: QDockWidget | None = None
        self.setWindowTitle(TITLE)
        self._build()
        self._build_actions()
        self._build_menus()
        self.resize(1280, 760)
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
        self._update_case_actions()

    def show_opening(self, place: str | None) -> None:
        """Say in the status bar which store is being opened (``None``: not known yet)."""
        self.store_label.setText(f"Opening the store at {place}…" if place else OPENING)
        self.store_label.setToolTip(place or "")

    def attach(self, store: Store, user_name: str) -> None:
        """Work in this store as this user: list its inspections and open the last one used."""
        self.store, self.user_name = store, user_name
        self.panel.store, self.panel.user_name = store, user_name
        self.cases.set_user_name(user_name)
        self.cases.setEnabled(True)
        self.store_label.setText(f"Store: {store.describe()}")
        self.store_label.setToolTip(store.describe())
        self.reload_inspections()

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
        self.panel.reveal_requested.connect(self.select_case)
        self.panel.raise_referral_requested.connect(self.raise_referral)
        self.panel.referrals_requested.connect(self.show_case_referrals)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.cases = CaseListPane(self.user_name, lambda: self.panel.case_id)
        self.cases.case_chosen.connect(self._case_chosen)
        self.model, self.table = self.cases.model, self.cases.table
        self.splitter.addWidget(self.cases)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([815, 535])
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.store_label = QLabel()
        self.store_label.setAccessibleName("Where the store is")
        self.saved_label = QLabel("No changes yet")
        self.saved_label.setAccessibleName("When the last change was saved")
        self.statusBar().addPermanentWidget(self.store_label, 1)
        self.statusBar().addPermanentWidget(self.saved_label)

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

    # --- Actions and menus ------------------------------------------------------------------

    def _action(self, name: str, text: str, slot, *, with_keys: bool = True) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if with_keys and name in {s.name for s in SHORTCUTS}:
            keys = shortcut(name).keys
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setToolTip(f"{text.rstrip('…')} ({shortcut(name).key_text})")
        action.triggered.connect(_slot(slot))
        self.addAction(action)
        self.actions[name] = action
        return action

    def _build_actions(self) -> None:
        a = self._action
        a("file.new_inspection", "&New inspection…", self.new_inspection)
        a("file.import_cases", "Import &cases…", self.import_cases)
        a("file.import_grades", "Import &grades…", self.import_grades)
        a("file.quit", "&Quit", self.close)
        a("edit.undo", "&Undo", self.undo)
        a("edit.redo", "&Redo", self.redo)
        a("case.next", "&Next case", lambda: self.cases.step(1))
        a("case.previous", "&Previous case", lambda: self.cases.step(-1))
        a("case.find", "&Find a case", self.cases.focus_search)
        for number in (1, 2, 3):
            a(f"grade.{number}", f"Grade {number}", lambda n=number: self.set_grade(n))
        a("case.mark_graded", "&Mark graded", self.mark_graded)
        a("case.referral", "&Raise referral…", lambda: self.raise_referral())
        a("view.referrals", "&Referrals register", self.show_register)
        a("view.case_list", "Move to the case &list", self.table.setFocus)
        a("view.grading", "Move to the &grading panel", self.panel.focus_form)
        a("help.shortcuts", "&Keyboard shortcuts", self.show_shortcuts)
        self.team = TeamActions(self)
        self.undo_stack.canUndoChanged.connect(self._update_undo_actions)
        self.undo_stack.canRedoChanged.connect(self._update_undo_actions)
        self.undo_stack.indexChanged.connect(self._update_undo_actions)
        self._update_undo_actions()

    def _build_menus(self) -> None:
        menus = (
            ("&File", ["file.new_inspection", "file.import_cases", "file.import_grades", None,
                       "file.issue_kit", "file.open_kit", "file.export_pack", "file.import_packs",
                       None, "file.export_findings", "file.export_referrals", "file.export_xlsx",
                       "file.export_html", None, "file.quit"]),
            ("&Edit", ["edit.undo", "edit.redo"]),
            ("&Case", ["case.next", "case.previous", "case.find", None, "grade", "case.mark_graded",
                       None, "case.referral"]),
            ("&View", ["view.referrals", "view.moderation", "view.imports", None,
                       "view.case_list", "view.grading"]),
            ("&Help", ["help.shortcuts"]),
        )  # fmt: skip
        for title, names in menus:
            menu = self.menuBar().addMenu(title)
            for name in names:
                if name is None:
                    menu.addSeparator()
                elif name == "grade":
                    self.grade_menu = menu.addMenu("Set &overall grade")
                    for number in (1, 2, 3):
                        self.grade_menu.addAction(self.actions[f"grade.{number}"])
                else:
                    menu.addAction(self.actions[name])

    def _update_undo_actions(self) -> None:
        for name, can, text in (
            ("edit.undo", self.undo_stack.canUndo(), self.undo_stack.undoText()),
            ("edit.redo", self.undo_stack.canRedo(), self.undo_stack.redoText()),
        ):
            action = self.actions[name]
            verb = "&Undo" if name == "edit.undo" else "&Redo"
            action.setEnabled(can)
            action.setText(f"{verb} {text}" if can and text else verb)

    def _update_case_actions(self) -> None:
        has_case = self.panel.case_id is not None
        for name in ("case.mark_graded", "case.referral", "grade.1", "grade.2", "grade.3"):
            self.actions[name].setEnabled(has_case)
        grades = self.method.grades if self.method else ()
        for number in (1, 2, 3):
            action = self.actions[f"grade.{number}"]
            if number <= len(grades):
                action.setText(grades[number - 1].name)
                action.setIcon(chip_icon(grades[number - 1].colour))
            else:
                action.setEnabled(False)
        for name in ("file.import_cases", "file.import_grades", "view.referrals"):
            self.actions[name].setEnabled(self.inspection is not None)
        self.actions["file.new_inspection"].setEnabled(self.store is not None)
        self.team.update_enabled()

    # --- Inspections ------------------------------------------------------------------------

    def reload_inspections(self, select_id: str | None = None) -> None:
        """List the store's inspections again and open ``select_id`` (or the last one used)."""
        wanted = select_id or (self.inspection.id if self.inspection else None)
        from workbench.services.inspections import list_inspections

        wanted = wanted or settings().value("main/inspection", "", str)
        self._inspections = {i.id: i for i in list_inspections(self.store)}
        combo = self.inspection_combo
        combo.blockSignals(True)
        combo.clear()
        for info in self._inspections.values():
            combo.addItem(f"{info.force} — {info.title}", info.id)
            dates = f"{info.start_date:%d/%m/%Y} to {info.end_date:%d/%m/%Y}"
            combo.setItemData(combo.count() - 1, f"Fieldwork {dates}", Qt.ItemDataRole.ToolTipRole)
        combo.setEnabled(bool(self._inspections))
        if not self._inspections:
            combo.addItem("No inspections in this store", None)
        position = combo.findData(wanted) if wanted else -1
        combo.setCurrentIndex(position if position >= 0 else 0)
        combo.blockSignals(False)
        self._inspection_chosen()

    def open_inspection(self, inspection_id: str) -> None:
        """List the inspections again and open this one (after it was created or imported)."""
        self.reload_inspections(inspection_id)

    def _inspection_chosen(self) -> None:
        inspection_id = self.inspection_combo.currentData()
        self.panel.flush()
        same = self.inspection is not None and self.inspection.id == inspection_id
        keep = self.panel.case_id if same else None
        if not same:
            self.undo_stack.clear()  # undo never reaches into another inspection
        self.inspection = self._inspections.get(inspection_id) if inspection_id else None
        if self.inspection is None:
            self.method = None
            self.panel.set_methodology(None)
            self.panel.placeholder.setText(NO_INSPECTIONS)
            self._load_rows([])
            self.team.inspection_changed()
            return
        from workbench.methodology import load_methodology

        self.method = load_methodology(self.inspection.methodology_id)
        self.panel.placeholder.setText("Choose a case from the list to grade it.")
        self.panel.set_methodology(self.method)
        self.cases.set_methodology(self.method)
        self._load_rows(self._case_rows())
        self.panel.prebuild(sorted({r.category for r in self.cases.index.rows}))
        if self.register_dock is not None:
            self.register_dock.widget().set_inspection(self.inspection.id)
        self.team.inspection_changed()
        if keep is not None and self.cases.index.get(keep) is not None:
            self.select_case(keep)
        elif self.model.rowCount():
            self.cases.select_row(0)

    def _case_rows(self) -> list[CaseRow]:
        from workbench.services.caselist import case_rows

        assert self.store is not None and self.inspection is not None
        return case_rows(self.store, self.inspection.id)

    def _load_rows(self, rows: list) -> None:
        self.cases.set_rows(rows)
        self._update_progress()
        self._update_case_actions()

    # --- The case list ----------------------------------------------------------------------

    def _case_chosen(self, case_id: str) -> None:
        if case_id != self.panel.case_id:
            self._open_case(case_id)

    def _open_case(self, case_id: str) -> None:
        try:
            self.panel.show_case(case_id)
        except WorkbenchError as exc:
            show_error(self, exc)
        self._update_case_actions()

    def select_case(self, case_id: str) -> None:
        """Open a case, selecting it in the list when the filters show it."""
        if not self.cases.select(case_id):
            self._open_case(case_id)

    def _case_saved(self, case_id: str) -> None:
        from workbench.services.caselist import case_row

        try:
            fresh = case_row(self.store, case_id)
        except WorkbenchError:
            return
        self.cases.replace_row(fresh)
        self._update_progress()
        when = self.panel.last_saved or datetime.now()
        self.saved_label.setText(f"Saved {when:%H:%M:%S}")

    def _case_graded(self, case_id: str) -> None:
        row = self.cases.index.get(case_id)
        reference = row.reference if row else "the case"
        self.saved_label.setText(f"{reference} marked graded, saved {datetime.now():%H:%M:%S}")

    def _update_progress(self) -> None:
        total, graded = len(self.cases.index), self.cases.index.graded()
        self.progress_bar.setMaximum(max(total, 1))
        self.progress_bar.setValue(graded)
        self.progress_bar.show()
        self.progress_text.setText(f"{graded:,} of {total:,} graded")

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

    def set_grade(self, number: int) -> None:
        if self.method is not None and number <= len(self.method.grades):
            self.panel.set_overall_grade(self.method.grades[number - 1].id)

    def mark_graded(self) -> None:
        self.panel.mark_graded()

    # --- Dialogs ----------------------------------------------------------------------------

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Run a dialog modally; True when accepted. (Tests replace this.)"""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def new_inspection(self) -> None:
        from ui.dialogs.setup import NewInspectionDialog

        dialog = NewInspectionDialog(self.store, self)
        if self.exec_dialog(dialog):
            self.reload_inspections(dialog.inspection_id)
            self.team.create_keys(dialog.inspection_id)

    def import_cases(self) -> None:
        from ui.dialogs.setup import ImportCasesDialog

        if self.inspection is not None:
            self.exec_dialog(ImportCasesDialog(self.store, self.inspection.id, self))
            self.reload_inspections(self.inspection.id)

    def import_grades(self) -> None:
        from ui.dialogs.setup import ImportGradesDialog

        if self.inspection is not None:
            self.exec_dialog(ImportGradesDialog(self.store, self.inspection.id, self))
            self.reload_inspections(self.inspection.id)

    def raise_referral(self, case_id: str | None = None) -> None:
        from ui.dialogs.referral import RaiseReferralDialog

        case_id = case_id or self.panel.case_id
        if case_id is None:
            return
        self.panel.flush()
        if self.exec_dialog(RaiseReferralDialog(self.store, case_id, self)):
            self._referrals_changed()

    def show_case_referrals(self, case_id: str) -> None:
        """The latest open referral of the case (else the latest) with its history."""
        from ui.dialogs.referral import ReferralDetailDialog
        from workbench.services.referrals import list_referrals

        if self.inspection is None:
            return
        found = list_referrals(self.store, self.inspection.id, case_id)
        if not found:
            return
        chosen = next((r for r in reversed(found) if r.status == "open"), found[-1])
        dialog = ReferralDetailDialog(self.store, chosen.id, self)
        dialog.changed.connect(self._referrals_changed)
        self.exec_dialog(dialog)

    def _referrals_changed(self, *_args: object) -> None:
        self.refresh_cases()
        if self.register_dock is not None:
            self.register_dock.widget().refresh()

    def show_register(self) -> None:
        from ui.dialogs.referral import ReferralsRegister

        if self.inspection is None:
            return
        if self.register_dock is None:
            register = ReferralsRegister(self.store, self.inspection.id, self)
            register.changed.connect(self.refresh_cases)
            dock = QDockWidget("Referrals register", self)
            dock.setObjectName("referralsRegister")
            dock.setWidget(register)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self.register_dock = dock
        self.register_dock.show()
        self.register_dock.raise_()
        self.register_dock.widget().setFocus()

    def show_shortcuts(self) -> None:
        from ui.dialogs.shortcuts import ShortcutsDialog

        self.exec_dialog(ShortcutsDialog(SHORTCUTS, self))

    # --- Remembering the layout -------------------------------------------------------------

    def _restore_layout(self) -> None:
        stored = settings()
        geometry = stored.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        for key, restore in (
            ("main/splitter", self.splitter.restoreState),
            ("main/columns", self.table.horizontalHeader().restoreState),
        ):
            value = stored.value(key)
            if value is not None:
                restore(value)  # the header's sort indicator sorts the list again

    def save_layout(self) -> None:
        stored = settings()
        stored.setValue("main/geometry", self.saveGeometry())
        stored.setValue("main/splitter", self.splitter.saveState())
        stored.setValue("main/columns", self.table.horizontalHeader().saveState())
        if self.inspection is not None:
            stored.setValue("main/inspection", self.inspection.id)
        stored.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.panel.flush()
        self.save_layout()
        super().closeEvent(event)


__all__ = ["MainWindow", "settings"]
