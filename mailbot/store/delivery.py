"""Named queries for the outbox flush: what is due, in which order, and how fast we have sent."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Connection, case, or_, select

from ..records import Letter
from .outbox import as_letter
from .tables import outbox


def due_letters(
    conn: Connection, now: datetime, *, first_kinds: Collection[str], limit: int
) -> list[Letter]:
    """Approved letters whose next attempt is due, `first_kinds` (clients' letters) first, then
    oldest first; rows are locked (SKIP LOCKED) on PostgreSQL so instances share the queue."""
    first = case((outbox.c.kind.in_(list(first_kinds)), 0), else_=1)
    q = (
        select(outbox)
        .where(
            outbox.c.status == "approved",
            or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
        )
        .order_by(first, outbox.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True, of=outbox)
    return [as_letter(row) for row in conn.execute(q)]


def sent_times_since(conn: Connection, since: datetime) -> list[datetime]:
    """When letters were sent since `since`: what the sending rate has already used."""
    q = select(outbox.c.sent_at).where(outbox.c.status == "sent", outbox.c.sent_at >= since)
    return [row[0] for row in conn.execute(q)]
