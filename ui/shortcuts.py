"""The keyboard shortcuts: one table used to create the actions, the Help window and README.

Key sequences are written in Qt's portable text form ("Ctrl+]"); the first one is the
primary, any others are alternatives that do the same. This module does not import Qt so
the README table can be produced without a display.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shortcut:
    """One keyboard shortcut: the action's object name, its keys and what it does."""

    name: str
    keys: tuple[str, ...]
    description: str

    @property
    def key_text(self) -> str:
        """The keys as a person reads them: "Ctrl+] or Alt+Down"."""
        return " or ".join(self.keys)


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("case.next", ("Ctrl+]", "Alt+Down"), "Open the next case in the list"),
    Shortcut("case.previous", ("Ctrl+[", "Alt+Up"), "Open the previous case in the list"),
    Shortcut("case.find", ("Ctrl+F",), "Jump to the search box to find a case"),
    Shortcut("grade.1", ("Ctrl+1",), "Set the overall grade to the best grade (good)"),
    Shortcut(
        "grade.2", ("Ctrl+2",), "Set the overall grade to the middle grade (requires improvement)"
    ),
    Shortcut("grade.3", ("Ctrl+3",), "Set the overall grade to the worst grade (inadequate)"),
    Shortcut("case.mark_graded", ("Ctrl+Return", "Ctrl+Enter"), "Mark the case graded"),
    Shortcut("case.referral", ("Ctrl+R",), "Raise a referral to the force for this case"),
    Shortcut("edit.undo", ("Ctrl+Z",), "Undo the last grading change"),
    Shortcut("edit.redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo the grading change just undone"),
    Shortcut("view.case_list", ("Ctrl+L",), "Move to the case list"),
    Shortcut("view.grading", ("Ctrl+G",), "Move to the grading panel"),
    Shortcut("view.referrals", ("Ctrl+Shift+R",), "Show the referrals register"),
    Shortcut("help.shortcuts", ("F1",), "Show this list of keyboard shortcuts"),
    Shortcut("file.quit", ("Ctrl+Q",), "Quit the workbench"),
)

_BY_NAME = {s.name: s for s in SHORTCUTS}


def shortcut(name: str) -> Shortcut | None:
    """The shortcut for an action name; None if it has none."""
    return _BY_NAME.get(name)


def markdown_table() -> str:
    """The table as Markdown, for the README (on macOS, Ctrl means the Command key)."""
    lines = ["| Keys | What it does |", "|---|---|"]
    lines += [f"| {s.key_text} | {s.description} |" for s in SHORTCUTS]
    return "\n".join(lines)
