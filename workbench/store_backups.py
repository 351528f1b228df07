"""Backups of the store a user can use: on request, daily during fieldwork, and restore.

Daily backups go in the user data folder's ``backups`` folder, named by the store's id and
the day, and only the latest ``DAILY_KEEP`` of each store are kept.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from platformdirs import user_data_path

from db import backups
from db.engine import Store

DAILY_KEEP = 7


def backup_folder() -> Path:
    override = os.environ.get("WORKBENCH_BACKUP_DIR")
    if override:
        return Path(override)
    from workbench.store import APP_NAME

    return user_data_path(APP_NAME, appauthor=False, ensure_exists=True) / "backups"


def latest_backup_of(path: Path | None, store_id: str | None) -> Path | None:
    """The newest backup of the store file at ``path`` whose id is ``store_id``: daily ones,
    and the copies made before migrations.

    Daily backups are known by the store's id: when a damaged store no longer gives it,
    only the copies beside its file are its own (the folder holds every store's)."""
    found: list[Path] = []
    if path is not None:
        found += list(path.parent.glob(f"{path.name}.*.bak"))
    folder = backup_folder()
    if store_id and folder.is_dir():
        found += list(folder.glob(f"{store_id}.*.wbbackup"))
    found = [p for p in found if not p.name.endswith(".plaintext.bak")]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def store_id_of(store: Store) -> str | None:
    """The store's id if it can still be read (a damaged store may not give it)."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from db.models import StoreIdentity
    from workbench.errors import WorkbenchError

    try:
        with store.sessions() as session:
            return session.scalars(select(StoreIdentity.id)).first()
    except (SQLAlchemyError, WorkbenchError):
        return None


def daily_backup(store: Store, store_id: str, *, today: datetime | None = None) -> Path | None:
    """Today's backup of the store unless there is one already; older ones pruned."""
    if store.path is None or store.read_only:
        return None
    day = (today or datetime.now(UTC)).strftime("%Y-%m-%d")
    folder = backup_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / f"{store_id}.{day}.wbbackup"
    if target.exists():
        return None
    backups.copy_store(store, target)
    backups.prune(sorted(folder.glob(f"{store_id}.*.wbbackup")), DAILY_KEEP)
    return target


def in_fieldwork(store: Store, today: date | None = None) -> bool:
    """Whether any inspection in the store is in its fieldwork (or the week after it)."""
    from sqlalchemy import select

    from db.models import Inspection

    today = today or datetime.now(UTC).date()
    with store.sessions() as session:
        spans = session.execute(select(Inspection.start_date, Inspection.end_date)).all()
    return any(start <= today <= end + timedelta(days=7) for start, end in spans)


def fieldwork_backup(store: Store, today: date | None = None) -> Path | None:
    """Today's automatic backup, made once a day while an inspection's fieldwork is on."""
    if store.path is None or store.read_only or not in_fieldwork(store, today):
        return None
    store_id = store_id_of(store) or "store"
    moment = datetime.combine(today, datetime.min.time(), UTC) if today else None
    return daily_backup(store, store_id, today=moment)


def backup_to(store: Store, target: Path) -> Path:
    """``workbench store backup --out``: a consistent copy, encrypted like the store."""
    from workbench.errors import StoreError, WorkbenchError

    if store.path is None:
        raise WorkbenchError(
            "Only a SQLite store can be backed up to a file; back up a PostgreSQL server with "
            "its own tools (pg_dump)."
        )
    target = Path(target).expanduser().resolve()
    if target == store.path:
        raise WorkbenchError("The backup must go to another file than the store itself.")
    if not target.parent.is_dir():
        raise WorkbenchError(f"The folder {target.parent} does not exist; create it first.")
    try:
        return backups.copy_store(store, target)
    except OSError as exc:
        raise StoreError(
            f"The backup could not be written to {target} ({exc.strerror or exc}); nothing "
            "was left there. Free some space or choose another folder."
        ) from exc


def restore(target: Path, backup: Path, *, force: bool = False) -> Path | None:
    """Put ``backup`` in the place of the store at ``target``; returns where the store as it
    was is kept (None when there was no store). A backup of another store is refused unless
    ``force``; a damaged backup, or one from a newer version, always."""
    from db import cipher
    from db.engine import StoreOpenError, inspect_version, known_revisions, to_url
    from workbench.errors import StoreError, WorkbenchError
    from workbench.store import StorePassphraseWrong, open_workbench_store
    from workbench.store_faults import busy_message, other_pid
    from workbench.store_passphrase import resolve

    backup, target = Path(backup).expanduser().resolve(), Path(target).expanduser().resolve()
    if not backup.is_file():
        raise WorkbenchError(f"There is no backup file {backup}.")
    if backup == target:
        raise WorkbenchError("The backup is the store itself; give a backup file.")
    key = None if cipher.is_plaintext(backup) else cipher.store_key(resolve(backup))
    try:
        problems = backups.check_copy(backup, key)
        revision, _tables = inspect_version(to_url(backup), key)
        backup_id = backups.read_identity(backup, key) if not problems else None
    except cipher.WrongPassphrase as exc:
        raise StorePassphraseWrong(
            f"The store passphrase does not open {backup}: the passphrase is wrong, or it is "
            "not a workbench backup. Nothing was changed."
        ) from exc
    except (cipher.DatabaseError, StoreOpenError) as exc:
        problems = [str(exc)]
    if problems or revision is None:
        raise StoreError(f"{backup} is not a sound workbench backup; nothing was changed.")
    if revision not in known_revisions():
        raise StoreError(
            f"{backup} was written by a newer version of the Inspector's Workbench; install "
            "it to restore this backup. Nothing was changed."
        )
    kept = None
    if target.exists() and target.stat().st_size > 0:
        current = open_workbench_store(target, passphrase=key.passphrase if key else None)
        try:
            current_id = store_id_of(current)
            if backup_id != current_id and not force:
                raise WorkbenchError(
                    f"{backup} is a backup of another store (id {backup_id}), not of this one "
                    f"(id {current_id}); nothing was changed. Give --force to replace this "
                    "store with it."
                )
            if other_pid(current):
                raise StoreError(busy_message(current))
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            folder = backup_folder()
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            kept = backup_to(current, folder / f"{current_id}.before-restore.{stamp}.wbbackup")
        finally:
            current.close()
    try:
        backups.put_in_place(backup, target)
    except OSError as exc:
        raise StoreError(
            f"The backup could not be copied into place ({exc.strerror or exc}); the store "
            "is as it was. Free some space and try again."
        ) from exc
    open_workbench_store(target, passphrase=key.passphrase if key else None).close()
    return kept
