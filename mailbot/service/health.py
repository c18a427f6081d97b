"""Alert on silence: a person hears when intake has stalled, and again when it recovers.

One helpdesk's users went ten days without noticing their poller had stopped. The tick runs
this check; the alert state is read back from the audit trail, so each stall is announced
once, across restarts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..cases import AuditEvent
from ..store import audit
from ..store.tables import audit_events, watermarks
from .context import App, log
from .drafting import staff_mail

STALLED, RECOVERED = "intake.stalled", "intake.recovered"


def check_intake_health(app: App, *, now: datetime) -> str | None:
    """Returns 'stalled' or 'recovered' when it sent an alert, else None."""
    limit = timedelta(minutes=app.config.intake.stall_alert_minutes)
    with app.store.transaction() as conn:
        marks = list(conn.execute(select(watermarks)))
        last_alert = conn.execute(select(audit_events.c.kind).where(audit_events.c.kind.in_([STALLED, RECOVERED]))
                                  .order_by(audit_events.c.id.desc()).limit(1)).scalar()
        stale = [m for m in marks if m.last_success_at is not None and now - m.last_success_at > limit]
        if stale and last_alert != STALLED:
            oldest = min(stale, key=lambda m: m.last_success_at)
            _tell(conn, app, now, recovered=False, mailbox=oldest.mailbox, last=oldest.last_success_at)
            audit.append(conn, [AuditEvent(STALLED, None, "mailbot", now, {"mailbox": oldest.mailbox})])
            log.error("intake.stalled", extra={"mailbox": oldest.mailbox})
            return "stalled"
        if marks and not stale and last_alert == STALLED:
            newest = max(marks, key=lambda m: m.last_success_at)
            _tell(conn, app, now, recovered=True, mailbox=newest.mailbox, last=newest.last_success_at)
            audit.append(conn, [AuditEvent(RECOVERED, None, "mailbot", now, {"mailbox": newest.mailbox})])
            log.info("intake.recovered", extra={"mailbox": newest.mailbox})
            return "recovered"
    return None


def _tell(conn, app: App, now: datetime, *, recovered: bool, mailbox: str, last: datetime) -> None:  # type: ignore[no-untyped-def]
    people = [h.email.lower() for h in app.config.handlers if "compliance" in h.roles] or \
             [h.email.lower() for h in app.config.handlers]
    for person in people:
        staff_mail(conn, app, "intake_alert", person, case=None, now=now, extra={
            "recovered": recovered, "mailbox": mailbox, "last_success_at": last,
            "minutes": int((now - last).total_seconds() // 60)})
