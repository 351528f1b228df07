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


def latest_backup(store: Store) -> Path | None:
    """The newest backup of this store: daily ones, and the copies made before migrations."""
    found: list[Path] = []
    if store.path is not None:
        found += list(store.path.parent.glob(f"{store.path.name}.*.bak"))
    folder = backup_folder()
    if folder.is_dir():
        found += list(folder.glob("*.wbbackup"))
    found = [p for p in found if not p.name.endswith(".plaintext.bak")]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


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
    from workbench.store import identity

    with store.sessions.begin() as session:
        store_id = identity(session).id
    moment = datetime.combine(today, datetime.min.time(), UTC) if today else None
    return daily_backup(store, store_id, today=moment)
