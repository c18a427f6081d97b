"""seal the two free-text fields of a case that were stored in clear: the client's display name
and the handler's learning point

`cases.client_name` is personal data (the name a client's mail program shows), and
`cases.learning` is a handler's own words about a complaint, which may name people or repeat
what happened. Both were plain text while the rest of a case's words were sealed. Neither is
filtered or sorted on, so both can be sealed like the subject and the close reason.

Each column is rebuilt in place: a sealed twin is added, every value is sealed into it with the
engine's key (the sealer rides on the dialect, as it does for every sealed column), the clear
column is dropped and the twin takes its name. A batch rebuild would drop `cases`, which other
tables reference and a trigger watches. Without a key (only tests and offline tools run so) the
bytes are stored as written, readable and sealed later by `mailbot db rotate-key`.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mailbot.store.sealing import SealedText

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_COLUMNS = (("client_name", sa.String(255)), ("learning", sa.Text()))
_CHUNK = 1000


def _carry(name: str, source: sa.types.TypeEngine, target: sa.types.TypeEngine,
           target_ddl: sa.types.TypeEngine) -> None:
    """Copy `cases.<name>` into a new column of type `target`, then let it take the name."""
    twin = f"{name}_new"
    op.add_column("cases", sa.Column(twin, target_ddl, nullable=True))
    bind = op.get_bind()
    old = sa.table("cases", sa.column("id", sa.Integer()), sa.column(name, source))
    new = sa.table("cases", sa.column("id", sa.Integer()), sa.column(twin, target))
    rows = bind.execute(sa.select(old.c.id, old.c[name]).where(old.c[name].is_not(None))
                        .order_by(old.c.id)).all()
    write = (sa.update(new).where(new.c.id == sa.bindparam("row_id"))
             .values({twin: sa.bindparam("value")}))
    for start in range(0, len(rows), _CHUNK):
        bind.execute(write, [{"row_id": i, "value": v} for i, v in rows[start:start + _CHUNK]])
    op.execute(f"ALTER TABLE cases DROP COLUMN {name}")
    op.execute(f"ALTER TABLE cases RENAME COLUMN {twin} TO {name}")


def upgrade() -> None:
    for name, clear in _COLUMNS:
        _carry(name, clear, SealedText(), sa.LargeBinary())


def downgrade() -> None:
    for name, clear in reversed(_COLUMNS):
        _carry(name, SealedText(), clear, clear)
