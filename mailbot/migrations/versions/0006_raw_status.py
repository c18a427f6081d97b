"""raw messages are indexed by status: the records still 'received' are the queue of mail taken
in but not yet decided, read at the start of every intake pass

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""
from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("raw_messages") as batch:
        batch.create_index("ix_raw_messages_status", ["status"])


def downgrade() -> None:
    with op.batch_alter_table("raw_messages") as batch:
        batch.drop_index("ix_raw_messages_status")
