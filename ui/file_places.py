"""Where file dialogs open, the names they suggest, and "Show in folder".

Kits and packs are files people send and receive: their dialogs open in the user's
documents folder (``QStandardPaths.DocumentsLocation``; the home folder when there is
none), and an exported pack is named for who wrote it and when,
``<inspection>-<inspector>-<date>.wbpack`` in safe characters (letters, digits and
hyphens, accents dropped), so a lead receiving ten packs can tell them apart.

``show_in_folder`` opens the folder holding a file just written with the desktop's file
manager (``QDesktopServices.openUrl``); tests register their own handler for ``file`` URLs
(``QDesktopServices.setUrlHandler``) to see the URL without opening anything.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

if TYPE_CHECKING:
    from db.engine import Store

NAME_PART = 40  # characters of each part of a suggested name, at most


def documents_folder() -> Path:
    """The user's documents folder if it exists, else their home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def safe_part(text: str, fallback: str) -> str:
    """``text`` as a file name part: lower case ASCII letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:NAME_PART].rstrip("-") or fallback


def pack_name(inspection: str, inspector: str, day: date | None = None) -> str:
    """``northshire-police-alex-inspector-2026-11-29.wbpack``: whose pack, from when."""
    who = f"{safe_part(inspection, 'inspection')}-{safe_part(inspector, 'inspector')}"
    return f"{who}-{(day or date.today()).isoformat()}.wbpack"


def kit_name(inspection: str, inspector: str, day: date | None = None) -> str:
    """``northshire-police-jo-marsh-2026-11-29.wbkit``: the kit for whom, issued when."""
    return pack_name(inspection, inspector, day).removesuffix(".wbpack") + ".wbkit"


def in_documents(name: str = "") -> str:
    """Where a file dialog starts: the documents folder, with ``name`` suggested in it."""
    folder = documents_folder()
    return str(folder / name) if name else str(folder)


def _force(store: Store, inspection_id: str | None) -> str:
    from workbench.services.inspections import inspection_info

    return inspection_info(store, inspection_id).force if inspection_id else ""


def pack_start(store: Store, inspection_id: str) -> str:
    """Where Export pack… starts: the documents folder, named for this store's user."""
    from ui.dialogs.identity import current_user_name

    inspector = current_user_name(store) or ""
    return in_documents(pack_name(_force(store, inspection_id), inspector))


def kit_start(store: Store, inspection_id: str | None, inspector: str) -> str:
    """Where Issue kit… saves: the documents folder, named for the inspector it is for."""
    return in_documents(kit_name(_force(store, inspection_id), inspector))


def folder_url(path: Path) -> QUrl:
    """The URL of the folder holding ``path`` (the folder itself if it is one)."""
    folder = path if path.is_dir() else path.parent
    return QUrl.fromLocalFile(str(folder.resolve()))


def show_in_folder(path: Path) -> bool:
    """Open the folder holding ``path`` in the file manager; False if the desktop could not."""
    return QDesktopServices.openUrl(folder_url(path))


def offer_folder(box: QMessageBox, path: Path) -> None:
    """Add "Show in folder" to a confirmation box about ``path`` (it closes the box, as
    every button of a message box does, and opens the folder)."""
    button = box.addButton("Show in &folder", QMessageBox.ButtonRole.ActionRole)
    button.setAccessibleName("Show the file in its folder")
    button.clicked.connect(lambda: show_in_folder(path))
    box.addButton(QMessageBox.StandardButton.Ok)
    box.setDefaultButton(QMessageBox.StandardButton.Ok)


def tell_written(parent: QWidget | None, text: str, path: Path) -> None:
    """Say in the main window's status bar that ``path`` was written, with "Show in
    folder" beside it (nothing when there is no main window)."""
    window = parent.window() if parent is not None else None
    tell = getattr(window, "tell", None)
    if tell is not None:
        tell(text, path)


__all__ = [
    "documents_folder",
    "folder_url",
    "in_documents",
    "kit_name",
    "kit_start",
    "offer_folder",
    "pack_name",
    "pack_start",
    "safe_part",
    "show_in_folder",
    "tell_written",
]
