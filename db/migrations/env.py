"""Alembic environment: runs on the engine handed over by ``db.engine.open_store``."""

from alembic import context
from sqlalchemy import create_engine

from db.models import Base

config = context.config
target_metadata = Base.metadata

engine = config.attributes.get("engine")
if engine is None:  # alembic's own command line, for writing new revisions
    engine = create_engine(
        config.get_main_option("sqlalchemy.url") or "sqlite:///alembic-dev.sqlite"
    )

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()
