"""Inspection ▸ Archive inspection and Delete inspection…: each asks first (deleting one that
holds packs received from inspectors asks a second time). The window follows the change
through the change signal: an archived or deleted inspection leaves the list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.messages import confirm, show_error
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def archive_command(window: MainWindow) -> None:
    """Archive the inspection shown, once the user confirms."""
    from workbench.services.inspections import archive_inspection

    inspection = window.inspection
    if inspection is None:
        return
    text = (
        f"Archive '{inspection.title}'? Everything in it is kept; File ▸ Draw sample, "
        "kits and packs are no longer offered for it until it is brought back from the "
        "command line (workbench inspection archive --undo)."
    )
    if confirm(window, "Archive the inspection?", text):
        try:
            archive_inspection(window.active_store(), inspection.id)
        except WorkbenchError as exc:
            show_error(window, exc)


def delete_command(window: MainWindow) -> None:
    """Delete the inspection shown and everything in it, once the user confirms (twice when
    it holds packs received from inspectors)."""
    from workbench.services.inspections import (
        ConfirmationNeeded,
        delete_inspection,
        inspection_info,
    )

    if window.inspection is None:
        return
    store = window.active_store()
    try:
        inspection = inspection_info(store, window.inspection.id)  # its cases counted now
    except WorkbenchError as exc:
        show_error(window, exc)
        return
    cases = f"{inspection.cases:,} case{'s' if inspection.cases != 1 else ''}"
    first = (
        f"Delete '{inspection.title}' with its {cases}, their grades, referrals and keys? "
        "This cannot be undone."
    )
    if not confirm(window, "Delete the inspection?", first):
        return
    try:
        try:
            delete_inspection(store, inspection.id)
        except ConfirmationNeeded as exc:
            if confirm(window, "Delete it even so?", f"{exc}\n\nDelete it even so?"):
                delete_inspection(store, inspection.id, with_received_packs=True)
    except WorkbenchError as exc:
        show_error(window, exc)
