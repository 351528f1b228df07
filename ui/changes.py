"""The window's one change signal: what the services changed (``workbench.changes``), as a Qt
signal that every view connects to.

``ChangeSignal(window)`` listens to the services for as long as the window lives and emits
``changed(Changes)`` for the changes made in the window's store. A change made on a worker
thread (an import) reaches the views in the GUI thread: Qt queues a signal emitted from
another thread.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from workbench.changes import Changes, Topic, subscribe

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class ChangeSignal(QObject):
    """Emits ``changed`` with each ``Changes`` committed in the window's store."""

    changed = Signal(object)  # workbench.changes.Changes

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = weakref.ref(window)
        me = weakref.ref(self)

        def heard(changes: Changes) -> None:
            signal = me()
            if signal is None:
                stop()
                return
            try:
                signal._heard(changes)  # noqa: SLF001
            except RuntimeError:  # the window was deleted: stop listening
                stop()

        stop = subscribe(heard)
        self.destroyed.connect(lambda *_: stop())

    def _heard(self, changes: Changes) -> None:
        window = self._window()
        if window is not None and changes.store is window.store:
            self.changed.emit(changes)

    def follow(self, view: QObject, refresh: Callable[[], object], *topics: Topic) -> None:
        """Call ``refresh`` when a change touches one of ``topics``, for as long as ``view``
        lives (Qt disconnects a deleted receiver)."""
        self.changed.connect(_Follower(view, refresh, topics).on_changed)


class _Follower(QObject):
    """A view's subscription to some topics; a child of the view, so it goes with it."""

    def __init__(
        self, view: QObject, refresh: Callable[[], object], topics: tuple[Topic, ...]
    ) -> None:
        super().__init__(view)
        self.refresh, self.topics = refresh, topics

    def on_changed(self, changes: Changes) -> None:
        if changes.touches(*self.topics):
            self.refresh()
