"""The fictional follow-up of the demonstration inspection: its report's publication, six
recommendations, the force's two action plans (sent back through the real spreadsheet
exchange) and two quarters of assessments with their evidence. Everything is made up; the
data is in ``resources/followup/demo-*.toml``."""

from __future__ import annotations

import tempfile
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from db.engine import Store
from workbench.followup.plan_sheet import import_return, write_template
from workbench.followup.quarters import add_evidence, assess
from workbench.followup.recommendations import import_recommendations

COLUMNS = ("plan", "recommendation", "objective", "action", "owner", "due", "status", "position")


def _resource(name: str) -> str:
    return (resources.files("resources") / "followup" / name).read_text(encoding="utf-8")


def add_demo_followup(store: Store, inspection_id: str) -> None:
    """Add the fictional follow-up to the demonstration inspection."""
    followup = tomllib.loads(_resource("demo-followup.toml"))
    with tempfile.TemporaryDirectory(prefix="workbench-demo-") as folder:
        work = Path(folder)
        recommendations = work / "recommendations.toml"
        recommendations.write_text(_resource("demo-recommendations.toml"), encoding="utf-8")
        import_recommendations(store, inspection_id, recommendations)
        _plans(store, inspection_id, work / "action-plans.xlsx", followup["action"])
        for item in followup["assessment"]:
            _assessment(store, inspection_id, item, work)


def _assessment(store: Store, inspection_id: str, item: dict[str, Any], work: Path) -> None:
    quarter, number = item["quarter"], item["recommendation"]
    assess(store, inspection_id, quarter, number, judgement=item["judgement"],
           finding=item["finding"], concerns=item["concerns"])  # fmt: skip
    for evidence in item.get("evidence", []):
        document = None
        if evidence["kind"] == "document":
            document = work / f"q{quarter}-{number}.txt"
            document.write_text(f"{evidence['title']} (fictional)\n", encoding="utf-8")
        add_evidence(store, inspection_id, quarter, number, evidence["kind"], evidence["title"],
                     on_date=evidence["date"], document=document,
                     figures=evidence.get("figures"))  # fmt: skip


def _plans(store: Store, inspection_id: str, path: Path, actions: list[dict[str, Any]]) -> None:
    """The force's return, made as the force would: filling in the exported template."""
    write_template(store, inspection_id, path)
    book = load_workbook(path)
    sheet = book["Actions"]
    for row, action in enumerate(actions, start=2):
        for column, key in enumerate(COLUMNS, start=2):
            sheet.cell(row, column, action[key] or None)
    book.save(path)
    import_return(store, inspection_id, path)
