"""open cases per handler from one covering index: cases by (state, handler_email) in place of
cases by state

Every new complaint counts the open cases of each handler (`open_case_counts_by_handler`, to
share the load). SQLite answered it by the state index and a read of every open case's row,
the largest statement of a new case and one that grows with the register (3.7 ms at 2,000 open
cases); from (state, handler_email) it reads the index alone (0.45 ms). The new index serves
every query the state index did, so that one goes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""
from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain index statements, no batch: a batch rebuild would drop `cases`, which the other
    # tables reference.
    op.create_index("ix_cases_state_handler_email", "cases", ["state", "handler_email"])
    op.drop_index("ix_cases_state", "cases")


def downgrade() -> None:
    op.create_index("ix_cases_state", "cases", ["state"])
    op.drop_index("ix_cases_state_handler_email", "cases")
