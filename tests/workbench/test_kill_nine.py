"""Killed at random points (SIGKILL) during a 100,000-case import, a 30-pack import and a PDF
export, 52 times: the store passes SQLite's integrity check and the audit trail verifies
every time, each import is all or nothing, and no partial file is left under its final name
(the temporary file a killed export leaves is removed when its store is next opened)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest
from pack_docs import document as pack_document
from pack_docs import make_template, write_pack
from packs_helpers import ANN, BOB, PASSPHRASE, dump
from store_helpers import connect_file

from workbench import audit
from workbench.packs import import_packs
from workbench.store import open_workbench_store

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
CASES = 100_000
KILLS = {"cases": 20, "packs": 17, "pdf": 15}
RNG = random.Random(9)


def cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "workbench", "--db", str(db), *args]


def full_run(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - start


def runs(section: str, killed: list[int]):  # type: ignore[no-untyped-def]
    """Kill times, at random in a run, until ``KILLS[section]`` runs were really killed
    (``killed`` counts them; a run may finish before its time comes)."""
    for _ in range(4 * KILLS[section]):
        if killed[0] >= KILLS[section]:
            return
        yield RNG.uniform(0.1, 0.85)
    raise AssertionError(f"only {killed[0]} {section} runs were killed")


def kill_during(command: list[str], seconds: float) -> bool:
    """Start ``command`` and SIGKILL it after ``seconds``; True if it was still running."""
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             cwd=ROOT)  # fmt: skip
    try:
        child.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        return True


def sound(path: Path) -> None:
    """SQLite's integrity check passes and the audit trail verifies."""
    with closing(connect_file(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    store = open_workbench_store(path)
    try:
        with store.sessions() as session:
            assert audit.verify(session).intact
    finally:
        store.close()


def count(path: Path, table: str) -> int:
    with closing(connect_file(path)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def packs_imported(path: Path) -> int:
    """How many packs the imports log holds (the lead's store also logs its case sample)."""
    with closing(connect_file(path)) as conn:
        query = "SELECT count(*) FROM import_log WHERE kind = 'pack'"
        return conn.execute(query).fetchone()[0]


VOLATILE = ("audit_event.seq", "inspector_key.id", "inspector_key.registered_at")


def state(store) -> dict:  # type: ignore[no-untyped-def]
    """Every row that packs change, without the import log (counted apart), the record of
    each import (its audit event and chain heads, whose ids and times differ between two runs
    of the same import) and the columns that differ so too."""
    found = dump(store, skip=VOLATILE, but_imports=True)
    del found["import_log"]
    return found


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    allowed = keep | {f"{n}-wal" for n in keep} | {f"{n}-shm" for n in keep}
    return sorted(p.name for p in folder.iterdir() if p.name not in allowed)


def test_killed_imports_and_exports_leave_a_sound_store_and_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", PASSPHRASE)  # the inspection's, for the CLI
    kills = 0
    # --- a 100,000-case import: all or nothing -------------------------------------------
    base = tmp_path / "base.sqlite"
    assert full_run(cli(base, "identity", "set", "--name", "Alex Inspector")) > 0
    inspection = subprocess.run(
        cli(base, "inspection", "create", "--force", "Testshire Police", "--title", "Kill",
            "--start", "2026-01-05", "--end", "2026-01-30"),
        capture_output=True, text=True, cwd=ROOT, check=True,
    ).stdout.strip()  # fmt: skip
    csv = tmp_path / "cases.csv"
    rows = (f"K/{n:06d},section_47,North,CH{n:06d}\n" for n in range(CASES))
    csv.write_text("reference,category,unit,child_ref\n" + "".join(rows))
    work = tmp_path / "cases"
    work.mkdir()
    store = work / "store.sqlite"
    shutil.copy(base, store)
    command = cli(store, "cases", "import", "--inspection", inspection, str(csv))
    duration = full_run(command)
    assert count(store, "case_file") == CASES
    killed = [0]
    for share in runs("cases", killed):
        shutil.copy(base, store)
        killed[0] += kill_during(command, share * duration)
        sound(store)
        assert count(store, "case_file") in (0, CASES)
        assert leftovers(work, {"store.sqlite"}) == []
    kills += killed[0]

    # --- a 30-pack import: each pack all or nothing, in order ----------------------------
    template = make_template(tmp_path / "template")
    packs = []
    for n in range(30):
        inspector = (ANN, BOB)[n % 2]
        # Within the fieldwork under way (packs_helpers.FIELDWORK), as a pack must be; each
        # inspector's revisions rise pack by pack, within the audited edits their trail holds.
        when = f"{date.today() - timedelta(days=n % 3 + 1)}T09:{n:02d}:00.000000+00:00"
        version = {"overall": "good", "stage": "good", "graded": n % 3 == 0, "variant": 0,
                   "revision": n // 2 + 1, "updated_at": when}  # fmt: skip
        spec = {"inspector": inspector, "assessments": {i: version for i in range(4)},
                "referral": None, "audit": min(4, 1 + n // 8)}  # fmt: skip
        doc = pack_document(spec, template["case_ids"], template["inspection_id"])
        packs.append(write_pack(tmp_path / f"{n:02d}.wbpack", doc, template["public"]))
    work = tmp_path / "packs"
    work.mkdir()
    store = work / "lead.sqlite"
    expected = []  # the store after each number of packs imported
    shutil.copy(template["path"], store)
    reference = open_workbench_store(store)
    expected.append(state(reference))
    for path in packs:
        [outcome] = import_packs(reference, [path], PASSPHRASE)
        assert outcome.error is None, outcome.error
        expected.append(state(reference))
    reference.close()
    env_command = cli(store, "pack", "import", *map(str, packs))
    shutil.copy(template["path"], store)
    duration = full_run(env_command)
    killed = [0]
    for share in runs("packs", killed):
        shutil.copy(template["path"], store)
        killed[0] += kill_during(env_command, share * duration)
        sound(store)
        imported = packs_imported(store)
        opened = open_workbench_store(store)
        assert state(opened) == expected[imported]
        opened.close()
        assert leftovers(work, {"lead.sqlite"}) == []
    kills += killed[0]

    # --- a PDF export: the final name holds a whole PDF or nothing -----------------------
    work = tmp_path / "pdf"
    work.mkdir()
    demo = work / "demo.sqlite"
    full_run(cli(demo, "identity", "set", "--name", "Alex Inspector"))
    demo_id = subprocess.run(cli(demo, "demo"), capture_output=True, text=True, cwd=ROOT,
                             check=True).stdout.split()[0]  # fmt: skip
    pdf = work / "findings.pdf"
    command = cli(demo, "report", "pdf", "--inspection", demo_id, "--out", str(pdf))
    duration = full_run(command)
    pdf.unlink()
    killed = [0]
    for share in runs("pdf", killed):
        killed[0] += kill_during(command, share * duration)
        sound(demo)
        if pdf.exists():
            data = pdf.read_bytes()
            assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]
            pdf.unlink()
        # the killed export's temporary file, and the note of it beside the store
        stray = [n for n in leftovers(work, {"demo.sqlite", ".demo.sqlite.parts"})
                 if not n.endswith(".part")]  # fmt: skip
        assert stray == []
    kills += killed[0]
    full_run(command)  # opening the store removes what the killed exports left
    assert leftovers(work, {"demo.sqlite", "findings.pdf"}) == []
    assert kills >= 50
