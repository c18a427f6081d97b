"""Case states and the transitions the complaints procedure allows.

Pure: a transition takes the case as it is and returns the new state, the key dates it sets
and the audit events to record. The store applies them in the same transaction as the
outbox rows that the change causes, so the record and the mail can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Mapping

from .errors import TransitionRefused


class State(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    AWAITING_CLIENT = "awaiting_client"
    RESPONDED = "responded"
    CLOSED = "closed"
    REOPENED = "reopened"


class Event(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    INVESTIGATE = "investigate"
    REQUEST_INFO = "request_info"
    CLIENT_REPLIED = "client_replied"
    RESPOND = "respond"
    CLOSE = "close"
    REOPEN = "reopen"


# An open case: the firm still owes an answer, so its clocks run, it counts towards its handler's
# load, and reports list it as open. The one definition (deadlines.ACTIVE_STATES and
# store/casebook.IS_OPEN derive from it).
OPEN_STATES = frozenset(
    {State.NEW, State.ACKNOWLEDGED, State.INVESTIGATING, State.AWAITING_CLIENT, State.REOPENED})

# event -> {from state: to state}. Anything absent is refused.
_TABLE: dict[Event, dict[State, State]] = {
    Event.ACKNOWLEDGE: {
        State.NEW: State.ACKNOWLEDGED,
        State.REOPENED: State.ACKNOWLEDGED
    },
    Event.INVESTIGATE: {
        State.ACKNOWLEDGED: State.INVESTIGATING,
        State.REOPENED: State.INVESTIGATING,
        State.AWAITING_CLIENT: State.INVESTIGATING,
    },
    Event.REQUEST_INFO: {
        State.ACKNOWLEDGED: State.AWAITING_CLIENT,
        State.INVESTIGATING: State.AWAITING_CLIENT,
        State.REOPENED: State.AWAITING_CLIENT,
    },
    Event.CLIENT_REPLIED: {
        State.AWAITING_CLIENT: State.INVESTIGATING
    },
    Event.RESPOND: {
        State.ACKNOWLEDGED: State.RESPONDED,
        State.INVESTIGATING: State.RESPONDED,
        State.AWAITING_CLIENT: State.RESPONDED,
        State.REOPENED: State.RESPONDED,
    },
    # Closing before a final response (a withdrawn complaint) needs a reason; see
    # close_needs_reason.
    Event.CLOSE: {
        s: State.CLOSED
        for s in State if s is not State.CLOSED
    },
    Event.REOPEN: {
        State.RESPONDED: State.REOPENED,
        State.CLOSED: State.REOPENED
    },
}

# The key date each event stamps the first time it happens.
_STAMPS: dict[Event, str] = {
    Event.ACKNOWLEDGE: "acknowledged_at",
    Event.RESPOND: "responded_at",
    Event.CLOSE: "closed_at",
}


@dataclass(frozen=True)
class CaseSnapshot:
    """What the transition rules need to know about a case."""

    ref: str
    state: State
    acknowledged_at: datetime | None = None
    responded_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class AuditEvent:
    """One line of the audit trail; `detail` holds no complaint text, only facts."""

    kind: str
    case_ref: str | None
    actor: str
    at: datetime
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Transition:
    case: CaseSnapshot
    events: tuple[AuditEvent, ...]


def allowed_events(state: State) -> list[Event]:
    """The events a case in `state` accepts, for refusals that say what would work instead."""
    return [event for event, moves in _TABLE.items() if state in moves]


def apply(case: CaseSnapshot, event: Event, *, now: datetime, actor: str,
          reason: str | None = None) -> Transition:
    """Move a case by one event, or raise TransitionRefused saying what is allowed instead."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    moves = _TABLE[event]
    if case.state not in moves:
        allowed = ", ".join(e.value for e in allowed_events(case.state)) or "nothing"
        raise TransitionRefused(
            f"case {case.ref}: cannot {event.value} while {case.state.value} (allowed: {allowed})"
        )
    if event is Event.CLOSE and close_needs_reason(case.state) and not reason:
        raise TransitionRefused(
            f"case {case.ref}: closing before a final response needs a reason (e.g. 'withdrawn by "
            "client')"
        )
    new_state = moves[case.state]
    changes: dict[str, Any] = {"state": new_state}
    stamp = _STAMPS.get(event)
    if stamp and getattr(case, stamp) is None:
        changes[stamp] = now
    if event is Event.REOPEN:
        changes["closed_at"] = None
    detail: dict[str, Any] = {"from": case.state.value, "to": new_state.value, "event": event.value}
    if reason:
        detail["reason"] = reason
    audit = AuditEvent(kind="case.transition", case_ref=case.ref, actor=actor, at=now,
                       detail=detail)
    return Transition(case=replace(case, **changes), events=(audit,))


def close_needs_reason(state: State) -> bool:
    """Only a case that has had its final response closes without a reason: closing any other is
    a decision the audit trail must explain."""
    return state is not State.RESPONDED
