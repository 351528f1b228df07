"""Copies of the store: before a migration, on request, and daily during fieldwork.

Every copy is made with SQLite's online backup API from an open connection (so it is
consistent while the store is in use), encrypted under the same key as the store,
owner-only, written under a temporary name and renamed only once complete: a full disk
leaves no partial or empty file behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from db import cipher
from db.files import finished_part, owner_only, part_prefix, started_part

if TYPE_CHECKING:
    from db.engine import Store


def copy_store(store: Store, target: Path) -> Path:
    """Copy the open SQLite store to ``target`` (replacing it only once the copy is whole)."""
    source = store.path
    if source is None:
        raise ValueError("only a SQLite store can be copied to a file")
    temp = target.with_name(
        f"{part_prefix(target)}{secrets.token_hex(4)}.part"
    )  # names this process
    try:
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        started_part(temp)
        with (
            closing(cipher.connect(source, store.key)) as src,
            closing(cipher.dbapi.connect(str(temp))) as dst,
        ):
            cipher.apply_key(dst, store.key, temp)
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE").fetchone()
        owner_only(temp)
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    finally:
        finished_part(temp)
    return target


def before_migration(store: Store, revision: str | None, *, keep: int = 3) -> Path:
    """The copy taken before migrating from ``revision``; only the latest ``keep`` remain."""
    path = store.path
    assert path is not None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.{revision or 'base'}.{stamp}.bak")
    copy_store(store, target)
    copies = sorted(path.parent.glob(f"{path.name}.*.bak"), key=lambda p: p.stat().st_mtime)
    prune(copies, keep)
    return target


def prune(copies: list[Path], keep: int) -> None:
    """Remove all but the last ``keep`` of ``copies`` (oldest first)."""
    for old in copies[: max(0, len(copies) - keep)]:
        if not old.name.endswith(".plaintext.bak"):
            with contextlib.suppress(FileNotFoundError):
                old.unlink()


def check_copy(path: Path, key: cipher.StoreKey | None) -> list[str]:
    """SQLite's integrity check of a store file: [] when sound, else what it found."""
    try:
        with closing(cipher.connect(path, key, read_only=True)) as conn:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except cipher.WrongPassphrase:
        raise
    except cipher.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def read_identity(path: Path, key: cipher.StoreKey | None) -> str | None:
    """The store id recorded in a store file (None when it has none yet)."""
    with closing(cipher.connect(path, key, read_only=True)) as conn:
        row = conn.execute("SELECT id FROM store_identity LIMIT 1").fetchone()
    return row[0] if row else None


def put_in_place(backup: Path, path: Path) -> None:
    """Make ``path`` a copy of ``backup``: copied beside it, then renamed over it in one step
    (its old -wal and -shm removed first, so they cannot be replayed into the copy)."""
    import shutil

    temp = path.with_name(f"{part_prefix(path)}{secrets.token_hex(4)}.part")
    try:
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        started_part(temp)
        shutil.copyfile(backup, temp)
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        for side in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path.with_name(path.name + side))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    finally:
        finished_part(temp)
