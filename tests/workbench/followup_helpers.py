"""Helpers for the follow-up tests: a small inspection with recommendations, written through
the real import from a real TOML file."""

from __future__ import annotations

from pathlib import Path

from reports_helpers import make_inspection
from store_helpers import write_file

from db.engine import Store
from workbench.followup.recommendations import import_recommendations

RECOMMENDATIONS = """\
published = 2026-12-14

[[recommendation]]
number = 1
title = "Governance and oversight of child protection practices"
timeframe = "immediately"
text = "The force should put in place governance structures to monitor child protection."
areas = ["governance"]

[[recommendation]]
number = 2
title = "The response to children who go missing from home"
timeframe = "immediately"
text = "The force should put in place an action plan for children who go missing."
points = [
  "improve risk assessment in the control room",
  "train staff in the missing and absent categories",
]
areas = ["initial_contact"]
categories = ["missing_children"]

[[recommendation]]
number = 5
title = "Planning and the initial response"
timeframe = "within three months"
text = "The force should improve the planning of its responses to child abuse."
areas = ["Investigation"]
categories = ["section_47", "Child sexual exploitation"]

[[recommendation]]
number = 8
title = "The detention of children"
timeframe = "within 6 months"
text = "With children's social care, the force should review the detention of children."
categories = ["children_in_custody"]
"""


def inspection_with_recommendations(store: Store, folder: Path) -> str:
    inspection_id = make_inspection(store)
    import_recommendations(store, inspection_id, write_file(folder, "recs.toml", RECOMMENDATIONS))
    return inspection_id
