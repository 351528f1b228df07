"""Hostile and broken spreadsheets, each imported as a user would (``workbench cases import``
in a subprocess whose address space is limited to 500 MB): refused in words within a bounded
time, peak memory under 500 MB, and the store exactly as it was."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import zipfile
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from store_helpers import connect_file

from workbench.identity import set_user_name
from workbench.methodology import load_methodology
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store

pytestmark = pytest.mark.slow

MEMORY = 500 * 1024 * 1024
SECONDS = 60  # a refusal takes well under a second; the bound is for a loaded machine
HEADER = ["reference", "category", "unit", "opened_on"]


@pytest.fixture
def lead(tmp_path: Path) -> tuple[Path, str]:
    """A store with one inspection and no cases: (the store's path, the inspection's id)."""
    path = tmp_path / "store.sqlite"
    store = open_workbench_store(path)
    set_user_name(store, "Alex Inspector")
    method = load_methodology()
    inspection = create_inspection(
        store, force="Testshire Police", title="T", start=date(2026, 1, 5),
        end=date(2026, 1, 9), methodology_id=method.id,
    )  # fmt: skip
    store.close()
    return path, inspection.id


def snapshot(path: Path) -> list[str]:
    """Every row of every table of the (encrypted) store file: equal means unchanged."""
    with closing(connect_file(path)) as conn:
        query = "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
        tables = [row[0] for row in conn.execute(query)]
        return [
            f"{table}: {row!r}"
            for table in tables
            for row in sorted(conn.execute(f'SELECT * FROM "{table}"'), key=repr)
        ]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


# ``python -m workbench ARGS`` that also writes its own peak resident memory (kB) to a file:
# VmHWM, the high-water mark of this program's memory since it started (ru_maxrss would also
# count the test process it was forked from).
MEASURED = """
import re, sys
from pathlib import Path
from workbench.cli import main
try:
    code = main(sys.argv[2:])
finally:
    status = Path("/proc/self/status").read_text()
    Path(sys.argv[1]).write_text(re.search(r"VmHWM:\\s+(\\d+) kB", status)[1])
sys.exit(code)
"""


def import_limited(store: Path, inspection: str, file: Path) -> tuple[int, str, float]:
    """``workbench cases import`` under a 500 MB limit: exit code, stderr, peak RSS in MB."""
    peak = file.with_suffix(".peak")
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"}
    env["OPENBLAS_NUM_THREADS"] = "1"  # one thread's buffers, not one per core
    process = subprocess.Popen(
        [sys.executable, "-c", MEASURED, str(peak), "--db", str(store), "cases", "import",
         "--inspection", inspection, str(file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=_limit_memory,
    )  # fmt: skip
    try:
        _, stderr = process.communicate(timeout=SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"importing {file.name} took more than {SECONDS} s")
    return process.returncode, stderr.decode("utf-8"), int(peak.read_text()) / 1024


def xlsx_bomb(folder: Path, expanded_mb: int) -> Path:
    """A real workbook whose sheet is ``expanded_mb`` MB of XML that deflates ~1000 times."""
    good = folder / "good.xlsx"
    book = Workbook()
    book.active.append(HEADER)
    book.save(good)
    bomb = folder / "bomb.xlsx"
    row = b'<row><c t="inlineStr"><is><t>NS/2026/0001</t></is></c></row>' * 1000
    with (
        zipfile.ZipFile(good) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
                continue
            with target.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/'
                    b'spreadsheetml/2006/main"><sheetData>'
                )
                for _ in range(expanded_mb * 1024 * 1024 // len(row)):
                    sheet.write(row)
                sheet.write(b"</sheetData></worksheet>")
    return bomb


def formula_workbook(folder: Path) -> Path:
    path = folder / "formulas.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["NS/2026/0001", "section_47", "North", "2026-01-02"])
    sheet.append(["NS/2026/0002", "section_47", '=IF(A2="","","North")', "2026-01-03"])
    book.save(path)
    return path


def wide_csv(folder: Path) -> Path:
    path = folder / "wide.csv"
    columns = ",".join(f"column{n}" for n in range(100_000))
    path.write_text(f"{columns}\n{',' * 99_999}\n", encoding="utf-8")
    return path


def control_csv(folder: Path) -> Path:
    path = folder / "controls.csv"
    path.write_bytes(
        b"reference,category,unit\n"
        b"NS/2026/0001,section_47,North\n"
        b"NS/2026/0002,section_47,Nor\x00th\n"
        b"\x1b[2J\x1b[31mNS/2026/0003,section_47,South\n"
    )
    return path


HOSTILE = {
    "an XLSX bomb (1 GB from 3 MB)": (
        lambda folder: xlsx_bomb(folder, 1024),
        ["'bomb.xlsx' expands to 1,024.0 MB when opened; the workbench opens workbooks of up "
         "to 256.0 MB unpacked."],
    ),
    "an XLSX part that expands a thousandfold": (
        lambda folder: xlsx_bomb(folder, 20),
        ["'bomb.xlsx' is not an ordinary workbook: its part 'xl/worksheets/sheet1.xml' "
         "expands"],
    ),
    "a CSV 100,000 columns wide": (
        wide_csv,
        ["'wide.csv' has 100,000 columns on line 1; the workbench reads at most 500"],
    ),
    "a formula cell": (
        formula_workbook,
        ["1 cell of 'formulas.xlsx' holds a formula; the workbench imports values, not formulas",
         'line 3: cell C3 holds the formula =IF(A2="","","North")'],
    ),
    "NUL and terminal escape codes": (
        control_csv,
        ["'controls.csv' has control characters in its cells",
         "line 3, column 'unit': contains the control character NUL",
         "line 4, column 'reference': contains the control character ESC (a terminal escape "
         "code)"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_spreadsheet_is_refused_in_words_within_bounds(
    kind: str, lead: tuple[Path, str], tmp_path: Path
) -> None:
    store, inspection = lead
    make, said = HOSTILE[kind]
    hostile = make(tmp_path)
    before = snapshot(store)

    code, stderr, peak_mb = import_limited(store, inspection, hostile)

    assert code == 1, stderr
    assert "Traceback" not in stderr and "\x1b" not in stderr and "\x00" not in stderr
    for words in said:
        assert words in stderr
    assert peak_mb < 500
    assert snapshot(store) == before


def test_the_bomb_is_small_on_disk(tmp_path: Path) -> None:
    """The bomb above is what the issue met: a few megabytes that unpack to a gigabyte."""
    bomb = xlsx_bomb(tmp_path, 1024)
    assert bomb.stat().st_size < 4 * 1024 * 1024
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 1000**3
