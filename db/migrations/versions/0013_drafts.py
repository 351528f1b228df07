"""drafts: text typed in the grading panel and not yet saved as an audited edit

``draft`` holds one row per (case, inspector, field) while typing is under way: written
within a moment of each keystroke, deleted once the text is saved as the audited edit, and
offered again when the case next opens after a crash.

Revision ID: 0013_drafts
Revises: 0011_trust
Create Date: 2026-12-01 10:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_drafts"
down_revision: str | None = "0011_trust"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "draft",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("inspector", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "inspector", "field"),
    )


def downgrade() -> None:
    op.drop_table("draft")
