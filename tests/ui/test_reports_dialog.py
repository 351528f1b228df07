"""File ▸ Export findings report…: asks for a file, writes the PDF on a worker thread and
says where it went; cancelling the file dialog writes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog, QMainWindow

from db.engine import Store
from ui.dialogs import reports as report_dialogs
from ui.worker import DELAY_MS
from workbench.reports.registry import report_kind
from workbench.services.inspections import create_inspection

WAIT_MS = DELAY_MS * 40


@pytest.fixture
def inspection(store: Store) -> str:
    return create_inspection(
        store,
        force="Testshire Police",
        title="Child protection inspection of Testshire Police",
        start=date(2026, 3, 2),
        end=date(2026, 3, 27),
    ).id


def test_the_chosen_file_gets_the_report_and_the_status_bar_says_so(
    qtbot, bare_window: QMainWindow, store: Store, inspection: str, tmp_path: Path, monkeypatch
) -> None:
    chosen = tmp_path / "findings"  # no suffix: ".pdf" is added
    asked: list[str] = []

    def pick(parent, title, start, file_filter):
        asked.append(start)
        return str(chosen), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(pick))
    task = report_dialogs.export_findings_report(bare_window, store, inspection)
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    written = tmp_path / "findings.pdf"
    assert PdfReader(str(written)).metadata.author == "Alex Inspector"
    assert Path(asked[0]).name.startswith("testshire-police-findings-")
    assert str(written) in bare_window.statusBar().currentMessage()


def test_cancelling_the_file_dialog_writes_nothing(
    bare_window: QMainWindow, store: Store, inspection: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: ("", "")))
    assert report_dialogs.export_findings_report(bare_window, store, inspection) is None
    assert list(tmp_path.glob("*.pdf")) == []


@pytest.mark.parametrize("kind", ["referrals", "xlsx", "html"])
def test_the_other_reports_export_the_same_way(
    qtbot, bare_window: QMainWindow, store: Store, inspection: str, tmp_path: Path, kind: str
) -> None:
    messages: list[str] = []
    target = tmp_path / f"out{report_kind(kind).suffix}"
    task = report_dialogs.export_report(
        bare_window, store, inspection, kind, path=target, notify=messages.append
    )
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert target.stat().st_size > 0
    assert messages and str(target) in messages[0]


def test_the_csv_files_go_into_the_chosen_folder(
    qtbot, bare_window: QMainWindow, store: Store, inspection: str, tmp_path: Path, monkeypatch
) -> None:
    asked: list[str] = []
    folder = tmp_path / "csv"
    folder.mkdir()

    def pick(parent, title, start):
        asked.append(title)
        return str(folder)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(pick))
    task = report_dialogs.export_report(bare_window, store, inspection, "csv")
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert asked == ["Export findings data as CSV files"]
    assert {"summary.csv", "prompt-answers.csv", "prompt-counts.csv"} <= {
        p.name for p in folder.iterdir()
    }
    assert f"The CSV files were written to {folder}." in bare_window.statusBar().currentMessage()


def test_cancelling_the_folder_dialog_writes_nothing(
    bare_window: QMainWindow, store: Store, inspection: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args: ""))
    assert report_dialogs.export_report(bare_window, store, inspection, "csv") is None
    assert list(tmp_path.rglob("*.csv")) == []
