"""Shared set-up for the pack tests: a lead store with a keyed inspection, inspectors' stores
opened from kits, grading helpers and a dump of the store to compare before and after."""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from backends import open_test_store
from sqlalchemy import text

from db.engine import Store
from db.models import Case
from workbench.methodology import load_methodology
from workbench.packs import create_inspection_keys, export_kit, import_kit
from workbench.services import grading
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store

PASSPHRASE = "correct horse battery staple"
LEAD = "Lee Lead"
ANN, BOB = "Ann Able", "Bob Baker"
REFERENCES = ("MPS-CP-4471", "MPS-CP-4472", "MPS-CP-4473", "MPS-CP-4474")
TABLES = (
    "inspection",
    "case_file",
    "assessment",
    "stage_judgement",
    "referral",
    "referral_event",
    "moderation",
    "audit_event",
    "import_log",
    "inspection_key",
    "inspector_key",
    "device_key",
    "store_identity",
)


@dataclass
class Team:
    lead: Store
    inspection_id: str
    cases: dict[str, str]  # reference -> case id
    folder: Path


def new_store(path: Path, user: str | None) -> Store:
    """A new store at ``path`` (or, on the PostgreSQL backend, a new server database)."""
    return open_test_store(path, user)


def make_lead(folder: Path, title: str = "Child protection inspection") -> Team:
    """A lead store: an inspection with its key pair and four cases, two each for Ann, Bob."""
    folder.mkdir(parents=True, exist_ok=True)
    lead = new_store(folder / "lead.sqlite", LEAD)
    inspection = create_inspection(
        lead, force="Testshire Police", title=title, start=date(2026, 1, 5), end=date(2026, 2, 6)
    )
    create_inspection_keys(lead, inspection.id, PASSPHRASE)
    version = load_methodology().version
    with lead.sessions.begin() as session:
        rows = [
            Case(
                inspection_id=inspection.id,
                reference=reference,
                category="section_47",
                unit="North" if i < 2 else "South",
                assigned_to=ANN if i < 2 else BOB,
                child_ref=f"CHILD-{i + 1}",
                opened_on=date(2025, 9, 1),
                methodology_version=version,
            )
            for i, reference in enumerate(REFERENCES)
        ]
        session.add_all(rows)
        session.flush()
        cases = {row.reference: row.id for row in rows}
    return Team(lead, inspection.id, cases, folder)


def make_inspector(team: Team, name: str, *, all_cases: bool = True) -> Store:
    """An inspector's own store, set up from a kit the lead issued to them."""
    slug = name.split()[0].lower()
    kit_path = team.folder / f"{slug}.wbkit"
    kit = export_kit(team.lead, team.inspection_id, name, kit_path, PASSPHRASE, all_cases=all_cases)
    store = open_workbench_store(team.folder / f"{slug}.sqlite")  # a laptop: always SQLite
    import_kit(store, kit_path, kit.code)
    return store


def grade(
    store: Store,
    case_id: str,
    inspector: str,
    overall: str,
    *,
    stage_grade: str | None = None,
    rationale: str = "The strategy discussion was timely and the plan was followed.",
) -> None:
    """Grade every applicable stage (``stage_grade`` or ``overall``) and mark it graded."""
    method = load_methodology()
    with store.sessions() as session:
        category = session.get(Case, case_id).category
    for stage in method.stages_for(category):
        grading.edit(store, case_id, inspector, f"stage:{stage.id}:grade", stage_grade or overall)
    grading.edit(store, case_id, inspector, "overall_grade", overall)
    grading.edit(store, case_id, inspector, "rationale", rationale)
    grading.mark_graded(store, case_id, inspector)


def dump(store: Store, *, skip: tuple[str, ...] = ()) -> dict[str, list]:
    """Every row of every table, sorted, as plain values (``skip``: table.column to leave out).

    Audit events received from other stores are listed one by one (``received_audit``),
    whichever segments the imports happened to keep them in."""
    result = {}
    with store.engine.connect() as conn:
        for table in TABLES:
            rows = conn.execute(text(f"SELECT * FROM {table}")).mappings().all()  # noqa: S608
            cleaned = [{k: v for k, v in row.items() if f"{table}.{k}" not in skip} for row in rows]
            result[table] = sorted(json.dumps(r, sort_keys=True, default=str) for r in cleaned)
        blocks = conn.execute(text("SELECT lines FROM audit_segment")).scalars()
        lines = [line for block in blocks for line in zlib.decompress(block).decode().split("\n")]
        result["received_audit"] = sorted(lines)
        assert len(set(lines)) == len(lines), "an audit event is kept twice"
    return result


def digest(store: Store) -> str:
    return hashlib.sha256(json.dumps(dump(store), sort_keys=True).encode()).hexdigest()
