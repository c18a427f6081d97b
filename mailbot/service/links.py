"""Connections to the mail servers under the one reconnect policy (mailbot/reconnect.py).

Every IMAP connection (intake pass, IDLE watcher, `run --once`) opens through `open_mailbox`
and every outbox flush asks `smtp_may_send` first, so all of them obey the same stored state:
a refused login blocks that link for every job and instance until its credentials change or
an admin runs `mailbot retry-login`; other failures back off. Each failure is logged with
its cause and fix, stored for `mailbot status`, and alerts a person as the policy says.
Connection attempts to one link are serialised within a process, so two jobs starting
together cannot both send a wrong password.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from ..cases import AuditEvent
from ..errors import ConfigError, DeliveryFailed
from ..config import Config
from ..mailbox import Mailbox, MailboxError, MailboxSettings, ServerInfo, mailbox_name
from ..reconnect import Failure, FailureKind, LinkState, LinkStatus, failed, may_attempt, succeeded
from ..smtp import SmtpSettings
from ..store import audit
from ..store import links as links_q
from .context import App, log
from .drafting import staff_mail

MailboxSource = MailboxSettings | Callable[[], MailboxSettings]
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


class NotNow(MailboxError):
    """The policy holds this link back (blocked login, or backing off): no attempt was made."""


def current(source: MailboxSource) -> MailboxSettings:
    """Settings as of now: a callable re-reads the secrets, so a fixed password file is seen."""
    return source() if callable(source) else source


def imap_link(settings: MailboxSettings) -> str:
    """The name the reconnect policy stores IMAP's state under: one per mailbox."""
    return f"imap:{settings.name}"


def intake_link(settings: MailboxSettings) -> str:
    """Intake's own state: a server that hides mail is an intake problem, not a connection one."""
    return f"intake:{settings.name}"


def smtp_link(settings: SmtpSettings) -> str:
    """The name the reconnect policy stores the relay's state under: one per host and port."""
    return f"smtp:{settings.host}:{settings.port}"


def configured_links(config: Config) -> set[str]:
    """The links the config names now; a link from an older config is history, not a problem."""
    names = set()
    if config.imap is not None:
        mailbox = mailbox_name(config.imap.username, config.imap.host, config.imap.folder)
        names |= {f"imap:{mailbox}", f"intake:{mailbox}"}
    if config.smtp is not None:
        names.add(f"smtp:{config.smtp.host}:{config.smtp.port}")
    return names


def _lock(name: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(name, threading.Lock())


def alert_people(app: App) -> list[str]:
    """Who hears about the system: the compliance role, else every handler."""
    return [h.email.lower() for h in app.config.handlers if "compliance" in h.roles] or [
        h.email.lower() for h in app.config.handlers
    ]


# IMAP -------------------------------------------------------------------------------------


@contextmanager
def open_mailbox(
    app: App, source: MailboxSource, *, now: Callable[[], datetime], announce: bool = False
) -> Iterator[Mailbox]:
    """A connected mailbox, if the policy allows an attempt now; raises NotNow if it does not.

    A failure to connect or while connected is recorded, logged and alerted as the policy
    says, then raised. `announce` logs what the server offers (the start-up line).
    """
    settings = current(source)
    name = imap_link(settings)
    with _lock(name):
        with app.store.transaction() as conn:
            state = links_q.get_link(conn, name)
        why = may_attempt(state, settings.fingerprint, now())
        if why is not None:
            log.debug("imap.not_now", extra={"link": name, "why": why})
            raise NotNow(why, fix=(state.last_fix or "") if state is not None else "")
        mailbox = Mailbox(settings)
        try:
            mailbox.connect()
        except (MailboxError, ConfigError) as exc:
            record_failure(app, name, "imap", _failure(exc), settings.fingerprint, now())
            raise
        record_success(app, name, "imap", now())
    try:
        if announce and mailbox.info is not None:
            _announce(settings, mailbox.info)
        yield mailbox
    except MailboxError as exc:
        if isinstance(exc, NotNow):
            raise
        # A setup problem met while connected (mail hidden from the listing, a mailbox another
        # database read) is intake's, so the connection's own successes do not reset it.
        if exc.kind == "setup":
            record_failure(
                app, intake_link(settings), "intake", _failure(exc), settings.fingerprint, now()
            )
        else:
            record_failure(app, name, "imap", _failure(exc), settings.fingerprint, now())
        raise
    finally:
        mailbox.close()


def _announce(settings: MailboxSettings, info: ServerInfo) -> None:
    log.info(
        "imap.connected",
        extra={
            "mailbox": settings.name,
            "security": settings.security,
            "capabilities": " ".join(info.capabilities),
            "namespace": info.namespace.describe(),
            "folders": ", ".join(f"{key}={name}" for key, name in info.folders.items()),
            "folders_created": ", ".join(info.created) or "-",
            "waiting": "IDLE" if info.idle else "polling (no IDLE)",
            "move": info.move_method,
            "messages_waiting": info.exists,
        },
    )


def _failure(exc: BaseException) -> Failure:
    if isinstance(exc, MailboxError):
        return Failure(exc.kind, exc.reason, exc.fix)
    if isinstance(exc, DeliveryFailed):
        kind: FailureKind = (
            "login" if getattr(exc, "auth_failed", False)
            else "setup" if exc.permanent else "transient"
        )
        return Failure(kind, exc.reason, exc.fix)
    if isinstance(exc, ConfigError):
        return Failure(
            "setup",
            "; ".join(exc.problems),
            "correct the config (mailbot check-config names the key)",
        )
    return Failure("transient", f"{type(exc).__name__}: {exc}", "")


def intake_worked(app: App, settings: MailboxSettings, now: datetime) -> None:
    """A pass finished: intake's own problems (if any were recorded) are over."""
    name = intake_link(settings)
    with app.store.transaction() as conn:
        state = links_q.get_link(conn, name)
    if state is not None and state.status is not LinkStatus.OK:
        record_success(app, name, "intake", now)


# SMTP -------------------------------------------------------------------------------------


def smtp_may_send(app: App, settings: SmtpSettings, now: datetime) -> str | None:
    """None when the relay may be tried now; else why not (blocked login, backing off)."""
    with app.store.transaction() as conn:
        state = links_q.get_link(conn, smtp_link(settings))
    return may_attempt(state, settings.fingerprint, now)


def smtp_failed(app: App, settings: SmtpSettings, exc: DeliveryFailed, now: datetime) -> LinkState:
    """Record a failed send under the reconnect policy; the state returned says whether the relay
    is blocked or when to try again."""
    return record_failure(
        app, smtp_link(settings), "smtp", _failure(exc), settings.fingerprint, now
    )


def smtp_worked(app: App, settings: SmtpSettings, now: datetime) -> None:
    """Record that the relay works again, so a blocked or backing-off link is cleared and a
    person told."""
    record_success(app, smtp_link(settings), "smtp", now)


# the state, the log and the alerts ---------------------------------------------------------


def record_failure(
    app: App, name: str, protocol: str, failure: Failure, fingerprint: str, now: datetime
) -> LinkState:
    """Store a failure and log it with its cause and fix; a person is emailed when only a person
    can fix it (a refused login, a setup problem), once per streak."""
    with app.store.transaction() as conn:
        state = links_q.get_link(conn, name) or LinkState(name, protocol)
        new, alert = failed(state, failure, fingerprint, now)
        links_q.save_link(conn, new)
        if alert:
            audit.append(
                conn,
                [
                    AuditEvent(
                        "link.alerted",
                        None,
                        "mailbot",
                        now,
                        {"link": name, "kind": failure.kind, "cause": failure.cause},
                    )
                ],
            )
            announce_link(conn, app, new, now, recovered=False)
    event = f"{protocol}.login_refused" if failure.kind == "login" else f"{protocol}.failed"
    retry = (
        "never by itself"
        if new.status is LinkStatus.BLOCKED
        else f"{(new.retry_after - now).total_seconds():.0f}"
        if new.retry_after
        else "-"
    )
    log.error(
        event,
        extra={
            "link": name,
            "kind": failure.kind,
            "cause": failure.cause,
            "fix": failure.fix,
            "failures": new.failures,
            "retry_in_s": retry,
            "alerted": alert,
        },
    )
    return new


def record_success(app: App, name: str, protocol: str, now: datetime) -> None:
    """Store a success; a person alerted of the failure hears that it is resolved."""
    with app.store.transaction() as conn:
        state = links_q.get_link(conn, name) or LinkState(name, protocol)
        new, was_alerted = succeeded(state, now)
        links_q.save_link(conn, new)
        if was_alerted:
            announce_link(conn, app, state, now, recovered=True)
    if state.status is not LinkStatus.OK:
        log.info(f"{protocol}.recovered", extra={"link": name, "failures": state.failures})


_TITLES = {
    ("imap", "login"): "Complaints inbox: the mail server refused mailbot's login",
    ("imap", "setup"): "Complaints inbox: mailbot cannot use the mailbox as configured",
    ("imap", "transient"): "Complaints inbox: mailbot cannot reach the mail server",
    ("smtp", "login"): "Outgoing mail stopped: the mail relay refused mailbot's login",
    ("smtp", "setup"): "Outgoing mail stopped: mailbot cannot use the mail relay as configured",
    ("smtp", "transient"): "Outgoing mail delayed: mailbot cannot reach the mail relay",
    ("intake", "setup"): "Complaints inbox: mailbot has stopped taking mail in",
}
_WHAT = {
    "login": "The server refused mailbot's login. mailbot will not try again by itself (repeated "
    "attempts would lock the account) until the password or token changes or someone runs "
    "`mailbot retry-login`.",
    "setup": "mailbot keeps trying, but this needs a change by a person.",
    "transient": "mailbot keeps trying with growing pauses.",
}


def announce_link(conn: Any, app: App, state: LinkState, now: datetime, *, recovered: bool) -> None:
    """Tell the people who hear about the system of a broken or repaired link, by email: a
    mailbox nobody can read must not fail silently."""
    kind = state.last_error_kind or "transient"
    title = _TITLES.get((state.protocol, kind), f"mailbot: a problem with {state.protocol}")
    if recovered:
        title = f"Resolved: {title}"
        what = "This is working again. Mail that waited is being processed now."
    else:
        what = _WHAT.get(kind, "")
    system_alert(conn, app, now=now, title=title, what=what, since=state.first_failure_at or now,
                 cause=state.last_error or "-", fix=state.last_fix or "-", recovered=recovered)


def system_alert(conn: Any, app: App, *, now: datetime, title: str, what: str, since: datetime,
                 cause: str, fix: str, recovered: bool = False, case: Any = None) -> None:
    """One `system_alert` letter to each of the people who hear about the system."""
    for person in alert_people(app):
        staff_mail(conn, app, "system_alert", person, case=case, now=now, extra={
            "title": title, "what": what, "since": since, "cause": cause, "fix": fix,
            "recovered": recovered})
