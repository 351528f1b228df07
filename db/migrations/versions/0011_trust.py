"""trust: what each issued kit carried, and the recorded heads of audit chains

``kit_issue`` (0010_fieldwork) gains what packs' authority needs: how many cases a kit
carried, whether it carried every case of the inspection (``all_cases``: the inspector's
packs may then be on any case) and the kit's file name. Kits issued before kits were
recorded are taken from the audit trail's ``issue_kit`` events for each inspector with no
recorded kit, with their cases unknown (``all_cases``, no case ids). ``chain_head`` records
the head of this store's own chain (begun here from its newest event), the heads of the
packs it exported and those of the packs it received.

Revision ID: 0011_trust
Revises: 0010_fieldwork
Create Date: 2026-12-01 09:10:00.000000
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0011_trust"
down_revision: str | None = "0010_fieldwork"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kit_issue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cases", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("all_cases", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("file_name", sa.String(length=500), nullable=False, server_default="")
        )
    op.create_table(
        "chain_head",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=36), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_chain_head_origin", "chain_head", ["origin", "kind"])
    conn = op.get_bind()
    _kits_from_the_trail(conn)
    _own_head(conn)


def _kits_from_the_trail(conn: sa.Connection) -> None:
    recorded = {
        (row[0], row[1])
        for row in conn.execute(sa.text("SELECT inspection_id, inspector FROM kit_issue"))
    }
    rows = conn.execute(
        sa.text(
            "SELECT e.entity_id, e.actor, e.at, e.new_value FROM audit_event e "
            "JOIN inspection i ON i.id = e.entity_id WHERE e.action = 'issue_kit'"
        )
    ).all()
    kits = []
    for inspection_id, actor, at, new_value in rows:
        try:
            details = json.loads(new_value or "{}")
            inspector = str(details["inspector"])[:200]
            cases = int(details.get("cases") or 0)
        except (ValueError, KeyError, TypeError):
            continue
        if (inspection_id, inspector) in recorded:
            continue
        kits.append(
            {
                "id": str(uuid.uuid4()), "inspection_id": inspection_id, "inspector": inspector,
                "issued_by": actor, "issued_at": at, "cases": cases, "case_ids": "[]",
                "all_cases": True, "file_name": "",
            }
        )  # fmt: skip
    if kits:
        conn.execute(
            sa.text(
                "INSERT INTO kit_issue (id, inspection_id, inspector, case_ids, issued_by, "
                "issued_at, cases, all_cases, file_name) VALUES (:id, :inspection_id, "
                ":inspector, :case_ids, :issued_by, :issued_at, :cases, :all_cases, :file_name)"
            ),
            kits,
        )


def _own_head(conn: sa.Connection) -> None:
    own = conn.execute(sa.text("SELECT id FROM store_identity")).scalar()
    last = conn.execute(
        sa.text(
            "SELECT origin_seq, hash FROM audit_event WHERE origin = :own "
            "ORDER BY origin_seq DESC LIMIT 1"
        ),
        {"own": own or ""},
    ).first()
    if own is None or last is None:
        return
    conn.execute(
        sa.text(
            "INSERT INTO chain_head (id, kind, origin, inspection_id, last_seq, last_hash, "
            "recorded_at, source) VALUES (:id, 'own', :origin, NULL, :seq, :hash, :at, '')"
        ),
        {
            "id": str(uuid.uuid4()), "origin": own, "seq": last[0], "hash": last[1],
            "at": datetime.now(UTC).isoformat(timespec="microseconds"),
        },
    )  # fmt: skip


def downgrade() -> None:
    raise NotImplementedError(
        "Stores are not downgraded: restore the backup taken before the upgrade instead."
    )
