"""Retention: purge message content on schedule, keep the register, respect legal hold.

The cases row (the register entry: dates, category, outcome, redress, learning) survives;
what goes is what identifies the substance or the person: raw mail, message bodies and subjects,
letter texts, people's notes, rejection and closing reasons (case_notes, whose hashes stay in the
audit trail), triage's reasons and flags, and the client's name; the client's address becomes a
pseudonym (the same for the same address, so a report can still count repeat complainants).
Every purge is an audit event, so the deletion itself is on the record.

A case is due when the retention period has passed since it ended: the later of its final
response and its closure. A case left at "responded" and never closed ends with its final
response, and an enquiry nobody closed with its last change (review F15). No case is purged
sooner than its own regime allows (`Profile.min_retention_years`: three years under fca_disp).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..cases import AuditEvent
from ..deadlines import ACTIVE_STATES
from ..store import audit
from ..store import retention as retention_q
from .context import App, log

PURGED = "[purged under the retention policy]"


@dataclass
class PurgePlan:
    cases: list[str] = field(default_factory=list)  # references whose content goes
    held: list[str] = field(default_factory=list)  # due, but on legal hold
    unlinked_raw: int = 0


def _cutoff(now: datetime, years: int) -> datetime:
    return now - timedelta(days=365 * years + years // 4)


def ended_at(row: Any) -> datetime | None:
    """When a case ended, for retention: the later of its final response and its closure; an
    enquiry left open, its last change; None while a complaint is still open."""
    if row.state == "closed":
        return max(t for t in (row.closed_at, row.responded_at) if t is not None)
    if row.state == "responded":
        return row.responded_at
    if row.is_complaint is False and row.state in ACTIVE_STATES:
        return row.updated_at
    return None


def pseudonym(address: str) -> str:
    """What a purged case keeps of its client's address: stable, not reversible by reading it."""
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()
    return f"purged-{digest[:20]}@purged.invalid"


def plan_purge(app: App, *, now: datetime) -> PurgePlan:
    years = app.config.retention.years_after_closure
    earliest = _cutoff(now, years)
    plan = PurgePlan()
    with app.store.transaction() as conn:
        for row in retention_q.ended_before(conn, earliest):
            floor = max(years, app.regime(row.profile).profile.min_retention_years)
            end = ended_at(row)
            if end is None or end >= _cutoff(now, floor):
                continue
            (plan.held if row.legal_hold else plan.cases).append(row.ref)
        unlinked_cutoff = now - timedelta(days=app.config.retention.unlinked_mail_days)
        plan.unlinked_raw = retention_q.count_unlinked_raw(conn, unlinked_cutoff)
    return plan


def purge(app: App, *, now: datetime, dry_run: bool = False) -> PurgePlan:
    plan = plan_purge(app, now=now)
    if dry_run:
        return plan
    for ref in plan.cases:
        with app.store.transaction() as conn:
            case = retention_q.case_to_purge(conn, ref)
            if case is None:
                continue  # put on hold since the plan was made
            counts = retention_q.purge_case(
                conn, case.id, client_address=case.client_address,
                alias=pseudonym(case.client_address), placeholder=PURGED, now=now)
            audit.append(conn, [AuditEvent("retention.purged", ref, "mailbot", now, counts)])
    if plan.unlinked_raw:
        cutoff = now - timedelta(days=app.config.retention.unlinked_mail_days)
        with app.store.transaction() as conn:
            done = retention_q.purge_unlinked_raw(conn, cutoff)
            audit.append(conn, [
                AuditEvent("retention.purged_unlinked", None, "mailbot", now,
                           {"raw_messages": done})
            ])
    log.info(
        "retention.purged", extra={
            "cases": len(plan.cases),
            "held": len(plan.held),
            "unlinked": plan.unlinked_raw
        })
    return plan
