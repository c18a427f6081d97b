"""The deadline tick: reminders, drafts and escalations derived from the cases and `now`.

Nothing is scheduled per case. Each tick asks deadlines.due_actions what is due, records the
action's key in reminders_fired (unique per case), and acts only if that insert was new, so
a level fires once across repeated ticks, restarts and several instances. To keep a tick
cheap with 100,000 open cases, each case also stores next_check_at (deadlines.next_due):
a cache of derived state, not a schedule. Clearing it only makes the next tick look again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Row, or_, select, update

from ..cases import AuditEvent
from ..deadlines import ACTIVE_STATES, Action, CaseClock, due_actions, next_due
from ..store import audit, casebook
from ..store.intake import insert_ignoring_conflict
from ..store.tables import cases, reminders_fired, tick_state
from .context import App, log
from .drafting import draft_for_approval, staff_mail, supersede_drafts

# What each action does besides the reminder line: a draft for the handler to approve.
_DRAFTS = {"stalled": "progress_update", "holding_letter": "holding_letter", "info_chaser": "request_info"}
_DRAFT_RANK = {"stalled": 0, "info_chaser": 1, "holding_letter": 2}
_WHAT = {
    "ack_overdue": "acknowledgement due",
    "stalled": "no letter to the client for too long: a progress update is drafted for you",
    "info_chaser": "the client has not answered our request for information: a chaser is drafted for you",
    "regulator_warning": "regulator deadline approaching",
    "response_warning": "response deadline approaching",
    "holding_letter": "a holding letter is drafted for you (the 8-week deadline is near)",
    "regulator_breach": "regulator deadline passed without a final response",
}


CHUNK = 500  # cases per transaction when a tick has a backlog to record
NEVER = datetime(9999, 1, 1, tzinfo=timezone.utc)  # no clock left to run: looked at again only if the case changes


@dataclass
class TickReport:
    fired: list[tuple[str, str]] = field(default_factory=list)  # (case ref, action key)
    reminders_sent: int = 0
    evaluated: int = 0  # cases whose clocks were due a look


def _clock(row: Row[Any], fired: frozenset[str]) -> CaseClock:
    return CaseClock(
        ref=row.ref, state=row.state, received_at=row.received_at, acknowledged_at=row.acknowledged_at,
        last_client_letter_at=row.last_client_letter_at, awaiting_client_since=row.awaiting_client_since,
        responded_at=row.responded_at, closed_at=row.closed_at, fired=fired,
    )


def _candidates(conn: Connection, now: datetime, changed_since: datetime | None) -> tuple[list[Row[Any]], dict[int, set[str]]]:
    """The cases whose clocks may have produced something: never looked at, changed since the
    last tick, or whose stored next_check_at has come (deadlines.next_due)."""
    breach_recorded = select(reminders_fired.c.case_id).where(reminders_fired.c.key == "regulator_breach")
    c = cases.c
    needed = (c.id, c.ref, c.state, c.received_at, c.acknowledged_at, c.last_client_letter_at, c.awaiting_client_since,
              c.responded_at, c.closed_at, c.handler_email, c.urgency)
    due = or_(c.next_check_at.is_(None), c.next_check_at <= now)
    if changed_since is not None:
        due = or_(due, c.updated_at >= changed_since)
    live = or_(c.state.in_(sorted(ACTIVE_STATES)), c.id.notin_(breach_recorded))
    rows = list(conn.execute(select(*needed).where(live, due)))
    fired: dict[int, set[str]] = defaultdict(set)
    ids = [r.id for r in rows]
    for start in range(0, len(ids), 5000):
        query = select(reminders_fired.c.case_id, reminders_fired.c.key).where(reminders_fired.c.case_id.in_(ids[start:start + 5000]))
        for case_id, key in conn.execute(query):
            fired[case_id].add(key)
    return rows, fired


def _state(conn: Connection, name: str) -> datetime | None:
    return conn.execute(select(tick_state.c.at).where(tick_state.c.name == name)).scalar()


def _set_state(conn: Connection, name: str, at: datetime) -> None:
    if conn.execute(update(tick_state).where(tick_state.c.name == name).values(at=at)).rowcount == 0:
        insert_ignoring_conflict(conn, tick_state, {"name": name, "at": at}, ["name"])


def _record(conn: Connection, case_id: int, key: str, now: datetime) -> bool:
    inserted = insert_ignoring_conflict(conn, reminders_fired, {"case_id": case_id, "key": key, "fired_at": now}, ["case_id", "key"])
    return inserted is not None


def deadline_tick(app: App, *, now: datetime) -> TickReport:
    report = TickReport()
    with app.store.transaction() as conn:
        last_tick = _state(conn, "tick")
        if last_tick is not None and now < last_tick:
            last_tick = None  # the clock went back (a preview with --now): look at every case
            conn.execute(update(cases).values(next_check_at=None))
        rows, fired = _candidates(conn, now, last_tick)
    per_person: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(rows), CHUNK):
        with app.store.transaction() as conn:
            events: list[AuditEvent] = []
            for row in rows[start:start + CHUNK]:
                clock = _clock(row, frozenset(fired.get(row.id, ())))
                new = [a for a in due_actions(clock, now, app.profile, app.calendar) if _record(conn, row.id, a.key, now)]
                # Several drafts due at once (week 7 is also a stall): the handler gets the one that matters most.
                drafting = max((a for a in new if a.kind in _DRAFTS), key=lambda a: _DRAFT_RANK[a.kind], default=None)
                for action in new:
                    events.append(_act(conn, app, row, action, now, per_person, draft=action is drafting))
                    report.fired.append((row.ref, action.key))
                upcoming = next_due(clock, now, app.profile, app.calendar) or NEVER
                conn.execute(update(cases).where(cases.c.id == row.id).values(next_check_at=upcoming))
            audit.append(conn, events)
    with app.store.transaction() as conn:
        for person, items in per_person.items():
            staff_mail(conn, app, "reminder", person, case=None, now=now, extra={"items": items})
            report.reminders_sent += 1
        _set_state(conn, "tick", now)
    report.evaluated = len(rows)
    if report.fired:
        log.info("tick.fired", extra={"actions": len(report.fired), "reminders": report.reminders_sent})
    return report


def _act(conn: Connection, app: App, row: Row[Any], action: Action, now: datetime,
         per_person: dict[str, list[dict[str, Any]]], *, draft: bool) -> AuditEvent:
    """Queue the action's draft and reminder lines; returns its audit event (appended in bulk)."""
    event = AuditEvent("deadline.fired", row.ref, "mailbot", now,
                       {"key": action.key, "kind": action.kind, "due_at": action.due_at.isoformat()})
    item = {"ref": row.ref, "what": f"{_WHAT.get(action.kind, action.kind)} ({action.detail})", "due": action.due_at,
            "urgency": row.urgency}
    draft_kind = _DRAFTS.get(action.kind)
    if draft and draft_kind and row.handler_email:
        case = casebook.case_by_id(conn, row.id)
        supersede_drafts(conn, app, case, now=now)  # one pending draft per case: the newest need
        draft_for_approval(conn, app, case, draft_kind, now=now, note=_WHAT[action.kind])
    if action.kind == "regulator_breach":
        for person in _compliance(app):
            per_person[person].append(item)
    if row.handler_email:
        per_person[row.handler_email].append(item)
    return event


def _compliance(app: App) -> list[str]:
    return [h.email.lower() for h in app.config.handlers if "compliance" in h.roles]

