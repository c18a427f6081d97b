"""approvals are bound to their request; triage flags are sealed; a poison message is counted

- approval_tokens: the Message-ID of the request that carried the token (a reply must answer
  it) and the nonce of its draft markers;
- cases.flags and cases.suggestion: encrypted like the message text (a vulnerability or
  safeguarding flag, and the reasons behind it, are special-category data);
- raw_messages.decide_attempts: passes that began deciding a message and never finished.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""
from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_SEALED = ("flags", "suggestion")


def upgrade() -> None:
    op.add_column("approval_tokens", sa.Column("request_message_id", sa.String(998), nullable=True))
    op.add_column("approval_tokens", sa.Column("marker", sa.String(16), nullable=True))
    op.create_index("ix_approval_tokens_request_message_id", "approval_tokens",
                    ["request_message_id"])
    op.add_column("raw_messages", sa.Column("decide_attempts", sa.Integer(), nullable=False,
                                            server_default="0"))
    _move(seal=True)


def downgrade() -> None:
    _move(seal=False)
    op.drop_column("raw_messages", "decide_attempts")
    op.drop_index("ix_approval_tokens_request_message_id", table_name="approval_tokens")
    op.drop_column("approval_tokens", "marker")
    op.drop_column("approval_tokens", "request_message_id")


def _move(*, seal: bool) -> None:
    """Copy flags and suggestion into columns of the other type, then swap the names.

    In place on SQLite (3.35+ drops and renames columns): a batch rebuild would drop `cases`,
    which other tables reference and a trigger watches.
    """
    bind = op.get_bind()
    sealer = getattr(bind.dialect, "mailbot_sealer", None)
    new_type: Any = sa.LargeBinary() if seal else sa.JSON()
    for name in _SEALED:
        op.add_column("cases", sa.Column(f"{name}_new", new_type, nullable=True))
    cases = sa.table("cases", sa.column("id"), *(sa.column(n) for n in _SEALED),
                     *(sa.column(f"{n}_new", new_type) for n in _SEALED))
    rows = bind.execute(sa.select(cases.c.id, *(cases.c[n] for n in _SEALED))).all()
    for row in rows:
        values = {f"{n}_new": _convert(getattr(row, n), seal, sealer) for n in _SEALED}
        bind.execute(sa.update(cases).where(cases.c.id == row.id).values(**values))
    for name in _SEALED:
        op.execute(f"ALTER TABLE cases DROP COLUMN {name}")
        op.execute(f"ALTER TABLE cases RENAME COLUMN {name}_new TO {name}")


def _convert(value: Any, seal: bool, sealer: Any) -> Any:
    if seal:
        if value is None:
            return None
        if isinstance(value, str):
            value = json.loads(value)  # SQLite hands JSON back as text
        data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()
        return sealer.seal(data) if sealer is not None else data
    if value is None:
        return None
    data = value.encode() if isinstance(value, str) else bytes(value)
    opened = sealer.open(data) if sealer is not None else data
    return json.loads(opened)
