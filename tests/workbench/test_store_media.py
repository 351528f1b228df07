"""A store on read-only media, and on a full disk: reading works where it can, writing is
refused in words, and the store and its backups stay as they were (no partial files)."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_helpers import snapshot
from test_store_encryption import fill

from db import backups, cipher
from db.engine import StoreOpenError, make_engine, open_store
from workbench.cli import main
from workbench.identity import set_user_name
from workbench.services.inspections import list_inspections
from workbench.store import open_workbench_store
from workbench.store_faults import FULL_MESSAGE

CASES = "reference,category,unit\n" + "".join(
    f"NS/26/{n:05d},section_47,North borough with a long name {n}\n" for n in range(3000)
)


def mount(*args: str) -> bool:
    try:
        return subprocess.run(["mount", *args], capture_output=True).returncode == 0
    except OSError:
        return False


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def made_store(path: Path) -> str:
    store = open_workbench_store(path)
    set_user_name(store, "Alex Inspector")
    fill(store)
    [inspection] = list_inspections(store)
    store.close()
    return inspection.id


def _cannot_mount(what: str) -> None:
    """Mounting needs root: skipped on a developer's machine without it, never in CI (which
    runs as root), where a failed mount is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} failed in CI, where it must run")
    pytest.skip(f"{what} needs root, which this run does not have; CI runs as root and runs this")


@pytest.fixture
def read_only_store(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A store in a folder bind-mounted read-only (as a write-protected USB stick)."""
    source, media = tmp_path / "source", tmp_path / "media"
    source.mkdir()
    media.mkdir()
    inspection = made_store(source / "store.sqlite")
    if not (mount("--bind", str(source), str(media))):
        _cannot_mount("a read-only bind mount (mount --bind)")
    try:
        assert mount("-o", "remount,bind,ro", str(media))
        yield media / "store.sqlite", inspection
    finally:
        subprocess.run(["umount", str(media)], check=True)


def test_reading_commands_work_on_read_only_media_and_writes_are_refused_in_words(
    capsys, read_only_store, tmp_path: Path
) -> None:
    path, inspection = read_only_store
    before = path.read_bytes()
    code, out, err = run(capsys, "--db", str(path), "summary", "--inspection", inspection)
    assert (code, err) == (0, "")
    assert "Testshire Police" in out
    pdf = tmp_path / "findings.pdf"
    args = ("--db", str(path), "report", "pdf", "--inspection", inspection, "--out", str(pdf))
    assert run(capsys, *args)[0] == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    code, out, err = run(capsys, "--db", str(path), "audit", "verify")
    assert (code, err) == (0, ""), out

    code, out, err = run(capsys, "--db", str(path), "identity", "set", "--name", "Someone")
    assert (code, out) == (1, "")
    assert f"The store {path} cannot be written (read-only media or no permission)" in err
    assert "Commands that only read (summary, reports, audit verify) still work" in err
    assert err.count("\n") == 1
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["store.sqlite"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB file system (tmpfs) to fill up."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not mount("-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)):
        _cannot_mount("a small tmpfs (mount -t tmpfs)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def fill_up(disk: Path, left_kib: int = 16) -> None:
    """Fill the file system, leaving only ``left_kib`` kilobytes."""
    with open(disk / "filler", "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    with open(disk / "filler", "r+b") as handle:
        handle.truncate((disk / "filler").stat().st_size - left_kib * 1024)


def test_a_full_disk_during_an_import_says_so_and_leaves_the_store_as_it_was(
    capsys, small_disk: Path, tmp_path: Path
) -> None:
    path = small_disk / "store.sqlite"
    inspection = made_store(path)
    store = open_workbench_store(path)
    before = snapshot(store)
    store.close()
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES)
    fill_up(small_disk, left_kib=160)  # room to open the store, not to import 3,000 cases

    code, out, err = run(capsys, "--db", str(path), "cases", "import", "--inspection",
                         inspection, str(cases))  # fmt: skip
    assert (code, out) == (1, "")
    assert err == f"workbench: {FULL_MESSAGE}\n"
    (small_disk / "filler").unlink()
    store = open_workbench_store(path)
    assert snapshot(store) == before
    store.close()
    assert sorted(p.name for p in small_disk.iterdir()) == ["store.sqlite"]


def old_plaintext_store(path: Path, inspections: int = 0) -> None:
    """A store as an earlier version wrote it: unencrypted, at the first revision, with
    ``inspections`` rows of about 1 KB each."""
    from alembic import command
    from sqlalchemy import text

    from db.engine import alembic_config

    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0001_initial")
    rows = [
        dict(id=f"i{n}", force="Testshire Police", title=f"Inspection {n} " + "x" * 1000,
             start_date="2026-01-05", end_date="2026-01-30", methodology_id="ncpi",
             methodology_version="1.0", marking="OFFICIAL-SENSITIVE", fictional=0,
             created_by="Alex", created_at="2026-01-05T09:00:00.000000+00:00")
        for n in range(inspections)
    ]  # fmt: skip
    if rows:
        with engine.begin() as conn:
            columns = ", ".join(rows[0])
            values = ", ".join(f":{k}" for k in rows[0])
            conn.execute(text(f"INSERT INTO inspection ({columns}) VALUES ({values})"), rows)
    engine.dispose()


def test_a_full_disk_during_encryption_or_migration_leaves_no_partial_file(
    small_disk: Path,
) -> None:
    path = small_disk / "store.sqlite"
    old_plaintext_store(path, inspections=800)
    before = path.read_bytes()
    fill_up(small_disk, left_kib=300)  # room to open the store, not to copy it

    with pytest.raises(StoreOpenError, match="the disk is full") as refused:
        open_store(path, passphrase="tidy lantern orchard velvet 42")  # encrypt, then migrate
    assert "left as it was" in str(refused.value)
    with pytest.raises(StoreOpenError, match="is full, so it could not be updated"):
        open_store(path)  # unencrypted: the backup before migrating meets the full disk
    assert path.read_bytes() == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "store.sqlite"]


def test_a_failing_write_of_the_backup_before_a_migration_leaves_no_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same without a file system to fill: the disk fills as the backup is flushed."""
    path = tmp_path / "store.sqlite"
    old_plaintext_store(path)
    before = path.read_bytes()

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups.os, "fsync", full)
    with pytest.raises(StoreOpenError, match="is full, so it could not be updated"):
        open_store(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.sqlite"]


def test_a_failing_write_while_encrypting_leaves_the_plaintext_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite"
    old_plaintext_store(path)
    before = path.read_bytes()

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cipher.os, "replace", full)
    with pytest.raises(StoreOpenError, match="could not be encrypted"):
        open_store(path, passphrase="tidy lantern orchard velvet 42")
    assert path.read_bytes() == before
    assert cipher.is_plaintext(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.sqlite"]
