"""The case state machine against the complaints procedure, written out here as the spec.

The expected table below is the procedure as a handler would describe it; the test walks
every (state, event) pair, so a move added or dropped in cases.py without updating the
spec fails here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mailbot.cases import CaseSnapshot, Event, State, apply, close_needs_reason
from mailbot.errors import TransitionRefused

S, E = State, Event
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=9)

# The procedure: event -> {from: to}. Every pair not listed must be refused.
SPEC: dict[Event, dict[State, State]] = {
    E.ACKNOWLEDGE: {S.NEW: S.ACKNOWLEDGED, S.REOPENED: S.ACKNOWLEDGED},
    E.INVESTIGATE: {S.ACKNOWLEDGED: S.INVESTIGATING, S.REOPENED: S.INVESTIGATING, S.AWAITING_CLIENT: S.INVESTIGATING},
    E.REQUEST_INFO: {S.ACKNOWLEDGED: S.AWAITING_CLIENT, S.INVESTIGATING: S.AWAITING_CLIENT, S.REOPENED: S.AWAITING_CLIENT},
    E.CLIENT_REPLIED: {S.AWAITING_CLIENT: S.INVESTIGATING},
    E.RESPOND: {
        S.ACKNOWLEDGED: S.RESPONDED,
        S.INVESTIGATING: S.RESPONDED,
        S.AWAITING_CLIENT: S.RESPONDED,
        S.REOPENED: S.RESPONDED,
    },
    E.CLOSE: {
        S.NEW: S.CLOSED,
        S.ACKNOWLEDGED: S.CLOSED,
        S.INVESTIGATING: S.CLOSED,
        S.AWAITING_CLIENT: S.CLOSED,
        S.RESPONDED: S.CLOSED,
        S.REOPENED: S.CLOSED,
    },
    E.REOPEN: {S.RESPONDED: S.REOPENED, S.CLOSED: S.REOPENED},
}

ALLOWED = [(state, event, to) for event, moves in SPEC.items() for state, to in moves.items()]
REFUSED = [(state, event) for state in State for event in Event if state not in SPEC[event]]


def case(state: State, **dates: datetime | None) -> CaseSnapshot:
    return CaseSnapshot(ref="C-2026-0007", state=state, **dates)


def spec_allowed(state: State) -> list[str]:
    return [event.value for event, moves in SPEC.items() if state in moves]


def test_spec_covers_every_state_and_event_pair() -> None:
    assert len(ALLOWED) + len(REFUSED) == len(State) * len(Event)


@pytest.mark.parametrize(("state", "event", "to"), ALLOWED, ids=lambda v: getattr(v, "value", v))
def test_allowed_transition_moves_to_the_expected_state_and_is_audited(state: State, event: Event, to: State) -> None:
    before = case(state)
    result = apply(before, event, now=NOW, actor="priya.shah@example.co.uk", reason="withdrawn by client")
    assert result.case.state is to
    assert result.case.ref == before.ref
    assert before.state is state  # the input is a value; it does not change
    (audit,) = result.events
    assert audit.kind == "case.transition"
    assert audit.case_ref == "C-2026-0007"
    assert audit.actor == "priya.shah@example.co.uk"
    assert audit.at == NOW
    assert audit.detail["from"] == state.value
    assert audit.detail["to"] == to.value
    assert audit.detail["event"] == event.value


@pytest.mark.parametrize(("state", "event"), REFUSED, ids=lambda v: v.value)
def test_refused_transition_names_what_is_allowed(state: State, event: Event) -> None:
    with pytest.raises(TransitionRefused) as info:
        apply(case(state), event, now=NOW, actor="cli", reason="because")
    message = str(info.value)
    assert "C-2026-0007" in message
    assert f"cannot {event.value} while {state.value}" in message
    listed = message.rsplit("(allowed:", 1)[1].rstrip(")").strip()
    assert set(listed.split(", ")) == set(spec_allowed(state) or ["nothing"])


def test_acknowledged_at_is_stamped_once_even_after_reopen() -> None:
    acked = apply(case(S.NEW), E.ACKNOWLEDGE, now=NOW, actor="system").case
    assert acked.acknowledged_at == NOW
    responded = apply(acked, E.RESPOND, now=NOW + timedelta(days=1), actor="h").case
    reopened = apply(responded, E.REOPEN, now=NOW + timedelta(days=2), actor="h").case
    again = apply(reopened, E.ACKNOWLEDGE, now=LATER, actor="system").case
    assert again.state is S.ACKNOWLEDGED
    assert again.acknowledged_at == NOW


def test_responded_at_keeps_the_first_final_response_date() -> None:
    responded = apply(case(S.INVESTIGATING, acknowledged_at=NOW), E.RESPOND, now=NOW, actor="h").case
    assert responded.responded_at == NOW
    reopened = apply(responded, E.REOPEN, now=NOW + timedelta(days=1), actor="h").case
    assert reopened.responded_at == NOW
    second = apply(reopened, E.RESPOND, now=LATER, actor="h").case
    assert second.responded_at == NOW


def test_events_that_stamp_nothing_leave_key_dates_alone() -> None:
    start = case(S.ACKNOWLEDGED, acknowledged_at=NOW)
    moved = apply(start, E.INVESTIGATE, now=LATER, actor="h").case
    moved = apply(moved, E.REQUEST_INFO, now=LATER, actor="h").case
    moved = apply(moved, E.CLIENT_REPLIED, now=LATER, actor="client").case
    assert (moved.acknowledged_at, moved.responded_at, moved.closed_at) == (NOW, None, None)


def test_reopen_clears_closed_at_and_closing_again_stamps_the_new_date() -> None:
    closed = apply(case(S.RESPONDED, responded_at=NOW), E.CLOSE, now=NOW + timedelta(days=1), actor="h").case
    assert closed.closed_at == NOW + timedelta(days=1)
    reopened = apply(closed, E.REOPEN, now=NOW + timedelta(days=3), actor="h").case
    assert reopened.state is S.REOPENED
    assert reopened.closed_at is None
    assert reopened.responded_at == NOW
    reclosed = apply(apply(reopened, E.RESPOND, now=LATER, actor="h").case, E.CLOSE, now=LATER, actor="h").case
    assert reclosed.closed_at == LATER


@pytest.mark.parametrize("state", [s for s in State if s not in (S.RESPONDED, S.CLOSED)], ids=str)
def test_closing_before_a_final_response_needs_a_reason(state: State) -> None:
    assert close_needs_reason(state)
    with pytest.raises(TransitionRefused, match="needs a reason"):
        apply(case(state), E.CLOSE, now=NOW, actor="h")
    with pytest.raises(TransitionRefused, match="needs a reason"):
        apply(case(state), E.CLOSE, now=NOW, actor="h", reason="")
    done = apply(case(state), E.CLOSE, now=NOW, actor="h", reason="withdrawn by client")
    assert done.case.state is S.CLOSED
    assert done.events[0].detail["reason"] == "withdrawn by client"


def test_closing_after_the_final_response_needs_no_reason() -> None:
    assert not close_needs_reason(S.RESPONDED)
    done = apply(case(S.RESPONDED, responded_at=NOW), E.CLOSE, now=LATER, actor="h")
    assert done.case.state is S.CLOSED
    assert "reason" not in done.events[0].detail


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware") as info:
        apply(case(S.NEW), E.ACKNOWLEDGE, now=datetime(2026, 3, 2, 10, 0), actor="system")
    assert not isinstance(info.value, TransitionRefused)


def test_a_non_utc_now_is_the_same_instant() -> None:
    paris = timezone(timedelta(hours=1))
    acked = apply(case(S.NEW), E.ACKNOWLEDGE, now=datetime(2026, 3, 2, 11, 0, tzinfo=paris), actor="system").case
    assert acked.acknowledged_at == NOW


def test_a_full_lifecycle_reaches_closed() -> None:
    c = case(S.NEW)
    for event in (E.ACKNOWLEDGE, E.INVESTIGATE, E.REQUEST_INFO, E.CLIENT_REPLIED, E.RESPOND, E.CLOSE):
        c = apply(c, event, now=NOW, actor="h").case
    assert c.state is S.CLOSED
    assert c.acknowledged_at == c.responded_at == c.closed_at == NOW
