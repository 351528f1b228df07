"""The README's shortcut table is the one the window uses."""

from __future__ import annotations

from pathlib import Path

from ui.shortcuts import markdown_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_the_shortcuts_the_window_has():
    assert markdown_table() in README.read_text(encoding="utf-8")
