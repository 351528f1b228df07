"""Set-up shared by the server tests: a server database with logins in each role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import backends
from sqlalchemy.engine import make_url

from db.engine import Store
from db.models import Case
from workbench.methodology import load_methodology
from workbench.server.setup import add_user
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store

ANALYST, LEAD, OTHER_LEAD = "ann.analyst", "lee.lead", "kim.lead"


@dataclass
class Server:
    database: str  # the database's name on the test server

    def url(self, login: str | None = None) -> str:
        return backends.database_url(self.database, login)

    def open(self, login: str) -> Store:
        return open_workbench_store(self.url(login))


def new_server() -> Server:
    """A new server database (schema, roles) with an analyst and two leads."""
    server = Server(make_url(backends.new_database()).database)
    for login, role in ((ANALYST, "analyst"), (LEAD, "lead"), (OTHER_LEAD, "lead")):
        add_user(server.url(), login, role)
    return server


def lead_inspection(store: Store, cases: int = 3, force: str = "Testshire Police") -> str:
    """An inspection led by the store's login, with ``cases`` section 47 cases."""
    inspection = create_inspection(
        store, force=force, title="Child protection inspection", start=date(2026, 1, 5),
        end=date(2026, 2, 6),
    )  # fmt: skip
    version = load_methodology().version
    with store.sessions.begin() as session:
        session.add_all(
            Case(
                inspection_id=inspection.id,
                reference=f"REF-{n:04d}",
                category="section_47",
                unit="North",
                methodology_version=version,
            )  # fmt: skip
            for n in range(cases)
        )
    return inspection.id
