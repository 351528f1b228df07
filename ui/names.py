"""The application's names: what QSettings files its layout under and what the window says.

Kept apart from ``ui.app`` (which starts the application) so that a window, a dialog or a
test can name the application without importing the start-up code.
"""

from __future__ import annotations

ORGANISATION = "InspectorsWorkbench"
APPLICATION = "Workbench"
DISPLAY_NAME = "Inspector's Workbench"
