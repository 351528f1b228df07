"""Faults say what happened and what to do: a store busy with another workbench's write, a
store on read-only media, a full disk, a damaged page."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from packs_helpers import ANN, BOB, PASSPHRASE, grade, make_inspector, make_lead
from sqlalchemy import select
from store_helpers import snapshot

from db.engine import Store
from db.models import Assessment
from workbench.identity import set_user_name
from workbench.packs import export_pack, import_packs
from workbench.store import open_workbench_store
from workbench.store_faults import StoreBusy

ROOT = Path(__file__).resolve().parents[2]
# Another workbench's write, held open until told to commit: a real audited edit.
HOLDER = """
import sys
from workbench.store import open_workbench_store
from workbench import audit
store = open_workbench_store(sys.argv[1])
with store.sessions.begin() as session:
    audit.record(session, "Other Workbench", "update", "identity", "x", "note", None, "held")
    session.flush()
    print("holding", flush=True)
    sys.stdin.readline()
store.close()
"""


@contextmanager
def another_workbench_writing(path: Path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield holder
    finally:
        holder.communicate("commit\n", timeout=60)
    assert holder.returncode == 0


def inspectors(store: Store) -> list[str]:
    with store.sessions() as session:
        return sorted(session.scalars(select(Assessment.inspector)))


def held_events(store: Store) -> list:
    return [r for r in snapshot(store)["audit_event"] if "held" in r]


def test_a_grades_import_meeting_a_busy_store_says_so_and_writes_nothing(tmp_path: Path) -> None:
    from workbench.services.grades_import import import_grades

    team = make_lead(tmp_path / "team")
    grades = tmp_path / "grades.csv"
    grades.write_text("case_ref,overall_grade,rationale\nMPS-CP-4471,good,Seen and safe.\n")
    lead_path = team.lead.path
    before = snapshot(team.lead)
    team.lead.close()  # only the other workbench has the store open
    env = {**os.environ, "WORKBENCH_BUSY_TIMEOUT": "0.5"}
    with another_workbench_writing(lead_path) as holder:
        result = subprocess.run(
            [sys.executable, "-m", "workbench", "--db", str(lead_path), "grades", "import",
             "--inspection", team.inspection_id, "--inspector", ANN, str(grades)],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
        )  # fmt: skip
        assert snapshot(team.lead) == before
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert (
        f"The store is in use by another workbench (process {holder.pid}); close it and try "
        "again. Waited 0.5 seconds; nothing was written." in result.stderr
    )
    lead = open_workbench_store(lead_path)
    after = snapshot(lead)
    assert len(held_events(lead)) == 1  # the other workbench's work is intact
    assert after["assessment"] == before["assessment"] == []
    import_grades(lead, team.inspection_id, ANN, grades)  # once it is free, it works
    assert len(snapshot(lead)["assessment"]) == 1
    lead.close()


def test_a_pack_import_meeting_a_busy_store_keeps_what_was_merged_and_lists_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = make_lead(tmp_path / "team")
    packs = []
    for name, case in ((ANN, "MPS-CP-4471"), (BOB, "MPS-CP-4473")):
        inspector = make_inspector(team, name)
        set_user_name(inspector, name)
        grade(inspector, team.cases[case], name, "good")
        slug = name.split()[0].lower()
        packs.append(export_pack(inspector, team.inspection_id, tmp_path / f"{slug}.wbpack").path)
        inspector.close()
    team.lead.close()
    monkeypatch.setenv("WORKBENCH_BUSY_TIMEOUT", "0.5")
    lead = open_workbench_store(team.folder / "lead.sqlite")

    with ExitStack() as other:

        def progress(done: int, total: int, text: str) -> None:
            if done == 1 and total == 3:  # Ann's pack merged: another workbench starts writing
                other.enter_context(another_workbench_writing(lead.path))

        outcomes = import_packs(lead, [*packs, packs[1]], PASSPHRASE, progress=progress)
    assert [o.result is not None for o in outcomes] == [True, False, False]
    assert [type(o.error) for o in outcomes[1:]] == [StoreBusy, StoreBusy]
    assert "in use by another workbench" in str(outcomes[1].error)
    assert inspectors(lead) == [ANN]  # Ann's pack kept, Bob's not in
    assert len(held_events(lead)) == 1  # and the other workbench's work is there too
    [again] = import_packs(lead, packs[1:], PASSPHRASE)  # once it is free, Bob's goes in
    assert again.error is None
    assert inspectors(lead) == [ANN, BOB]
    lead.close()
