"""A server connection that dies: checked before use once it has been idle (and replaced
without the user knowing), and when it died a moment after its last use, the change it was
carrying is refused in words and the next one goes through on a new connection."""

from __future__ import annotations

from datetime import date

import pytest
from server_helpers import LEAD, new_server
from sqlalchemy import create_engine, text

import db.engine
from workbench.server.errors import ConnectionLost
from workbench.services.inspections import create_inspection, list_inspections


def _kill_connections(url: str, login: str) -> int:
    """End every server process of ``login`` (as a server restart would); how many."""
    owner = create_engine(url)
    with owner.begin() as conn:
        ended = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = :u"
            ),
            {"u": login},
        ).scalar_one()
    owner.dispose()
    return int(ended)


def _inspection(store, title: str) -> None:  # type: ignore[no-untyped-def]
    create_inspection(
        store, force="Testshire Police", title=title, start=date(2026, 1, 5),
        end=date(2026, 2, 6),
    )  # fmt: skip


def test_a_connection_that_died_while_idle_is_replaced_before_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(db.engine, "IDLE_PING_S", 0.0)  # every connection counts as idle
    server = new_server()
    store = server.open(LEAD)
    _inspection(store, "Before")
    assert _kill_connections(server.url(), LEAD) == 1
    _inspection(store, "After")
    assert sorted(i.title for i in list_inspections(store)) == ["After", "Before"]
    store.close()


def test_a_connection_that_died_just_after_use_refuses_that_change_in_words() -> None:
    server = new_server()
    store = server.open(LEAD)
    _inspection(store, "Before")
    assert _kill_connections(server.url(), LEAD) == 1
    with pytest.raises(ConnectionLost, match="connection to the server was lost"):
        _inspection(store, "Lost")
    _inspection(store, "Again")
    assert sorted(i.title for i in list_inspections(store)) == ["Again", "Before"]
    store.close()
