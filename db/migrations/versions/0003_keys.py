"""keys: inspection key pairs, the store's device key, registered inspector keys

Revision ID: 0003_keys
Revises: 0002_import_log
Create Date: 2026-11-29 10:02:41.118302
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_keys"
down_revision: str | None = "0002_import_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "inspection_key",
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("sign_public", sa.String(length=64), nullable=False),
        sa.Column("encrypt_public", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("private_blob", sa.Text(), nullable=True),
        sa.Column("kdf", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("inspection_id"),
    )
    op.create_table(
        "device_key",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("private_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "inspector_key",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("inspector", sa.String(length=200), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.String(length=32), nullable=False),
        sa.Column("registered_by", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("inspector_key", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inspector_key_lookup", ["inspection_id", "inspector"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("inspector_key", schema=None) as batch_op:
        batch_op.drop_index("ix_inspector_key_lookup")

    op.drop_table("inspector_key")
    op.drop_table("device_key")
    op.drop_table("inspection_key")
