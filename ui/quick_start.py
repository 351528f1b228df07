"""The case list shown as the window starts, read the quick way before the store is opened.

``list_early`` reads the store's user, inspections and the rows of the inspection the window
would open through ``workbench.services.quick_caselist`` (no SQLAlchemy) and shows them in
the window (``MainWindow.show_early``); the application then opens the store the normal way
and attaches it, keeping those rows. When the store is not an ordinary encrypted store at
this version's schema, or anything at all goes wrong, nothing is shown early and the store
is opened the normal way, which says what is wrong exactly as it always did.

The passphrase comes from ``WORKBENCH_STORE_PASSPHRASE`` or is asked here, once: the
normal open is given the same answer (``PassphraseAsker``) rather than asking again.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.dialogs.store_passphrase import PassphraseAsker
    from ui.main_window import MainWindow
    from workbench.services.caselist_rows import CaseRow
    from workbench.services.inspection_info import InspectionInfo
    from workbench.services.quick_caselist import QuickCaseList

Listing = tuple[str, list["InspectionInfo"], str, list["CaseRow"]]
_AHEAD: list[threading.Thread] = []


def derive_key_ahead(target: str | None) -> None:
    """With the passphrase in ``WORKBENCH_STORE_PASSPHRASE``, start deriving the store's key
    on a thread (``quick_caselist.derive_key``) while the window is built and painted."""
    from workbench.store_passphrase import STORE_PASSPHRASE_ENV

    passphrase = os.environ.get(STORE_PASSPHRASE_ENV)
    if passphrase is not None:
        thread = threading.Thread(
            target=_derive, args=(target, passphrase), name="store-key", daemon=True
        )
        thread.start()
        _AHEAD.append(thread)


def _derive(target: str | None, passphrase: str) -> None:
    try:
        from workbench.services.quick_caselist import derive_key, store_file
        from workbench.store_location import default_store_path

        derive_key(store_file(target or default_store_path()), passphrase)
    except Exception:  # noqa: BLE001 - the store's open says what is wrong, in words
        pass


def _key_derived() -> None:
    """Wait for the key started ahead, so that it is never derived twice at once."""
    while _AHEAD:
        _AHEAD.pop().join()


def list_early(window: MainWindow, target: str | Path, asker: PassphraseAsker) -> bool:
    """Show the case list of the store at ``target`` before it is opened; False when the
    store is to be opened the normal way first (nothing was shown)."""
    from workbench.logs import log
    from workbench.services import quick_caselist as quick
    from workbench.store_passphrase import STORE_PASSPHRASE_ENV

    _key_derived()
    try:
        path = quick.store_file(target)
        quick.usable(path)
        passphrase = os.environ.get(STORE_PASSPHRASE_ENV)
        if passphrase is None:
            passphrase = asker.ask_ahead(str(path))
        if passphrase is None:
            return False  # declined: the normal open says so
        listing: Listing = quick.read(path, passphrase, lambda reader: _listing(reader, window))
    except quick.NotQuick as exc:
        log.info("window: the store is opened before its cases are listed (%s)", exc)
        return False
    except Exception:  # noqa: BLE001 - the normal open follows, and reports what is wrong
        log.warning("window: the quick case list failed; opening the store first", exc_info=True)
        return False
    window.show_early(*listing)
    return True


def _listing(reader: QuickCaseList, window: MainWindow) -> Listing:
    from workbench.services.quick_caselist import NotQuick

    name = reader.user_name()
    if not name:
        raise NotQuick("no user name yet")  # first run: the name is asked once it is open
    inspections = reader.inspections()
    chosen = window.inspection_to_open(inspections)
    if chosen is None:
        raise NotQuick("no inspection to list")
    return name, inspections, chosen, reader.case_rows(chosen)
