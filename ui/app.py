"""Starting the window: the application object, the store, the user's name, the demo offer.

``run(argv)`` is what ``workbench`` does without a subcommand. The main window is shown
first, empty, saying which store it is opening. Once it has been painted, the case list is
read straight from the store file and shown (``ui.quick_start``: no SQLAlchemy); once that
has been painted, the store is opened the normal way (importing SQLAlchemy and migrating the
store take longer than listing the cases), the user's name asked on first run, the rest of
the window attached and, for an empty store, the demo offered (``Startup``).

``--self-test`` (``ui.self_test``) checks that an installed or frozen build works end to
end without touching the user's own store.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui.after_paint import AfterPaint
from ui.names import APPLICATION, DISPLAY_NAME, ORGANISATION

if TYPE_CHECKING:
    from db.engine import Store
    from ui.dialogs.store_passphrase import PassphraseAsker
    from ui.main_window import MainWindow

DEMO_QUESTION = (
    "This store has no inspections yet.\n\n"
    "Open the demo inspection? It is a fictional force with sample cases to try the "
    "workbench on; you can set up a real inspection at any time from the File menu.\n\n"
    # The same as workbench.services.demo.DEMO_PASSPHRASE (not imported: it loads SQLAlchemy).
    "Its key's passphrase, for issuing kits and importing packs, is 'demonstration only'."
)


def show_error(parent: QWidget | None, exc: BaseException, *, wait: bool = False) -> None:
    """``ui.messages.show_error``, imported when first needed (it loads the support log's
    modules, which the start-up does not need before the case list is shown)."""
    from ui.messages import show_error as show

    show(parent, exc, wait=wait)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    from ui.messages import confirm as ask

    return ask(parent, title, text)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="workbench", description=f"Open the {DISPLAY_NAME}.")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="the store to open")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation in a temporary store, print the result and exit",
    )
    parser.add_argument("--verbose", action="store_true", help="log what is done on stderr")
    return parser.parse_args(list(argv))


def configure_application(app: QCoreApplication, *, fit_windows: bool = True) -> None:
    """Names that decide where QSettings keeps the window layout; with ``fit_windows``, every
    window made no larger than its screen when first shown (``fit_windows_to_screen``)."""
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    if isinstance(app, QApplication):
        app.setApplicationDisplayName(DISPLAY_NAME)
        if fit_windows:
            fit_windows_to_screen(app)


def fit_windows_to_screen(app: QApplication) -> None:
    """Every window, when first shown, no larger than its screen (``ui.window_fit``).

    At start-up this waits until the main window (which fits itself) has been painted: the
    keeper watches every event of the application from Python, and while the window is
    being built that is a few thousand events, and PySide6 then loads every Qt class it has
    (its enums and all) to name the first object of a class of Qt's own it is handed (a
    scroll area's gesture manager), together a good part of the window's building."""
    from ui.window_fit import keep_on_screen

    keep_on_screen(app)


def set_version() -> None:
    """The installed version, from the package metadata.

    Done once the window is up: importing ``importlib.metadata`` and finding the
    distribution take a few hundredths of a second, and nothing shows the version sooner.
    """
    from workbench.about import installed_version
    from workbench.logs import log

    QCoreApplication.setApplicationVersion(installed_version())
    log.info("window: %s %s on %s", DISPLAY_NAME, installed_version(), sys.platform)


def application(argv: Sequence[str] = (), *, fit_windows: bool = True) -> QApplication:
    """The one QApplication, created (and named) if there is none yet."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "workbench", *argv])
    configure_application(app, fit_windows=fit_windows)
    return app  # type: ignore[return-value]


def run(argv: Sequence[str]) -> int:
    """Open the window on the store given by ``--db`` (or the default store)."""
    args = parse_args(argv)
    if args.self_test:
        from ui.self_test import self_test

        return self_test()
    from ui.quick_start import read_ahead
    from ui.window_settings import last_inspection

    read_ahead(args.db, last_inspection())  # on a thread, beside the window's building
    app = application(fit_windows=False)  # once the window is painted (Startup.open_store)
    set_window_icon(app)
    sys.excepthook = _unexpected  # a fault in a slot: logged and said, the window stays up
    startup = start(args.db, app.exit)
    try:
        code = app.exec()
    finally:
        startup.close()
    return code if startup.exit_code is None else startup.exit_code


def _unexpected(kind: type[BaseException], exc: BaseException, tb: object) -> None:
    if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: as Python does
        sys.__excepthook__(kind, exc, tb)  # type: ignore[arg-type]
        return
    show_error(QApplication.activeWindow(), exc)


def set_window_icon(app: QApplication) -> None:
    """The workbench's icon (resources/icons) on every window and in the task bar."""
    from importlib.resources import files

    from PySide6.QtGui import QIcon

    folder = files("resources") / "icons"
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        png = folder / f"workbench-{size}.png"
        if png.is_file():
            icon.addFile(str(png))
    if not icon.isNull():
        app.setWindowIcon(icon)


def start(target: str | None, finish: Callable[[int], None]) -> Startup:
    """Show the main window now; open the store at ``target`` once it has been painted.

    ``finish(code)`` ends the application (``QApplication.exit`` when run for real): 1
    when the store cannot be opened, 0 when the user gives no name.
    """
    window = build_main_window(None, "")
    window.show_opening(shown_place(target))
    startup = Startup(window, target, finish)
    AfterPaint(window, startup.open_store)
    window.show()
    return startup


def shown_place(target: str | None) -> str | None:
    """The store as the window names it: the full path, or the URL without its password."""
    if target is None:
        return None
    if "://" in target:
        return re.sub(r"(://[^/:@]*):[^@/]*@", r"\1:***@", target)
    return str(Path(target).expanduser().resolve())


class Startup:
    """What happens once the window is on screen: the store, the name, the cases, the demo."""

    def __init__(self, window: MainWindow, target: str | None, finish: Callable[[int], None]):
        self.window, self.target, self._finish = window, target, finish
        self.store: Store | None = None
        self.exit_code: int | None = None  # set when start-up ended the application
        self._asker: PassphraseAsker | None = None

    def open_store(self) -> None:
        """Name the store in the status bar, then list its cases on the event loop's next turn.
        Every window shown from now on (a dialog asking the passphrase...) fits its screen."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            fit_windows_to_screen(app)
        self._step(self._locate)

    def _locate(self) -> None:
        from workbench.store_location import default_store_path

        place = self.target or str(default_store_path())
        self.window.show_opening(shown_place(place))
        QTimer.singleShot(0, self.window, lambda: self._step(lambda: self._list_early(place)))

    def _list_early(self, place: str) -> None:
        """The case list read the quick way (``ui.quick_start``); once it is painted, the
        store is opened. Without it (a new store, a server, a migration due...), at once."""
        from ui.dialogs.store_passphrase import PassphraseAsker
        from ui.quick_start import list_early

        self._asker = PassphraseAsker(self.window)
        if list_early(self.window, place, self._asker):
            AfterPaint(self.window.table.viewport(), lambda: self._step(self._open))
        else:
            QTimer.singleShot(0, self.window, lambda: self._step(self._open))

    def _open(self) -> None:
        from ui.dialogs.identity import ask_user_name, current_user_name
        from ui.dialogs.store_passphrase import open_store_asking

        set_version()
        self.store = open_store_asking(self.window, self.target, self._asker)
        name = current_user_name(self.store) or ask_user_name(self.window, self.store)
        if not name:
            self._end(0)  # the user chose not to give a name: nothing could be recorded
            return
        store = self.store
        self.window.attach(store, name)
        QTimer.singleShot(0, self.window, lambda: offer_demo(self.window, store))

    def _step(self, step: Callable[[], None]) -> None:
        """Run one step of the start-up; if it fails, say why over the window and end with 1.

        Anything else than a ``WorkbenchError`` is a fault of the workbench: the message
        says so, with the details to report (a window left saying "Opening the store…"
        would hide it).
        """
        from workbench.errors import WorkbenchError
        from workbench.logs import INTERNAL_ERROR

        try:
            step()
        except Exception as exc:  # noqa: BLE001 - shown to the user, then the application ends
            show_error(self.window, exc, wait=True)
            self._end(1 if isinstance(exc, WorkbenchError) else INTERNAL_ERROR)

    def _end(self, code: int) -> None:
        self.exit_code = code
        self._finish(code)

    def close(self) -> None:
        """After the event loop: close the window (keeping its layout) and the store."""
        if self.window.isVisible():
            self.window.close()
        if self.store is not None:
            self.store.close()


def build_main_window(store: Store | None, name: str) -> MainWindow:
    from ui.main_window import MainWindow

    return MainWindow(store, name)


def has_inspections(store: Store) -> bool:
    from workbench.services.inspections import list_inspections

    return bool(list_inspections(store))


def offer_demo(window: MainWindow, store: Store) -> None:
    """When the store is empty, offer to create the demo inspection (on the worker)."""
    if has_inspections(store) or not confirm(window, "Open the demo inspection?", DEMO_QUESTION):
        return
    from ui.worker import run_task
    from workbench.services.demo import create_demo

    run_task(
        window,
        "Creating the demo inspection",
        lambda progress: create_demo(store, progress),
        window.open_inspection,
    )
