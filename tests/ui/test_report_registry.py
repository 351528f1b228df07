"""One registry of report kinds: a kind registered there is a ``workbench report`` command
and an entry in the window's File menu, with its suggested file name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.engine import Store
from ui.dialogs.reports import suggested_name
from ui.main_window import MainWindow
from workbench.cli import build_parser, main
from workbench.progress import Progress, no_progress
from workbench.reports.files import Written, atomic_path
from workbench.reports.registry import REPORTS, ReportKind, register, unregister
from workbench.services.caselist import case_rows
from workbench.services.demo import create_demo

TEST_REPORT = ReportKind(
    kind="case-list",
    title="Export case list",
    menu_text="Export case &list (text)…",
    what="the case list",
    help="the sampled cases' references, one a line",
    file_label="case-list",
    suffix=".txt",
    file_filter="Text files (*.txt)",
    writer=f"{__name__}:write_case_list",
)


def write_case_list(
    store: Store, inspection_id: str, out: str | Path, progress: Progress = no_progress
) -> Written:
    with atomic_path(out) as temporary:
        rows = case_rows(store, inspection_id)
        temporary.write_text("".join(f"{row.reference}\n" for row in rows), encoding="utf-8")
    return Written(Path(out).absolute())


@pytest.fixture
def test_report() -> Iterator[ReportKind]:
    register(TEST_REPORT)
    yield TEST_REPORT
    unregister(TEST_REPORT.kind)


def _choices() -> list[str]:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")  # noqa: SLF001
    kinds = commands.choices["report"]._actions  # noqa: SLF001
    return list(next(a for a in kinds if a.dest == "action").choices)


def test_a_registered_report_is_a_command_and_writes_its_file(
    test_report: ReportKind, store: Store, store_path: Path, tmp_path: Path, capsys
) -> None:
    inspection_id = create_demo(store)
    assert "case-list" in _choices()
    out = tmp_path / "cases.txt"
    args = ["report", "case-list", "--inspection", inspection_id, "--out", str(out)]
    assert main(["--db", str(store_path), *args]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 60
    assert "Wrote the case list of Demonstration: child protection inspection" in (
        capsys.readouterr().out
    )


def test_without_it_registered_the_command_is_not_offered() -> None:
    assert "case-list" not in _choices()
    assert list(REPORTS)[:2] == ["pdf", "referrals"]


def test_a_registered_report_is_in_the_window_file_menu(
    qtbot, test_report: ReportKind, store: Store
) -> None:
    inspection_id = create_demo(store)
    window = MainWindow(store, "Alex Inspector")
    qtbot.addWidget(window)
    window.open_inspection(inspection_id)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    entries = {a.text(): a for a in menu.actions()}
    assert "Export case &list (text)…" in entries
    assert entries["Export case &list (text)…"].isEnabled()
    name = suggested_name(store, inspection_id, "case-list")
    assert name.startswith("northshire-police-fictional-case-list-") and name.endswith(".txt")
