"""import log

Revision ID: 0002_import_log
Revises: 0001_initial
Create Date: 2026-11-29 08:19:17.296690
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_import_log"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "import_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("inspector", sa.String(length=200), nullable=True),
        sa.Column("fingerprint", sa.String(length=100), nullable=True),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("import_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_log_inspection_id"), ["inspection_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("import_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_log_inspection_id"))

    op.drop_table("import_log")
