"""The copy kept before a migration: owner-only, encrypted like the store, the latest three."""

from __future__ import annotations

import os
from pathlib import Path

from keyed import connect, open_store

from db import backups, cipher


def test_backups_before_migrations_are_owner_only_encrypted_and_bounded(tmp_path: Path):
    old = os.umask(0o022)
    try:
        store = open_store(tmp_path / "store.sqlite")
        made = [backups.before_migration(store, f"000{n}_old", keep=3) for n in range(5)]
        store.close()
    finally:
        os.umask(old)
    kept = sorted(tmp_path.glob("*.bak"))
    assert kept == sorted(made[-3:])
    for copy in kept:
        assert copy.stat().st_mode & 0o777 == 0o600
        assert not cipher.is_plaintext(copy)
        with connect(copy) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
