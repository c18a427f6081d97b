"""Named queries for the links' reconnect state (mailbot/reconnect.py) and the database's owner."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from ..reconnect import LinkState, LinkStatus
from .raw_mail import insert_ignoring_conflict
from .tables import installation, links, raw_messages

_FIELDS = [f.name for f in fields(LinkState)]


def _state(row: Any) -> LinkState:
    values = {name: getattr(row, name) for name in _FIELDS}
    values["status"] = LinkStatus(values["status"])
    return LinkState(**values)


def get_link(conn: Connection, name: str) -> LinkState | None:
    row = conn.execute(select(links).where(links.c.name == name)).first()
    return _state(row) if row is not None else None


def save_link(conn: Connection, state: LinkState) -> None:
    values = asdict(state)
    values["status"] = state.status.value
    insert_ignoring_conflict(
        conn,
        links,
        {"name": state.name, "protocol": state.protocol, "status": "ok", "failures": 0},
        ["name"],
    )
    conn.execute(update(links).where(links.c.name == state.name).values(**values))


def all_links(conn: Connection) -> list[LinkState]:
    return [
        _state(row) for row in conn.execute(select(links).order_by(links.c.protocol, links.c.name))
    ]


def owner(conn: Connection) -> Any | None:
    """The installation row (complaints address, sealed key check), or None on a new database."""
    return conn.execute(select(installation).where(installation.c.id == 1)).first()


def set_owner(
    conn: Connection, *, complaints_address: str, key_check: bytes, now: datetime
) -> None:
    """Record (or, deliberately, change) who this database belongs to."""
    if owner(conn) is None:
        conn.execute(
            installation.insert().values(
                id=1, complaints_address=complaints_address, key_check=key_check, created_at=now
            )
        )
    else:
        conn.execute(
            update(installation)
            .where(installation.c.id == 1)
            .values(complaints_address=complaints_address, key_check=key_check)
        )


def has_mail_from(conn: Connection, mailbox: str) -> bool:
    """Whether this database recorded any message from `mailbox` (asked before a first pass)."""
    q = select(raw_messages.c.id).where(raw_messages.c.mailbox == mailbox).limit(1)
    return conn.execute(q).first() is not None
