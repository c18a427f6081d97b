"""Bounces are data: tie each one to the letter it bounces and tell that case's handler."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from .. import routing
from ..cases import AuditEvent
from ..letters import CLIENT_KINDS, LetterKind, label
from ..records import Case, Letter
from ..store import audit, casebook
from ..store import outbox as outbox_q
from .context import App, log
from .drafting import staff_mail


def _bounced_letter(conn: Connection, route: routing.Ignore) -> Letter | None:
    if route.bounced_outbox_id is not None:
        row = outbox_q.letter(conn, route.bounced_outbox_id)
        if row is not None:
            return row
    mid = route.msg.bounced_message_id
    return outbox_q.letter_by_message_id(conn, mid) if mid else None


def record_bounce(conn: Connection, app: App, route: routing.Ignore, *, now: datetime,
                  detail: dict[str, Any]) -> None:
    msg = route.msg
    letter = _bounced_letter(conn, route)
    case = casebook.case_by_id(conn,
                               letter.case_id) if letter is not None and letter.case_id else None
    detail = {**detail, "status": msg.bounce_status, "permanent": msg.bounce_permanent,
              "outbox_id": letter.id if letter is not None else None}
    audit.append(
        conn, [AuditEvent("letter.bounced", case.ref if case else None, "mailbot", now, detail)])
    log.warning("letter.bounced", extra={
        "case": case.ref if case else "-",
        "status": msg.bounce_status or "-"
    })
    if letter is None or msg.bounce_permanent is False:
        return  # nothing of ours, or a delay report: the server is still trying
    tell_handler_undelivered(
        conn, app, letter, case, now=now, recipient=", ".join(letter.recipients),
        sent_at=letter.sent_at or letter.created_at, status=msg.bounce_status or "unknown",
        diagnostic="the recipient's mail server returned the letter as undeliverable")


def tell_handler_undelivered(conn: Connection, app: App, letter: Letter, case: Case | None,
                             *, now: datetime, sent_at: datetime, status: str, diagnostic: str,
                             recipient: str | None = None) -> None:
    """A client letter that will not arrive: the case's handler must reach the client another
    way (a deadline still runs). `recipient` defaults to the case's client address."""
    if letter.kind not in CLIENT_KINDS or case is None or not case.handler_email:
        return
    staff_mail(conn, app, LetterKind.BOUNCE_ALERT, case.handler_email, case=case, now=now, extra={
        "letter_kind_label": label(letter.kind),
        "recipient": case.client_address if recipient is None else recipient,
        "sent_at": sent_at,
        "status": status,
        "permanent": True,
        "diagnostic": diagnostic,
    })
