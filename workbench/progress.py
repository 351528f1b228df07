"""The progress callback that long work takes: ``progress(done, total, message)``.

Long work (imports, merges, reports) is a plain function taking such a callback; the UI
runs it on a worker thread and marshals the calls back to the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, message: str) -> None:
    """The default callback: ignore progress."""
