"""Corrective actions that are followed up (issue 19, item 3).

A handler replies `action TEXT owner EMAIL due DATE` on a case: the action is recorded with the
case's category and root cause (so the trend report can say which causes were acted on), and its
owner is told at once. The owner is reminded a week before it is due, on the day and each week it
is overdue (duty_clocks.action_reminder). Marking it done (`action N done`, or `mailbot actions
done N`) asks whether it worked, and asks again a month later until someone says
(`action N worked yes|no`, `mailbot actions worked N`).

Owners are people of the firm: a configured handler, or an address at the firm's own domain, so a
slip of the keyboard never sends the firm's remedial plans to a client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from ..cases import AuditEvent
from ..records import Case
from ..duty_clocks import action_reminder, worked_check
from ..store import actions as actions_q
from ..store import audit
from ..store.actions import ActionRow
from ..store.notes import add_note
from .context import App, log
from .drafting import staff_mail


@dataclass(frozen=True)
class ActionResult:
    done: str | None = None  # for the handler's outcome: "action:12", "action_done:12"...
    problem: str | None = None


def owner_problem(app: App, owner: str) -> str | None:
    firm_domain = app.config.firm.domain.lower()
    if app.config.handler(owner) is not None or owner.lower().rpartition("@")[2] == firm_domain:
        return None
    return (f"{owner} is neither a configured handler nor an address at {firm_domain}: an "
            "action's owner must be someone at the firm")


def create_action(conn: Connection, app: App, case: Case, *, text: str, owner: str, due: date,
                  actor: str, now: datetime) -> ActionResult:
    problem = owner_problem(app, owner)
    today = app.regime_of(case).calendar.local(now).date()
    if problem is None and due < today:
        problem = f"the due date {due.isoformat()} has already passed"
    if problem:
        return ActionResult(problem=f"No action was recorded: {problem}.")
    action_id = actions_q.add_action(conn, case_id=case.id, text=text, owner=owner.lower(),
                                     due_on=due, category=case.category,
                                     root_cause=case.root_cause, by=actor, at=now)
    audit.append(conn, [AuditEvent("action.created", case.ref, actor, now, {
        "action_id": action_id, "owner": owner.lower(), "due_on": due.isoformat()})])
    fresh = actions_q.action_by_id(conn, action_id)
    assert fresh is not None
    _notify(conn, app, fresh, "created", now)
    return ActionResult(done=f"action:{action_id}")


def mark_done(conn: Connection, app: App, action_id: int, *, actor: str, now: datetime,
              case_id: int | None = None) -> ActionResult:
    """Done: the owner and whoever made it are asked whether it worked. `case_id`: a handler's
    reply may only close an action of the case it answers."""
    action = actions_q.action_by_id(conn, action_id)
    if action is None or (case_id is not None and action.case_id != case_id):
        return ActionResult(problem=f"There is no corrective action #{action_id} on this case.")
    if not actions_q.mark_done(conn, action_id, by=actor, at=now):
        return ActionResult(problem=f"Corrective action #{action_id} is already done.")
    audit.append(conn, [AuditEvent("action.done", action.case_ref, actor, now,
                                   {"action_id": action_id})])
    fresh = actions_q.action_by_id(conn, action_id)
    assert fresh is not None
    _notify(conn, app, fresh, "done", now)
    return ActionResult(done=f"action_done:{action_id}")


def mark_worked(conn: Connection, action_id: int, worked: bool, *, actor: str, now: datetime,
                note: str = "", case_id: int | None = None) -> ActionResult:
    action = actions_q.action_by_id(conn, action_id)
    if action is None or (case_id is not None and action.case_id != case_id):
        return ActionResult(problem=f"There is no corrective action #{action_id} on this case.")
    if action.status != "done":
        return ActionResult(problem=f"Corrective action #{action_id} is not done yet: mark it "
                                    f"done first ('action {action_id} done').")
    if not actions_q.mark_worked(conn, action_id, worked=worked, by=actor, at=now):
        return ActionResult(problem=f"Corrective action #{action_id} could not be updated.")
    detail: dict[str, Any] = {"action_id": action_id, "worked": worked}
    if note:  # the note's words are purgeable; the trail keeps a hash
        note_id, digest = add_note(conn, case_id=action.case_id, kind="action", text=note,
                                   by=actor, at=now)
        detail.update(note_id=note_id, note_sha256=digest)
    audit.append(conn, [AuditEvent("action.worked", action.case_ref, actor, now, detail)])
    return ActionResult(done=f"action_worked:{action_id}")


def remind_owners(app: App, *, now: datetime) -> int:
    """Tell each owner what their actions call for today; returns how many notices were queued.

    Each level is claimed with a compare-and-set on the action's last reminder, so two instances
    (or a rerun) never send one twice; a run that was down for weeks sends only the latest."""
    sent = 0
    today = app.calendar.local(now).date()
    with app.store.transaction() as conn:
        for action in actions_q.waiting(conn):
            if action.status == "open":
                made = app.calendar.local(action.created_at).date()
                level = action_reminder(action.due_on, made, today, action.reminded)
            else:
                done = app.calendar.local(action.done_at).date()
                level = worked_check(done, today, action.reminded)
            if level is None or not actions_q.claim_reminder(conn, action.id, was=action.reminded,
                                                             level=level, at=now):
                continue
            mode = "overdue" if level.startswith("overdue") else level
            _notify(conn, app, action, mode, now)
            audit.append(conn, [AuditEvent("action.reminded", action.case_ref, "mailbot", now,
                                           {"action_id": action.id, "level": level})])
            sent += 1
    if sent:
        log.info("actions.reminded", extra={"notices": sent})
    return sent


def _notify(conn: Connection, app: App, action: ActionRow, mode: str, now: datetime) -> None:
    people = [action.owner]
    if mode in ("done", "check") and action.created_by and "@" in action.created_by:
        people.append(action.created_by)
    shown = {name: getattr(action, name) for name in (
        "id", "text", "due_on", "case_ref", "category", "root_cause", "created_by", "done_at",
        "done_by", "owner")}
    today = app.calendar.local(now).date()
    for person in dict.fromkeys(p.lower() for p in people):
        staff_mail(conn, app, "action_notice", person, case=None, now=now,
                   extra={"action": shown, "mode": mode, "today": today})
