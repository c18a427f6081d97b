"""Alert on silence: a person hears when intake has stalled, and again when it recovers.

One helpdesk's users went ten days without noticing their poller had stopped. The tick runs
this check; the alert state is read back from the audit trail, so each stall is announced
once, across restarts. A mailbox that has never worked stalls like one that stopped: its
first failed attempt starts the clock. Links whose failure was already announced at once (a
refused login, a setup problem; see reconnect.py) are not announced a second time here, and
an SMTP relay that stays unreachable is announced the same way as a mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from ..cases import AuditEvent
from ..reconnect import LinkState, LinkStatus, stalled
from ..store import audit
from ..store import links as links_q
from ..store import status
from .context import App, log
from .drafting import staff_mail
from .links import alert_people, announce_link, configured_links

STALLED, RECOVERED = "intake.stalled", "intake.recovered"


@dataclass(frozen=True)
class _Quiet:
    """A mailbox without a successful check for too long."""

    mailbox: str
    last_success_at: datetime | None  # None: it has never worked
    since: datetime  # the last success, or the first failed attempt
    cause: str
    fix: str


def check_intake_health(app: App, *, now: datetime) -> str | None:
    """Returns 'stalled' or 'recovered' when it sent an intake alert, else None."""
    limit = timedelta(minutes=app.config.intake.stall_alert_minutes)
    configured = configured_links(app.config)
    with app.store.transaction() as conn:
        states = [state for state in links_q.all_links(conn) if state.name in configured]
        _relays(conn, app, states, now, limit)
        marks = status.mailboxes(conn)
        last_alert = status.latest_event_kind(conn, [STALLED, RECOVERED])
        quiet = _quiet_mailboxes(marks, states, now, limit)
        if quiet and last_alert != STALLED:
            oldest = min(quiet, key=lambda q: q.since)
            _tell_intake(conn, app, now, recovered=False, quiet=oldest)
            audit.append(
                conn, [AuditEvent(STALLED, None, "mailbot", now, {"mailbox": oldest.mailbox})]
            )
            log.error(
                "intake.stalled",
                extra={
                    "mailbox": oldest.mailbox,
                    "never_worked": oldest.last_success_at is None,
                    "cause": oldest.cause or "-",
                    "fix": oldest.fix or "-",
                },
            )
            return "stalled"
        worked = [m for m in marks if m.last_success_at is not None]
        if worked and not quiet and last_alert == STALLED:
            newest = max(worked, key=lambda m: m.last_success_at)
            _tell_intake(
                conn,
                app,
                now,
                recovered=True,
                quiet=_Quiet(
                    newest.mailbox, newest.last_success_at, newest.last_success_at, "", ""
                ),
            )
            audit.append(
                conn, [AuditEvent(RECOVERED, None, "mailbot", now, {"mailbox": newest.mailbox})]
            )
            log.info("intake.recovered", extra={"mailbox": newest.mailbox})
            return "recovered"
    return None


def _quiet_mailboxes(
    marks: list[Any], states: list[LinkState], now: datetime, limit: timedelta
) -> list[_Quiet]:
    imap = {state.name.removeprefix("imap:"): state for state in states if state.protocol == "imap"}
    told = {
        name
        for name, state in imap.items()
        if state.status is LinkStatus.BLOCKED
        or (state.status is not LinkStatus.OK and state.alerted_at)
    }
    quiet = []
    seen = set()
    for mark in marks:
        seen.add(mark.mailbox)
        if (
            mark.last_success_at is not None
            and now - mark.last_success_at > limit
            and mark.mailbox not in told
        ):
            state = imap.get(mark.mailbox)
            cause, fix = (
                (state.last_error or "", state.last_fix or "") if state is not None else ("", "")
            )
            quiet.append(
                _Quiet(mark.mailbox, mark.last_success_at, mark.last_success_at, cause, fix)
            )
    for name, state in imap.items():
        never_worked = name not in seen and state.last_success_at is None
        if (
            never_worked
            and name not in told
            and state.first_failure_at
            and now - state.first_failure_at > limit
        ):
            quiet.append(
                _Quiet(
                    name, None, state.first_failure_at, state.last_error or "", state.last_fix or ""
                )
            )
    return quiet


def _relays(
    conn: Connection, app: App, states: list[LinkState], now: datetime, limit: timedelta
) -> None:
    """An SMTP relay failing for longer than the limit: told once (sent when the relay is back)."""
    for state in states:
        if state.protocol == "smtp" and stalled(state, now, limit):
            links_q.save_link(conn, replace(state, alerted_at=now))
            announce_link(conn, app, state, now, recovered=False)
            log.error(
                "smtp.stalled",
                extra={
                    "link": state.name,
                    "cause": state.last_error or "-",
                    "fix": state.last_fix or "-",
                },
            )


def _tell_intake(
    conn: Connection, app: App, now: datetime, *, recovered: bool, quiet: _Quiet
) -> None:
    for person in alert_people(app):
        staff_mail(
            conn,
            app,
            "intake_alert",
            person,
            case=None,
            now=now,
            extra={
                "recovered": recovered,
                "mailbox": quiet.mailbox,
                "last_success_at": quiet.last_success_at,
                "since": quiet.since,
                "minutes": int((now - quiet.since).total_seconds() // 60),
                "cause": quiet.cause,
                "fix": quiet.fix,
            },
        )
