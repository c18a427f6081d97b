"""duties that were prose (issue 19): register fields, active listening, data protection clocks,
purgeable notes and corrective actions

- cases.area_of_law, resolved, adjustments: the register's fields (F19, F24);
- cases.understanding_letter_id / understanding_sent_at: the letter that restated the complaint;
- cases.sar_received_at / sar_due_at / sar_done_at: a subject access request's clock (F16);
- cases.breach_aware_at / breach_decided_at / breach_notifiable: the 72-hour ICO decision (F17);
- cases.escalated: the triggers compliance and the partner were alerted for (sealed);
- case_notes: people's free text about a case, purgeable; the audit trail keeps its hash (F15);
- corrective_actions: what will change, its owner, due date, and whether it worked.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-20
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_COLUMNS: tuple[tuple[str, sa.types.TypeEngine], ...] = (
    ("area_of_law", sa.String(32)),
    ("resolved", sa.String(8)),
    ("adjustments", sa.String(16)),
    ("understanding_letter_id", _ID),
    ("understanding_sent_at", sa.DateTime(timezone=True)),
    ("sar_received_at", sa.DateTime(timezone=True)),
    ("sar_due_at", sa.DateTime(timezone=True)),
    ("sar_done_at", sa.DateTime(timezone=True)),
    ("breach_aware_at", sa.DateTime(timezone=True)),
    ("breach_decided_at", sa.DateTime(timezone=True)),
    ("breach_notifiable", sa.Boolean()),
    ("escalated", sa.LargeBinary()),
)


def upgrade() -> None:
    # One column at a time, in place (SQLite 3.35+), as 0012 does: `cases` is referenced, watched.
    for name, kind in _COLUMNS:
        op.add_column("cases", sa.Column(name, kind, nullable=True))
    op.create_table(
        "case_notes",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("case_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("body", sa.LargeBinary()),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("by", sa.String(length=320), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_case_notes_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    op.create_index(op.f("ix_case_notes_case_id"), "case_notes", ["case_id"])
    op.create_table(
        "corrective_actions",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("case_id", _ID, nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=False),
        sa.Column("owner", sa.String(length=320), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=64)),
        sa.Column("root_cause", sa.String(length=255)),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded", sa.String(length=32)),
        sa.Column("reminded_at", sa.DateTime(timezone=True)),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.Column("done_by", sa.String(length=320)),
        sa.Column("worked", sa.String(length=8)),
        sa.Column("worked_at", sa.DateTime(timezone=True)),
        sa.Column("worked_by", sa.String(length=320)),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_corrective_actions_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrective_actions")),
    )
    op.create_index(op.f("ix_corrective_actions_status"), "corrective_actions", ["status"])
    op.create_index(op.f("ix_corrective_actions_case_id"), "corrective_actions", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_corrective_actions_case_id"), table_name="corrective_actions")
    op.drop_index(op.f("ix_corrective_actions_status"), table_name="corrective_actions")
    op.drop_table("corrective_actions")
    op.drop_index(op.f("ix_case_notes_case_id"), table_name="case_notes")
    op.drop_table("case_notes")
    for name, _kind in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE cases DROP COLUMN {name}")
