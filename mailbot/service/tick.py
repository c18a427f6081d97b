"""The deadline tick: reminders, drafts and escalations derived from the cases and `now`.

Nothing is scheduled per case. Each tick asks deadlines.evaluate what is due, records the
action's key in reminders_fired (unique per case), and acts only if that insert was new, so
a level fires once across repeated ticks, restarts and several instances. To keep a tick
cheap with 100,000 open cases, each case also has its next check stored (case_checks: the
evaluation's next check, exact for the case as it stands): a cache of derived state, not a
schedule. Any change to a case makes the tick look at it again; clearing a next check only
does the same.

The work goes a chunk of cases per transaction, in bulk: one INSERT ... ON CONFLICT DO NOTHING
RETURNING records the chunk's levels (what it returns is what this instance may act on), one
statement stores the next checks (both in the store: levels.py, clocks.py), and one audit event
holds a leaf for each new level (store/audit.py says why one, not one per level). Each level
row also queues what it calls for: a reminder line for the handler (or compliance), and for
some levels a draft. The letters step (deadline_letters.py) writes those afterwards. So the
tick writes no letter: it stays short when thousands of levels fall due at one close of
business, and a crash between its chunks loses no reminder line, because each is queued in the
transaction that records its level. Locks are taken in one order by every instance: levels and
case rows by ascending id, then the audit chain's lock, so two ticks wait for each other rather
than deadlock.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterator

from sqlalchemy import Connection

from ..deadlines import CaseClock, Level, evaluate
from ..duty_clocks import COMPLIANCE_KINDS, evaluate_duties
from ..letters import LetterKind
from ..store import audit, clocks
from ..store import levels as levels_q
from ..store.clocks import ClockRow
from .context import App, log

# The levels that call for a draft for the handler to approve, and which draft wins when
# several fall due for one case at once (week 7 is also a stall).
DRAFTS = {
    "stalled": LetterKind.PROGRESS_UPDATE,
    "holding_letter": LetterKind.HOLDING_LETTER,
    "info_chaser": LetterKind.REQUEST_INFO,
}
_DRAFT_RANK = {"stalled": 0, "info_chaser": 1, "holding_letter": 2}


# Cases per transaction. Levels and next checks are written in bulk (store/levels.py,
# store/clocks.py), so a chunk can be large: fewer commits, and on SQLite fewer WAL checkpoints
# (tests/bench/README.md has the figures).
CASES_PER_CHUNK = 4000
# no clock left to run: looked at again only if the case changes
NEVER = datetime(9999, 1, 1, tzinfo=timezone.utc)
# A change is stamped with its transaction's start time (updated_at) but seen only once it commits:
# one that commits just after a tick read the cases is older than that tick, so the next tick
# looks back this far before it, or it would miss the change (a reopened case would never stall).
# Also covers clocks a little apart between instances. Looking at a case twice does no harm.
CHANGES_OVERLAP = timedelta(minutes=15)


@dataclass
class TickReport:
    """What one tick recorded; the letters it queued are written by deadline_letters."""

    fired: list[tuple[str, str]] = field(default_factory=list)  # (case ref, action key)
    notices_queued: int = 0
    drafts_queued: int = 0
    evaluated: int = 0  # cases whose clocks were due a look


def _clock(row: ClockRow, fired: frozenset[str]) -> CaseClock:
    return CaseClock(ref=row.ref, state=row.state, received_at=row.received_at,
                     acknowledged_at=row.acknowledged_at,
                     last_client_letter_at=row.last_client_letter_at,
                     awaiting_client_since=row.awaiting_client_since,
                     responded_at=row.responded_at, closed_at=row.closed_at, fired=fired,
                     is_complaint=row.is_complaint is not False, triaged=row.complaint_decided_by
                     is not None, holding_sent_at=row.holding_sent_at,
                     sar_received_at=row.sar_received_at, sar_due_at=row.sar_due_at,
                     sar_done_at=row.sar_done_at, breach_aware_at=row.breach_aware_at,
                     breach_decided_at=row.breach_decided_at,
                     )


@dataclass(frozen=True)
class _Plan:
    """One case's part of a tick, worked out before any transaction: pure, so done in one go."""

    row: ClockRow
    due: tuple[Level, ...]  # what deadlines.evaluate says is due, before recording
    next_check: datetime

    @property
    def drafting(self) -> Level | None:
        """The level whose draft the handler gets. Several may fall due at once (week 7 is also a
        stall): one draft, the one that matters most. None when nobody handles the case yet."""
        if not self.row.handler_email:
            return None
        return max((a for a in self.due if a.kind in DRAFTS), key=lambda a: _DRAFT_RANK[a.kind],
                   default=None)


def _plans(app: App, rows: list[ClockRow], fired: dict[int, set[str]],
           now: datetime) -> list[_Plan]:
    out = []
    for row in rows:
        regime = app.regime(row.profile)  # each case under its own regime's profile and calendar
        clock = _clock(row, frozenset(fired.get(row.id, ())))
        looked = evaluate(clock, now, regime.profile, regime.calendar)
        duties = evaluate_duties(clock, now, regime.calendar)
        checks = [at for at in (looked.next_check, duties.next_check) if at is not None]
        out.append(_Plan(row, looked.actions + duties.actions, min(checks, default=NEVER)))
    return out


def _chunks(plans: list[_Plan]) -> Iterator[list[_Plan]]:
    for start in range(0, len(plans), CASES_PER_CHUNK):
        yield plans[start:start + CASES_PER_CHUNK]


class _CollectorPause:
    """Python's cyclic garbage collector kept away from the tick's per-case objects.

    Reading and planning a boundary tick allocates a few objects per case for thousands of
    cases, which sets off full collections that walk every live object again and again
    (tests/bench/README.md has the figures). The collector is one for the whole process,
    though, and other jobs run in other threads while the tick waits on the database. So it is
    off only while the cases are read and planned; then `park` moves every object there is (the
    plans among them) where collections do not look (gc.freeze) and switches it back on for the
    chunks' database work, and the end of the tick returns them (gc.unfreeze). What the tick
    allocates holds no reference cycles: it is freed as usual, by reference counting.
    """

    def __enter__(self) -> _CollectorPause:
        self._was_on = gc.isenabled()
        self._froze = False
        gc.disable()
        return self

    def park(self) -> None:
        if gc.get_freeze_count():  # frozen by someone else (a tick in another thread): theirs
            return
        gc.freeze()
        self._froze = True
        if self._was_on:
            gc.enable()

    def __exit__(self, *exc: object) -> None:
        if self._froze:
            gc.unfreeze()
        if self._was_on:
            gc.enable()


def deadline_tick(app: App, *, now: datetime) -> TickReport:
    with _CollectorPause() as collector:
        return _deadline_tick(app, now, collector)


def _deadline_tick(app: App, now: datetime, collector: _CollectorPause) -> TickReport:
    report = TickReport()
    with app.store.transaction() as conn:
        last_tick = clocks.last_run(conn, "tick")
        if last_tick is not None and now < last_tick:
            last_tick = None  # the clock went back (a preview with --now): look at every case
            clocks.forget_next_checks(conn)
        rows, fired = clocks.candidates(conn, now,
                                        last_tick - CHANGES_OVERLAP if last_tick else None)
    compliance = bool(compliance_people(app))
    plans = _plans(app, rows, fired, now)
    collector.park()
    for chunk in _chunks(plans):
        with app.store.transaction() as conn:
            _tick_chunk(conn, chunk, now, report, compliance=compliance)
    with app.store.transaction() as conn:
        clocks.set_last_run(conn, "tick", now)
    report.evaluated = len(rows)
    if report.fired:
        log.info(
            "tick.fired", extra={
                "actions": len(report.fired),
                "notices": report.notices_queued,
                "drafts": report.drafts_queued
            })
    return report


def _tick_chunk(conn: Connection, chunk: list[_Plan], now: datetime, report: TickReport, *,
                compliance: bool) -> None:
    """One transaction: the chunk's levels (and what they queue) recorded in bulk, its next
    checks stored, and one audit event holding a leaf for each level that was new."""
    levels = []
    for plan in chunk:
        chosen = plan.drafting
        handled = bool(plan.row.handler_email)
        levels += [levels_q.LevelToRecord(plan.row.id, a,
                                  handled or (compliance and a.kind in COMPLIANCE_TOLD),
                                  DRAFTS[a.kind] if a is chosen else None) for a in plan.due]
    recorded = levels_q.record(conn, levels, now)
    clocks.store_next_checks(conn, [(p.row.id, p.next_check) for p in chunk])
    refs = {plan.row.id: plan.row.ref for plan in chunk}
    new = [level for level in levels if (level.case_id, level.action.key) in recorded]
    for level in new:
        report.fired.append((refs[level.case_id], level.action.key))
        report.notices_queued += level.tell
        report.drafts_queued += level.draft_kind is not None
    if new:
        audit.append(conn, [
            audit.levels_fired(now, [(refs[lv.case_id], lv.action.key, lv.action.due_at)
                                     for lv in new])
        ])


# The levels compliance hears of besides the handler: a breach of the regulator's deadline, and the
# data protection clocks (the ICO decision, a subject access request).
COMPLIANCE_TOLD = frozenset({"regulator_breach"}) | COMPLIANCE_KINDS


def compliance_people(app: App) -> list[str]:
    return [h.email.lower() for h in app.config.handlers if "compliance" in h.roles]
