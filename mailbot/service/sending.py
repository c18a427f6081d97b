"""Flushing the outbox: approved letters out over SMTP, exactly as approved, once.

Each row is claimed with a compare-and-set on its next attempt time (a lease), so several
instances never send one letter twice; the Message-ID was minted when the row was written
and is reused on every retry, so even a crash between the SMTP reply and the commit yields
at worst a resend that mail clients fold into one message.

A flush sends everything that is due, clients' letters first, no faster than
`smtp.max_per_minute` (providers limit a mailbox: Microsoft 365 to about 30 a minute), and
stops early only when asked to or when the relay itself fails. The relay obeys the one
reconnect policy (service/links.py): a refused login stops sending until the credentials
change. One letter can never hold up the rest: whatever goes wrong while sending it, it is
marked failed with the reason, a person is told, and the queue goes on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Connection

from ..cases import AuditEvent, Event, State
from ..cases import apply as apply_event
from .. import marks
from ..compose import RenderedLetter, build_message
from ..errors import DeliveryFailed, TransitionRefused
from ..letters import CLIENT_KINDS, LetterKind, label, rule_of
from ..records import Case, Letter
from ..smtp import SmtpSettings, send
from ..store import audit, casebook, delivery
from ..store import outbox as outbox_q
from .bounces import tell_handler_undelivered
from .context import App, log
from .links import smtp_failed, smtp_may_send, smtp_worked, system_alert
from .listening import on_letter_sent

LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=2)
BATCH = 100  # rows read per query; the flush reads again until nothing is due
WINDOW = 60.0  # seconds: smtp.max_per_minute counts sends within this window
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class FlushReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    stopped: str | None = (
        None  # set when sending stopped early: the relay failed or refused our login
    )


class SendingRate:
    """At most `per_minute` sends in any 60 seconds, counting those already made (`recent`,
    as monotonic times). Monotonic time, not the business clock: `--now` may be fixed."""

    def __init__(
        self,
        per_minute: int,
        recent: Sequence[float] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._sent = sorted(recent)

    def wait_needed(self) -> float:
        """Seconds until one more send fits in the window (0: now)."""
        now = self._clock()
        self._sent = [at for at in self._sent if now - at < WINDOW]
        if len(self._sent) < self.per_minute:
            return 0.0
        return max(self._sent[-self.per_minute] + WINDOW - now, 0.0)

    def sent(self) -> None:
        self._sent.append(self._clock())


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _thread_at_sending(conn: Connection, row: Letter) -> Letter:
    """Thread a client letter under the newest message of its case as it stands now.

    A draft may wait days for approval while the acknowledgement and the client's replies
    arrive; replying to what the client last saw keeps the conversation in one thread.
    """
    if row.kind not in CLIENT_KINDS or row.case_id is None:
        return row
    ids = casebook.thread_ids(conn, row.case_id)
    if not ids:
        return row
    outbox_q.rethread(conn, row.id, in_reply_to=ids[-1], references=ids[:-1])
    return outbox_q.existing_letter(conn, row.id)


def message_for(app: App, row: Letter, now: datetime) -> EmailMessage:
    firm = app.config.firm
    case_ref = None
    if row.case_id is not None:
        with app.store.transaction() as conn:
            case = casebook.case_by_id(conn, row.case_id)
            case_ref = case.ref if case else None
    letter = RenderedLetter(
        kind=row.kind, subject=row.subject, text=row.body_text, html=row.body_html
    )
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


async def flush_outbox(
    app: App,
    settings: SmtpSettings,
    *,
    now: datetime,
    limit: int | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FlushReport:
    """Send what is due (at most `limit` letters; None: all) within the sending rate."""
    report = FlushReport()
    held = smtp_may_send(app, settings, now)
    if held is not None:
        report.stopped = held
        return report
    rate = SendingRate(app.config.smtp_max_per_minute, _recent_sends(app, now, clock()), clock)
    relay_worked = False
    while not should_stop():
        with app.store.transaction() as conn:
            due = delivery.due_letters(conn, now, first_kinds=CLIENT_KINDS, limit=BATCH)
        if not due:
            break
        for row in due:
            if should_stop() or (limit is not None and _handled(report) >= limit):
                return report
            if not await _pace(rate, sleep, should_stop):
                return report
            outcome = await _send_one(app, settings, row, now, report)
            if outcome == "sent":
                rate.sent()
                if not relay_worked:
                    smtp_worked(app, settings, now)
                    relay_worked = True
            elif outcome == "relay_failed":
                return report
    return report


def _handled(report: FlushReport) -> int:
    return len(report.sent) + len(report.retrying) + len(report.failed)


def _recent_sends(app: App, now: datetime, monotonic_now: float) -> list[float]:
    """Letters sent in the last minute (by any pass or instance), as monotonic times."""
    with app.store.transaction() as conn:
        times = delivery.sent_times_since(conn, now - timedelta(seconds=WINDOW))
    return [monotonic_now - (now - at).total_seconds() for at in times]


async def _pace(rate: SendingRate, sleep: Sleep, should_stop: Callable[[], bool]) -> bool:
    """Wait until the rate allows one more letter; False if asked to stop meanwhile."""
    while (wait := rate.wait_needed()) > 0:
        if should_stop():
            return False
        await sleep(min(wait, 1.0))  # in short steps, so a stop request is seen within a second
    return not should_stop()


async def _send_one(
    app: App, settings: SmtpSettings, row: Letter, now: datetime, report: FlushReport
) -> str:
    """Claim, build and send one letter: 'sent', 'skipped' (claimed elsewhere), 'letter_failed'
    or 'relay_failed' (stop the flush: every letter would fail the same way)."""
    try:
        with app.store.transaction() as conn:
            if not outbox_q.claim(conn, row.id, seen_next_attempt_at=row.next_attempt_at,
                                  lease_until=now + LEASE):
                return "skipped"
            row = _thread_at_sending(conn, row)
        message = message_for(app, row, now)
        envelope = marks.bounce_address(app.config.firm.complaints_address, row.id)
        await send(settings, message, sender=envelope, recipients=list(row.recipients))
    except DeliveryFailed as exc:
        return _delivery_failed(app, settings, row, exc, now, report)
    except Exception as exc:  # noqa: BLE001 - one letter never stops the queue: fail it, say so
        log.exception(
            "outbox.letter_broken", extra={"outbox_id": row.id, "error": type(exc).__name__}
        )
        with app.store.transaction() as conn:
            _give_up(conn, app, row, now=now, attempts=row.attempts + 1, code=None, report=report,
                     reason=f"could not be sent: {type(exc).__name__}: {exc}"[:1000],
                     fix="look at the letter (`mailbot outbox list`) and the log; correct it, "
                         "then send it again")
        return "letter_failed"
    with app.store.transaction() as conn:
        _mark_sent(conn, app, row, now)
    report.sent.append(row.id)
    return "sent"


def _delivery_failed(app: App, settings: SmtpSettings, row: Letter, exc: DeliveryFailed,
                     now: datetime, report: FlushReport) -> str:
    if exc.connection and exc.permanent:
        # The relay's fault, not the letter's (refused login, TLS, a missing extension): the
        # letter stays as it was, and sending stops until the relay is fixed.
        with app.store.transaction() as conn:
            outbox_q.reschedule(conn, row.id, next_attempt_at=row.next_attempt_at,
                                last_error=exc.reason)
        smtp_failed(app, settings, exc, now)
        report.stopped = f"{exc.reason} ({exc.fix})" if exc.fix else exc.reason
        return "relay_failed"
    with app.store.transaction() as conn:
        _failed_attempt(conn, app, row, exc, now=now, report=report)
    if exc.connection:
        # Counted against the letter too, so a letter that makes the relay drop the line cannot
        # hold the queue for ever; the relay backs off for all of them.
        smtp_failed(app, settings, exc, now)
        report.stopped = exc.reason
        return "relay_failed"
    return "letter_failed"


def _failed_attempt(conn: Connection, app: App, row: Letter, exc: DeliveryFailed, *,
                    now: datetime, report: FlushReport) -> None:
    attempts = row.attempts + 1
    permanent = exc.permanent or attempts >= app.config.smtp_max_attempts
    if not permanent:
        outbox_q.reschedule(conn, row.id, attempts=attempts,
                            next_attempt_at=now + backoff(attempts), last_error=exc.reason)
        log.warning(
            "outbox.retry", extra={"outbox_id": row.id, "attempts": attempts, "code": exc.code}
        )
        report.retrying.append(row.id)
        return
    _give_up(conn, app, row, now=now, attempts=attempts, code=exc.code, reason=exc.reason,
             fix=exc.fix, report=report)


def _give_up(conn: Connection, app: App, row: Letter, *, now: datetime, attempts: int,
             code: int | None, reason: str, fix: str, report: FlushReport) -> None:
    """Mark the letter failed with the reason, audit it, and tell the person who must act."""
    outbox_q.set_status(
        conn, row.id, expected="approved", status="failed", attempts=attempts, last_error=reason
    )
    case = casebook.case_by_id(conn, row.case_id) if row.case_id else None
    audit.append(conn, [AuditEvent("letter.failed", case.ref if case else None, "mailbot", now, {
        "outbox_id": row.id, "kind": row.kind, "code": code, "reason": reason})])
    log.error("outbox.failed",
              extra={"outbox_id": row.id, "kind": row.kind, "code": code, "fix": fix or "-"})
    report.failed.append(row.id)
    rule = rule_of(row.kind)
    if rule is not None and rule.to_client:
        tell_handler_undelivered(conn, app, row, case, now=now, sent_at=now,
                                 status=str(code or ""), diagnostic=reason)
    elif rule is None or rule.alert_if_undelivered:
        _staff_letter_failed(conn, app, row, case, now=now, reason=reason, fix=fix)


def _staff_letter_failed(conn: Connection, app: App, row: Letter, case: Case | None, *,
                         now: datetime, reason: str, fix: str) -> None:
    """A letter to staff that cannot go: an approval request nobody sees leaves a draft waiting."""
    about = f" for {case.ref}" if case is not None else ""
    name = label(row.kind)
    if row.kind == LetterKind.APPROVAL_REQUEST:
        what = (
            f"The approval request{about} could not be delivered to the handler, so the draft "
            "waits unseen. Please make sure the handler sees it (`mailbot approvals list`), or "
            "assign the case to someone else."
        )
    else:
        what = f"A {name}{about} could not be delivered to a member of staff."
    system_alert(conn, app, now=now, since=now, case=case, title=f"Undelivered: {name}{about}",
                 what=what, cause=reason,
                 fix=fix or "check the address in [[handlers]] and the relay's answer")


def _mark_sent(conn: Connection, app: App, row: Letter, now: datetime) -> None:
    values: dict[str, Any] = {
        "sent_at": now,
        "attempts": row.attempts + 1,
        "next_attempt_at": None,
        "last_error": None,
    }
    if row.kind == LetterKind.APPROVAL_REQUEST:
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
    events = [
        AuditEvent(
            "letter.sent",
            case.ref,
            "mailbot",
            now,
            {"outbox_id": row.id, "kind": row.kind, "message_id": row.message_id},
        )
    ]
    rule = rule_of(row.kind)
    if rule is not None and rule.to_client:
        casebook.add_case_message(
            conn,
            case_id=case.id,
            direction="out",
            kind=row.kind,
            message_id=row.message_id,
            from_addr=app.config.firm.complaints_address,
            subject=row.subject,
            body=row.body_text,
            at=now,
            outbox_id=row.id,
        )
        case_values: dict[str, Any] = {"last_client_letter_at": now}
        if row.kind == LetterKind.REQUEST_INFO:
            case_values["awaiting_client_since"] = now
        casebook.update_case(conn, case.id, now, **case_values)
        on_letter_sent(conn, case, row, now, events)
        event = rule.on_sent
        snap = case.snapshot()
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
