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

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices

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


def folder_url(path: Path) -> QUrl:
    """The URL of the folder holding ``path`` (the folder itself if it is one)."""
    folder = path if path.is_dir() else path.parent
    return QUrl.fromLocalFile(str(folder.resolve()))


def show_in_folder(path: Path) -> bool:
    """Open the folder holding ``path`` in the file manager; False if the desktop could not."""
    return QDesktopServices.openUrl(folder_url(path))


__all__ = [
    "documents_folder",
    "folder_url",
    "in_documents",
    "kit_name",
    "pack_name",
    "safe_part",
    "show_in_folder",
]
