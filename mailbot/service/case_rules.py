"""Changing the rules a case falls under (issue 17): whether it is a complaint, its regime, when
the firm first received it, who complains, and the FCA time-limit waiver.

Each change is recorded with its audit event (the caller appends the events in its
transaction) and says how the case's pending drafts must be written again, because every one of
them changes what the letters must say. Used by a handler's emailed commands
(handler_replies.py) and, for the date of receipt, by `mailbot cases received`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from ..cases import AuditEvent
from ..records import Case
from ..store import casebook
from .context import App


@dataclass(frozen=True)
class Change:
    """What one command did: `done` (for the outcome) or `problem` (told to the handler), and
    how the pending drafts follow: written again with the note `redraft`, or, for a case that
    became (or stopped being) a complaint, replaced by a first letter of kind `then_draft`."""

    done: str | None = None
    problem: str | None = None
    redraft: str | None = None
    then_draft: str | None = None


NOTHING = Change()


def set_complaint(conn: Connection, case: Case, value: bool, *, actor: str, now: datetime,
                  events: list[AuditEvent]) -> Change:
    """A person decides whether it is a complaint (F3, F11), kept as a training label. A message
    made a complaint is clocked from its original receipt and gets an acknowledgement draft; a
    complaint made an enquiry stops its clocks and gets a neutral reply draft."""
    was = case.is_complaint is not False
    casebook.record_correction(conn, case.id, "is_complaint", "yes" if was else "no",
                               "yes" if value else "no", by=actor, at=now)
    casebook.update_case(conn, case.id, now, is_complaint=value, complaint_decided_by=actor,
                         complaint_decided_at=now)
    events.append(AuditEvent("case.complaint_set", case.ref, actor, now,
                             {"from": was, "to": value,
                              "clocks_from": case.received_at.isoformat()}))
    done = "complaint" if value else "not_complaint"
    if was == value:
        return Change(done)
    if value:
        return Change(done, redraft="Now a complaint: clocked from its receipt",
                      then_draft="acknowledgement")
    return Change(done, redraft="Now an enquiry, not a complaint", then_draft="enquiry_reply")


def set_regime(conn: Connection, app: App, case: Case, profile: str, *, actor: str,
               now: datetime, events: list[AuditEvent]) -> Change:
    """The rules the case falls under (F1): its letters, clocks and reports follow."""
    problem = app.regimes.problem(profile)
    if problem:
        return Change(problem=f"The regime was not changed: {problem}.")
    if case.profile == profile:
        return NOTHING
    casebook.update_case(conn, case.id, now, profile=profile)
    events.append(AuditEvent("case.regime_set", case.ref, actor, now,
                             {"from": case.profile, "to": profile}))
    return Change("regime",
                  redraft=f"The case is now under {profile}: its letters are written again")


def received_moment(app: App, case: Case, when: date | datetime) -> datetime:
    """A date (the start of that local day) or a naive local date and time, in UTC."""
    cal = app.regime_of(case).calendar
    if isinstance(when, datetime):
        return when.replace(tzinfo=cal.zone).astimezone(UTC)
    return cal.start_of(when)


def received_problem(app: App, case: Case, moment: datetime, now: datetime, *,
                     partner: bool) -> str | None:
    """Why the date of receipt may not become `moment`, or None. Moving it later shortens the
    clocks the client relies on: only a partner may do that."""
    cal = app.regime_of(case).calendar
    if moment > now:
        return f"{cal.local(moment):%d %B %Y} is in the future."
    if moment > case.received_at and not partner:
        return (f"moving it later (from {cal.local(case.received_at):%d %B %Y} to "
                f"{cal.local(moment):%d %B %Y}) shortens the clocks the client relies on, so it "
                "needs a partner: a partner handling the case can reply with it, or a partner can "
                "authorise 'mailbot cases received REF DATE --partner EMAIL'.")
    return None


def set_received(conn: Connection, app: App, case: Case, moment: datetime, *, actor: str,
                 now: datetime, events: list[AuditEvent], partner: str | None = None) -> Change:
    """When the firm first received the complaint (F2): every clock follows it. `partner`, the
    partner who allows a later date (the actor, or the one a command-line user names)."""
    problem = received_problem(app, case, moment, now, partner=partner is not None)
    if problem:
        return Change(problem=f"The date of receipt was not changed: {problem}")
    if moment == case.received_at:
        return NOTHING
    detail: dict[str, Any] = {"from": case.received_at.isoformat(), "to": moment.isoformat(),
                              "later": moment > case.received_at}
    if partner:
        detail["partner"] = partner
    casebook.update_case(conn, case.id, now, received_at=moment)
    events.append(AuditEvent("case.received_set", case.ref, actor, now, detail))
    day = app.regime_of(case).calendar.local(moment)
    return Change("received", redraft=f"The date of receipt is now {day:%d %B %Y}: its letters "
                                      "are written again")


def set_complainant(conn: Connection, case: Case, role: str, *, actor: str, now: datetime,
                    events: list[AuditEvent]) -> Change:
    """Whether the complainant is our client (F4), kept as a training label for triage's flag."""
    old = case.complainant
    if old == role:
        return NOTHING
    casebook.record_correction(conn, case.id, "complainant", old, role, by=actor, at=now)
    casebook.update_case(conn, case.id, now, complainant=role)
    events.append(AuditEvent("case.complainant_set", case.ref, actor, now,
                             {"from": old, "to": role}))
    who = "not our client" if role == "third_party" else "our client"
    return Change("complainant", redraft=f"The complainant is recorded as {who}: the letters are "
                                         "written again")


def set_waiver(conn: Connection, app: App, case: Case, value: bool, *, actor: str,
               now: datetime, events: list[AuditEvent]) -> Change:
    """FCA: whether the firm consents to the FOS considering a late referral (DISP 1 Annex 3R)."""
    regime = app.regime_of(case)
    if regime.name != "fca_disp":
        return Change(problem="waive time limits is for complaints under the FCA's rules "
                              f"(fca_disp); this case is under {regime.name}.")
    if case.waive_time_limits is not None and bool(case.waive_time_limits) == value:
        return NOTHING
    casebook.update_case(conn, case.id, now, waive_time_limits=value)
    events.append(AuditEvent("case.waiver_set", case.ref, actor, now,
                             {"waive_time_limits": value}))
    consent = "now consent" if value else "now do not consent"
    return Change("waiver", redraft=f"We {consent} to the FOS considering a late referral: the "
                                    "letters are written again")
