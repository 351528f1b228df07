"""An inspection as it is listed (``InspectionInfo``), without importing SQLAlchemy.

``workbench.services.inspections.list_inspections`` fills it through the ORM;
``workbench.services.quick_caselist`` fills the same from plain SQL when the window starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class InspectionInfo:
    id: str
    force: str
    title: str
    start_date: date
    end_date: date
    methodology_id: str
    methodology_version: str
    marking: str
    fictional: bool
    cases: int
    graded: int
    archived: bool = False
