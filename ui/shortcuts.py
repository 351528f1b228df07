"""The keyboard shortcuts, read from the action table (``ui.actions``): the Help ▸ Keyboard
shortcuts page and the README's table.

Key sequences are written in Qt's portable text form ("Ctrl+]"); the first one is the
primary, any others are alternatives that do the same. This module does not import Qt so
the README table can be produced without a display. ``SHORTCUTS`` are those of the default
methodology (its grade scale gives the Ctrl+1… grade shortcuts).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ui.actions import FIELD_KEYS, Action, window_actions


@dataclass(frozen=True)
class Shortcut:
    """One keyboard shortcut: the action's object name, its keys and what it does."""

    name: str
    keys: tuple[str, ...]
    description: str
    field: bool = False  # handled by a focused field of the grading panel, not a window action

    @property
    def key_text(self) -> str:
        """The keys as a person reads them: "Ctrl+] or Alt+Down"."""
        return " or ".join(self.keys)


def shortcuts(actions: Iterable[Action]) -> tuple[Shortcut, ...]:
    """The shortcuts of these actions, in table order (actions without keys have none),
    then the keys the grading panel's fields handle."""
    found = [Shortcut(a.id, a.keys, a.description) for a in actions if a.keys]
    return (*found, *(Shortcut(*keys, field=True) for keys in FIELD_KEYS))


def _default_shortcuts() -> tuple[Shortcut, ...]:
    from workbench.methodology import load_methodology

    return shortcuts(window_actions(load_methodology().grades))


SHORTCUTS: tuple[Shortcut, ...] = _default_shortcuts()


def markdown_table() -> str:
    """The table as Markdown, for the README (on macOS, Ctrl means the Command key)."""
    lines = ["| Keys | What it does |", "|---|---|"]
    lines += [f"| {s.key_text} | {s.description} |" for s in SHORTCUTS]
    return "\n".join(lines)
