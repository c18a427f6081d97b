"""Mail that fits no case and must reach a person: kept, never acted on, never dropped.

A handler's mail that answers no approval request and is not an authentic forward of an
outside client's email (those open a case: forwarded_by_staff.py) may still be a complaint the
handler forwarded; mail without a From cannot be answered or attached to anybody. Either could
be a complaint, so it is kept with its bytes and a person is told, at most once per period per
person, the rest combined (a forger must not be able to turn mailbot into a mail flood aimed at
the firm's own staff).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from .. import routing
from ..cases import AuditEvent
from ..store import audit, raw_mail
from .context import App, log
from .drafting import combined_notice

KEPT = "intake.kept_for_person"


def compliance_people(app: App) -> list[str]:
    """Who hears about mail nobody else can be told about: compliance, else partners, else
    handlers."""
    for role in ("compliance", "partner", "handler"):
        people = [h.email.lower() for h in app.config.handlers if role in h.roles]
        if people:
            return people
    return []


def staff_message(conn: Connection, app: App, route: routing.StaffMail, *, raw_id: int,
                  now: datetime, not_opened: str = "") -> None:
    """A handler wrote to the complaints address without answering an approval request;
    `not_opened` says why no case was opened from it (forwarded_by_staff.py)."""
    msg = route.msg
    handler = app.config.handler(msg.from_addr)
    notify = handler.email.lower() if handler else msg.from_addr.lower()
    _keep(conn, app, [notify], raw_id=raw_id, now=now, why="staff_mail", subject=msg.subject,
          sender=msg.from_addr, not_opened=not_opened)


def no_sender(conn: Connection, app: App, route: routing.Ignore, *, raw_id: int,
              now: datetime) -> None:
    """Mail without a From: nobody to answer, so compliance decides what it is."""
    _keep(conn, app, compliance_people(app), raw_id=raw_id, now=now, why="no_sender",
          subject=route.msg.subject, sender="")


REASONS = {
    "staff_mail": ("kept for a person: a handler's email that answered no approval request "
                   "(a forwarded complaint?)"),
    "no_sender": ("kept for a person: no From address, so it cannot be acknowledged or joined "
                  "to a case"),
}


def _keep(conn: Connection, app: App, people: list[str], *, raw_id: int, now: datetime, why: str,
          subject: str, sender: str, not_opened: str = "") -> None:
    """In the quarantine list (where a person finds mail to look at), and the people told."""
    raw_mail.mark_raw(conn, raw_id, status="quarantined", kind=why)
    qid = raw_mail.add_quarantine(conn, raw_id, REASONS[why], now)
    for person in people:
        audit.append(conn, [AuditEvent(KEPT, None, "mailbot", now, {"raw_id": raw_id, "why": why,
                                                                      "notify": person})])
        combined_notice(
            conn, app, "mail_kept", person, case=None, now=now, told=KEPT, extra={
                "why": why,
                "quarantine_id": qid,
                "subject": subject,
                "sender": sender,
                "not_opened": not_opened,
                "complaints_address": app.config.firm.complaints_address
            })
    log.warning("intake.kept_for_person", extra={"raw_id": raw_id, "why": why})
