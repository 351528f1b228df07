"""Support on a user's machine: the version, the log, internal errors (exit 70), consoles that
are not UTF-8, a missing time zone database, and the display check before Qt loads."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import UTC
from importlib.metadata import version
from pathlib import Path

import pytest

from ui.display_check import XCB_LIBRARIES, Library, distribution_family, problem
from workbench.dates import load_zone

ROOT = Path(__file__).resolve().parents[2]


def run(
    args: list[str], env: dict[str, str] | None = None, log_dir: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    full = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"}
    full.update(env or {})
    if log_dir is not None:
        full["WORKBENCH_LOG_DIR"] = str(log_dir)
    return subprocess.run(
        [sys.executable, *args], capture_output=True, env=full, cwd=ROOT, timeout=120
    )


@pytest.mark.slow
def test_version_is_the_package_metadata() -> None:
    result = run(["-m", "workbench", "--version"])
    assert result.returncode == 0
    assert result.stdout.decode() == f"workbench {version('inspectors-workbench')}\n"


INJECT = """
import sys
import workbench.services.inspections as inspections

def broken(*args, **kwargs):
    raise KeyError("a fault planted by the test\\nover two lines")

inspections.list_inspections = broken
from workbench.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_an_internal_error_exits_70_with_one_line_and_the_traceback_in_the_log(
    tmp_path: Path,
) -> None:
    logs = tmp_path / "logs"
    result = run(
        ["-c", INJECT, "--db", str(tmp_path / "s.sqlite"), "inspection", "list"], log_dir=logs
    )
    assert result.returncode == 70
    stderr = result.stderr.decode()
    log_file = logs / "workbench.log"
    assert stderr == (
        "workbench: an internal error: KeyError: 'a fault planted by the test\\nover two lines'; "
        f"details in {log_file}\n"
    )
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last):" in logged
    assert "in broken" in logged and "internal error in version" in logged


@pytest.mark.slow
def test_a_refusal_still_exits_1_and_is_not_an_internal_error(tmp_path: Path) -> None:
    result = run(
        ["-m", "workbench", "--db", str(tmp_path / "s.sqlite"), "summary", "--inspection", "abcd"],
        log_dir=tmp_path,
    )
    assert result.returncode == 1
    assert b"internal error" not in result.stderr


@pytest.mark.slow
def test_verbose_says_what_is_done(tmp_path: Path) -> None:
    result = run(["-m", "workbench", "--verbose", "methodology", "list"], log_dir=tmp_path)
    assert result.returncode == 0
    assert b"workbench: command: methodology list" in result.stderr
    assert "command: methodology list" in (tmp_path / "workbench.log").read_text()


@pytest.mark.slow
def test_a_cp1252_console_prints_a_name_it_has_no_letters_for(tmp_path: Path) -> None:
    """Ć is not in cp1252: before, ``identity set`` ended in UnicodeEncodeError."""
    db = str(tmp_path / "s.sqlite")
    env = {"PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"}
    name = "Zoë Ćwikła"
    made = run(["-m", "workbench", "--db", db, "identity", "set", "--name", name], env=env)
    assert made.returncode == 0, made.stderr
    assert made.stdout.decode("utf-8") == f"Name set to {name}.\n"
    shown = run(["-m", "workbench", "--db", db, "identity", "show"], env=env)
    assert shown.returncode == 0
    assert f"Name:     {name}\n" in shown.stdout.decode("utf-8")


@pytest.mark.slow
def test_without_a_display_the_window_says_so_before_loading_qt(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    env.update(QT_QPA_PLATFORM="", WORKBENCH_LOG_DIR=str(tmp_path), HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ui.main", "--db", str(tmp_path / "s")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    said = [line for line in result.stderr.splitlines() if "import time:" not in line]
    assert said == [
        "workbench: no display is available, so the window cannot open (DISPLAY and "
        "WAYLAND_DISPLAY are not set). Start the workbench from a desktop session, or use its "
        "command line, which needs no display: workbench --help"
    ]
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "ui.display_check" in imported
    assert not [name for name in imported if name.split(".")[0] in {"PySide6", "shiboken6"}]
    assert not (tmp_path / "s").exists()


ABSENT = Library("libworkbench-absent-for-test.so.7", "libworkbench-absent7", "workbench-absent")
DEBIAN = 'PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nID_LIKE=debian\n'
FEDORA = 'NAME="Fedora Linux"\nID=fedora\n'


def test_a_missing_library_is_named_with_the_package_to_install() -> None:
    libraries = [*XCB_LIBRARIES, ABSENT]  # the real ones are installed on this machine
    display = {"DISPLAY": ":0"}
    assert problem(display, XCB_LIBRARIES, "linux") is None
    on_debian = problem(display, libraries, "linux", DEBIAN)
    assert on_debian == (
        "the window cannot open: the X11 libraries that Qt needs are not installed on this "
        "machine: libworkbench-absent-for-test.so.7.\n"
        "Install them with: sudo apt install libworkbench-absent7\n"
        "The command line works without them: workbench --help"
    )
    on_fedora = problem(display, libraries, "linux", FEDORA)
    assert "Install them with: sudo dnf install workbench-absent\n" in on_fedora
    elsewhere = problem(display, libraries, "linux", "ID=arch\n")
    assert "On Debian or Ubuntu: sudo apt install libworkbench-absent7\n" in elsewhere
    assert "On Fedora or RHEL: sudo dnf install workbench-absent\n" in elsewhere


def test_packages_are_named_once_each() -> None:
    missing = [lib for lib in XCB_LIBRARIES if lib.fedora == "libxcb"]
    text = problem({"DISPLAY": ":0"}, missing, "linux", FEDORA, loadable=lambda _: False)
    assert text.splitlines()[1] == "Install them with: sudo dnf install libxcb"


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", None),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", None),
        ({"QT_QPA_PLATFORM": "wayland"}, "linux", "no display"),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux", "no display"),
        ({}, "linux", "no display"),
        ({}, "win32", None),
        ({}, "darwin", None),
    ],
)
def test_when_a_display_is_needed(environ: dict, platform: str, expected: str | None) -> None:
    found = problem(environ, [ABSENT], platform)
    assert (found is None) if expected is None else (expected in found)


def test_distribution_families() -> None:
    assert distribution_family(DEBIAN) == "debian"
    assert distribution_family('ID="rocky"\nID_LIKE="rhel centos fedora"\n') == "fedora"
    assert distribution_family("ID=debian\n") == "debian"
    assert distribution_family("ID=alpine\n") == ""


def test_no_time_zone_data_is_a_warning_not_a_silent_utc(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="workbench.dates"):
        assert load_zone("Europe/Atlantis") is UTC
    assert "no time zone data for Europe/Atlantis on this machine" in caplog.text
    assert str(load_zone()) == "Europe/London"


def test_the_readme_lists_every_library_package_for_debian_and_fedora() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("# Debian, Ubuntu", 1)[1].split("```", 1)[0]
    debian, fedora = block.split("# Fedora, RHEL")
    words = lambda text: set(text.replace("\\", " ").split())  # noqa: E731
    assert {lib.debian for lib in XCB_LIBRARIES} <= words(debian)
    assert {lib.fedora for lib in XCB_LIBRARIES} <= words(fedora)


@pytest.mark.parametrize(
    ("argv", "window"),
    [(["--verbose"], True), (["--verbose", "summary"], False), (["--version"], False)],
)
def test_verbose_alone_opens_the_window_and_version_never_does(argv, window) -> None:
    from ui.main import wants_window

    assert wants_window(argv) is window
