"""bulk_insert writes exactly what the ORM would: types converted, NULLs kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

from keyed import open_store
from sqlalchemy import select

from db.bulk import bulk_insert
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
