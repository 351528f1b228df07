"""The main window's ``QAction``s and menus, made from the one action table (``ui.actions``).

``WindowActions(window)`` makes an action for each entry, puts it in its menu and keeps each
enabled only when its predicate holds (``update``). The grade actions follow the methodology
of the inspection shown (``set_grades``): one per grade of its scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ui.actions import CASE, GRADE_MENU, Action, grade_actions, menu_layout, window_actions
from ui.style import chip_icon

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from workbench.methodology import Grade


class WindowActions:
    """The window's actions by id (``actions``), its menus, and when each is enabled."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.table: dict[str, Action] = {}
        self.actions: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self.grade_menu: QMenu | None = None
        self.grades: tuple[Grade, ...] = ()
        for action in window_actions():
            self._add(action)
        self._build_menus()

    def _add(self, action: Action) -> QAction:
        made = QAction(action.text, self.window)
        made.setObjectName(action.id)
        if action.keys:
            made.setShortcuts([QKeySequence(k) for k in action.keys])
            made.setToolTip(f"{action.plain_text} ({action.key_text})")
        if action.icon_colour:
            made.setIcon(chip_icon(action.icon_colour))
        run = action.run

        def triggered(_checked: bool = False) -> None:  # returns None: PySide6 wants a slot so
            run(self.window)

        made.triggered.connect(triggered)
        self.window.addAction(made)  # the shortcut works wherever the focus is in the window
        self.table[action.id] = action
        self.actions[action.id] = made
        return made

    def _build_menus(self) -> None:
        bar = self.window.menuBar()
        for title, groups in menu_layout(list(self.table.values())).items():
            menu = bar.addMenu(title)
            self.menus[title] = menu
            for n, group in enumerate(groups):
                if n:
                    menu.addSeparator()
                for action in group:
                    menu.addAction(self.actions[action.id])
            if title == CASE:
                # Filled by ``set_grades`` when a methodology is shown; before Mark graded.
                self.grade_menu = QMenu(GRADE_MENU, menu)
                self.grade_menu.setEnabled(False)
                menu.insertMenu(self.actions["case.mark_graded"], self.grade_menu)

    def set_grades(self, grades: Sequence[Grade]) -> None:
        """One action per grade of this scale (Ctrl+1 for the best), replacing any before."""
        assert self.grade_menu is not None
        for name in [n for n in self.actions if n.startswith("grade.")]:
            old = self.actions.pop(name)
            self.table.pop(name)
            self.window.removeAction(old)
            old.deleteLater()
        self.grade_menu.clear()
        self.grades = tuple(grades)
        for action in grade_actions(grades):
            self.grade_menu.addAction(self._add(action))
        self.grade_menu.setEnabled(bool(grades))
        self.update()

    def update(self) -> None:
        """Enable each action when it can be used now; texts that follow the state follow it."""
        for name, action in self.table.items():
            made = self.actions[name]
            made.setEnabled(action.enabled is None or action.enabled(self.window))
            if action.label is not None:
                made.setText(action.label(self.window))

    def shown_actions(self) -> list[Action]:
        """The actions the window has now, in table order (for the shortcuts page)."""
        return window_actions(self.grades)
