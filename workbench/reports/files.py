"""Writing a report file atomically: into a temporary file beside the target, then renamed
over it, so that a failure part-way (or a full disc) never leaves a half-written report."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from db.files import finished_part, owner_only, part_prefix, started_part, sweep_stale_parts
from workbench.errors import WorkbenchError


@dataclass(frozen=True)
class Written:
    """A report written: where, and how many pages (for a PDF)."""

    path: Path
    pages: int | None = None


def final_path(target: str | os.PathLike[str]) -> Path:
    return Path(target).expanduser().absolute()


def _check_target(target: Path) -> None:
    if target.is_dir():
        raise WorkbenchError(f"{target} is a folder; give a file name for the report.")
    if not target.parent.is_dir():
        raise WorkbenchError(f"The folder {target.parent} does not exist; create it first.")


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path to write the report to; it becomes ``target`` only on success."""
    final = final_path(target)
    _check_target(final)
    try:
        sweep_stale_parts(final)  # what a killed export left
        handle, name = tempfile.mkstemp(prefix=part_prefix(final), suffix=".part", dir=final.parent)
    except OSError as exc:
        raise WorkbenchError(f"Cannot write in {final.parent}: {exc.strerror or exc}.") from exc
    os.close(handle)
    temporary = Path(name)
    started_part(temporary)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        owner_only(temporary)  # reports hold case data: readable by their owner only
        os.replace(temporary, final)
    except OSError as exc:
        raise WorkbenchError(
            f"The report could not be written to {final}: {exc.strerror or exc}. "
            "Nothing was written there."
        ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        finished_part(temporary)
