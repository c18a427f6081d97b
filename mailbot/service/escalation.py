"""Same-day escalation (review F17): some cases must reach compliance and the partner today.

A case rated critical, or flagged for safeguarding, a conduct referral, an insurer notification
or a personal-data breach, alerts every person with the compliance or partner role at once: an
email queued in the transaction that opened (or re-rated) the case, so it goes out in the same
pass, not in the next morning's digest. It says what triggered it and what to do. Each trigger is
alerted once per case (`cases.escalated`); a handler who later rates a case critical, or reports
a breach triage missed, sets off an alert for that trigger alone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection

from ..cases import AuditEvent
from ..duty_clocks import ico_due
from ..records import Case
from ..store import audit, casebook
from .context import App, log
from .drafting import handler_name, staff_mail

# In the order the alert lists them: the most pressing first.
TRIGGERS = ("safeguarding", "critical", "data_breach", "conduct_referral", "insurer_notification")
# What to do about each, as the alert says it.
STEPS = {
    "safeguarding": "Someone's safety may be at risk. A person must make contact today. If anyone "
                    "is in immediate danger, call 999; follow the firm's safeguarding procedure.",
    "critical": "Rated critical: act today. Check the dates and the money at risk (a hearing, "
                "completion or limitation date, changed bank details) and make sure the handler "
                "is on it now.",
    "data_breach": "A possible personal-data breach. Contain it now. The firm must decide within "
                   "72 hours of learning of it whether to notify the Information Commissioner "
                   "(UK GDPR Art 33). Record the decision, and why, by replying to the case's "
                   "approval request: 'breach notifiable yes REASON' or 'breach notifiable no "
                   "REASON'.",
    "conduct_referral": "A conduct matter (dishonesty, a conflict, discrimination, client money). "
                        "The compliance officer decides today whether it must be reported to the "
                        "regulator, and records why.",
    "insurer_notification": "An error or a loss is alleged. Consider notifying the firm's "
                            "professional indemnity insurer as the policy requires; admit nothing "
                            "to the client meanwhile.",
}


def triggers_of(case: Case) -> list[str]:
    flags = set(case.flags or [])
    found = {"critical"} if case.urgency == "critical" else set()
    found |= flags & set(TRIGGERS)
    return [t for t in TRIGGERS if t in found]


def escalation_people(app: App) -> list[str]:
    """Compliance and the partner(s): everyone with either role, once each."""
    return list(dict.fromkeys(h.email.lower() for h in app.config.handlers
                              if {"compliance", "partner"} & set(h.roles)))


def escalate(conn: Connection, app: App, case: Case, *, now: datetime,
             actor: str) -> list[str]:
    """Alert compliance and the partner of each trigger of `case` not alerted yet; returns them."""
    already = set(case.escalated or [])
    new = [t for t in triggers_of(case) if t not in already]
    if not new:
        return []
    people = escalation_people(app)
    suggestion = case.suggestion or {}
    extra = {
        "triggers": new,
        "steps": [STEPS[t] for t in new],
        "earlier": [t for t in TRIGGERS if t in already],
        "reasons": [r for r in suggestion.get("reasons", [])
                    if not str(r).startswith("classifier")],
        "case_handler": handler_name(app, case.handler_email),
        "received": case.received_at,
        "ico_by": ico_due(case.breach_aware_at) if case.breach_aware_at is not None else None,
        "by": actor,
    }
    for person in people:
        staff_mail(conn, app, "escalation_alert", person, case=case, now=now, extra=extra)
    casebook.update_case(conn, case.id, now, escalated=_escalated(case, new))
    audit.append(conn, [AuditEvent("case.escalated", case.ref, actor, now,
                                   {"triggers": new, "told": len(people)})])
    if not people:
        log.error("case.escalation_unsent", extra={
            "case": case.ref, "fix": 'add a [[handlers]] entry with roles = ["compliance"]'})
    else:
        # How many, not which: a safeguarding flag is special-category data, never a log line.
        log.info("case.escalated", extra={"case": case.ref, "triggers": len(new),
                                          "told": len(people)})
    return new


def escalate_case(conn: Connection, app: App, case: Case, *, now: datetime, actor: str) -> Case:
    """`escalate`, for a caller that goes on with the case (intake): the case as it now stands,
    without reading it back (a statement and a decryption for most new complaints)."""
    new = escalate(conn, app, case, now=now, actor=actor)
    return replace(case, escalated=_escalated(case, new), updated_at=now) if new else case


def _escalated(case: Case, new: list[str]) -> list[str]:
    """The triggers alerted on the case once `new` are."""
    return sorted(set(case.escalated or []) | set(new))
