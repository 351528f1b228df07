"""Fast bulk inserts: one ``executemany`` on the driver with values converted once.

SQLAlchemy's ORM and Core insert paths build and process parameters row by row, which
costs several times the driver's own ``executemany`` for tens of thousands of rows. Here
the statement is compiled once, each column's bind processor is looked up once, and the
converted rows go straight to the driver. Works for any dialect (positional or named).

``gc_paused`` keeps Python's cyclic garbage collector out of a bulk step: building tens of
thousands of rows, with their audit trail, allocates hundreds of thousands of small
containers, none of them in a cycle, yet each allocation counts towards a collection. A
10,000-case import ran about 60 collections, and in one import out of two a full
(oldest-generation) collection over every object in the process, 60 ms of CPU that found
nothing to free; where it fell decided an import's time more than the store's encryption.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Table


def _converted(values: list[Any], proc: Any) -> list[Any]:
    """``proc`` applied to each value, each distinct value once; a JSON column's lists and
    dicts (unhashable) are each converted on their own."""
    memo: dict[Any, Any] = {None: None}
    out = []
    for v in values:
        try:
            out.append(memo[v] if v in memo else memo.setdefault(v, proc(v)))
        except TypeError:  # unhashable: a list or dict for a JSON column
            out.append(proc(v))
    return out


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


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert ``rows`` (dicts with the same keys) into ``table``; returns the count."""
    if not rows:
        return 0
    keys = list(rows[0].keys())
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=keys)
    processors = {
        key: table.c[key].type._cached_bind_processor(conn.dialect)  # noqa: SLF001
        for key in keys
    }
    order = list(compiled.positiontup) if compiled.positional else keys

    # Convert column by column, each distinct value once (dates and timestamps repeat).
    columns: dict[str, list[Any]] = {}
    for key, proc in processors.items():
        values = [row[key] for row in rows]
        if proc is not None:
            values = _converted(values, proc)
        columns[key] = values
    names = order if compiled.positional else keys
    series = [columns[key] for key in names]
    params: list[Any] = list(zip(*series, strict=True))
    if not compiled.positional:
        params = [dict(zip(names, values, strict=True)) for values in params]
    conn.exec_driver_sql(str(compiled), params)
    return len(rows)
