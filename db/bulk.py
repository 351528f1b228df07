"""Fast bulk inserts: one ``executemany`` on the driver with values converted once.

SQLAlchemy's ORM and Core insert paths build and process parameters row by row, which
costs several times the driver's own ``executemany`` for tens of thousands of rows. Here
the statement is compiled once, each column's bind processor is looked up once, and the
converted rows go straight to the driver. Works for any dialect (positional or named).

``gc_paused`` (``db.gc_pause``, re-exported here) keeps the collector out of a bulk step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table

from db.gc_pause import gc_paused as gc_paused  # re-exported


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
