"""Flushing the outbox: approved letters out over SMTP, exactly as approved, once.

Each row is claimed with a compare-and-set on its next attempt time (a lease), so several
instances never send one letter twice; the Message-ID was minted when the row was written
and is reused on every retry, so even a crash between the SMTP reply and the commit yields
at worst a resend that mail clients fold into one message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Connection, Row, update

from ..cases import AuditEvent, Event, State
from ..cases import apply as apply_event
from .. import marks
from ..compose import RenderedLetter, build_message
from ..errors import DeliveryFailed, TransitionRefused
from ..smtp import SmtpAuthFailed, SmtpSettings, send
from ..store import audit, casebook
from ..store import outbox as outbox_q
from ..store.tables import outbox
from .context import App, log
from .drafting import CLIENT_KINDS, staff_mail

LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=2)


@dataclass
class FlushReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    stopped: str | None = None  # set when the queue stopped (authentication refused)


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _claim(conn: Connection, row: Row[Any], now: datetime) -> bool:
    cond = outbox.c.next_attempt_at.is_(None) if row.next_attempt_at is None else outbox.c.next_attempt_at == row.next_attempt_at
    result = conn.execute(
        update(outbox).where(outbox.c.id == row.id, outbox.c.status == "approved", cond).values(next_attempt_at=now + LEASE)
    )
    return result.rowcount == 1


def _thread_at_sending(conn: Connection, row: Row[Any]) -> Row[Any]:
    """Thread a client letter under the newest message of its case as it stands now.

    A draft may wait days for approval while the acknowledgement and the client's replies
    arrive; replying to what the client last saw keeps the conversation in one thread.
    """
    if row.kind not in CLIENT_KINDS or row.case_id is None:
        return row
    ids = casebook.thread_ids(conn, row.case_id)
    if not ids:
        return row
    conn.execute(update(outbox).where(outbox.c.id == row.id).values(in_reply_to=ids[-1], references=ids[:-1]))
    fresh = outbox_q.letter(conn, row.id)
    assert fresh is not None
    return fresh


def message_for(app: App, row: Row[Any], now: datetime) -> EmailMessage:
    firm = app.config.firm
    case_ref = None
    if row.case_id is not None:
        with app.store.transaction() as conn:
            case = casebook.case_by_id(conn, row.case_id)
            case_ref = case.ref if case else None
    letter = RenderedLetter(kind=row.kind, subject=row.subject, text=row.body_text, html=row.body_html)
    return build_message(
        letter,
        from_addr=firm.complaints_address,
        from_name=firm.name,
        to=list(row.recipients),
        message_id=f"<{row.message_id}>",
        in_reply_to=f"<{row.in_reply_to}>" if row.in_reply_to else None,
        references=[f"<{r}>" for r in row.references],
        reply_to=row.reply_to,
        auto_submitted=row.auto_submitted,
        loop_domain=firm.domain,
        case_ref=case_ref,
        date=now,
    )


async def flush_outbox(app: App, settings: SmtpSettings, *, now: datetime, limit: int = 50) -> FlushReport:
    report = FlushReport()
    with app.store.transaction() as conn:
        due = outbox_q.due_for_sending(conn, now, limit)
    for row in due:
        with app.store.transaction() as conn:
            if not _claim(conn, row, now):
                continue
            row = _thread_at_sending(conn, row)
        message = message_for(app, row, now)
        envelope = marks.bounce_address(app.config.firm.complaints_address, row.id)
        try:
            await send(settings, message, sender=envelope, recipients=list(row.recipients))
        except SmtpAuthFailed as exc:
            with app.store.transaction() as conn:
                conn.execute(update(outbox).where(outbox.c.id == row.id).values(next_attempt_at=row.next_attempt_at, last_error=exc.reason))
            log.error("outbox.auth_failed", extra={"outbox_id": row.id})
            report.stopped = "SMTP authentication failed: the queue is stopped until the credentials are fixed"
            return report
        except DeliveryFailed as exc:
            with app.store.transaction() as conn:
                _failed_attempt(conn, app, row, exc, now=now, report=report)
            continue
        with app.store.transaction() as conn:
            _mark_sent(conn, app, row, now)
        report.sent.append(row.id)
    return report


def _failed_attempt(conn: Connection, app: App, row: Row[Any], exc: DeliveryFailed, *, now: datetime, report: FlushReport) -> None:
    attempts = row.attempts + 1
    permanent = exc.permanent or attempts >= app.config.smtp_max_attempts
    if not permanent:
        conn.execute(
            update(outbox).where(outbox.c.id == row.id).values(attempts=attempts, next_attempt_at=now + backoff(attempts), last_error=exc.reason)
        )
        log.warning("outbox.retry", extra={"outbox_id": row.id, "attempts": attempts, "code": exc.code})
        report.retrying.append(row.id)
        return
    outbox_q.set_status(conn, row.id, expected="approved", status="failed", attempts=attempts, last_error=exc.reason)
    case = casebook.case_by_id(conn, row.case_id) if row.case_id else None
    audit.append(conn, [AuditEvent("letter.failed", case.ref if case else None, "mailbot", now,
                                   {"outbox_id": row.id, "kind": row.kind, "code": exc.code, "reason": exc.reason})])
    log.error("outbox.failed", extra={"outbox_id": row.id, "code": exc.code})
    report.failed.append(row.id)
    if row.kind in CLIENT_KINDS and case is not None and case.handler_email:
        staff_mail(conn, app, "bounce_alert", case.handler_email, case=case, now=now,
                   extra={"letter_kind": row.kind, "reason": exc.reason, "code": exc.code, "when": now})


_STATE_EFFECTS = {
    "acknowledgement": Event.ACKNOWLEDGE,
    "request_info": Event.REQUEST_INFO,
    "final_response": Event.RESPOND,
    "summary_resolution": Event.RESPOND,  # FCA: resolved within 3 business days, in place of a final response
    "progress_update": Event.INVESTIGATE,
}


def _mark_sent(conn: Connection, app: App, row: Row[Any], now: datetime) -> None:
    values: dict[str, Any] = {"sent_at": now, "attempts": row.attempts + 1, "next_attempt_at": None, "last_error": None}
    if row.kind == "approval_request":
        # The token lives on only as a hash: scrub every clear copy once the request is out.
        token = marks.token_from_address(row.reply_to)
        values["reply_to"] = app.config.firm.complaints_address
        values["subject"] = marks.scrub_subject(row.subject)
        if token:
            values["body_text"] = row.body_text.replace(token, "removed")
            values["body_html"] = row.body_html.replace(token, "removed") if row.body_html else None
    outbox_q.set_status(conn, row.id, expected="approved", status="sent", **values)
    case = casebook.case_by_id(conn, row.case_id) if row.case_id else None
    if case is None:
        return
    events = [AuditEvent("letter.sent", case.ref, "mailbot", now, {"outbox_id": row.id, "kind": row.kind, "message_id": row.message_id})]
    if row.kind in CLIENT_KINDS:
        casebook.add_case_message(
            conn, case_id=case.id, direction="out", kind=row.kind, message_id=row.message_id,
            from_addr=app.config.firm.complaints_address, subject=row.subject, body=row.body_text, at=now, outbox_id=row.id,
        )
        case_values: dict[str, Any] = {"last_client_letter_at": now}
        if row.kind == "request_info":
            case_values["awaiting_client_since"] = now
        casebook.update_case(conn, case.id, now, **case_values)
        event = _STATE_EFFECTS.get(row.kind)
        snap = casebook.snapshot(case)
        if event is Event.INVESTIGATE and snap.state is not State.ACKNOWLEDGED:
            event = None
        if event is not None:
            try:
                moved = apply_event(snap, event, now=now, actor="mailbot")
            except TransitionRefused as exc:
                log.warning("case.transition_skipped", extra={"case": case.ref, "why": str(exc)})
            else:
                casebook.save_snapshot(conn, case.id, moved.case, now)
                events.extend(moved.events)
    audit.append(conn, events)
