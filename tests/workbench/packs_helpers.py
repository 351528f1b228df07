"""Shared set-up for the pack tests: a lead store with a keyed inspection, inspectors' stores
opened from kits, grading helpers and a dump of the store to compare before and after."""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from backends import open_test_store
from sqlalchemy import text

from db.engine import Store
from db.models import Case
from workbench.errors import WorkbenchError
from workbench.methodology import load_methodology
from workbench.packs import create_inspection_keys, export_kit, import_kit, import_packs
from workbench.services import grading
from workbench.services.case_import import import_cases
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store

PASSPHRASE = "correct horse battery staple"
LEAD = "Lee Lead"
ANN, BOB = "Ann Able", "Bob Baker"
REFERENCES = ("MPS-CP-4471", "MPS-CP-4472", "MPS-CP-4473", "MPS-CP-4474")
# Fieldwork under way: packs carry timestamps of today, which must lie within it.
FIELDWORK = (date.today() - timedelta(days=10), date.today() + timedelta(days=20))
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
    "kit_issue",
    "chain_head",
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
        lead, force="Testshire Police", title=title, start=FIELDWORK[0], end=FIELDWORK[1]
    )
    create_inspection_keys(lead, inspection.id, PASSPHRASE)
    lines = ["reference,category,unit,opened_on,child_ref,assigned_to"]
    lines += [
        f"{reference},section_47,{'North' if i < 2 else 'South'},2025-09-01,CHILD-{i + 1},"
        f"{ANN if i < 2 else BOB}"
        for i, reference in enumerate(REFERENCES)
    ]
    # The force's list, as a lead receives it: an input beside the stores, not written by
    # the workbench (so not one of the owner-only files it writes).
    sample = folder / "samples" / f"sample-{inspection.id[:8]}.csv"
    sample.parent.mkdir(exist_ok=True)
    sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_cases(lead, inspection.id, sample)  # as a lead does: an audited import
    with lead.sessions() as session:
        rows = session.query(Case).filter_by(inspection_id=inspection.id).all()
        cases = {row.reference: row.id for row in rows}
    return Team(lead, inspection.id, cases, folder)


def closed_lead_file(folder: Path) -> Path:
    """The file of a lead store (``make_lead``) made in ``folder`` and closed."""
    team = make_lead(folder)
    team.lead.close()
    assert team.lead.path is not None
    return team.lead.path


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


def _a_refusal(table: str, row: dict) -> bool:
    """A row that records a refused import: its log entry, its audit event, and the head of
    the store's own chain (which the event moves on)."""
    return (
        (table == "import_log" and row["kind"] == "refused")
        or (table == "audit_event" and row["action"] == "refuse_pack")
        or (table == "chain_head" and row["kind"] == "own")
    )


def _an_import(table: str, row: dict) -> bool:
    """A row that records an import, refused or not: besides those of ``_a_refusal``, its
    log entry, its audit event and the sender's chain head it received."""
    return (
        _a_refusal(table, row)
        or table == "import_log"
        or (table == "audit_event" and row["action"] == "import_pack")
        or (table == "chain_head" and row["kind"] == "received")
    )


def dump(
    store: Store,
    *,
    skip: tuple[str, ...] = (),
    but_refusals: bool = False,
    but_imports: bool = False,
) -> dict[str, list]:
    """Every row of every table, sorted, as plain values (``skip``: table.column to leave out;
    ``but_refusals``, ``but_imports``: leave out the rows that record refused imports, or
    every import, see ``_a_refusal`` and ``_an_import``).

    Audit events received from other stores are listed one by one (``received_audit``),
    whichever segments the imports happened to keep them in."""
    result = {}
    with store.engine.connect() as conn:
        for table in TABLES:
            rows = conn.execute(text(f"SELECT * FROM {table}")).mappings().all()  # noqa: S608
            if but_refusals or but_imports:
                leave_out = _an_import if but_imports else _a_refusal
                rows = [row for row in rows if not leave_out(table, row)]
            cleaned = [{k: v for k, v in row.items() if f"{table}.{k}" not in skip} for row in rows]
            result[table] = sorted(json.dumps(r, sort_keys=True, default=str) for r in cleaned)
        blocks = conn.execute(text("SELECT lines FROM audit_segment")).scalars()
        lines = [line for block in blocks for line in zlib.decompress(block).decode().split("\n")]
        result["received_audit"] = sorted(lines)
        assert len(set(lines)) == len(lines), "an audit event is kept twice"
    return result


def digest(store: Store, *, but_refusals: bool = False) -> str:
    content = dump(store, but_refusals=but_refusals)
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def refusals(store: Store) -> list[dict]:
    """The refused imports in the imports log, oldest first: file, signer, inspector, reason."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT source, fingerprint, inspector, details FROM import_log "
                "WHERE kind = 'refused' ORDER BY at"
            )
        ).mappings()
        return [{**row, "details": json.loads(row["details"])} for row in rows]


def refused_import(store: Store, path: Path, **kwargs: object) -> WorkbenchError:
    """Import ``path``, expecting a refusal: nothing in the store changes but the record of
    the refusal (a full dump compared), which is in the imports log with its reason and in
    the audit trail. Returns the refusal."""
    before = digest(store, but_refusals=True)
    logged = len(refusals(store))
    [outcome] = import_packs(store, [path], PASSPHRASE, **kwargs)
    assert outcome.result is None and isinstance(outcome.error, WorkbenchError)
    assert digest(store, but_refusals=True) == before
    entries = refusals(store)
    assert len(entries) == logged + 1
    assert entries[-1]["details"]["refused"] == str(outcome.error)
    assert entries[-1]["source"] == str(path)
    with store.engine.connect() as conn:
        events = conn.execute(
            text("SELECT new_value FROM audit_event WHERE action = 'refuse_pack'")
        ).scalars()
        assert sum(str(outcome.error) in json.loads(e)["refused"] for e in events) >= 1
    return outcome.error
