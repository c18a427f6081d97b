"""The daily digest for the compliance role: what is open, what is due, what went wrong."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from ..deadlines import case_deadlines
from ..duty_clocks import ico_due
from ..store import levels, raw_mail, status
from .context import App
from .drafting import handler_name, staff_mail

_URGENCY_ORDER = {"critical": 0, "high": 1, "normal": 2, "low": 3}
PAST_REGULATOR = ("open past the regulator's deadline with no final response or holding letter "
                  "in time")


def _next_deadline(app: App, row: Any, now: datetime) -> tuple[str, datetime] | tuple[None, None]:
    regime = app.regime_of(row)
    d = case_deadlines(row.received_at, regime.profile, regime.calendar)
    options = [("acknowledge by", d.acknowledge_by if row.acknowledged_at is None else None),
               ("respond by", d.respond_by), ("regulator deadline", d.regulator_by)]
    future = [(label, due) for label, due in options
              if due is not None and (due >= now or label == "regulator deadline")]
    return min(future, key=lambda x: x[1]) if future else (None, None)


def digest_context(app: App, *, now: datetime) -> dict[str, Any]:
    since = now - timedelta(days=1)
    with app.store.transaction() as conn:
        rows = status.active_cases(conn)
        # Enquiries are not complaints: listed apart, never in the complaint figures (F3).
        open_rows = [r for r in rows if r.is_complaint is not False]
        enquiries = [r for r in rows if r.is_complaint is False]
        new_critical = [
            r.ref for r in open_rows if r.urgency == "critical" and r.created_at >= since
        ]
        bounced = status.events_since(conn, "letter.bounced", since)
        failed = status.letters_with_status(conn, "failed")
        levels_fired = levels.fired_since(conn, since)
        # Breaches the tick recorded in the last day: open cases, and cases answered or closed too
        # late.
        breached = levels.breached_since(conn, since)
        quarantined = raw_mail.count_open_quarantine(conn)
    listed = []
    overdue = past_regulator = 0
    for row in sorted(open_rows, key=lambda r:
                      (_URGENCY_ORDER.get(r.urgency or "normal", 2), r.received_at)):
        label, due = _next_deadline(app, row, now)
        if due is not None and due < now:
            overdue += 1
        regime = app.regime_of(row)
        regulator_by = case_deadlines(row.received_at, regime.profile,
                                      regime.calendar).regulator_by
        held = row.holding_sent_at if regime.profile.holding_meets_regulator else None
        in_time = held is not None and regulator_by is not None and held <= regulator_by
        past_regulator += regulator_by is not None and regulator_by < now and not in_time
        listed.append({
            "ref": row.ref,
            "urgency": row.urgency or "-",
            "category": row.category or "-",
            "status": row.state,
            "handler_name": handler_name(app, row.handler_email),
            "next_deadline": due,
            "next_deadline_label": label
        })
    urgency = Counter(r.urgency or "unknown" for r in open_rows)
    attention = [f"new critical case {ref}" for ref in new_critical]
    if breached:
        shown = ", ".join(
            breached[:20]) + (f" and {len(breached) - 20} more" if len(breached) > 20 else "")
        attention.append(
            f"{len(breached)} case(s) passed the regulator's deadline in the last day: {shown}")
    if failed:
        attention.append(
            f"{failed} letter(s) could not be delivered (mailbot outbox list --status failed)")
    if bounced:
        attention.append(f"{bounced} letter(s) bounced in the last day")
    if quarantined:
        attention.append(f"{quarantined} message(s) in quarantine (mailbot quarantine list)")
    attention += _duties_waiting(rows, app, now)
    waiting = [r.ref for r in enquiries if r.complaint_decided_by is None]
    if waiting:
        more = " and more" if len(waiting) > 20 else ""
        attention.append(f"{len(waiting)} message(s) held as enquiries wait for a person to say "
                         f"whether they are complaints: {', '.join(waiting[:20])}{more}")
    summary = [{"label": "open cases", "count": len(open_rows)}]
    summary += [{
        "label": f"open, {u}",
        "count": urgency[u]
    } for u in ("critical", "high", "normal", "low") if urgency[u]]
    summary += [{"label": "past a deadline", "count": overdue},
                {"label": PAST_REGULATOR,
                 "count": past_regulator},
                {"label": "open enquiries (not complaints)", "count": len(enquiries)},
                {"label": "deadline reminders fired in the last day", "count": levels_fired}]
    return {"as_of": now, "summary": summary, "attention": attention, "cases": listed}


def _duties_waiting(rows: list[Any], app: App, now: datetime) -> list[str]:
    """Open duties with clocks of their own (issue 19): breaches awaiting the ICO decision,
    subject access requests not yet answered."""
    lines = []
    breaches = [r for r in rows if r.breach_aware_at is not None and r.breach_decided_at is None]
    for r in breaches:
        by = app.calendar.local(ico_due(r.breach_aware_at))
        late = "overdue" if ico_due(r.breach_aware_at) < now else "due"
        lines.append(f"{r.ref}: the ICO notification decision on a possible breach is {late} "
                     f"({by:%H:%M %a %d %b})")
    for r in rows:
        if r.sar_due_at is not None and r.sar_done_at is None:
            late = "overdue since" if r.sar_due_at < now else "due by"
            lines.append(f"{r.ref}: a subject access request is {late} "
                         f"{app.calendar.local(r.sar_due_at):%a %d %b}")
    return lines


def send_digest(app: App, *, now: datetime) -> int:
    """One digest per compliance-role person; returns how many were queued."""
    context = digest_context(app, now=now)
    people = [
        h.email.lower() for h in app.config.handlers
        if "compliance" in h.roles or "partner" in h.roles
    ]
    with app.store.transaction() as conn:
        for person in people:
            staff_mail(conn, app, "digest", person, case=None, now=now, extra=context)
    return len(people)
