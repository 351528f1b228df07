"""Every command of the main window, declared once (as napari declares its actions).

An ``Action`` says what the command is called, where it sits in the menus, its keyboard
shortcuts, when it can be used and what runs it. ``ui.window_menus`` makes the ``QAction``s
and menus from this table; ``ui.shortcuts`` makes the Help ▸ Keyboard shortcuts page and the
README's table from it. This module does not import Qt, so the README table can be checked
without a display.

To add a command: write its handler, ``def name(window: MainWindow) -> None``, in the module
of the dialog or view it opens, and add one ``Action`` to ``ACTIONS`` naming it as
``lazy("ui.module:name")`` (the module is imported when the command is first used, so the
window opens before the services load). Reports need no entry here: each kind in
``workbench.reports.registry`` gets its File ▸ Export entry.

The table's order is the order of the shortcuts page; ``Place`` gives the order in a menu:
entries of one ``group`` sit together, groups are separated by a line, and ``order`` sorts
within a group.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from workbench.methodology import Grade

Handler = Callable[["MainWindow"], object]
Predicate = Callable[["MainWindow"], bool]

FILE, EDIT, CASE, VIEW, HELP = "&File", "&Edit", "&Case", "&View", "&Help"
INSPECTION = "I&nspection"  # the lead's (Alt+I is the Inspection: box above the list)
MENUS = (FILE, EDIT, CASE, VIEW, INSPECTION, HELP)  # the menu bar, left to right
GRADE_MENU = "Set &overall grade"  # the submenu of Case with one entry per grade


@dataclass(frozen=True)
class Place:
    """Where an action sits: its menu (and submenu), its group in it, its order there."""

    menu: str
    group: int
    order: int = 0
    submenu: str | None = None


@dataclass(frozen=True)
class Action:
    """One command of the window."""

    id: str  # the QAction's objectName, e.g. "case.next"; its prefix names its area
    text: str  # the menu text with its mnemonic: "&Next case"
    run: Handler
    place: Place | None = None  # None: only a shortcut (then ``keys`` must not be empty)
    keys: tuple[str, ...] = ()  # Qt's portable text; the first is the primary
    description: str = ""  # what the shortcuts page says it does
    enabled: Predicate | None = None  # None: always enabled
    label: Callable[[MainWindow], str] | None = None  # a text that follows the window's state
    icon_colour: str | None = None  # a grade's colour chip

    @property
    def plain_text(self) -> str:
        """The text as read aloud: no mnemonic, no ellipsis."""
        return self.text.replace("&", "").rstrip("…")

    @property
    def key_text(self) -> str:
        """The keys as a person reads them: "Ctrl+] or Alt+Down"."""
        return " or ".join(self.keys)


def lazy(target: str) -> Handler:
    """A handler named ``"module:function"``, imported when the command is first used."""
    module, _, name = target.partition(":")

    def run(window: MainWindow) -> object:
        return getattr(importlib.import_module(module), name)(window)

    run.__qualname__ = target
    return run


# --- When an action can be used --------------------------------------------------------------


def has_store(window: MainWindow) -> bool:
    return window.store is not None


def has_inspection(window: MainWindow) -> bool:
    return window.inspection is not None


def has_case(window: MainWindow) -> bool:
    return window.panel.case_id is not None


def can_undo(window: MainWindow) -> bool:
    return window.undo_stack.canUndo()


def can_redo(window: MainWindow) -> bool:
    return window.undo_stack.canRedo()


def _undo_label(window: MainWindow) -> str:
    text = window.undo_stack.undoText()
    return f"&Undo {text}" if window.undo_stack.canUndo() and text else "&Undo"


def _redo_label(window: MainWindow) -> str:
    text = window.undo_stack.redoText()
    return f"&Redo {text}" if window.undo_stack.canRedo() and text else "&Redo"


class _Grades:
    """Where the grade actions go in the table: one per grade of the methodology's scale."""


GRADES = _Grades()

ACTIONS: tuple[Action | _Grades, ...] = (
    Action(
        "case.next", "&Next case", lambda w: w.cases.step(1), Place(CASE, 0, 0),
        ("Ctrl+]", "Alt+Down"), "Open the next case in the list",
    ),
    Action(
        "case.previous", "&Previous case", lambda w: w.cases.step(-1), Place(CASE, 0, 1),
        ("Ctrl+[", "Alt+Up"), "Open the previous case in the list",
    ),
    Action(
        "case.find", "&Find a case", lambda w: w.cases.focus_search(), Place(CASE, 0, 2),
        ("Ctrl+F",), "Jump to the search box to find a case",
    ),
    GRADES,
    Action(
        "case.mark_graded", "&Mark graded", lambda w: w.panel.mark_graded(), Place(CASE, 1, 1),
        ("Ctrl+Return", "Ctrl+Enter"), "Mark the case graded", has_case,
    ),
    Action(
        "stage.next", "Next &stage", lambda w: w.panel.next_stage(1), Place(CASE, 3, 0),
        ("Ctrl+Down",), "Move to the next stage's first prompt", has_case,
    ),
    Action(
        "stage.previous", "Previous s&tage", lambda w: w.panel.next_stage(-1), Place(CASE, 3, 1),
        ("Ctrl+Up",), "Move to the previous stage's first prompt", has_case,
    ),
    Action(
        "stage.unanswered", "Next &unanswered", lambda w: w.panel.next_unanswered(),
        Place(CASE, 3, 2), ("Ctrl+J",),
        "Jump to the next prompt not answered, stage not graded, or empty overall grade or "
        "rationale", has_case,
    ),
    Action(
        "stage.rest_not_applicable", "Not applicable to the rest of this stage",
        lambda w: w.panel.rest_not_applicable(), Place(CASE, 3, 3), ("Ctrl+Shift+A",),
        "Answer not applicable to the rest of this stage's unanswered prompts", has_case,
    ),
    Action(
        "case.referral", "&Raise referral…", lazy("ui.dialogs.referral:raise_referral_command"),
        Place(CASE, 2), ("Ctrl+R",), "Raise a referral to the force for this case", has_case,
    ),
    Action(
        "edit.undo", "&Undo", lambda w: w.undo(), Place(EDIT, 0, 0), ("Ctrl+Z",),
        "Undo the last grading change", can_undo, _undo_label,
    ),
    Action(
        "edit.redo", "&Redo", lambda w: w.redo(), Place(EDIT, 0, 1), ("Ctrl+Shift+Z", "Ctrl+Y"),
        "Redo the grading change just undone", can_redo, _redo_label,
    ),
    Action(
        "view.case_list", "Move to the case &list", lambda w: w.cases.focus_table(),
        Place(VIEW, 1, 0), ("Ctrl+L",), "Move to the case list",
    ),
    Action(
        "view.grading", "Move to the &grading panel", lambda w: w.panel.focus_form(),
        Place(VIEW, 1, 1), ("Ctrl+G",), "Move to the grading panel",
    ),
    Action(
        "view.referrals", "&Referrals register", lazy("ui.referrals_register:show_register"),
        Place(VIEW, 0, 0), ("Ctrl+Shift+R",), "Show the referrals register", has_inspection,
    ),
    Action(
        "help.shortcuts", "&Keyboard shortcuts", lazy("ui.dialogs.shortcuts:show_shortcuts"),
        Place(HELP, 0), ("F1",), "Show this list of keyboard shortcuts",
    ),
    Action(
        "file.quit", "&Quit", lambda w: w.close(), Place(FILE, 9), ("Ctrl+Q",),
        "Quit the workbench",
    ),
    # Without shortcuts: in the menus only.
    Action(
        "file.new_inspection", "&New inspection…", lazy("ui.dialogs.setup:new_inspection"),
        Place(FILE, 0, 0), enabled=has_store,
    ),
    Action(
        "file.draw_sample", "&Draw sample…", lazy("ui.dialogs.sample:draw_sample_command"),
        Place(FILE, 0, 1), enabled=has_inspection,
    ),
    Action(
        "file.import_cases", "Import &cases…", lazy("ui.dialogs.setup:import_cases"),
        Place(FILE, 0, 2), enabled=has_inspection,
    ),
    Action(
        "file.import_grades", "Import &grades…", lazy("ui.dialogs.setup:import_grades"),
        Place(FILE, 0, 3), enabled=has_inspection,
    ),
    Action(
        "file.issue_kit", "&Issue kit…", lazy("ui.dialogs.packs:issue_kit_command"),
        Place(FILE, 1, 0), enabled=has_inspection,
    ),
    Action(
        "file.open_kit", "&Open kit…", lazy("ui.dialogs.packs:open_kit_command"),
        Place(FILE, 1, 1), enabled=has_store,
    ),
    Action(
        "file.export_pack", "&Export pack…", lazy("ui.dialogs.packs:export_pack_command"),
        Place(FILE, 1, 2), enabled=has_inspection,
    ),
    Action(
        "file.import_packs", "Import &packs…", lazy("ui.dialogs.pack_import:import_packs_command"),
        Place(FILE, 1, 3), enabled=has_inspection,
    ),
    Action(
        "file.my_name", "My &name…", lazy("ui.dialogs.names:my_name_command"),
        Place(FILE, 8, 1), enabled=has_store,
    ),
    Action(
        "file.backup", "&Back up store…", lazy("ui.store_backup:back_up_store_command"),
        Place(FILE, 8), enabled=has_store,
    ),
    Action(
        "case.assign", "&Assign to…", lazy("ui.dialogs.assign:assign_command"),
        Place(CASE, 2, 1), enabled=has_case,
    ),
    Action(
        "case.history", "&History", lazy("ui.audit_view:show_case_history"),
        Place(CASE, 2, 2), enabled=has_case,
    ),
    Action(
        "view.audit_check", "&Audit check", lazy("ui.audit_view:show_audit_check"),
        Place(VIEW, 1, -1), enabled=has_store,
    ),
    Action(
        "view.dashboard", "&Dashboard", lazy("ui.dashboard_view:show_dashboard"),
        Place(VIEW, 0, -1), enabled=has_inspection,
    ),
    Action(
        "view.moderation", "&Moderation", lazy("ui.moderation_view:show_moderation"),
        Place(VIEW, 0, 1), enabled=has_inspection,
    ),
    Action(
        "view.imports", "&Imports log", lazy("ui.dialogs.pack_import:show_imports_log"),
        Place(VIEW, 0, 2), enabled=has_inspection,
    ),
    Action(
        "view.followup", "&Follow-up", lazy("ui.followup_view:show_followup"),
        Place(VIEW, 0, 3), enabled=has_inspection,
    ),
    Action(
        "view.national", "&National summary", lazy("ui.national_view:show_national"),
        Place(VIEW, 0, 4), enabled=has_store,
    ),
    Action(
        "help.about", "&About Inspector's Workbench", lazy("ui.dialogs.about:show_about"),
        Place(HELP, 0, 1),
    ),
    Action(
        "inspection.share_out", "&Share out cases…", lazy("ui.dialogs.balance:share_out_command"),
        Place(INSPECTION, 0, 0), enabled=has_inspection,
    ),
    Action(
        "inspection.keys", "&Keys…", lazy("ui.dialogs.keys:keys_command"),
        Place(INSPECTION, 0, 1), enabled=has_inspection,
    ),
    Action(
        "inspection.archive", "&Archive inspection",
        lazy("ui.dialogs.inspection_admin:archive_command"), Place(INSPECTION, 1, 0),
        enabled=has_inspection,
    ),
    Action(
        "inspection.delete", "&Delete inspection…",
        lazy("ui.dialogs.inspection_admin:delete_command"), Place(INSPECTION, 1, 1),
        enabled=has_inspection,
    ),
)  # fmt: skip

# Keys a focused field of the grading panel handles itself (ui.grading_keys): listed on the
# shortcuts page and in the README after the window's commands, but not window actions.
FIELD_KEYS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("field.answer", ("Y", "P", "N", "A"),
     "On a prompt: answer yes, partly, no or not applicable (or 1 to 4, by place; a case "
     "fact's answers by initial or place) and move to the next prompt"),
    ("field.grade", ("G", "R", "I"),
     "On a stage grade: good, requires improvement or inadequate (N not assessed, or 1 to 4) "
     "and move to the next stage; on the overall grade, then to the rationale"),
    ("field.choose", ("Left", "Right"), "On a prompt: choose the previous or next answer"),
    ("field.move", ("Up", "Down"), "On a prompt: move to the previous or next prompt"),
)  # fmt: skip

REPORTS_GROUP = 2  # File ▸ Export … entries, one per report kind, between packs and Quit


def _report_actions() -> list[Action]:
    """File ▸ Export …: one action per report kind the window offers (the registry's order)."""
    from workbench.reports.registry import window_reports

    return [
        Action(f"report.{r.kind}", r.menu_text, _exporter(r.kind), Place(FILE, REPORTS_GROUP, n),
               enabled=has_inspection)
        for n, r in enumerate(window_reports())
    ]  # fmt: skip


def _exporter(kind: str) -> Handler:
    def run(window: MainWindow) -> None:
        from ui.dialogs.reports import export_report_command

        export_report_command(window, kind)

    return run


def _grade_description(position: int, count: int, name: str) -> str:
    if position == 1:
        which = "the best grade"
    elif position == count:
        which = "the worst grade"
    elif count == 3:
        which = "the middle grade"
    else:
        which = f"grade {position} of {count}"
    return f"Set the overall grade to {which} ({name.lower()})"


def grade_actions(grades: Sequence[Grade]) -> list[Action]:
    """Case ▸ Set overall grade: one action per grade of the scale, best first (Ctrl+1…)."""

    def setter(grade_id: str) -> Handler:
        return lambda window: window.panel.set_overall_grade(grade_id)

    return [
        Action(
            f"grade.{n}", grade.name, setter(grade.id), Place(CASE, 1, 0, GRADE_MENU),
            (f"Ctrl+{n}",) if n <= 9 else (), _grade_description(n, len(grades), grade.name),
            has_case, icon_colour=grade.colour,
        )
        for n, grade in enumerate(grades, start=1)
    ]  # fmt: skip


def window_actions(grades: Sequence[Grade] = ()) -> list[Action]:
    """Every action of the window for a methodology with these grades, in table order."""
    actions: list[Action] = []
    for entry in ACTIONS:
        actions.extend(grade_actions(grades) if isinstance(entry, _Grades) else [entry])
    return actions + _report_actions()


def menu_layout(actions: Sequence[Action]) -> dict[str, list[list[Action]]]:
    """Each menu's groups of actions, in menu order (what ``ui.window_menus`` builds); the
    actions of a submenu (the grades) are put in it by ``WindowActions.set_grades``."""
    layout: dict[str, dict[int, list[Action]]] = {menu: {} for menu in MENUS}
    for action in actions:
        if action.place is not None and action.place.submenu is None:
            layout.setdefault(action.place.menu, {}).setdefault(action.place.group, []).append(
                action
            )
    return {
        menu: [sorted(group, key=lambda a: a.place.order if a.place else 0)
               for _, group in sorted(groups.items())]
        for menu, groups in layout.items()
    }  # fmt: skip
