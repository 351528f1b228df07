"""What the store's faults mean to the user: busy, read-only, full or damaged.

SQLite reports these as ``OperationalError``/``DatabaseError`` wherever a statement runs.
``install`` turns them, at the engine, into a ``StoreError`` that says what happened and
what to do; the transaction that met them has been rolled back, so nothing was written.
A lock file beside the store holds the process id of a running workbench that has it
open, so that "in use by another workbench" can name it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlalchemy import event

from db.engine import Store
from workbench.errors import StoreError

LOCK_SUFFIX = ".pid"


class StoreBusy(StoreError):
    """Another process holds the store's write lock for longer than the busy timeout."""


class StoreReadOnly(StoreError):
    """The store cannot be written: read-only media or no permission."""


class StoreFull(StoreError):
    """The disk holding the store is full."""


class StoreDamaged(StoreError):
    """The store's file is damaged."""


def lock_path(store: Store) -> Path | None:
    return store.path.with_name(store.path.name + LOCK_SUFFIX) if store.path else None


def other_pid(store: Store) -> int | None:
    """The id of another running workbench that has this store open, if known."""
    lock = lock_path(store)
    try:
        pid = int(lock.read_text().strip()) if lock else 0
    except (OSError, ValueError):
        return None
    if pid <= 0 or pid == os.getpid():
        return None
    if os.name != "posix":
        return pid  # os.kill(pid, 0) would end the process on Windows: assume it runs
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except (PermissionError, OSError):
        return pid
    return pid


def busy_message(store: Store) -> str:
    pid = other_pid(store)
    who = f" (process {pid})" if pid else ""
    return (
        f"The store is in use by another workbench{who}; close it and try again. "
        f"Waited {store.busy_timeout:g} seconds; nothing was written."
    )


def read_only_message(store: Store) -> str:
    return (
        f"The store {store.describe()} cannot be written (read-only media or no permission), "
        "so this command, which changes it, cannot run; nothing was written. Commands that "
        "only read (summary, reports, audit verify) still work. Copy the store to a folder "
        "you can write to, to change it."
    )


FULL_MESSAGE = (
    "The disk holding the store is full: nothing was written and the store is as it was. "
    "Free some space and try again."
)


def damaged_message(store: Store, detail: str = "") -> str:
    from workbench.store_backups import store_id_of

    return damaged_file_message(store.describe(), store.path, store_id_of(store), detail)


def damaged_file_message(
    described: str, path: Path | None, store_id: str | None, detail: str = ""
) -> str:
    """The damaged store's words, with its latest backup (``store_id``: None when the
    store is too damaged to give it, and then no other store's backup is offered)."""
    from workbench.store_backups import backup_folder, latest_backup_of

    backup = latest_backup_of(path, store_id)
    folder = backup_folder()
    if backup:
        where = (
            f" The latest backup is {backup}: restore it with 'workbench store restore {backup}'."
        )
    elif store_id is None and folder.is_dir() and any(folder.glob("*.wbbackup")):
        where = (
            " It is too damaged to say which of the daily backups in "
            f"{folder} are its own (each is named by its store's id): restore the one of "
            "this store with 'workbench store restore FILE'."
        )
    else:
        where = " There is no backup of it on this computer."
    detail = f" ({detail})" if detail else ""
    return f"The store {described} is damaged{detail}.{where}"


def translate(store: Store, exc: BaseException) -> StoreError | None:
    """The user's words for a database error, or None when it is not a store fault."""
    text = str(exc).lower()
    if "database is locked" in text or "database is busy" in text:
        return StoreBusy(busy_message(store))
    if "readonly database" in text or "read-only" in text:
        return StoreReadOnly(read_only_message(store))
    if "disk is full" in text or "no space left" in text:
        return StoreFull(FULL_MESSAGE)
    if "malformed" in text or "not a database" in text:
        return StoreDamaged(damaged_message(store))
    return None


def install(store: Store) -> None:
    """Translate the engine's store faults, and note this process in the lock file."""
    if store.path is None:
        return

    def handle_error(context) -> None:  # type: ignore[no-untyped-def]
        fault = translate(store, context.original_exception)
        if fault is not None:
            raise fault from context.original_exception

    event.listen(store.engine, "handle_error", handle_error)
    lock = lock_path(store)
    if lock is not None and not store.read_only and other_pid(store) is None:
        with contextlib.suppress(OSError):  # the first workbench still running keeps its pid
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(str(os.getpid()))
            store.on_close.append(lambda: _release(lock))


def _release(lock: Path) -> None:
    with contextlib.suppress(OSError, ValueError):
        if int(lock.read_text().strip()) == os.getpid():
            lock.unlink()


def run_check(store: Store, *, quick: bool) -> list[str]:
    """SQLite's own check of the store's pages: [] when sound, else what it found."""
    if store.path is None:
        return []
    pragma = "quick_check" if quick else "integrity_check"
    try:
        with store.engine.connect() as conn:
            rows = [r[0] for r in conn.exec_driver_sql(f"PRAGMA {pragma}")]
    except StoreDamaged:
        return ["the file is not a readable database"]
    return [] if rows == ["ok"] else rows


def quick_check(store: Store) -> None:
    """Refuse a damaged store in words (cheap: SQLite's quick check)."""
    problems = run_check(store, quick=True)
    if problems:
        raise StoreDamaged(damaged_message(store, problems[0]))
