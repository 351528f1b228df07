"""bulk_insert writes exactly what the ORM would: types converted, NULLs kept; gc_paused
keeps the cyclic collector out of a bulk step and always resumes it."""

from __future__ import annotations

import gc
import weakref
from datetime import UTC, date, datetime

import pytest
from keyed import open_store
from sqlalchemy import select

from db.bulk import bulk_insert, gc_paused
from db.models import Case, Inspection


def test_bulk_insert_round_trips_dates_timestamps_and_nulls(tmp_path):
    store = open_store(tmp_path / "s.sqlite")
    when = datetime(2026, 11, 29, 8, 30, tzinfo=UTC)
    with store.sessions.begin() as session:
        session.add(
            Inspection(
                id="i1",
                force="F",
                title="T",
                start_date=date(2026, 1, 1),
                end_date=date(2026, 1, 2),
                methodology_id="m",
                methodology_version="1",
            )
        )
        session.flush()
        count = bulk_insert(
            session.connection(),
            Case.__table__,
            [
                dict(
                    id=f"c{i}",
                    inspection_id="i1",
                    reference=f"R{i}",
                    category="cse",
                    unit="U",
                    opened_on=date(2026, 3, i + 1),
                    closed_on=None,
                    child_ref=None,
                    force_grade=None if i else "good",
                    assigned_to="A",
                    methodology_version="1",
                    created_at=when,
                )
                for i in range(3)
            ],
        )
    assert count == 3
    with store.sessions() as session:
        cases = session.scalars(select(Case).order_by(Case.reference)).all()
    assert [c.opened_on for c in cases] == [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]
    assert [c.force_grade for c in cases] == ["good", None, None]
    assert all(c.created_at == when and c.closed_on is None for c in cases)
    with store.engine.connect() as connection:
        assert bulk_insert(connection, Case.__table__, []) == 0
    store.close()


def test_gc_paused_pauses_the_collector_and_resumes_it_even_after_an_error():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: the inner end does not resume it
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("a refused file")
    assert gc.isenabled()


def test_gc_paused_leaves_a_collector_the_caller_had_stopped_stopped():
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_gc_paused_frees_what_the_step_drops_and_collects_its_cycles_afterwards():
    class Node:
        pass

    with gc_paused():
        dropped = weakref.ref(Node())  # no cycle: freed at once, collector or not
        a, b = Node(), Node()
        a.other, b.other = b, a
        cycle = weakref.ref(a)
        del a, b
        assert dropped() is None
        assert cycle() is not None  # waits for the collector
    gc.collect()
    assert cycle() is None
