"""An assessment's status: the words kept in the store and the names people read.

Kept apart from ``workbench.services.grading`` (which needs SQLAlchemy) so that the window
can import them and show itself before the store is opened.
"""

from __future__ import annotations

NOT_STARTED, IN_PROGRESS, GRADED = "not_started", "in_progress", "graded"
STATUS_NAMES = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", GRADED: "Graded"}
STATUS_ORDER = {NOT_STARTED: 0, IN_PROGRESS: 1, GRADED: 2}  # least to most advanced
