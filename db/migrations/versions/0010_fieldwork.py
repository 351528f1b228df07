"""fieldwork: sample draws, issued kits, stage moderation, dual grading, case attributes,
archived inspections

Revision ID: 0010_fieldwork
Revises: 0008_followup
Create Date: 2026-12-01 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_fieldwork"
down_revision: str | None = "0008_followup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.String(length=32), nullable=True))
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("second_inspector", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("attributes", sa.Text(), nullable=False, server_default="{}"))
    op.create_table(
        "stage_moderation",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("stage_id", sa.String(length=100), nullable=False),
        sa.Column("grade", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("moderated_by", sa.String(length=200), nullable=False),
        sa.Column("moderated_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "stage_id"),
    )
    op.create_table(
        "sample_draw",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("method", sa.String(length=100), nullable=False),
        sa.Column("seed", sa.String(length=100), nullable=False),
        sa.Column("strata_by", sa.String(length=100), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("strata", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("listed", sa.Integer(), nullable=False),
        sa.Column("drawn", sa.Integer(), nullable=False),
        sa.Column("drawn_by", sa.String(length=200), nullable=False),
        sa.Column("drawn_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sample_draw_inspection_id", "sample_draw", ["inspection_id"])
    op.create_table(
        "kit_issue",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("inspector", sa.String(length=200), nullable=False),
        sa.Column("case_ids", sa.Text(), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("issued_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_kit_issue_lookup", "kit_issue", ["inspection_id", "inspector"])


def downgrade() -> None:
    raise NotImplementedError(
        "Stores are not downgraded: restore the backup taken before the upgrade instead."
    )
