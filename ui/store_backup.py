"""File ▸ Back up store…: a copy of the open store, encrypted like it, to a file you choose."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ui.messages import show_error
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from db.engine import Store
    from ui.main_window import MainWindow

BACKUP_FILTER = "Workbench backups (*.wbbackup);;All files (*)"


def suggested_path(store: Store) -> str:
    folder = store.path.parent if store.path else Path.home()
    return str(folder / f"workbench-backup-{date.today().isoformat()}.wbbackup")


def back_up_store(parent: QWidget, store: Store) -> Path | None:
    """Ask where, copy the store there, and say where it went; None if cancelled or refused."""
    from workbench.store_backups import backup_to

    chosen, _ = QFileDialog.getSaveFileName(
        parent, "Back up the store", suggested_path(store), BACKUP_FILTER
    )
    if not chosen:
        return None
    try:
        target = backup_to(store, Path(chosen))
    except WorkbenchError as exc:
        show_error(parent, exc)
        return None
    kind = "encrypted under the store passphrase" if store.encrypted else "not encrypted"
    text = (
        f"The store was backed up to {target} ({kind}, readable by you only).\n\n"
        f"Restore it with: workbench store restore {target}"
    )
    box = QMessageBox(QMessageBox.Icon.Information, "Store backed up", text, parent=parent)
    box.setAccessibleName("Backup done")
    box.open()
    return target


def back_up_store_command(window: MainWindow) -> None:
    """File ▸ Back up store…: back up the store the window has open."""
    back_up_store(window, window.active_store())
