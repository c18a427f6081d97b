"""The one reconnect policy: a refused login is tried once and alerts once; the rest backs off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mailbot.reconnect import (
    Failure,
    LinkState,
    LinkStatus,
    backoff,
    failed,
    may_attempt,
    released,
    stalled,
    succeeded,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LOGIN = Failure(
    "login", "IMAP login refused: Login failed.", "check imap.password_env; `mailbot retry-login`"
)
DOWN = Failure("transient", "nothing accepts connections", "check imap.host")
FOLDER = Failure(
    "setup", "cannot create the folder 'mailbot.processed'", "the namespace is 'INBOX.'"
)
NEW = LinkState("imap:c@h/INBOX", "imap")


def test_a_refused_login_blocks_the_link_and_alerts_once() -> None:
    state, alert = failed(NEW, LOGIN, "fp1", T0)
    assert state.status is LinkStatus.BLOCKED and alert is True
    for minutes in (1, 10, 60, 60 * 24):  # however long, and whoever asks: no second attempt
        assert may_attempt(state, "fp1", T0 + timedelta(minutes=minutes)) is not None
    assert "retry-login" in (may_attempt(state, "fp1", T0) or "")


def test_new_credentials_get_one_new_try_and_a_second_refusal_alerts_again() -> None:
    state, _ = failed(NEW, LOGIN, "fp1", T0)
    assert may_attempt(state, "fp2", T0 + timedelta(seconds=1)) is None
    again, alert = failed(state, LOGIN, "fp2", T0 + timedelta(seconds=1))
    assert again.status is LinkStatus.BLOCKED and alert is True
    assert may_attempt(again, "fp2", T0 + timedelta(hours=1)) is not None


def test_retry_login_releases_one_attempt() -> None:
    state, _ = failed(NEW, LOGIN, "fp1", T0)
    state = released(state, T0 + timedelta(hours=2))
    assert may_attempt(state, "fp1", T0 + timedelta(hours=2)) is None
    state, alert = failed(state, LOGIN, "fp1", T0 + timedelta(hours=2))
    assert state.status is LinkStatus.BLOCKED and alert is True


def test_an_unreachable_server_backs_off_doubling_to_five_minutes_without_alerting() -> None:
    assert [backoff(n).total_seconds() for n in range(1, 9)] == [5, 10, 20, 40, 80, 160, 300, 300]
    state, now = NEW, T0
    for n in range(1, 5):
        state, alert = failed(state, DOWN, "fp", now)
        assert alert is False and state.failures == n and state.first_failure_at == T0
        assert may_attempt(state, "fp", now + backoff(n) - timedelta(seconds=1)) is not None
        now = now + backoff(n)
        assert may_attempt(state, "fp", now) is None


def test_a_setup_problem_alerts_once_per_run_of_failures() -> None:
    state, first = failed(NEW, FOLDER, "fp", T0)
    state, second = failed(state, FOLDER, "fp", T0 + timedelta(minutes=5))
    assert (first, second) == (True, False)
    ok, told = succeeded(state, T0 + timedelta(minutes=10))
    assert (
        told is True and ok.status is LinkStatus.OK and ok.alerted_at is None and ok.failures == 0
    )
    _, again = failed(ok, FOLDER, "fp", T0 + timedelta(minutes=20))
    assert again is True


def test_success_after_an_unannounced_blip_tells_nobody() -> None:
    state, _ = failed(NEW, DOWN, "fp", T0)
    ok, told = succeeded(state, T0 + timedelta(seconds=5))
    assert told is False and ok.last_success_at == T0 + timedelta(seconds=5)


def test_stalled_once_the_failures_outlast_the_limit_and_nobody_was_told() -> None:
    state, _ = failed(NEW, DOWN, "fp", T0)
    limit = timedelta(minutes=30)
    assert not stalled(state, T0 + timedelta(minutes=29), limit)
    assert stalled(state, T0 + timedelta(minutes=30), limit)
    state, _ = failed(state, DOWN, "fp", T0 + timedelta(minutes=31))
    assert state.first_failure_at == T0, "the run of failures started at the first one"
    told = LinkState(**{**state.__dict__, "alerted_at": T0 + timedelta(minutes=30)})
    assert not stalled(told, T0 + timedelta(hours=5), limit)
