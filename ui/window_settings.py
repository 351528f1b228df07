"""Where the window's layout (and the inspection last open) is kept: ``QSettings``.

Apart from ``ui.main_window`` so that the start-up can read the inspection last open before
the window's modules are imported.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from ui.names import APPLICATION, ORGANISATION

LAST_INSPECTION = "main/inspection"


def settings() -> QSettings:
    """Where the window layout is kept (an INI file, so tests can point it at a folder)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


def last_inspection() -> str:
    """The id of the inspection open when the window was last closed ("" if none)."""
    return str(settings().value(LAST_INSPECTION, "", str))
