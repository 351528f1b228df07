"""Setting up a server store (``workbench server init``) and checking one (``server check``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from db.engine import Store, StoreOpenError, head_revision, is_server, open_store, to_url
from db.models import Base
from workbench.errors import StoreError, WorkbenchError
from workbench.server.roles import (
    ADMIN,
    ANALYST,
    INSPECTION_OF,
    LEAD,
    ROLES,
    TRIGGER,
    create_roles_sql,
    grants_sql,
)

LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,62}$")


def _first_line(exc: SQLAlchemyError) -> str:
    """The server's own words: the first line of the driver's error, else of SQLAlchemy's."""
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


def _server_url(target: str) -> str:
    url = to_url(target)
    if not is_server(url):
        raise WorkbenchError(
            f"'{target}' is not a PostgreSQL URL; give one such as "
            "postgresql+psycopg://user@host/database."
        )
    return url


def init_server(target: str) -> list[str]:
    """Create or upgrade the schema (the Alembic migrations), the roles and their grants;
    what was done, line by line. Run by the database's owner; running it again is harmless."""
    url = _server_url(target)
    try:
        store = open_store(url, set_up_server=True)
    except StoreOpenError as exc:
        raise StoreError(str(exc)) from exc
    try:
        database = make_url(url).database
        with store.engine.begin() as conn:
            tables = inspect(conn).get_table_names()
            for statement in [*create_roles_sql(), *grants_sql(tables)]:
                sql = statement.replace("{database}", str(database)).replace("%", "%%")
                conn.exec_driver_sql(sql)
        from workbench.identity import identity

        with store.sessions.begin() as session:
            server_id = identity(session).id
    except SQLAlchemyError as exc:
        raise StoreError(
            f"The server refused its set-up ({_first_line(exc)}). "
            "Run 'workbench server init' as the database's owner."
        ) from exc
    finally:
        store.close()
    return [
        f"Schema at {head_revision()}.",
        f"Roles {ANALYST}, {LEAD} and {ADMIN} with their grants; the lead rule on "
        f"{len(INSPECTION_OF)} tables.",
        f"Server store id {server_id} (its audit chain).",
        "Add people with: workbench server add-user --db URL LOGIN --role ROLE "
        "(analyst, lead or administrator).",
    ]


def add_user(target: str, login: str, role: str, password: str | None = None) -> str:
    """Create the login if it is new and give it one of the roles (replacing the others)."""
    url = _server_url(target)
    if not LOGIN.match(login):
        raise WorkbenchError(
            f"'{login}' is not a login name: use lower-case letters, digits, '_', '.' or '-'."
        )
    if role not in ROLES:
        raise WorkbenchError(f"'{role}' is not a role; use one of {', '.join(ROLES)}.")
    store = _open(url)
    try:
        with store.engine.begin() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :l"), {"l": login})
            if not exists:
                conn.exec_driver_sql(f'CREATE ROLE "{login}" LOGIN')
            if password is not None:
                quoted = conn.scalar(text("SELECT quote_literal(:p)"), {"p": password})
                conn.exec_driver_sql(f'ALTER ROLE "{login}" PASSWORD {quoted}')
            for other in ROLES.values():
                conn.exec_driver_sql(f'REVOKE {other} FROM "{login}"')
            conn.exec_driver_sql(f'GRANT {ROLES[role]} TO "{login}"')
    except SQLAlchemyError as exc:
        raise StoreError(
            f"The server refused to add {login} ({_first_line(exc)}). "
            "Adding people needs a login that may create roles."
        ) from exc
    finally:
        store.close()
    return f"{login} is now {'an' if role[0] in 'aeiou' else 'a'} {role} on this server."


def _open(url: str) -> Store:
    from workbench.store import open_workbench_store

    return open_workbench_store(url)


@dataclass
class ServerCheck:
    """What ``server check`` found: each item fine or missing, and who is asking."""

    login: str = ""
    role: str = ""
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.missing


def check_server(target: str) -> ServerCheck:
    """What is in place on the server and what is missing, without changing anything."""
    url = _server_url(target)
    result = ServerCheck()
    try:
        store = open_store(url, migrate=False)
    except StoreOpenError as exc:
        result.missing.append(str(exc))
        return result
    try:
        with store.engine.connect() as conn:
            _check(conn, result)
    finally:
        store.close()
    return result


def _check(conn: Connection, result: ServerCheck) -> None:
    result.login = conn.scalar(text("SELECT current_user"))
    tables = set(inspect(conn).get_table_names())
    version = conn.scalar(text("SELECT version_num FROM alembic_version")) if tables else None
    if version == head_revision():
        result.found.append(f"schema at {version}")
    else:
        result.missing.append(
            f"the schema is at {version or 'nothing'}, this version needs {head_revision()}"
        )
    expected = {t.name for t in Base.metadata.sorted_tables}
    absent = sorted(expected - tables)
    if absent:
        result.missing.append(f"tables {', '.join(absent)}")
    roles = {
        r for (r,) in conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:r)"),
                                   {"r": list(ROLES.values())})
    }  # fmt: skip
    for name, role in ROLES.items():
        (result.found if role in roles else result.missing).append(f"the {name} role ({role})")
    if conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
        result.role = "superuser"
    for name, role in reversed(ROLES.items()):  # the widest role the login has
        if (
            not result.role
            and role in roles
            and conn.scalar(text("SELECT pg_has_role(current_user, :r, 'MEMBER')"), {"r": role})
        ):
            result.role = name
    if ANALYST in roles and tables:
        readable = conn.scalar(
            text("SELECT count(*) FROM unnest(CAST(:t AS text[])) AS t "
                 "WHERE has_table_privilege(:r, t, 'SELECT')"),
            {"t": sorted(expected & tables), "r": ANALYST},
        )  # fmt: skip
        if readable != len(expected & tables):
            result.missing.append("the analyst role's grants (read every table)")
        else:
            result.found.append("read grants on every table")
    triggers = conn.scalar(
        text("SELECT count(DISTINCT tgrelid) FROM pg_trigger WHERE tgname = :n"),
        {"n": TRIGGER},
    )  # fmt: skip
    if triggers == len(INSPECTION_OF):
        result.found.append(f"the lead rule on {triggers} tables")
    else:
        result.missing.append(f"the lead rule (on {triggers} of {len(INSPECTION_OF)} tables)")
    sequenced = conn.scalar(
        text("SELECT count(*) FROM pg_trigger WHERE tgname = 'workbench_audit_seq'")
    )
    (result.found if sequenced else result.missing).append(
        "the audit trail's store-wide sequence (workbench_audit_seq)"
    )
    identity = conn.scalar(text("SELECT count(*) FROM store_identity")) if tables else 0
    if not identity:
        result.missing.append("the server store's identity (its audit chain)")
