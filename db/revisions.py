"""The schema revisions this version knows, without importing SQLAlchemy or Alembic.

Read from the migration files' names (``<revision>.py``, checked by a test against
Alembic's own graph), so that a store at head can be opened, or read through ``db.cipher``
alone, without importing Alembic (or, for the quick readers, SQLAlchemy).
"""

from __future__ import annotations

from importlib import resources


def known_revisions() -> list[str]:
    """The schema revisions this version knows, oldest first."""
    folder = resources.files("db") / "migrations" / "versions"
    names = (entry.name for entry in folder.iterdir())
    return sorted(n[:-3] for n in names if n.endswith(".py") and n[:4].isdigit())


def head_revision() -> str:
    return known_revisions()[-1]
