"""Help ▸ About: the version from the package metadata, the store, its schema revision, the
pack format and the licences; and the window's icon."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from PySide6.QtWidgets import QApplication

from db.engine import Store, head_revision
from ui.app import set_window_icon
from ui.dialogs.about import AboutDialog
from ui.main_window import MainWindow
from workbench.packs.container import FORMAT


def test_about_shows_the_version_store_schema_pack_format_and_licences(
    qtbot, store: Store, store_path: Path, tmp_path: Path
) -> None:
    window = MainWindow(store, "Alex Inspector")
    qtbot.addWidget(window)
    help_menu = next(m for m in window.menuBar().actions() if m.text() == "&Help").menu()
    about = next(a for a in help_menu.actions() if a.objectName() == "help.about")
    about.trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None and dialog.isVisible()
    heading = dialog.findChild(type(dialog.summary), "about_version").text()
    assert f"Inspector's Workbench {version('inspectors-workbench')}" in heading
    summary = dialog.summary.text()
    assert f"<b>Store:</b> {store_path}" in summary
    assert f"<b>Store schema revision:</b> {head_revision()}" in summary
    assert f"<b>Pack and kit format:</b> {FORMAT}" in summary
    assert "<b>Licence:</b> MIT" in summary
    licences = dialog.licences.toPlainText()
    for name in ("PySide6", "LGPL-3.0-only", "SQLAlchemy", "reportlab", "DejaVu"):
        assert name in licences
    dialog.copy_details()
    copied = QApplication.clipboard().text()
    assert copied.startswith(f"Inspector's Workbench {version('inspectors-workbench')}\n")
    assert f"Store: {store_path}" in copied
    dialog.grab().save(str(tmp_path / "about.png"))
    dialog.close()


def test_the_window_has_the_workbench_icon(qapp) -> None:
    set_window_icon(qapp)
    sizes = {(s.width(), s.height()) for s in qapp.windowIcon().availableSizes()}
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= sizes
