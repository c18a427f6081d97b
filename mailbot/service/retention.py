"""Retention: purge message content on schedule, keep the register, respect legal hold.

The cases row (the register entry: dates, category, outcome, redress, learning) survives;
what goes is what identifies the substance: raw mail, message bodies and subjects, letter
texts. Every purge is an audit event, so the deletion itself is on the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, select, update

from ..cases import AuditEvent
from ..store import audit
from ..store.tables import case_messages, cases, outbox, raw_messages
from .context import App, log

PURGED = "[purged under the retention policy]"


@dataclass
class PurgePlan:
    cases: list[str] = field(default_factory=list)  # references whose content goes
    held: list[str] = field(default_factory=list)  # due, but on legal hold
    unlinked_raw: int = 0


def _cutoff(now: datetime, years: int) -> datetime:
    return now - timedelta(days=365 * years + years // 4)


def plan_purge(app: App, *, now: datetime) -> PurgePlan:
    cutoff = _cutoff(now, app.config.retention.years_after_closure)
    plan = PurgePlan()
    with app.store.transaction() as conn:
        due = conn.execute(select(cases.c.ref, cases.c.legal_hold).where(
            cases.c.state == "closed", cases.c.closed_at < cutoff, cases.c.purged_at.is_(None)).order_by(cases.c.id))
        for ref, hold in due:
            (plan.held if hold else plan.cases).append(ref)
        unlinked_cutoff = now - timedelta(days=app.config.retention.unlinked_mail_days)
        plan.unlinked_raw = len(list(conn.execute(select(raw_messages.c.id).where(
            raw_messages.c.case_id.is_(None), raw_messages.c.created_at < unlinked_cutoff, raw_messages.c.raw.is_not(None)))))
    return plan


def purge(app: App, *, now: datetime, dry_run: bool = False) -> PurgePlan:
    plan = plan_purge(app, now=now)
    if dry_run:
        return plan
    for ref in plan.cases:
        with app.store.transaction() as conn:
            case_id = conn.execute(select(cases.c.id).where(cases.c.ref == ref, cases.c.legal_hold.is_(False))).scalar()
            if case_id is None:
                continue  # put on hold since the plan was made
            raw = conn.execute(update(raw_messages).where(raw_messages.c.case_id == case_id, raw_messages.c.raw.is_not(None))
                               .values(raw=None)).rowcount
            msgs = conn.execute(update(case_messages).where(case_messages.c.case_id == case_id)
                                .values(body=None, subject=None)).rowcount
            letters = conn.execute(update(outbox).where(outbox.c.case_id == case_id)
                                   .values(body_text=PURGED, body_html=None, subject=PURGED, edit_diff=None)).rowcount
            conn.execute(update(cases).where(cases.c.id == case_id).values(purged_at=now, subject=None, updated_at=now))
            audit.append(conn, [AuditEvent("retention.purged", ref, "mailbot", now,
                                           {"raw_messages": raw, "messages": msgs, "letters": letters})])
    if plan.unlinked_raw:
        cutoff = now - timedelta(days=app.config.retention.unlinked_mail_days)
        with app.store.transaction() as conn:
            done = conn.execute(update(raw_messages).where(and_(
                raw_messages.c.case_id.is_(None), raw_messages.c.created_at < cutoff, raw_messages.c.raw.is_not(None)))
                .values(raw=None)).rowcount
            audit.append(conn, [AuditEvent("retention.purged_unlinked", None, "mailbot", now, {"raw_messages": done})])
    log.info("retention.purged", extra={"cases": len(plan.cases), "held": len(plan.held), "unlinked": plan.unlinked_raw})
    return plan
