"""The settings an encrypted store runs with: SQLCipher 4's defaults, and otherwise exactly
the pragmas of a plaintext store (so a plaintext baseline does the same work)."""

from __future__ import annotations

from pathlib import Path

from keyed import open_store

from db import engine

SHARED = (
    "journal_mode", "synchronous", "foreign_keys", "busy_timeout", "cache_size", "temp_store",
    "page_size", "wal_autocheckpoint", "mmap_size",
)  # fmt: skip


def _pragmas(store: engine.Store, names: tuple[str, ...]) -> dict[str, object]:
    with store.engine.connect() as conn:
        return {n: conn.exec_driver_sql(f"PRAGMA {n}").fetchall() for n in names}


def test_an_encrypted_store_uses_sqlcipher_4_defaults(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite")
    try:
        found = _pragmas(store, ("cipher_settings", "cipher_memory_security"))
    finally:
        store.close()
    settings = {row[0] for row in found["cipher_settings"]}
    assert {
        "PRAGMA kdf_iter = 256000;",
        "PRAGMA cipher_page_size = 4096;",
        "PRAGMA cipher_use_hmac = 1;",
        "PRAGMA cipher_hmac_algorithm = HMAC_SHA512;",
        "PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA512;",
    } <= settings
    # off: locking and wiping every SQLite allocation would guard nothing the process does
    # not already hold (the key stays in its memory), at a cost on every statement
    assert found["cipher_memory_security"] == [("0",)]


def test_encrypted_and_plaintext_stores_run_with_the_same_pragmas(tmp_path: Path) -> None:
    stores = [
        open_store(tmp_path / "encrypted.sqlite"),
        engine.open_store(tmp_path / "plaintext.sqlite", plaintext=True),
    ]
    try:
        encrypted, plaintext = (_pragmas(s, SHARED) for s in stores)
        assert stores[0].encrypted and not stores[1].encrypted
    finally:
        for store in stores:
            store.close()
    normalised = [{k: [tuple(str(v) for v in r) for r in rows] for k, rows in p.items()}
                  for p in (encrypted, plaintext)]  # fmt: skip
    assert normalised[0] == normalised[1]
    assert normalised[0]["journal_mode"] == [("wal",)]
