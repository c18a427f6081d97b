"""Counts and listings for the overviews: `mailbot status` and the daily digest.

Each is one short query a person reads the answer of; none is on a hot path.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Row, func, select

from ..deadlines import ACTIVE_STATES
from ..references import parse_reference, unused
from . import audit
from .casebook import IS_OPEN, holding_sent
from .tables import audit_events, cases, outbox, raw_messages, ref_counters, watermarks


def _count(conn: Connection, table: Any, *where: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def open_cases(conn: Connection) -> int:
    """Cases still being worked (casebook.IS_OPEN: not yet answered or closed)."""
    return _count(conn, cases, IS_OPEN)


def letters_with_status(conn: Connection, status: str) -> int:
    """Letters in the outbox with this status: 'draft' (awaiting approval), 'approved' (the
    backlog to send), 'failed'."""
    return _count(conn, outbox, outbox.c.status == status)


def unused_references(conn: Connection) -> list[str]:
    """Case references the counter gave out that no case has (references.py says how one comes
    to be skipped); numbers before an adopted mailbox's first were another database's."""
    first: dict[int, int] = {}
    for detail in audit.details_since(conn, "intake.mailbox_adopted", datetime.min.replace(
            tzinfo=timezone.utc)):
        adopted = parse_reference(str(detail.get("next_reference", "")))
        if adopted is not None:
            first[adopted[0]] = max(first.get(adopted[0], 1), adopted[1])
    found: list[str] = []
    for year, last in conn.execute(select(ref_counters.c.year, ref_counters.c.last)
                                   .order_by(ref_counters.c.year)):
        refs = conn.execute(select(cases.c.ref).where(cases.c.ref.like(f"C-{year}-%")))
        found += unused(int(year), int(last), refs.scalars(), first.get(int(year), 1))
    return found


def undecided_mail(conn: Connection) -> int:
    """Mail taken in but not yet decided: normally 0 between passes."""
    return _count(conn, raw_messages, raw_messages.c.status == "received")


def events_since(conn: Connection, kind: str, since: datetime) -> int:
    """How many audit events of this kind since then (a bounce: 'letter.bounced')."""
    audit.flush(conn)
    return _count(conn, audit_events, audit_events.c.kind == kind, audit_events.c.at >= since)


def active_cases(conn: Connection) -> list[Row[Any]]:
    """Every case whose clocks run (deadlines.ACTIVE_STATES), with `holding_sent_at`: when its
    first holding letter went out (casebook.holding_sent)."""
    return list(conn.execute(select(cases, holding_sent(cases.c.id).label("holding_sent_at"))
                             .where(cases.c.state.in_(sorted(ACTIVE_STATES)))))


def mailboxes(conn: Connection) -> list[Row[Any]]:
    """Each mailbox read (its watermark row), with `last_success_at`: its last good check."""
    return list(conn.execute(select(watermarks)))


def latest_event_kind(conn: Connection, kinds: list[str]) -> str | None:
    """Which of these audit event kinds was appended last (an alert raised or lifted), if any."""
    audit.flush(conn)
    return conn.execute(
        select(audit_events.c.kind)
        .where(audit_events.c.kind.in_(kinds))
        .order_by(audit_events.c.id.desc())
        .limit(1)
    ).scalar()
