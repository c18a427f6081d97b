"""cases carry the next moment their clocks can produce an action, so a tick reads only those;
outbox rows are indexed by kind and time for the acknowledgement rate limits

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_cases_next_check_at", ["next_check_at"])
    with op.batch_alter_table("outbox") as batch:
        batch.create_index("ix_outbox_kind_created_at", ["kind", "created_at"])


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_kind_created_at")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_next_check_at")
        batch.drop_column("next_check_at")
