"""Where kit and pack file dialogs open, the names they suggest, and "Show in folder" after
an export (the URL it opens is caught by a handler registered for ``file`` URLs, so no file
manager is started)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from db.engine import Store
from db.models import Case
from ui import file_places
from ui.dialogs import pack_import
from ui.dialogs import packs as packs_ui
from ui.main_window import MainWindow
from workbench import packs
from workbench.methodology import load_methodology
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store

PASSPHRASE = "a long passphrase for tests"
ZOE = "Zoë O'Brien"
WAIT_MS = 20_000


class Opened(QObject):
    """Receives the ``file`` URLs QDesktopServices.openUrl is asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def record(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened() -> Opened:
    receiver = Opened()
    QDesktopServices.setUrlHandler("file", receiver, "record")
    yield receiver
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def inspection_id(store: Store) -> str:
    inspection = create_inspection(
        store, force="Testshire Police", title="Places", start=date.today() - timedelta(days=5),
        end=date.today() + timedelta(days=20),
    )  # fmt: skip
    packs.create_inspection_keys(store, inspection.id, PASSPHRASE)
    with store.sessions.begin() as session:
        session.add(
            Case(
                inspection_id=inspection.id, reference="P-1", category="section_47",
                unit="North", assigned_to=ZOE, methodology_version=load_methodology().version,
            )
        )  # fmt: skip
    return inspection.id


@pytest.fixture
def zoe(store: Store, inspection_id: str, tmp_path: Path) -> Store:
    """Zoë's own store, opened from the kit the lead issued her."""
    kit = packs.export_kit(store, inspection_id, ZOE, tmp_path / "zoe.wbkit", PASSPHRASE)
    other = open_workbench_store(tmp_path / "zoe.sqlite")
    packs.import_kit(other, kit.path, kit.code)
    yield other
    other.close()


def test_names_say_whose_and_when_in_safe_characters() -> None:
    day = date(2026, 11, 29)
    assert file_places.pack_name("Northshire Police (fictional)", ZOE, day) == (
        "northshire-police-fictional-zoe-o-brien-2026-11-29.wbpack"
    )
    assert file_places.kit_name("Testshire/../Police", "Jo  Marsh", day) == (
        "testshire-police-jo-marsh-2026-11-29.wbkit"
    )
    assert file_places.pack_name("", "", day) == "inspection-inspector-2026-11-29.wbpack"


def test_export_pack_starts_in_documents_named_for_the_inspector_then_shows_the_folder(
    qtbot, zoe: Store, inspection_id: str, tmp_path: Path, monkeypatch, opened: Opened
) -> None:
    asked: list[str] = []
    target = tmp_path / "sent" / "pack.wbpack"
    target.parent.mkdir()

    def save_as(_parent, _title, start, _filter):  # the person accepts another folder
        asked.append(start)
        return str(target), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    window = MainWindow(zoe, ZOE)
    qtbot.addWidget(window)
    window.show()

    task = packs_ui.export_pack(window, zoe, inspection_id)
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass

    today = date.today().isoformat()
    assert asked == [
        str(file_places.documents_folder() / f"testshire-police-zoe-o-brien-{today}.wbpack")
    ]
    assert window.statusBar().currentMessage() == f"Pack written to {target}."
    assert window.status_line.folder_button.isVisibleTo(window)
    [box] = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    [show] = [b for b in box.buttons() if b.text() == "Show in &folder"]
    show.click()
    window.status_line.folder_button.click()
    expected = QUrl.fromLocalFile(str(target.parent.resolve()))
    assert opened.urls == [expected, expected]


def test_kit_and_pack_dialogs_open_in_the_documents_folder(
    qtbot, store: Store, inspection_id: str, monkeypatch
) -> None:
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda _p, title, start, f: asked.append((title, start)) or ("", f),
    )
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileName",
        lambda _p, title, start, f: asked.append((title, start)) or ("", f),
    )
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        lambda _p, title, start, f: asked.append((title, start)) or ([], f),
    )
    issue = packs_ui.IssueKitDialog(store, inspection_id)
    qtbot.addWidget(issue)
    issue.inspector.setCurrentText(ZOE)
    issue.choose_file()
    kit = packs_ui.OpenKitDialog(store)
    qtbot.addWidget(kit)
    kit.choose_file()
    assert pack_import.import_packs(None, store, inspection_id=inspection_id) is None

    documents = file_places.documents_folder()
    today = date.today().isoformat()
    assert asked == [
        ("Save the kit", str(documents / f"testshire-police-zoe-o-brien-{today}.wbkit")),
        ("Open kit", str(documents)),
        ("Import packs", str(documents)),
    ]


def test_the_folder_button_goes_with_its_message(qtbot, store: Store, tmp_path: Path) -> None:
    window = MainWindow(store, "Alex Inspector")
    qtbot.addWidget(window)
    window.show()
    window.tell("The report was written.", tmp_path / "report.pdf")
    assert window.status_line.folder_button.isVisibleTo(window)
    window.statusBar().clearMessage()
    assert not window.status_line.folder_button.isVisibleTo(window)


def test_a_pack_import_is_confirmed_in_the_status_bar(
    qtbot, store: Store, zoe: Store, inspection_id: str, tmp_path: Path, monkeypatch
) -> None:
    pack = packs.export_pack(zoe, inspection_id, tmp_path / "zoe.wbpack").path
    junk = tmp_path / "notes.wbpack"
    junk.write_text("meeting notes")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a: ([str(pack), str(junk)], ""))
    window = MainWindow(store, "Lee Lead")
    qtbot.addWidget(window)
    window.show()
    window.actions["file.import_packs"].trigger()
    [dialog] = [d for d in window.findChildren(pack_import.ImportPacksDialog) if d.isVisible()]
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        dialog.action.click()

    assert window.statusBar().currentMessage() == (
        "1 of 2 packs imported; 1 refused, the reasons in Import packs."
    )
