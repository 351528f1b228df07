"""Open the real window on a store, bring it to one scene, and photograph the screen.

Run by ``tools/screenshots.sh`` under Xvfb with a window manager (the screenshot is of the
X root window, title bars and all, taken with ImageMagick's ``import``)::

    python tools/screenshot_scene.py SCENE STORE OUT.png

Scenes: ``first-run`` (a new store: the name question, then the demo offer, photographed),
``grading`` (the demo, a case in progress open in the grading panel), ``moderation`` (the
case two inspectors graded differently, "Record" pressed with nothing chosen, so its
validation messages show) and ``dashboard`` (View ▸ Dashboard on the demo).
The window is started as ``workbench`` starts it (``ui.app.start``), so it opens at the
size and place a person would see on first run.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox, QWidget

from ui.app import application, set_window_icon, start
from workbench.services.status import IN_PROGRESS

POLL_MS = 100
SETTLE_MS = 700  # after the scene is set: the window manager's frame and a full repaint
GIVE_UP_MS = 60_000


class Scene:
    def __init__(self, name: str, out: Path) -> None:
        self.name, self.out = name, out
        self.app = application()
        self.steps: list[tuple[Callable[[], bool], Callable[[], None]]] = []
        self.waited = 0

    def window(self):  # the MainWindow, once there is one
        from ui.main_window import MainWindow

        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        return found[0] if found else None

    def then(self, ready: Callable[[], bool], act: Callable[[], None]) -> Scene:
        self.steps.append((ready, act))
        return self

    def run(self, target: str) -> int:
        set_window_icon(self.app)
        startup = start(target, self.app.exit)
        QTimer.singleShot(POLL_MS, self._poll)
        try:
            code = self.app.exec()
        finally:
            startup.close()
        return code

    def _poll(self) -> None:
        self.waited += POLL_MS
        if self.waited > GIVE_UP_MS:
            print(f"{self.name}: the scene never came about", file=sys.stderr)
            self.app.exit(2)
            return
        if self.steps and self.steps[0][0]():
            _, act = self.steps.pop(0)
            act()
        if self.steps:
            QTimer.singleShot(POLL_MS, self._poll)
        else:
            QTimer.singleShot(SETTLE_MS, self._shoot)

    def _shoot(self) -> None:
        for widget in QApplication.topLevelWidgets():
            widget.repaint()
        QApplication.processEvents()
        subprocess.run(["import", "-window", "root", str(self.out)], check=True)
        print(f"{self.name}: {self.out}")
        self._finish()

    def _finish(self) -> None:
        """Close the modal dialogs one at a time, each after the one above it has returned
        from its own event loop, then the window."""
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QDialog):
            modal.done(0)  # not close(): a dialog holding typed text would ask first
            QTimer.singleShot(POLL_MS, self._finish)
            return
        window = self.window()
        if window is not None:
            window.close()
        self.app.exit(0)


def modal(kind: type) -> QWidget | None:
    found = QApplication.activeModalWidget()
    return found if isinstance(found, kind) else None


def ready_window(scene: Scene) -> Callable[[], bool]:
    return lambda: bool(scene.window() and scene.window().inspection is not None)


def first_run(scene: Scene) -> None:
    from ui.dialogs.identity import IdentityDialog

    def give_name() -> None:
        dialog = modal(IdentityDialog)
        dialog.findChild(QLineEdit).setText("Alex Inspector")
        dialog.accept()

    scene.then(lambda: modal(IdentityDialog) is not None, give_name)
    scene.then(lambda: modal(QMessageBox) is not None, lambda: None)  # the demo offer


def grading(scene: Scene) -> None:
    def open_case() -> None:
        window = scene.window()
        window.views.show_cases()
        rows = [window.model.row_at(r) for r in range(window.model.rowCount())]
        chosen = next(r for r in rows if r.status == IN_PROGRESS)
        window.select_case(chosen.id)
        window.panel.focus_form()

    scene.then(ready_window(scene), open_case)


def moderation(scene: Scene) -> None:
    def open_view() -> None:
        scene.window().actions["view.moderation"].trigger()

    def record_nothing() -> None:
        view = scene.window().docks["moderation"].widget()
        view.record()

    scene.then(ready_window(scene), open_view)
    scene.then(lambda: "moderation" in scene.window().docks, record_nothing)


def referral(scene: Scene) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    from ui.dialogs.referral import RaiseReferralDialog

    def open_dialog() -> None:  # later: the dialog's own event loop would hold the poll up
        window = scene.window()
        window.views.show_cases()
        window.select_case(window.model.row_at(0).id)
        QTimer.singleShot(0, scene.window().actions["case.referral"].trigger)

    def type_risk() -> None:
        dialog = modal(RaiseReferralDialog)
        dialog.findChild(QPlainTextEdit).setPlainText(
            "The child still lives with the suspect, who was released on bail yesterday."
        )
        dialog.findChildren(QLineEdit)[0].setText("DI Patel, Child abuse investigation")

    scene.then(ready_window(scene), open_dialog)
    scene.then(lambda: modal(RaiseReferralDialog) is not None, type_risk)


def kit_name(scene: Scene) -> None:
    """Sam's store opens a kit the lead issued to Samantha Jones (tools/screenshots.sh wrote
    the kit and its code beside the store): the offer to use the kit's name."""
    from ui.dialogs.packs import OpenKitDialog

    folder = scene.out.parent

    def open_dialog() -> None:
        QTimer.singleShot(0, scene.window().actions["file.open_kit"].trigger)

    def fill_and_open() -> None:
        dialog = modal(OpenKitDialog)
        dialog.path.setText(str(folder / "kit-name.wbkit"))
        dialog.code.setText((folder / "kit-name.code").read_text().strip())
        QTimer.singleShot(0, dialog.start)

    scene.then(lambda: scene.window() is not None, open_dialog)
    scene.then(lambda: modal(OpenKitDialog) is not None, fill_and_open)
    scene.then(lambda: modal(QMessageBox) is not None, lambda: None)


def dashboard(scene: Scene) -> None:
    scene.then(ready_window(scene), lambda: scene.window().actions["view.dashboard"].trigger())


SCENES = {"first-run": first_run, "grading": grading, "moderation": moderation,
          "dashboard": dashboard, "referral": referral,
          "kit-name": kit_name}  # fmt: skip


def main(argv: list[str]) -> int:
    name, target, out = argv
    scene = Scene(name, Path(out))
    SCENES[name](scene)
    return scene.run(target)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
