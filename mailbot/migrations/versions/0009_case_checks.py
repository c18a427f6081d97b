"""the tick's next check per case moves from cases.next_check_at to its own narrow table

Storing it rewrote a whole case row (and, on PostgreSQL, an entry in each of the case's seven
indexes) for every case a tick looked at; a boundary tick looks at thousands. A trigger gives
every new case its row (next_check_at NULL: look at it), whoever inserts the case.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION mailbot_case_checks_row() RETURNS trigger AS $$
BEGIN
    INSERT INTO case_checks (case_id) VALUES (NEW.id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "case_checks",
        sa.Column("case_id",
                  sa.BigInteger().with_variant(sa.Integer(), "sqlite"), sa.ForeignKey("cases.id"),
                  primary_key=True),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_case_checks_next_check_at", "case_checks", ["next_check_at"])
    op.execute(
        "INSERT INTO case_checks (case_id, next_check_at) SELECT id, next_check_at FROM cases")
    op.drop_index("ix_cases_next_check_at", table_name="cases")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_column("cases", "next_check_at")
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER cases_case_checks_row AFTER INSERT ON cases "
                   "FOR EACH ROW EXECUTE FUNCTION mailbot_case_checks_row()")
    else:
        # In place (SQLite 3.35+): a batch rebuild would drop `cases`, which the other tables
        # reference.
        op.execute("ALTER TABLE cases DROP COLUMN next_check_at")
        op.execute("CREATE TRIGGER cases_case_checks_row AFTER INSERT ON cases "
                   "BEGIN INSERT INTO case_checks (case_id) VALUES (NEW.id); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS cases_case_checks_row ON cases")
        op.execute("DROP FUNCTION IF EXISTS mailbot_case_checks_row()")
    else:
        op.execute("DROP TRIGGER IF EXISTS cases_case_checks_row")
    op.add_column("cases", sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE cases SET next_check_at = "
               "(SELECT next_check_at FROM case_checks WHERE case_checks.case_id = cases.id)")
    op.create_index("ix_cases_next_check_at", "cases", ["next_check_at"])
    op.drop_index("ix_case_checks_next_check_at", table_name="case_checks")
    op.drop_table("case_checks")
