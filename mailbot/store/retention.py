"""Named queries for retention (service/retention.py says what goes, what stays and why)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select, update

from ..deadlines import ACTIVE_STATES
from .notes import purge_notes
from .tables import case_messages, cases, outbox, raw_messages


def ended_before(conn: Connection, earliest: datetime) -> list[Row[Any]]:
    """Cases not yet purged that ended before `earliest` by the rule of
    service/retention.ended_at, in case order: the columns it and the regime's floor need."""
    c = cases.c
    ended = or_(and_(c.state == "closed", c.closed_at < earliest),
                and_(c.state == "responded", c.responded_at < earliest),
                and_(c.is_complaint.is_(False), c.state.in_(sorted(ACTIVE_STATES)),
                     c.updated_at < earliest))
    return list(conn.execute(select(c.ref, c.legal_hold, c.profile, c.state, c.closed_at,
                                    c.responded_at, c.updated_at, c.is_complaint)
                             .where(ended, c.purged_at.is_(None)).order_by(c.id)))


def _unlinked(before: datetime) -> Any:
    """Raw mail that belongs to no case, taken in before then, its bytes still kept."""
    return and_(raw_messages.c.case_id.is_(None), raw_messages.c.created_at < before,
                raw_messages.c.raw.is_not(None))


def count_unlinked_raw(conn: Connection, before: datetime) -> int:
    return int(conn.execute(
        select(func.count()).select_from(raw_messages).where(_unlinked(before))).scalar_one())


def purge_unlinked_raw(conn: Connection, before: datetime) -> int:
    """Drop the bytes of mail that belongs to no case; returns how many."""
    return conn.execute(update(raw_messages).where(_unlinked(before)).values(raw=None)).rowcount


def case_to_purge(conn: Connection, ref: str) -> Row[Any, Any] | None:
    """The case's id and client address, unless it is on legal hold."""
    return conn.execute(select(cases.c.id, cases.c.client_address)
                        .where(cases.c.ref == ref, cases.c.legal_hold.is_(False))).first()


def purge_case(conn: Connection, case_id: int, *, client_address: str, alias: str,
               placeholder: str, now: datetime) -> dict[str, int]:
    """Purge one case's content; returns how many of each were purged, for the audit event.

    The raw mail's bytes go; message bodies and subjects go, and the client's address becomes
    `alias`; letters keep `placeholder` for their text and subject; notes lose their words; the
    case row keeps its register fields and loses its subject, closing reason, client name,
    triage suggestion and flags.
    """
    raw = conn.execute(
        update(raw_messages).where(
            raw_messages.c.case_id == case_id,
            raw_messages.c.raw.is_not(None)).values(raw=None)).rowcount
    msgs = conn.execute(update(case_messages).where(case_messages.c.case_id == case_id)
                        .values(body=None, subject=None)).rowcount
    conn.execute(update(case_messages).where(
        case_messages.c.case_id == case_id,
        func.lower(case_messages.c.from_addr) == client_address.lower())
        .values(from_addr=alias))
    letters = conn.execute(
        update(outbox).where(outbox.c.case_id == case_id).values(
            body_text=placeholder, body_html=None, subject=placeholder, edit_diff=None)).rowcount
    notes = purge_notes(conn, case_id)
    conn.execute(update(cases).where(cases.c.id == case_id).values(
        purged_at=now, subject=None, updated_at=now, close_reason=None, client_name=None,
        client_address=alias, suggestion=None, flags=[]))
    return {"raw_messages": raw, "messages": msgs, "letters": letters, "notes": notes}
