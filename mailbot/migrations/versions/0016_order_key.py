"""raw_messages.order_key: the party a recorded message is about, so that several instances can
decide the queue side by side and still decide one client's messages one at a time, in order

A hash of the sender's address (or of the client's, in a staff member's forward), set at take-in
(decide_order.py). Records taken in before this revision have none and are decided as their own
party.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("raw_messages", sa.Column("order_key", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("raw_messages", "order_key")
