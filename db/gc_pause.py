"""Pausing Python's cyclic garbage collector for a bulk step (no SQLAlchemy: the quick readers
use it too).

``gc_paused`` keeps Python's cyclic garbage collector out of a bulk step: building tens of
thousands of rows, with their audit trail, allocates hundreds of thousands of small
containers, none of them in a cycle, yet each allocation counts towards a collection. A
10,000-case import ran about 60 collections, and in one import out of two a full
(oldest-generation) collection over every object in the process, 60 ms of CPU that found
nothing to free; where it fell decided an import's time more than the store's encryption.
The case list and the summary build rows by the hundred thousand, none in a cycle, likewise.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_PAUSE = threading.Lock()
_paused = {"depth": 0, "resume": False}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk step, and resume it afterwards (if it
    was running before the outermost pause). Reference counting still frees everything
    the step drops; a cycle made meanwhile waits for the next collection. The step's own
    rows should be dropped before the pause ends, so the collector never has to walk them.
    """
    with _PAUSE:
        if _paused["depth"] == 0:
            _paused["resume"] = gc.isenabled()
            gc.disable()
        _paused["depth"] += 1
    try:
        yield
    finally:
        with _PAUSE:
            _paused["depth"] -= 1
            if _paused["depth"] == 0 and _paused["resume"]:
                gc.enable()
