"""The main window's actions and menus, built from the one shortcuts table (``ui.shortcuts``).

A mixin of ``ui.main_window.MainWindow``: it uses the window's panel, case list, undo stack
and team actions, and enables each action only when what it needs is there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence

from ui import audit_view
from ui.shortcuts import shortcut
from ui.style import chip_icon
from ui.team_actions import TeamActions


def _slot(fn: Callable[[], object]) -> Callable[[bool], None]:
    """A slot that calls ``fn`` and returns None (PySide6 mishandles a slot returning bool)."""

    def run(_checked: bool = False) -> None:
        fn()

    return run


class ActionsAndMenus:
    """Actions (with their shortcuts and tooltips), menus, and when each is enabled."""

    def _action(self, name: str, text: str, slot) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        found = shortcut(name)
        if found is not None:
            action.setShortcuts([QKeySequence(k) for k in found.keys])
            action.setToolTip(f"{text.rstrip('…')} ({found.key_text})")
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
        a("view.audit_check", "&Audit check", lambda: audit_view.show_audit_check(self))
        a("case.history", "&History", lambda: audit_view.show_case_history(self))
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
                       None, "case.referral", "case.history"]),
            ("&View", ["view.referrals", "view.moderation", "view.imports", None,
                       "view.audit_check", "view.case_list", "view.grading"]),
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
