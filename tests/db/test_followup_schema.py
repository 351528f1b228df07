"""The follow-up migration creates exactly the follow-up tables of db.models."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from db.engine import open_store
from db.models import Base

FOLLOWUP = (
    "inspection_followup", "recommendation", "action_plan", "plan_action", "plan_return",
    "quarter_assessment", "quarter_evidence",
)  # fmt: skip


def test_the_migrated_follow_up_tables_match_the_models(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store.sqlite", plaintext=True)
    found = inspect(store.engine)
    try:
        for name in FOLLOWUP:
            model = Base.metadata.tables[name]
            columns = {c["name"]: c["nullable"] for c in found.get_columns(name)}
            assert columns == {c.name: c.nullable for c in model.columns}, name
            keys = {tuple(u["column_names"]) for u in found.get_unique_constraints(name)}
            wanted = {
                tuple(c.name for c in u.columns)
                for u in model.constraints
                if u.__class__.__name__ == "UniqueConstraint"
            }
            assert keys == wanted, name
    finally:
        store.close()
