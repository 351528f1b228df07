"""Files readable by their owner only, written whole or not at all, and removed with care.

Every file the workbench writes (the store and its WAL, backups, packs, kits, reports)
holds case data or keys, so it is created with mode 0600 on POSIX systems whatever the
umask. On Windows the user's profile folder already keeps other users out.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

OWNER_ONLY = 0o600
# Where this process notes each temporary file it starts (set when a store is opened): a
# file beside the store, read at the store's next open to remove what killed writers left
# wherever they were writing (``sweep_noted_parts``).
_ledger: Path | None = None


def owner_only(path: Path | str) -> None:
    """Make an existing file readable and writable by its owner only (POSIX)."""
    if os.name == "posix":
        os.chmod(path, OWNER_ONLY)


@contextlib.contextmanager
def write_owner_only(path: Path | str) -> Iterator[BinaryIO]:
    """Write ``path`` whole or not at all, owner-only.

    The bytes go to a temporary file beside it, are flushed to the disk, and take the final
    name in one rename; on any error (a full disk, say) the temporary file is removed and a
    file already at ``path`` is left as it was.
    """
    target = Path(path)
    sweep_stale_parts(target)  # what a killed writer left
    temp = target.with_name(f"{part_prefix(target)}{secrets.token_hex(4)}.part")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    started_part(temp)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    finally:
        finished_part(temp)


def write_bytes_owner_only(path: Path | str, data: bytes) -> None:
    with write_owner_only(path) as handle:
        handle.write(data)


def shred(path: Path) -> None:
    """Overwrite a file with zeros, flush it to the disk and remove it.

    On a plain file system this overwrites the blocks that held the plaintext; on
    copy-on-write file systems and flash with wear levelling the old blocks may survive,
    which is why the store is encrypted in the first place.
    """
    try:
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            chunk = b"\x00" * (1 << 20)
            left = size
            while left > 0:
                handle.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except FileNotFoundError:
        return
    except OSError:
        pass  # read-only or full: still remove it below
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def part_prefix(target: Path) -> str:
    """The name a temporary file for ``target`` starts with: it names this process, so that
    the parts a killed process left can be told from those a running one is writing."""
    return f".{target.name}.{os.getpid()}."


def sweep_stale_parts(target: Path) -> None:
    """Remove the temporary files that killed processes left beside ``target``."""
    for part in target.parent.glob(f".{glob_escape(target.name)}.*.part"):
        pid_text = part.name[len(target.name) + 2 :].split(".", 1)[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            with contextlib.suppress(OSError):
                part.unlink()


def ledger_of(store: Path) -> Path:
    """The file beside a store that lists the temporary files its users' processes start."""
    return store.with_name(f".{store.name}.parts")


def note_parts_in(ledger: Path | None) -> None:
    """Note this process's temporary files in ``ledger`` from now on (None: nowhere)."""
    global _ledger
    _ledger = ledger


def started_part(part: Path) -> None:
    """Note a temporary file this process has just created (its pid, then its path)."""
    if _ledger is None:
        return
    with contextlib.suppress(OSError):
        fd = os.open(_ledger, os.O_WRONLY | os.O_CREAT | os.O_APPEND, OWNER_ONLY)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\t{Path(part).absolute()}\n")


def finished_part(part: Path) -> None:
    """The temporary file is gone (renamed into place, or removed): drop its note, and the
    ledger once it notes nothing."""
    if _ledger is None:
        return
    note = f"{os.getpid()}\t{Path(part).absolute()}"
    try:
        lines = _ledger.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    if note in lines:
        _rewrite(_ledger, [line for line in lines if line != note])


def _rewrite(ledger: Path, lines: list[str]) -> None:
    """The ledger holding ``lines`` (removed when there are none), replaced in one rename."""
    with contextlib.suppress(OSError):
        if not lines:
            ledger.unlink()
            return
        temp = ledger.with_name(f"{ledger.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        os.replace(temp, ledger)


def sweep_noted_parts(ledger: Path) -> list[Path]:
    """Remove the temporary files noted in ``ledger`` by processes no longer running (a
    killed export, say), wherever they were written; keep the notes of running ones.
    Returns the files removed."""
    try:
        lines = ledger.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    removed: list[Path] = []
    kept: list[str] = []
    for line in lines:
        pid_text, _, name = line.partition("\t")
        part = Path(name)
        if not (pid_text.isdigit() and name.endswith(".part") and part.name.startswith(".")):
            continue  # not a note this module wrote: never remove what it names
        if not part.exists():
            continue
        if _alive(int(pid_text)):
            kept.append(line)
            continue
        with contextlib.suppress(OSError):
            part.unlink()
            removed.append(part)
    if len(kept) != len(lines):
        _rewrite(ledger, kept)
    return removed


def glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":
        return True  # on Windows os.kill(pid, 0) would end the process: keep its parts
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
