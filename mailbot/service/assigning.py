"""Giving a case to a handler by hand: by a handler's `assign` reply, or by an administrator
(`mailbot cases assign`) when the complaint names everyone who could take it.

Assignment never gives a complaint to a person it names (assignment.py), so a complaint that
names every handler and the compliance people is left without a handler: its clocks run, and
nobody is asked to approve anything. The firm is told at once (`alert_unassigned`), and an
administrator adds an independent person and assigns the case here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from ..assignment import Candidate, named_in
from ..cases import AuditEvent
from ..letters import LetterKind
from ..records import Case
from ..store import audit, casebook
from .context import App
from .drafting import draft_for_approval, supersede_drafts
from .links import system_alert


def assign(conn: Connection, app: App, case: Case, email: str, *, actor: str,
           now: datetime) -> str | None:
    """Give the case to `email`; its pending drafts go to them. Returns why not, or None."""
    handler = app.config.handler(email)
    if handler is None or "handler" not in handler.roles:
        return f"{email} is not a configured handler; nothing was reassigned."
    candidate = Candidate(handler.name, handler.email, tuple(handler.roles),
                          tuple(handler.categories))
    first = next((m for m in casebook.messages_for_case(conn, case.id) if m.direction == "in"),
                 None)
    if first is not None and first.body and named_in(first.body, candidate):
        return f"{handler.name} is named in the complaint and cannot handle it."
    casebook.update_case(conn, case.id, now, handler_email=handler.email.lower())
    audit.append(
        conn,
        [AuditEvent("case.assigned", case.ref, actor, now, {"handler": handler.email.lower()})])
    kinds = supersede_drafts(conn, app, case, now=now)
    fresh = casebook.existing_case(conn, case.id)
    if case.handler_email is None and not kinds:
        kinds = [_first_draft(fresh)]  # nobody was asked anything while it had no handler
    for kind in kinds:
        draft_for_approval(conn, app, fresh, kind, now=now, note=f"Assigned to you by {actor}")
    return None


def _first_draft(case: Case) -> LetterKind:
    """The draft a new case would have had for its handler (service/complaints.py)."""
    if case.acknowledged_at is not None:
        return LetterKind.PROGRESS_UPDATE
    return LetterKind.ENQUIRY_REPLY if case.is_complaint is False else LetterKind.ACKNOWLEDGEMENT


def alert_unassigned(conn: Connection, app: App, case: Case, *, now: datetime) -> None:
    """Tell the people who hear about the system that a case has nobody to handle it. The
    alert names the case, never what the complaint says (it may be about them)."""
    system_alert(
        conn, app, now=now, since=now, case=case,
        title=f"Case {case.ref} has no handler",
        what=(f"Complaint {case.ref} names every handler and compliance person mailbot knows, "
              "so it was given to nobody: nobody has been asked to approve its letters, and its "
              "deadlines are running."),
        cause="a complaint is never given to a person it names",
        fix=("add a person independent of the complaint (a partner, or someone outside the "
             "team) as a [[handlers]] entry with the handler role, then run "
             f"`mailbot cases assign {case.ref} THEIR-EMAIL`"))
