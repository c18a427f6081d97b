"""indexes for intake at volume: raw messages by status (the records still 'received' are the
queue of mail taken in but not yet decided), a case's letters by case, open cases per handler

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
    with op.batch_alter_table("outbox") as batch:
        batch.create_index("ix_outbox_case_id_kind_created_at", ["case_id", "kind", "created_at"])
    with op.batch_alter_table("cases") as batch:
        batch.create_index("ix_cases_handler_email_state", ["handler_email", "state"])


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_handler_email_state")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_case_id_kind_created_at")
    with op.batch_alter_table("raw_messages") as batch:
        batch.drop_index("ix_raw_messages_status")
