"""The duties a handler records by reply (issue 19): data protection, adjustments, the register.

- `breach suspected` starts the 72 hours to decide on notifying the ICO (and alerts compliance and
  the partner at once); `breach notifiable yes|no REASON` records the decision and stops the
  reminders (review F17).
- `sar` marks a subject access request, with its one-month clock from the case's receipt;
  `sar extend REASON` gives two more months, `sar done` records the answer, `sar no` undoes it
  (F16).
- `adjustments offered|declined|not needed [TEXT]` records reasonable adjustments (F24).
- `about ROLE`, `area AREA`, `also CATEGORY`, `resolved yes|no`: the register's fields (F19).

Each returns a case_rules.Change (what was done, or the problem to tell the handler) and appends
its audit events; the words a person writes go to case_notes (purgeable), the trail keeps a hash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from .. import commands as cmd
from ..cases import AuditEvent
from ..duty_clocks import SAR_EXTENSION_MONTHS, SAR_MONTHS, ico_due, sar_due
from ..records import Case
from ..store import casebook
from ..store.notes import add_note
from .case_rules import NOTHING, Change
from .context import App
from .escalation import escalate


def note(conn: Connection, case: Case, kind: str, text: str, *, actor: str,
         now: datetime) -> dict[str, Any]:
    """Keep a person's words on the case; returns what the audit event records instead of them."""
    note_id, digest = add_note(conn, case_id=case.id, kind=kind, text=text, by=actor, at=now)
    return {"note_id": note_id, "note_sha256": digest}


def carry_out(conn: Connection, app: App, case: Case, action: cmd.Command, *, actor: str,
              now: datetime, events: list[AuditEvent]) -> Change:
    match action:
        case cmd.BreachSuspected():
            return _breach_suspected(conn, app, case, actor=actor, now=now, events=events)
        case cmd.BreachDecision(notifiable=notifiable, reason=reason):
            return _breach_decided(conn, app, case, notifiable, reason, actor=actor, now=now,
                                   events=events)
        case cmd.SubjectAccess(step=step, reason=reason):
            return _subject_access(conn, app, case, step, reason, actor=actor, now=now,
                                   events=events)
        case cmd.Adjustments(value=value, text=text):
            return _record(conn, case, "adjustments", value, text, actor=actor, now=now,
                           events=events)
        case cmd.SetPerson(value=role):
            return _record(conn, case, "person_complained_about", role, "", actor=actor, now=now,
                           events=events)
        case cmd.SetArea(value=area):
            return _record(conn, case, "area_of_law", area, "", actor=actor, now=now,
                           events=events)
        case cmd.SetResolved(value=value):
            return _record(conn, case, "resolved", "yes" if value else "no", "", actor=actor,
                           now=now, events=events)
        case cmd.AddSecondary(value=category):
            return _secondary(conn, case, category, actor=actor, now=now, events=events)
    raise AssertionError(action)  # pragma: no cover - the caller sends only these here


def _breach_suspected(conn: Connection, app: App, case: Case, *, actor: str, now: datetime,
                      events: list[AuditEvent]) -> Change:
    if case.breach_aware_at is not None and case.breach_decided_at is None:  # still open
        due = app.regime_of(case).calendar.local(ico_due(case.breach_aware_at))
        return Change(problem="A possible breach is already recorded on this case: decide by "
                              f"{due:%H:%M on %d %B %Y} with 'breach notifiable yes|no REASON'.")
    flags = sorted(set(case.flags or []) | {"data_breach"})
    casebook.update_case(conn, case.id, now, flags=flags, breach_aware_at=now,
                         breach_decided_at=None, breach_notifiable=None)
    events.append(AuditEvent("case.breach_suspected", case.ref, actor, now,
                             {"aware_at": now.isoformat(), "decide_by": ico_due(now).isoformat()}))
    escalate(conn, app, casebook.existing_case(conn, case.id), now=now, actor=actor)
    return Change("breach_suspected")


def _breach_decided(conn: Connection, app: App, case: Case, notifiable: bool, reason: str, *,
                    actor: str, now: datetime, events: list[AuditEvent]) -> Change:
    if case.breach_aware_at is None:
        return Change(problem="No breach is recorded on this case: reply 'breach suspected' first "
                              "if there is one.")
    casebook.update_case(conn, case.id, now, breach_decided_at=now, breach_notifiable=notifiable)
    within = now <= ico_due(case.breach_aware_at)
    events.append(AuditEvent("case.breach_decided", case.ref, actor, now, {
        "notifiable": notifiable, "within_72_hours": within,
        **note(conn, case, "breach", reason, actor=actor, now=now)}))
    return Change("breach_notifiable" if notifiable else "breach_not_notifiable")


def _subject_access(conn: Connection, app: App, case: Case, step: str, reason: str, *,
                    actor: str, now: datetime, events: list[AuditEvent]) -> Change:
    cal = app.regime_of(case).calendar
    if step == "yes":
        if case.sar_due_at is not None and case.sar_done_at is None:
            return NOTHING
        due = sar_due(case.received_at, cal, months=SAR_MONTHS)
        casebook.update_case(conn, case.id, now, sar_received_at=case.received_at, sar_due_at=due,
                             sar_done_at=None)
        events.append(AuditEvent("case.sar_started", case.ref, actor, now,
                                 {"received_at": case.received_at.isoformat(),
                                  "due_at": due.isoformat()}))
        return Change("sar")
    if case.sar_due_at is None:
        return Change(problem="No subject access request is recorded on this case: reply 'sar' "
                              "first if it is one.")
    if step == "no":
        casebook.update_case(conn, case.id, now, sar_received_at=None, sar_due_at=None,
                             sar_done_at=None)
        events.append(AuditEvent("case.sar_withdrawn", case.ref, actor, now, {}))
        return Change("sar_no")
    if step == "done":
        casebook.update_case(conn, case.id, now, sar_done_at=now)
        events.append(AuditEvent("case.sar_done", case.ref, actor, now,
                                 {"due_at": case.sar_due_at.isoformat(),
                                  "in_time": now <= case.sar_due_at}))
        return Change("sar_done")
    extended = sar_due(case.sar_received_at or case.received_at, cal,
                       months=SAR_MONTHS + SAR_EXTENSION_MONTHS)
    if case.sar_due_at >= extended:
        return Change(problem="The subject access request was already extended to "
                              f"{cal.local(case.sar_due_at):%d %B %Y}, as far as the law allows.")
    casebook.update_case(conn, case.id, now, sar_due_at=extended)
    events.append(AuditEvent("case.sar_extended", case.ref, actor, now, {
        "due_at": extended.isoformat(), **note(conn, case, "sar", reason, actor=actor, now=now)}))
    return Change("sar_extended")


def _record(conn: Connection, case: Case, column: str, value: str, text: str, *, actor: str,
            now: datetime, events: list[AuditEvent]) -> Change:
    old = getattr(case, column)
    if old == value and not text:
        return NOTHING
    casebook.update_case(conn, case.id, now, **{column: value})
    detail: dict[str, Any] = {"from": old, "to": value}
    if text:
        detail.update(note(conn, case, column, text, actor=actor, now=now))
    events.append(AuditEvent(f"case.{column}_set", case.ref, actor, now, detail))
    return Change(column)


def _secondary(conn: Connection, case: Case, category: str, *, actor: str, now: datetime,
               events: list[AuditEvent]) -> Change:
    current = list(case.secondary_categories or [])
    if category == case.category or category in current:
        return NOTHING
    casebook.update_case(conn, case.id, now, secondary_categories=current + [category])
    events.append(AuditEvent("case.secondary_category_added", case.ref, actor, now,
                             {"category": category}))
    return Change("also")
