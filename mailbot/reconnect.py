"""One reconnect policy for every link to a mail server: the IMAP mailbox and the SMTP relay.

Each link has a state (ok, failing, blocked) kept in the database, so the intake job, the
IDLE watcher, the outbox flush and every instance of the service agree, and `mailbot status`
can show it. What a failure leads to depends on its kind, never on which caller met it:

- "login": the server refused our credentials. Retrying locks the firm's account or gets the
  address banned, so the link is blocked: no further attempt until the credentials change
  (their fingerprint differs) or an admin runs `mailbot retry-login`. One alert, at once.
- "setup": something a person must change (a folder that cannot be created, a TLS certificate
  nobody trusts, a server that hides mail). Retried with backoff, because the fix may be made
  on the server; one alert per run of failures, at once.
- "transient": the network or the server is away. Retried with backoff (5 s doubling to
  5 minutes); a person hears through the stall alert if it lasts (service/health.py).

Pure: values in, values out; the caller reads and writes the state and sends the alerts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Literal

FailureKind = Literal["login", "setup", "transient"]
FIRST_DELAY = timedelta(seconds=5)
MAX_DELAY = timedelta(minutes=5)


class LinkStatus(str, Enum):
    OK = "ok"
    FAILING = "failing"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Failure:
    """One failed attempt, already explained: what went wrong and what a person should do."""

    kind: FailureKind
    cause: str
    fix: str


@dataclass(frozen=True)
class LinkState:
    """The stored state of one link; `name` says which (imap:user@host/INBOX, smtp:host:587)."""

    name: str
    protocol: str  # "imap" | "smtp"
    status: LinkStatus = LinkStatus.OK
    failures: int = 0  # consecutive
    first_failure_at: datetime | None = None  # start of the current run of failures
    last_error: str | None = None
    last_fix: str | None = None
    last_error_kind: str | None = None
    last_error_at: datetime | None = None
    last_success_at: datetime | None = None
    retry_after: datetime | None = None
    blocked_fingerprint: str | None = None
    alerted_at: datetime | None = None  # a person was told about the current run of failures


def backoff(failures: int) -> timedelta:
    """5 s, 10 s, 20 s ... at most 5 minutes."""
    return min(FIRST_DELAY * 2 ** max(failures - 1, 0), MAX_DELAY)


def may_attempt(state: LinkState | None, fingerprint: str, now: datetime) -> str | None:
    """None when a connection may be tried now; else why not (for the log and status)."""
    if state is None:
        return None
    if state.status is LinkStatus.BLOCKED:
        if state.blocked_fingerprint == fingerprint:
            if state.last_error_at is None:
                return "login refused and not retried"
            when = f"{state.last_error_at:%Y-%m-%d %H:%M}Z"
            return f"login refused at {when} and not retried: {state.last_fix or ''}"
        return None  # the credentials changed: one new try
    if (
        state.status is LinkStatus.FAILING
        and state.retry_after is not None
        and now < state.retry_after
    ):
        return f"backing off after {state.failures} failure(s) until {state.retry_after:%H:%M:%S}Z"
    return None


def failed(
    state: LinkState, failure: Failure, fingerprint: str, now: datetime
) -> tuple[LinkState, bool]:
    """The state after a failed attempt, and whether a person must be told now."""
    failures = state.failures + 1
    streak_start = (
        state.first_failure_at
        if state.status is not LinkStatus.OK and state.first_failure_at
        else now
    )
    new = replace(
        state,
        failures=failures,
        first_failure_at=streak_start,
        last_error=failure.cause,
        last_fix=failure.fix,
        last_error_kind=failure.kind,
        last_error_at=now,
    )
    if failure.kind == "login":
        new = replace(
            new, status=LinkStatus.BLOCKED, blocked_fingerprint=fingerprint, retry_after=None
        )
        alert = state.status is not LinkStatus.BLOCKED or state.blocked_fingerprint != fingerprint
    else:
        new = replace(
            new,
            status=LinkStatus.FAILING,
            blocked_fingerprint=None,
            retry_after=now + backoff(failures),
        )
        alert = failure.kind == "setup" and state.alerted_at is None
    if alert:
        new = replace(new, alerted_at=now)
    return new, alert


def succeeded(state: LinkState, now: datetime) -> tuple[LinkState, bool]:
    """The state after a working connection, and whether a person was told of the failure
    (so should hear that it is over)."""
    told = state.status is not LinkStatus.OK and state.alerted_at is not None
    return replace(
        state,
        status=LinkStatus.OK,
        failures=0,
        first_failure_at=None,
        retry_after=None,
        blocked_fingerprint=None,
        alerted_at=None,
        last_success_at=now,
    ), told


def released(state: LinkState, now: datetime) -> LinkState:
    """An admin said retry: the next attempt may go ahead (one attempt; a refusal blocks again)."""
    if state.status is LinkStatus.OK:
        return state
    return replace(state, status=LinkStatus.FAILING, blocked_fingerprint=None, retry_after=now)


def stalled(state: LinkState, now: datetime, limit: timedelta) -> bool:
    """Failing for longer than `limit` with nobody told yet: time for the stall alert."""
    return (
        state.status is not LinkStatus.OK
        and state.alerted_at is None
        and state.first_failure_at is not None
        and now - state.first_failure_at >= limit
    )
