"""Broken and hostile methodology files: each is reported in words and skipped, so commands
that do not need it go on working; parsing is bounded in time and memory (a subprocess whose
address space is limited to 500 MB)."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from workbench.errors import MethodologyError
from workbench.methodology import load_methodology_file, scan_methodologies

MEMORY = 500 * 1024 * 1024
SHIPPED = resources.files("resources") / "methodologies" / "ncpi-child-protection.toml"

HOSTILE = {
    "deep-arrays.toml": "a = " + "[" * 10_000 + "]" * 10_000 + "\n",
    "deep-tables.toml": "a = " + "{b = " * 10_000 + "1" + "}" * 10_000 + "\n",
    "large.toml": "# padding\n" * 200_000,
    "invalid.toml": "id = 'x'\nthis is not toml\n",
}
SAID = {
    "deep-arrays.toml": "(file): its arrays or tables are nested too deeply",
    "deep-tables.toml": "(file): its arrays or tables are nested too deeply",
    "large.toml": "(file): is larger than a methodology's 1 MB limit",
    "invalid.toml": "line 2: invalid TOML at column 6",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A methodologies folder: the shipped file and every hostile one beside it."""
    folder = tmp_path / "resources" / "methodologies"
    folder.mkdir(parents=True)
    with resources.as_file(SHIPPED) as shipped:
        shutil.copy(shipped, folder / shipped.name)
    for name, text in HOSTILE.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", HOSTILE)
def test_each_hostile_file_is_a_methodology_error(folder: Path, name: str) -> None:
    with pytest.raises(MethodologyError) as refused:
        load_methodology_file(folder / name)
    message = str(refused.value)
    assert message.startswith(f"{folder / name}: ") and SAID[name] in message


def test_the_scan_keeps_the_good_file_and_reports_the_others(folder: Path) -> None:
    found, skipped = scan_methodologies(folder)
    assert [m.id for m in found] == ["ncpi-child-protection"]
    assert sorted(Path(e.file).name for e in skipped) == sorted(HOSTILE)


COMMANDS = """
import sys
from importlib import resources
from pathlib import Path
import workbench.methodology as methodology

folder = Path(sys.argv[1])
methodology.resources = type("R", (), {"files": staticmethod(lambda _: folder)})
from workbench.cli import main
try:
    code = main(sys.argv[3:])
finally:
    status = Path("/proc/self/status").read_text()  # VmHWM: this program's peak memory
    Path(sys.argv[2]).write_text(__import__("re").search(r"VmHWM:\\s+(\\d+) kB", status)[1])
sys.exit(code)
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.mark.slow
@pytest.mark.parametrize("command", [["methodology", "list"], ["methodology", "show"]])
def test_commands_go_on_without_the_bad_files_and_say_so(
    folder: Path, tmp_path: Path, command: list[str]
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"}
    env["OPENBLAS_NUM_THREADS"] = "1"
    db = tmp_path / "store.sqlite"
    result = subprocess.run(
        [sys.executable, "-c", COMMANDS, str(folder.parent), str(tmp_path / "peak"),
         "--db", str(db), *command],
        capture_output=True, text=True, env=env, timeout=60, preexec_fn=_limit_memory,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "ncpi-child-protection" in result.stdout or "Section 47" in result.stdout
    assert "Traceback" not in result.stderr
    for name in HOSTILE:
        assert f"workbench: a methodology file was skipped: {folder / name}: {SAID[name]}" in (
            result.stderr
        )
    assert int((tmp_path / "peak").read_text()) / 1024 < 500  # kB -> MB
