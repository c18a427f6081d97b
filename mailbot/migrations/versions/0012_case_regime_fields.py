"""the rules that apply to a case: complaint or enquiry, who complains, how it came, the FCA waiver

- complaint_decided_by / complaint_decided_at: the person who decided whether the case is a
  complaint (NULL: only triage has said so; an enquiry then waits for a person);
- complainant: 'client' or 'third_party' (letters and the ombudsman's eligibility follow it);
- channel: how the complaint reached the firm (email, or phone, letter, in person: `cases open`);
- waive_time_limits: whether the firm consents to the FOS considering a late referral (FCA);
- close_reason: why a case was closed before a final response (sealed: the handler's words).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_COLUMNS = ("complaint_decided_by", "complaint_decided_at", "complainant", "channel",
            "waive_time_limits", "close_reason")


def upgrade() -> None:
    # One column at a time, in place (SQLite 3.35+): a batch rebuild would drop `cases`, which
    # other tables reference and a trigger watches.
    op.add_column("cases", sa.Column("complaint_decided_by", sa.String(320), nullable=True))
    op.add_column("cases", sa.Column("complaint_decided_at", sa.DateTime(timezone=True),
                                     nullable=True))
    op.add_column("cases", sa.Column("complainant", sa.String(16), nullable=False,
                                     server_default="client"))
    op.add_column("cases", sa.Column("channel", sa.String(16), nullable=False,
                                     server_default="email"))
    op.add_column("cases", sa.Column("waive_time_limits", sa.Boolean(), nullable=True))
    op.add_column("cases", sa.Column("close_reason", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    for name in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE cases DROP COLUMN {name}")
