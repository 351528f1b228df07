"""What a killed process leaves, and what a store may be created as: the temporary file of
an export killed part-way is removed the next time its store is opened, wherever the export
was going (a running process's is kept); a new store is never created unencrypted, except
by the explicit plaintext path the tests and benchmark baselines use."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from db import cipher
from db.engine import StoreOpenError, open_store
from db.files import ledger_of
from workbench.reports.files import atomic_path
from workbench.store import open_workbench_store

ROOT = Path(__file__).resolve().parents[2]
KILLED_EXPORT = """
import os, signal, sys
from workbench.reports.files import atomic_path
from workbench.store import open_workbench_store
store = open_workbench_store(sys.argv[1])
with atomic_path(sys.argv[2]) as temporary:
    temporary.write_bytes(b"%PDF-1.4 half a report")
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX; CI (Linux) runs this")
def test_a_killed_export_s_temporary_file_is_removed_when_its_store_next_opens(
    tmp_path: Path,
) -> None:
    store_path, exports = tmp_path / "store" / "store.sqlite", tmp_path / "exports"
    store_path.parent.mkdir()
    exports.mkdir()
    open_workbench_store(store_path).close()
    child = subprocess.run(
        [sys.executable, "-c", KILLED_EXPORT, str(store_path), str(exports / "findings.pdf")],
        cwd=ROOT, capture_output=True, check=False,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert len(_parts(exports)) == 1 and not (exports / "findings.pdf").exists()

    store = open_workbench_store(store_path)  # no write to the exports folder needed
    assert _parts(exports) == []
    assert not ledger_of(store_path).exists()  # nothing left noted, nothing left beside it

    # This (running) process's own export in progress is kept by another open of the store,
    # and once it is written nothing is left behind.
    with atomic_path(exports / "summary.pdf") as temporary:
        temporary.write_bytes(b"%PDF-1.4 a whole report")
        open_workbench_store(store_path).close()
        assert _parts(exports) == [temporary.name]
    assert _parts(exports) == [] and not ledger_of(store_path).exists()
    assert sorted(p.name for p in exports.iterdir()) == ["summary.pdf"]
    store.close()


def test_a_new_store_without_a_passphrase_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    with pytest.raises(StoreOpenError, match="a new store is always encrypted: give its store"):
        open_store(path)
    assert not path.exists()
    open_store(path, plaintext=True).close()  # the tests' and baselines' explicit path
    assert cipher.is_plaintext(path)
    open_store(path).close()  # an existing plaintext store still opens (to be encrypted)
