"""Migrations on open: a new store to head, an old store upgraded after a backup, a newer
store or a file that is not a database refused and left byte for byte as it was."""

from __future__ import annotations

from pathlib import Path

import backends
import pytest
from alembic import command
from keyed import connect, open_store
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from db.engine import StoreOpenError, alembic_config, head_revision, make_engine
from db.models import Base

FIRST_REVISION = "0001_initial"
INSPECTION_ROW = {
    "id": "7d0b7a52-2f1e-4c55-9a0e-3c1d6a2b9e01",
    "force": "Northshire Police",
    "title": "Child protection inspection",
    "start_date": "2026-11-02",
    "end_date": "2026-11-29",
    "methodology_id": "ncpi-child-protection",
    "methodology_version": "1.0",
    "marking": "OFFICIAL-SENSITIVE",
    "fictional": False,
    "created_by": "Alex Inspector",
    "created_at": "2026-11-02T09:00:00.000000+00:00",
}


def _version(path: Path) -> str:
    with connect(path) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _store_at_first_revision(path: Path) -> None:
    """A store as the first release wrote it, with one inspection in it."""
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), FIRST_REVISION)
    columns = ", ".join(INSPECTION_ROW)
    values = ", ".join(f":{key}" for key in INSPECTION_ROW)
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO inspection ({columns}) VALUES ({values})"), INSPECTION_ROW)
    engine.dispose()


def test_an_empty_store_is_migrated_to_head_without_a_backup(store_path: Path) -> None:
    store = open_store(store_path)
    tables = set(inspect(store.engine).get_table_names())
    store.close()

    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert _version(store_path) == head_revision()
    assert store.backup is None
    assert not [name for name in _files(store_path.parent) if name.endswith(".bak")]


def test_a_store_at_the_first_revision_is_upgraded_after_a_backup(store_path: Path) -> None:
    _store_at_first_revision(store_path)
    assert head_revision() != FIRST_REVISION  # otherwise this test checks nothing

    store = open_store(store_path)
    with store.engine.connect() as conn:
        kept = conn.execute(text("SELECT id, force, title FROM inspection")).all()
    tables = set(inspect(store.engine).get_table_names())
    store.close()

    assert kept == [(INSPECTION_ROW["id"], INSPECTION_ROW["force"], INSPECTION_ROW["title"])]
    assert set(Base.metadata.tables) <= tables
    assert _version(store_path) == head_revision()
    backup = store.backup
    assert backup is not None and backup.parent == store_path.parent
    assert backup.name.startswith(f"{store_path.name}.{FIRST_REVISION}.")
    assert backup.suffix == ".bak"
    assert _version(backup) == FIRST_REVISION
    with connect(backup) as conn:
        assert conn.execute("SELECT title FROM inspection").fetchall() == [
            (INSPECTION_ROW["title"],)
        ]


def test_a_store_from_a_newer_version_is_refused_and_left_unchanged(store_path: Path) -> None:
    open_store(store_path).close()
    with connect(store_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = store_path.read_bytes()
    files_before = _files(store_path.parent)

    with pytest.raises(StoreOpenError) as refused:
        open_store(store_path)

    message = str(refused.value)
    assert "newer version" in message
    assert "9999_future" in message
    assert str(store_path) in message
    assert store_path.read_bytes() == before
    assert _files(store_path.parent) == files_before  # no backup, no leftover WAL files
    assert _version(store_path) == "9999_future"


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"Interview notes, not a database.\n" * 200)
    before = path.read_bytes()

    with pytest.raises(StoreOpenError) as refused:
        open_store(path)

    assert f"{path} is not a workbench store" in str(refused.value)
    assert path.read_bytes() == before


def test_the_store_runs_in_wal_mode_with_foreign_keys_on(store_path: Path) -> None:
    store = open_store(store_path)
    with store.engine.connect() as conn:
        journal = conn.execute(text("PRAGMA journal_mode")).scalar()
        foreign_keys = conn.execute(text("PRAGMA foreign_keys")).scalar()
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO case_file (id, inspection_id, reference, category, unit, "
                "methodology_version, created_at) VALUES ('c1', 'no-such-inspection', 'R1', "
                "'section_47', '', '1.0', '2026-11-02T09:00:00.000000+00:00')"
            )
        )
    store.close()

    assert journal == "wal"
    assert foreign_keys == 1
    with connect(store_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # kept in the file
        assert conn.execute("SELECT count(*) FROM case_file").fetchone()[0] == 0


def test_revision_file_names_match_alembics_graph():
    """Opening a store reads revisions from file names; they must be Alembic's revisions."""
    from alembic.script import ScriptDirectory

    from db.engine import alembic_config
    from db.revisions import head_revision, known_revisions

    script = ScriptDirectory.from_config(alembic_config())
    graph = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert known_revisions() == graph
    assert head_revision() == script.get_current_head()


def _chain(origin: str, count: int, seq_from: int) -> list[dict]:
    """``count`` linked audit events of ``origin`` (as rows, with a global ``seq``)."""
    from workbench import audit

    events, previous = [], audit.GENESIS
    for n in range(1, count + 1):
        values = {
            "id": f"{origin[:8]}-0000-4000-8000-{n:012d}", "origin": origin, "origin_seq": n,
            "at": f"2026-11-0{n}T09:00:00.000000+00:00", "actor": "Ann Able",
            "action": "update", "entity": "assessment", "entity_id": ASSESSMENT_ID,
            "field": "notes", "old_value": None, "new_value": f"Note {n}\nsecond line, café",
            "prev_hash": previous,
        }  # fmt: skip
        previous = audit.event_hash(**values)
        events.append({**values, "hash": previous, "seq": seq_from + n})
    return events


ASSESSMENT_ID = "a0000000-0000-4000-8000-000000000001"
OWN, OTHER = "0a000000-0000-4000-8000-000000000000", "0b000000-0000-4000-8000-000000000000"


def _store_at_keys_revision(path: Path | str) -> list[dict]:
    """A store as revision 0003 wrote it: prompt answers as rows, received audit events as
    rows beside this store's own; returns the events. ``path``: a file or a server URL."""
    engine = make_engine(str(path) if "://" in str(path) else f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0003_keys")
    now = "2026-11-02T09:00:00.000000+00:00"
    case = {"id": "c0000000-0000-4000-8000-000000000001", "inspection_id": INSPECTION_ROW["id"]}
    case.update(reference="NS/1", category="section_47", unit="North", created_at=now)
    case.update(methodology_version="1.0")
    assessment = {"id": ASSESSMENT_ID, "case_id": case["id"], "inspector": "Ann Able"}
    assessment.update(status="in_progress", rationale="", methodology_id="ncpi-child-protection")
    assessment.update(methodology_version="1.0", revision=3, created_at=now, updated_at=now)
    answers = [
        {"id": f"d0000000-0000-4000-8000-00000000000{n}", "assessment_id": ASSESSMENT_ID,
         "stage_id": "investigation", "prompt_id": prompt, "answer": answer}
        for n, (prompt, answer) in enumerate([("inv.joint_visit", "no"), ("inv.seen", "yes")])
    ]  # fmt: skip
    events = _chain(OWN, 2, 0) + _chain(OTHER, 3, 2)
    rows = [
        ("store_identity", [{"id": OWN, "created_at": now, "updated_at": now}]),
        ("inspection", [INSPECTION_ROW]),
        ("case_file", [case]),
        ("assessment", [assessment]),
        ("prompt_answer", answers),
        ("audit_event", events),
    ]
    with engine.begin() as conn:
        for table, records in rows:
            columns = ", ".join(records[0])
            values = ", ".join(f":{key}" for key in records[0])
            conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), records)
    engine.dispose()
    return events


def test_answers_and_received_audit_events_move_to_their_compact_form(store_path: Path) -> None:
    """On SQLite, and with ``--backend=postgresql`` on a server (the same migrations)."""
    from workbench import audit

    target = backends.empty_database() if backends.on_server() else store_path
    events = _store_at_keys_revision(target)
    store = open_store(target, set_up_server=backends.on_server())
    try:
        with store.engine.connect() as conn:
            answers = conn.execute(text("SELECT answers FROM assessment")).scalar_one()
            own_rows = conn.execute(text("SELECT origin, origin_seq FROM audit_event")).all()
            segment = conn.execute(
                text("SELECT origin, first_seq, last_seq, events, last_hash FROM audit_segment")
            ).one()
        tables = set(inspect(store.engine).get_table_names())
        with store.sessions() as session:
            received = [(e.origin, e.origin_seq, e.hash) for e in audit.received_events(session)]
            report = audit.verify(session)
    finally:
        store.close()

    assert answers == '{"inv.joint_visit":"no","inv.seen":"yes"}'
    assert "prompt_answer" not in tables
    assert own_rows == [(OWN, 1), (OWN, 2)]  # this store's own events stay rows
    assert segment == (OTHER, 1, 3, 3, events[-1]["hash"])
    assert received == [(e["origin"], e["origin_seq"], e["hash"]) for e in events[2:]]
    assert report.intact and (report.events, report.origins) == (5, 2)


FOLLOWUP_REVISION = "0008_followup"
CASE_ROW = {
    "id": "5b1f6c0e-8a4d-4f2e-9c3b-1a2b3c4d5e6f",
    "inspection_id": INSPECTION_ROW["id"],
    "reference": "NS/1",
    "category": "section_47",
    "unit": "North",
    "assigned_to": "Ann Able",
    "methodology_version": "1.0",
    "created_at": "2026-11-02T09:00:00.000000+00:00",
}


def test_a_store_with_the_followup_gains_the_fieldwork_and_keeps_its_recommendations(
    store_path: Path,
) -> None:
    """0010_fieldwork follows 0008_followup: a store written at the follow-up's revision
    keeps its cases and recommendations and gains the fieldwork's columns and tables."""
    engine = make_engine(f"sqlite:///{store_path}")
    command.upgrade(alembic_config(engine), FOLLOWUP_REVISION)
    with engine.begin() as conn:
        for table, row in (("inspection", INSPECTION_ROW), ("case_file", CASE_ROW)):
            columns, values = ", ".join(row), ", ".join(f":{key}" for key in row)
            conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)
        conn.execute(
            text(
                "INSERT INTO recommendation (id, inspection_id, number, title, text, points, "
                "timeframe, areas, categories, discharged_reason, author, revision, created_at, "
                "updated_at) VALUES ('r1', :inspection, 1, 'Supervision', 'The force should...', "
                "'[]', 'immediate', '[]', '[]', '', 'Alex Inspector', 1, :at, :at)"
            ),
            {"inspection": INSPECTION_ROW["id"], "at": INSPECTION_ROW["created_at"]},
        )
    engine.dispose()

    store = open_store(store_path)
    try:
        with store.engine.connect() as conn:
            case = conn.execute(
                text("SELECT reference, assigned_to, second_inspector, attributes FROM case_file")
            ).one()
            archived = conn.execute(text("SELECT archived_at FROM inspection")).scalar_one()
            titles = conn.execute(text("SELECT title FROM recommendation")).scalars().all()
        tables = set(inspect(store.engine).get_table_names())
    finally:
        store.close()

    assert _version(store_path) == head_revision()
    assert tuple(case) == ("NS/1", "Ann Able", None, "{}")
    assert archived is None
    assert titles == ["Supervision"]
    assert {"stage_moderation", "sample_draw", "kit_issue", "recommendation"} <= tables
    assert store.backup is not None and _version(store.backup) == FOLLOWUP_REVISION


def _kit_event(n: int, previous: str, inspector: str, cases: int) -> dict:
    from workbench import audit

    values = {
        "id": f"e0000000-0000-4000-8000-{n:012d}", "origin": OWN, "origin_seq": n,
        "at": f"2026-11-0{n}T09:00:00.000000+00:00", "actor": "Lee Lead",
        "action": "issue_kit", "entity": "inspection", "entity_id": INSPECTION_ROW["id"],
        "field": "", "old_value": None,
        "new_value": f'{{"cases": {cases}, "inspector": "{inspector}"}}', "prev_hash": previous,
    }  # fmt: skip
    return {**values, "hash": audit.event_hash(**values), "seq": n}


def test_the_trust_revision_keeps_one_record_of_kits_and_begins_the_chain_heads(
    store_path: Path,
) -> None:
    """0011_trust follows 0010_fieldwork: the kits recorded there keep their cases and gain
    the columns packs' authority reads; a kit only the audit trail knows of (issued before
    kits were recorded) is taken from it with every case; this store's chain head is kept."""
    from workbench import audit

    engine = make_engine(f"sqlite:///{store_path}")
    command.upgrade(alembic_config(engine), "0010_fieldwork")
    now = "2026-11-02T09:00:00.000000+00:00"
    first = _kit_event(1, audit.GENESIS, "Ann Able", 2)
    second = _kit_event(2, first["hash"], "Bob Baker", 3)
    kit = {"id": "k1", "inspection_id": INSPECTION_ROW["id"], "inspector": "Ann Able",
           "case_ids": '["c1","c2"]', "issued_by": "Lee Lead", "issued_at": now}  # fmt: skip
    rows = [
        ("store_identity", [{"id": OWN, "created_at": now, "updated_at": now}]),
        ("inspection", [INSPECTION_ROW]),
        ("kit_issue", [kit]),
        ("audit_event", [first, second]),
    ]
    with engine.begin() as conn:
        for table, records in rows:
            columns = ", ".join(records[0])
            values = ", ".join(f":{key}" for key in records[0])
            conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), records)
    engine.dispose()

    store = open_store(store_path)
    try:
        with store.engine.connect() as conn:
            kits = conn.execute(
                text(
                    "SELECT inspector, case_ids, cases, all_cases, file_name FROM kit_issue "
                    "ORDER BY inspector"
                )
            ).all()
            heads = conn.execute(
                text("SELECT kind, origin, last_seq, last_hash FROM chain_head")
            ).all()
        tables = set(inspect(store.engine).get_table_names())
    finally:
        store.close()

    assert _version(store_path) == head_revision()
    assert "issued_kit" not in tables  # one record of issued kits
    assert [tuple(k) for k in kits] == [
        ("Ann Able", '["c1","c2"]', 0, False, ""),
        ("Bob Baker", "[]", 3, True, ""),
    ]
    assert [tuple(h) for h in heads] == [("own", OWN, 2, second["hash"])]
