"""Every file the workbench writes is readable by its owner only (POSIX): the store, its WAL
and shared-memory files, backups, packs, kits and reports, whatever the umask."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from packs_helpers import ANN, PASSPHRASE, grade, make_lead
from store_helpers import DemoStore

from db.backups import copy_store
from workbench.identity import set_user_name
from workbench.packs import export_kit, export_pack, import_kit
from workbench.reports.findings import write_findings_pdf
from workbench.reports.html import write_findings_html
from workbench.reports.xlsx import write_csv, write_xlsx
from workbench.store import open_workbench_store

pytestmark = pytest.mark.skipif(
    os.name != "posix",
    reason="owner-only file modes are POSIX; Windows has none (CI runs on Linux and runs this)",
)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)  # the usual desktop umask: others may read what is not protected
    yield
    os.umask(old)


def modes(folder: Path) -> dict[str, str]:
    return {p.name: oct(p.stat().st_mode & 0o777) for p in folder.iterdir() if p.is_file()}


def test_store_wal_backup_pack_and_kit_are_owner_only(tmp_path: Path, open_umask) -> None:
    team = make_lead(tmp_path)
    kit = export_kit(team.lead, team.inspection_id, ANN, tmp_path / "ann.wbkit", PASSPHRASE)
    ann = open_workbench_store(tmp_path / "ann.sqlite")
    import_kit(ann, kit.path, kit.code)
    set_user_name(ann, ANN)
    grade(ann, team.cases["MPS-CP-4471"], ANN, "good")
    export_pack(ann, team.inspection_id, tmp_path / "ann.wbpack")
    copy_store(ann, tmp_path / "ann.backup")
    with ann.engine.connect():  # the WAL and -shm files exist while a connection is open
        seen = modes(tmp_path)
    ann.close()
    team.lead.close()

    expected = {"lead.sqlite", "ann.sqlite", "ann.sqlite-wal", "ann.sqlite-shm", "ann.wbkit"}
    expected |= {"ann.wbpack", "ann.backup"}
    assert expected <= set(seen)
    assert {name: mode for name, mode in seen.items() if mode != "0o600"} == {}


def test_reports_are_owner_only(demo_store: DemoStore, tmp_path: Path, open_umask) -> None:
    store, inspection = demo_store.store, demo_store.inspection_id
    write_findings_pdf(store, inspection, tmp_path / "findings.pdf")
    write_findings_html(store, inspection, tmp_path / "findings.html")
    write_xlsx(store, inspection, tmp_path / "findings.xlsx")
    (tmp_path / "csv").mkdir()
    write_csv(store, inspection, tmp_path / "csv")
    assert modes(tmp_path) == {
        "findings.pdf": "0o600",
        "findings.html": "0o600",
        "findings.xlsx": "0o600",
    }
    csv_files = modes(tmp_path / "csv")
    assert "summary.csv" in csv_files
    assert set(csv_files.values()) == {"0o600"}
