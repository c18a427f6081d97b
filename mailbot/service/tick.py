"""The deadline tick: reminders, drafts and escalations derived from the cases and `now`.

Nothing is scheduled per case. Each tick asks deadlines.due_actions what is due, records the
action's key in reminders_fired (unique per case), and acts only if that insert was new, so
a level fires once across repeated ticks, restarts and several instances.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, or_, select

from ..cases import AuditEvent
from ..deadlines import ACTIVE_STATES, Action, CaseClock, due_actions
from ..store import audit, casebook
from ..store.intake import insert_ignoring_conflict
from ..store.tables import cases, reminders_fired
from .context import App, log
from .drafting import draft_for_approval, staff_mail, supersede_drafts

# What each action does besides the reminder line: a draft for the handler to approve.
_DRAFTS = {"stalled": "progress_update", "holding_letter": "holding_letter", "info_chaser": "request_info"}
_WHAT = {
    "ack_overdue": "acknowledgement due",
    "stalled": "no letter to the client for too long: a progress update is drafted for you",
    "info_chaser": "the client has not answered our request for information: a chaser is drafted for you",
    "regulator_warning": "regulator deadline approaching",
    "response_warning": "response deadline approaching",
    "holding_letter": "a holding letter is drafted for you (the 8-week deadline is near)",
    "regulator_breach": "regulator deadline passed without a final response",
}


@dataclass
class TickReport:
    fired: list[tuple[str, str]] = field(default_factory=list)  # (case ref, action key)
    reminders_sent: int = 0


def _clock(row: Row[Any], fired: frozenset[str]) -> CaseClock:
    return CaseClock(
        ref=row.ref, state=row.state, received_at=row.received_at, acknowledged_at=row.acknowledged_at,
        last_client_letter_at=row.last_client_letter_at, awaiting_client_since=row.awaiting_client_since,
        responded_at=row.responded_at, closed_at=row.closed_at, fired=fired,
    )


def _candidates(conn: Connection) -> tuple[list[Row[Any]], dict[int, set[str]]]:
    """Open cases, plus finished ones whose breach may not be recorded yet."""
    breach_recorded = select(reminders_fired.c.case_id).where(reminders_fired.c.key == "regulator_breach")
    rows = list(conn.execute(select(cases).where(or_(
        cases.c.state.in_(sorted(ACTIVE_STATES)),
        cases.c.id.notin_(breach_recorded),
    ))))
    fired: dict[int, set[str]] = defaultdict(set)
    for case_id, key in conn.execute(select(reminders_fired.c.case_id, reminders_fired.c.key)):
        fired[case_id].add(key)
    return rows, fired


def _record(conn: Connection, case_id: int, key: str, now: datetime) -> bool:
    inserted = insert_ignoring_conflict(conn, reminders_fired, {"case_id": case_id, "key": key, "fired_at": now}, ["case_id", "key"])
    return inserted is not None


def deadline_tick(app: App, *, now: datetime) -> TickReport:
    report = TickReport()
    with app.store.transaction() as conn:
        rows, fired = _candidates(conn)
    per_person: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        actions = due_actions(_clock(row, frozenset(fired.get(row.id, ()))), now, app.profile, app.calendar)
        if not actions:
            continue
        with app.store.transaction() as conn:
            for action in actions:
                if not _record(conn, row.id, action.key, now):
                    continue  # another instance or an earlier tick did it
                _act(conn, app, row, action, now, per_person)
                report.fired.append((row.ref, action.key))
    with app.store.transaction() as conn:
        for person, items in per_person.items():
            staff_mail(conn, app, "reminder", person, case=None, now=now, extra={"items": items})
            report.reminders_sent += 1
    if report.fired:
        log.info("tick.fired", extra={"actions": len(report.fired), "reminders": report.reminders_sent})
    return report


def _act(conn: Connection, app: App, row: Row[Any], action: Action, now: datetime,
         per_person: dict[str, list[dict[str, Any]]]) -> None:
    audit.append(conn, [AuditEvent("deadline.fired", row.ref, "mailbot", now,
                                   {"key": action.key, "kind": action.kind, "due_at": action.due_at.isoformat()})])
    item = {"ref": row.ref, "what": f"{_WHAT.get(action.kind, action.kind)} ({action.detail})", "due": action.due_at,
            "urgency": row.urgency}
    draft_kind = _DRAFTS.get(action.kind)
    if draft_kind and row.handler_email:
        case = casebook.case_by_id(conn, row.id)
        supersede_drafts(conn, app, case, now=now)  # one pending draft per case: the newest need
        draft_for_approval(conn, app, case, draft_kind, now=now, note=_WHAT[action.kind])
    if action.kind == "regulator_breach":
        for person in _compliance(app):
            per_person[person].append(item)
    if row.handler_email:
        per_person[row.handler_email].append(item)


def _compliance(app: App) -> list[str]:
    return [h.email.lower() for h in app.config.handlers if "compliance" in h.roles]

