"""a recorded reminder level queues what the deadline tick must tell and draft: the reminder
line for the handler (or compliance) with its due date and detail, and for a stalled case, a
holding letter or a chaser the kind of draft; the letters step writes both after the tick

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
        batch.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("detail", sa.String(300), nullable=True))
        batch.add_column(sa.Column("notice_status", sa.String(16), nullable=True))
        batch.add_column(sa.Column("draft_kind", sa.String(32), nullable=True))
        batch.add_column(sa.Column("draft_status", sa.String(16), nullable=True))
        batch.create_index("ix_reminders_fired_notice_status", ["notice_status"])
        batch.create_index("ix_reminders_fired_draft_status", ["draft_status"])


def downgrade() -> None:
    with op.batch_alter_table("reminders_fired") as batch:
        batch.drop_index("ix_reminders_fired_draft_status")
        batch.drop_index("ix_reminders_fired_notice_status")
        for column in ("draft_status", "draft_kind", "notice_status", "detail", "due_at"):
            batch.drop_column(column)
