"""The case list shown as the window starts, read the quick way before the store is opened.

``list_early`` shows the store's user, inspections and the rows of the inspection the window
would open, read through ``workbench.services.quick_caselist`` (no SQLAlchemy), in the window
(``MainWindow.show_early``); the application then opens the store the normal way and
attaches it, keeping those rows. When the store is not an ordinary encrypted store at this
version's schema, or anything at all goes wrong, nothing is shown early and the store is
opened the normal way, which says what is wrong exactly as it always did.

With the passphrase in ``WORKBENCH_STORE_PASSPHRASE`` the reading starts on a thread as soon
as the application starts (``read_ahead``), beside the building of the window: the key's
derivation (PBKDF2, about 0.09 s) and SQLCipher's decryption run without Python's lock. Else
the passphrase is asked here, once the window is painted, and the normal open is given the
same answer (``PassphraseAsker``) rather than asking again.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging

    from ui.dialogs.store_passphrase import PassphraseAsker
    from ui.main_window import MainWindow
    from workbench.services.quick_caselist import Fetched, QuickCaseList

# The user's name, the inspections' rows, the inspection to list and its cases' rows.
Listing = tuple[str, list[tuple[Any, ...]], str, "Fetched"]


class _Ahead(threading.Thread):
    """The quick read of the store on a thread; ``listing()`` waits for it.

    Only what runs without Python's lock is done here (the key's derivation, SQLCipher's
    reads): building the rows is left to the window's thread, which would otherwise be
    slowed down while it builds the window. The derivation comes first, with what it needs
    read before the thread starts (``store_key_ahead``); the modules for reading are loaded
    meanwhile by the window once it is painted (``_prepare_rows``).
    """

    def __init__(self, target: str, passphrase: str, wanted: str) -> None:
        from workbench.services.store_key_ahead import key_ahead

        super().__init__(name="quick-case-list", daemon=True)
        self.args = (target, passphrase, wanted)
        self.found: Listing | None = None
        self.failed: BaseException | None = None
        # read here (the salt): the thread goes straight to the derivation
        self._derive = key_ahead(target, passphrase)

    def run(self) -> None:
        _yield_to_the_window()
        try:
            if self._derive is not None:
                self._derive()  # first: the window's building goes on meanwhile
            self.found = _read(*self.args)
        except BaseException as exc:  # noqa: BLE001 - handed to list_early, on the main thread
            self.failed = exc

    def listing(self) -> Listing:
        self.join()
        if self.failed is not None:
            raise self.failed
        assert self.found is not None
        return self.found


_AHEAD: list[_Ahead] = []
BELOW_THE_WINDOW = 10  # the thread's nice value (Linux): the window's building comes first


def _yield_to_the_window() -> None:
    """Lower this thread's priority, so that on a busy machine the window's own building
    (which the user is watching) is not slowed by it; on an idle core it runs as fast.

    Linux only: there ``setpriority`` on a thread id changes that thread alone (elsewhere
    it would be the whole process, or another one)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BELOW_THE_WINDOW)


def read_ahead(target: str | None, wanted: str) -> None:
    """With the passphrase in ``WORKBENCH_STORE_PASSPHRASE``, start reading the case list of
    the store at ``target`` (the default store if None) on a thread; ``wanted``: the
    inspection last open."""
    from workbench.store_passphrase import STORE_PASSPHRASE_ENV

    passphrase = os.environ.get(STORE_PASSPHRASE_ENV)
    _AHEAD.clear()  # one left by a start-up that ended before listing (in tests)
    if passphrase is None:
        return
    try:
        if target is None:
            from workbench.store_location import default_store_path

            target = str(default_store_path())
        ahead = _Ahead(target, passphrase, wanted)
    except Exception:  # noqa: BLE001 - nothing read ahead: the normal open says what is wrong
        return
    _AHEAD.append(ahead)
    ahead.start()


def list_early(window: MainWindow, target: str | Path, asker: PassphraseAsker) -> bool:
    """Show the case list of the store at ``target`` before it is opened; False when the
    store is to be opened the normal way first (nothing was shown)."""
    from ui.window_settings import last_inspection
    from workbench.services.quick_caselist import NotQuick, inspection_infos, store_file, usable
    from workbench.store_passphrase import STORE_PASSPHRASE_ENV

    try:
        if _AHEAD:
            _prepare_rows()  # while the thread reads
            name, inspections, chosen, fetched = _AHEAD.pop().listing()
        else:
            path = store_file(target)
            usable(path)
            passphrase = os.environ.get(STORE_PASSPHRASE_ENV)
            if passphrase is None:
                passphrase = asker.ask_ahead(str(path))
            if passphrase is None:
                return False  # declined: the normal open says so
            name, inspections, chosen, fetched = _read(path, passphrase, last_inspection())
        listing = (name, inspection_infos(inspections), chosen, fetched.rows())
    except NotQuick as exc:
        _log().info("window: the store is opened before its cases are listed (%s)", exc)
        return False
    except Exception:  # noqa: BLE001 - the normal open follows, and reports what is wrong
        _log().warning("window: the quick case list failed; opening the store first", exc_info=True)
        return False
    window.show_early(*listing)
    return True


def _prepare_rows() -> None:
    """What reading and building the rows needs, loaded on the window's thread while the
    reading thread derives the key: the modules (SQLCipher's among them) and the shipped
    methodology (most inspections use it; ``load_methodology`` keeps it)."""
    from workbench.methodology import DEFAULT_METHODOLOGY, load_methodology
    from workbench.services import caselist_rows, inspection_info, quick_caselist  # noqa: F401

    with contextlib.suppress(Exception):  # a methodology that cannot load: said when used
        load_methodology(DEFAULT_METHODOLOGY)


def _log() -> logging.Logger:
    from workbench.logs import log  # (its handlers' modules: only when there is something to say)

    return log


def _read(target: str | Path, passphrase: str, wanted: str) -> Listing:
    from workbench.services import quick_caselist as quick

    return quick.read(quick.store_file(target), passphrase, lambda reader: _listing(reader, wanted))


def _listing(reader: QuickCaseList, wanted: str) -> Listing:
    from workbench.services.quick_caselist import NotQuick

    name = reader.user_name()
    if not name:
        raise NotQuick("no user name yet")  # first run: the name is asked once it is open
    found = reader.fetch_listing(lambda offered: inspection_to_open(offered, wanted))
    if found is None:
        raise NotQuick("no inspection to list")
    return name, *found


def inspection_to_open(inspections: list[tuple[str, bool]], wanted: str) -> str | None:
    """Which of these (id, archived) the window opens, as ``MainWindow`` chooses in its combo
    box: the inspection ``wanted`` (the last one open) if it is offered, else the first."""
    offered = [id_ for id_, archived in inspections if not archived]
    return wanted if wanted in offered else next(iter(offered), None)
