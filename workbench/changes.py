"""What a service changed, told to whoever listens (the window), without Qt.

A service that commits a change (an ``f(store)`` function; never an ``f_in(session)`` one,
whose caller commits) calls ``publish(store, TOPIC, ...)`` after its transaction. The window
subscribes once and re-emits each ``Changes`` as one Qt signal that every view listens to,
so a view refreshes itself on the topics it shows instead of each command refreshing the
views by hand (as Anki's ``operation_did_execute`` does).

Listeners are called in the thread that made the change (a worker thread for long work);
the window's listener only emits a Qt signal, which Qt delivers in the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Topic(StrEnum):
    """What kind of record changed."""

    INSPECTIONS = "inspections"  # an inspection created or received (a kit, the demo)
    CASES = "cases"  # the case sample
    ASSESSMENTS = "assessments"  # grades, answers, notes, graded status
    REFERRALS = "referrals"  # referrals and the force's responses
    MODERATION = "moderation"  # the lead's agreed grades
    IMPORTS = "imports"  # the imports log (packs merged)
    KEYS = "keys"  # inspection and device keys
    KITS = "kits"  # kits issued to inspectors (which cases each one carries)
    FOLLOWUP = "followup"  # recommendations, action plans, quarterly assessments and evidence


# What merging findings packs can change.
MERGED = (
    Topic.ASSESSMENTS,
    Topic.REFERRALS,
    Topic.MODERATION,
    Topic.IMPORTS,
    Topic.KEYS,
    Topic.FOLLOWUP,  # quarterly assessments in findings packs
)


@dataclass(frozen=True)
class Changes:
    """One committed change: in which store, what kinds of record, for which inspection and
    (when it was one case) which case."""

    store: object
    topics: frozenset[Topic]
    inspection_id: str | None = None
    case_id: str | None = None

    def touches(self, *topics: Topic) -> bool:
        return not self.topics.isdisjoint(topics)


Listener = Callable[[Changes], None]

_listeners: list[Listener] = []
_lock = threading.Lock()


def subscribe(listener: Listener) -> Callable[[], None]:
    """Call ``listener`` with every change from now on; returns the call that stops it."""
    with _lock:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return unsubscribe


def publish(
    store: object,
    *topics: Topic,
    inspection_id: str | None = None,
    case_id: str | None = None,
) -> None:
    """Tell every listener that these topics changed (after the transaction committed)."""
    changes = Changes(store, frozenset(topics), inspection_id, case_id)
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(changes)
