"""Writing the drafts the deadline tick queued: progress updates, holding letters, chasers.

The tick records a level and, when the level calls for a draft, queues it in the same row
(reminders_fired.draft_status 'pending'). This step writes the letters afterwards. Recording
a level costs a tenth of a millisecond and drafting a letter several milliseconds (two
letters rendered, sealed and queued: the draft and its approval request), so keeping them
apart keeps the tick short when thousands of drafts fall due at one close of business, and a
crash leaves the rest queued, not lost: the next run writes them.

Each draft is claimed (pending -> drafted) in the transaction that writes it, so a rerun or a
second instance never writes it twice. A case that no longer needs it (a final response or
closure since the tick, or no handler any more) gets none: the level is marked 'skipped' and
the audit trail says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import Connection, Row, func, select, update

from ..cases import AuditEvent
from ..deadlines import ACTIVE_STATES
from ..store import audit, casebook
from ..store.tables import reminders_fired
from .context import App, log
from .drafting import draft_for_approval, supersede_drafts
from .tick import PENDING, WHAT

DRAFTS_PER_TRANSACTION = 50  # each draft holds the audit chain's lock until its transaction commits
_RF = reminders_fired.c


@dataclass
class DraftingReport:
    drafted: int = 0
    skipped: int = 0


def queued_drafts(conn: Connection) -> int:
    """How many drafts wait to be written (for `mailbot status`)."""
    return conn.execute(select(func.count()).where(_RF.draft_status == PENDING)).scalar_one()


def write_queued_drafts(app: App, *, now: datetime, should_stop: Callable[[], bool] = lambda: False) -> DraftingReport:
    report = DraftingReport()
    with app.store.transaction() as conn:
        # Case order, as everywhere else that locks per case; ids read once, claimed chunk by chunk.
        waiting = conn.execute(select(_RF.id).where(_RF.draft_status == PENDING).order_by(_RF.case_id, _RF.id)).scalars().all()
    for start in range(0, len(waiting), DRAFTS_PER_TRANSACTION):
        if should_stop():
            break
        with app.store.transaction() as conn:
            for level in _claim(conn, waiting[start:start + DRAFTS_PER_TRANSACTION]):
                _write(conn, app, level, now, report)
    if report.drafted or report.skipped:
        log.info("tick.drafts_written", extra={"drafted": report.drafted, "skipped": report.skipped})
    return report


def _claim(conn: Connection, ids: list[int]) -> list[Row[Any]]:
    """The levels of `ids` still pending, now marked drafted; another instance's claim wins."""
    claimed = conn.execute(update(reminders_fired).where(_RF.id.in_(ids), _RF.draft_status == PENDING)
                           .values(draft_status="drafted").returning(_RF.id, _RF.case_id, _RF.key, _RF.draft_kind)).all()
    return sorted(claimed, key=lambda level: (level.case_id, level.id))


def _write(conn: Connection, app: App, level: Row[Any], now: datetime, report: DraftingReport) -> None:
    case = casebook.case_by_id(conn, level.case_id)
    assert case is not None  # reminders_fired.case_id is a foreign key
    why_not = _not_needed(case)
    if why_not:
        conn.execute(update(reminders_fired).where(_RF.id == level.id).values(draft_status="skipped"))
        audit.append(conn, [AuditEvent("deadline.draft_skipped", case.ref, "mailbot", now,
                                       {"key": level.key, "draft": level.draft_kind, "why": why_not})])
        report.skipped += 1
        return
    supersede_drafts(conn, app, case, now=now)  # one pending draft per case: the newest need
    draft_for_approval(conn, app, case, level.draft_kind, now=now, note=WHAT[level.key.split(":")[0]])
    report.drafted += 1


def _not_needed(case: Row[Any]) -> str | None:
    if case.state not in ACTIVE_STATES:
        return f"the case is {case.state}"
    if not case.handler_email:
        return "the case has no handler"
    return None
