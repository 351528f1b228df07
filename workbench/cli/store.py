"""``workbench store check | backup | restore``: the store's health and its copies.

``check`` runs SQLite's full integrity check; ``backup`` copies the store while it may be
in use (SQLite's online backup API), encrypted like the store and owner-only; ``restore``
puts a backup in the store's place after checking it, refusing a backup of another store
unless ``--force`` is given. The store as it was is kept as a backup first.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import Subparsers, echo, group, opened_store
from workbench.errors import StoreError, WorkbenchError


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    actions = group(subparsers, "store", "check the store, back it up or restore a backup")
    check = actions.add_parser(
        "check",
        help="check every page of the store (SQLite integrity check)",
        description="Check every page of the store with SQLite's integrity check. A damaged "
        "store is reported with the latest backup to restore (exit 1).",
    )
    check.set_defaults(handler=run_check)
    backup = actions.add_parser(
        "backup",
        help="copy the store to a file, encrypted like the store",
        description="Copy the store, even while the window has it open, to FILE: encrypted "
        "under the same passphrase, readable by you only.",
    )
    backup.add_argument("--out", required=True, type=Path, metavar="FILE")
    backup.set_defaults(handler=run_backup)
    restore = actions.add_parser(
        "restore",
        help="replace the store with a backup of it",
        description="Replace the store with FILE, a backup of it, after checking the backup. "
        "The store as it was is backed up first. A backup of another store is refused "
        "unless --force is given.",
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument(
        "--force", action="store_true", help="restore even a backup of another store"
    )
    restore.set_defaults(handler=run_restore)


def run_check(args: argparse.Namespace) -> int:
    from workbench.store_faults import damaged_message, run_check

    with opened_store(args) as store:
        problems = run_check(store, quick=False)
        if problems:
            raise StoreError(damaged_message(store, "; ".join(problems[:3])))
        echo(f"The store {store.describe()} is sound: every page passed SQLite's check.")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    from workbench.store_backups import backup_to

    with opened_store(args) as store:
        target = backup_to(store, args.out)
        kind = "encrypted" if store.encrypted else "plaintext"
        echo(f"Backed up the store to {target} ({kind}, readable by you only).")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from workbench.store import default_store_path
    from workbench.store_backups import restore

    target = Path(args.db) if args.db else default_store_path()
    if "://" in str(args.db or ""):
        raise WorkbenchError("Only a SQLite store file can be restored from a backup.")
    kept = restore(target, args.file, force=args.force)
    echo(f"Restored {target} from {args.file}.")
    if kept:
        echo(f"The store as it was is kept in {kept}.")
    return 0
