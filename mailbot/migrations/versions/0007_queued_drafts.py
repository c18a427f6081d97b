"""a reminder level that calls for a draft (a progress update, a holding letter, a chaser)
carries its draft's kind and whether it is still to be written: the tick queues drafts in the
same insert that records the level, and the drafting step writes them afterwards

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminders_fired") as batch:
        batch.add_column(sa.Column("draft_kind", sa.String(32), nullable=True))
        batch.add_column(sa.Column("draft_status", sa.String(16), nullable=True))
        batch.create_index("ix_reminders_fired_draft_status", ["draft_status"])


def downgrade() -> None:
    with op.batch_alter_table("reminders_fired") as batch:
        batch.drop_index("ix_reminders_fired_draft_status")
        batch.drop_column("draft_status")
        batch.drop_column("draft_kind")
