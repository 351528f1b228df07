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
