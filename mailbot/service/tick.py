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
statement stores the next checks, and one audit event holds a leaf for each new level
(store/audit.py says why one, not one per level). Each level row also queues what it calls
for: a reminder line for the handler (or compliance), and for some levels a draft. The
letters step (deadline_letters.py) writes those afterwards. So the tick writes no letter: it
stays short when thousands of levels fall due at one close of business, and a crash between
its chunks loses no reminder line, because each is queued in the transaction that records
its level. Locks are taken in one order by every instance: levels
and case rows by ascending id, then the audit chain's lock, so two ticks wait for each other
rather than deadlock.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

from sqlalchemy import (BigInteger, Connection, DateTime, Row, String, bindparam, case, exists,
                        func, or_, select, union, update)
from sqlalchemy.dialects import postgresql, sqlite

from ..deadlines import ACTIVE_STATES, CaseClock, Level, evaluate
from ..duty_clocks import COMPLIANCE_KINDS, evaluate_duties
from ..store import audit
from ..store.raw_mail import insert_ignoring_conflict
from ..store.casebook import holding_sent
from ..store.tables import UTCDateTime, case_checks, cases, reminders_fired, tick_state
from .context import App, log

# The levels that call for a draft for the handler to approve, and which draft wins when
# several fall due for one case at once (week 7 is also a stall).
DRAFTS = {
    "stalled": "progress_update",
    "holding_letter": "holding_letter",
    "info_chaser": "request_info"
}
_DRAFT_RANK = {"stalled": 0, "info_chaser": 1, "holding_letter": 2}


# Cases per transaction. Recorded in bulk a case costs about 0.1 ms, so a chunk can be large
# (fewer commits, and on SQLite fewer WAL checkpoints).
CASES_PER_CHUNK = 4000
PENDING = "pending"  # reminders_fired.notice_status / draft_status: queued, not yet written
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


def _clock(row: Row[Any], fired: frozenset[str]) -> CaseClock:
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


def _candidates(conn: Connection, now: datetime,
                changed_since: datetime | None) -> tuple[list[Row[Any]], dict[int, set[str]]]:
    """The cases whose clocks may have produced something: never looked at, changed since the
    last tick, or whose stored next check has come."""
    breach = reminders_fired.alias("breach")
    # Per case, by the (case_id, key) index: NOT IN (all breaches) read every level ever recorded.
    breach_recorded = exists().where(breach.c.case_id == cases.c.id,
                                     breach.c.key == "regulator_breach")
    c, k = cases.c, case_checks.c
    needed = (c.id, c.ref, c.state, c.received_at, c.acknowledged_at, c.last_client_letter_at,
              c.awaiting_client_since, c.responded_at, c.closed_at,
              c.handler_email, c.urgency, c.profile, c.is_complaint, c.complaint_decided_by,
              holding_sent(c.id).label("holding_sent_at"), c.sar_received_at, c.sar_due_at,
              c.sar_done_at, c.breach_aware_at, c.breach_decided_at)
    looks: Any = select(k.case_id).where(or_(k.next_check_at.is_(None), k.next_check_at <= now))
    # a union of two index ranges: an OR across the two tables would scan every case
    if changed_since is not None:
        looks = union(looks, select(c.id).where(c.updated_at >= changed_since))
    due = c.id.in_(looks)
    # A subject access request or a breach decision still open runs whatever the case's state.
    duty_open = or_((c.sar_due_at.is_not(None) & c.sar_done_at.is_(None)),
                    (c.breach_aware_at.is_not(None) & c.breach_decided_at.is_(None)))
    live = or_(c.state.in_(sorted(ACTIVE_STATES)), ~breach_recorded, duty_open)
    # Sorted here, not by ORDER BY, which can make SQLite walk every case in id order instead of
    # starting from the indexes above. Id order is the lock order (module docstring).
    rows = sorted(conn.execute(select(*needed).where(live, due)).all(), key=lambda r: r.id)
    # What they already fired: the same filter as a subquery, rather than thousands of ids sent
    # back in.
    rf = reminders_fired.c
    fired: dict[int, set[str]] = defaultdict(set)
    for case_id, key in conn.execute(
            select(rf.case_id, rf.key).where(rf.case_id.in_(select(c.id).where(live, due)))).all():
        fired[case_id].add(key)
    return rows, fired


def _state(conn: Connection, name: str) -> datetime | None:
    return conn.execute(select(tick_state.c.at).where(tick_state.c.name == name)).scalar()


def _set_state(conn: Connection, name: str, at: datetime) -> None:
    if conn.execute(
            update(tick_state).where(tick_state.c.name == name).values(at=at)).rowcount == 0:
        insert_ignoring_conflict(conn, tick_state, {"name": name, "at": at}, ["name"])


# Bulk statements. SQLite runs them once per row in C (executemany; SQLAlchemy's "insertmanyvalues"
# batches the INSERT ... RETURNING). PostgreSQL gets one statement per chunk with the values as
# arrays: a round trip per row, or a freshly parsed multi-row statement per chunk, cost more than
# the work itself. PostgreSQL reads unnest() in array order and joins it to cases by primary key
# in a nested loop (it guesses 10 rows for a function), so rows are taken in the order given.
def _array(name: str, item: Any) -> Any:
    return bindparam(name, type_=postgresql.ARRAY(item))


_RF = reminders_fired.c
_QUEUED = ("case_id", "key", "due_at", "detail", "notice_status", "draft_kind")
_LEVELS = (func.unnest(_array("ids", BigInteger), _array("keys", String),
                       _array("dues", DateTime(timezone=True)), _array("details", String),
                       _array("notices", String),
                       _array("drafts", String)).table_valued(*_QUEUED).render_derived())
_RECORD_PG = (postgresql.insert(reminders_fired).from_select(
    [*_QUEUED, "draft_status", "fired_at"],
    select(*(_LEVELS.c[name] for name in _QUEUED),
           case((_LEVELS.c.draft_kind.is_not(None), PENDING)),
           bindparam("now", type_=UTCDateTime))).on_conflict_do_nothing(
               index_elements=["case_id", "key"]).returning(_RF.case_id, _RF.key))
_RECORD_SQLITE = (sqlite.insert(reminders_fired).on_conflict_do_nothing(
    index_elements=["case_id", "key"]).returning(_RF.case_id, _RF.key))
_CHECKS = func.unnest(_array("ids", BigInteger),
                      _array("ats", DateTime(timezone=True))).table_valued("id",
                                                                           "at").render_derived()
# An upsert, though migration 0009's trigger gives every case its row: a row missing all the same
# (say, deleted by hand) comes back rather than leaving its case unwatched.
_UPSERT_PG = postgresql.insert(case_checks).from_select(["case_id", "next_check_at"],
                                                        select(_CHECKS.c.id, _CHECKS.c.at))
_SET_NEXT_CHECKS_PG = _UPSERT_PG.on_conflict_do_update(
    index_elements=["case_id"], set_={"next_check_at": _UPSERT_PG.excluded.next_check_at})
_UPSERT_SQLITE = sqlite.insert(case_checks)
_SET_NEXT_CHECK_SQLITE = _UPSERT_SQLITE.on_conflict_do_update(
    index_elements=["case_id"], set_={"next_check_at": _UPSERT_SQLITE.excluded.next_check_at})


@dataclass(frozen=True)
class _Level:
    """A level to record, with what it queues for the letters step."""

    case_id: int
    action: Level
    tell: bool  # a reminder line: the case has a handler, or it is a breach (compliance hears)
    draft_kind: str | None


def _record(conn: Connection, levels: list[_Level], now: datetime) -> set[tuple[int, str]]:
    """Record levels in bulk; returns the (case id, key) of those whose row is new.

    ON CONFLICT DO NOTHING RETURNING gives back exactly the rows this transaction inserted, so a
    level another instance recorded meanwhile is not acted on (nor queued) twice. Sorted, so two
    instances take the unique-index locks in one order and cannot deadlock on each other.
    """
    if not levels:
        return set()
    rows = [{
        "case_id": lv.case_id,
        "key": lv.action.key,
        "due_at": lv.action.due_at,
        "detail": lv.action.detail[:300],
        "notice_status": PENDING if lv.tell else None,
        "draft_kind": lv.draft_kind
    } for lv in sorted(levels, key=lambda lv: (lv.case_id, lv.action.key))]
    if conn.dialect.name == "postgresql":
        arrays = dict(
            zip(("ids", "keys", "dues", "details", "notices", "drafts"),
                ([r[n] for r in rows] for n in _QUEUED)))
        result = conn.execute(_RECORD_PG, {**arrays, "now": now})
    else:
        result = conn.execute(_RECORD_SQLITE, [{
            **r, "draft_status": PENDING if r["draft_kind"] else None,
            "fired_at": now
        } for r in rows])
    return {(case_id, key) for case_id, key in result}


def _store_next_checks(conn: Connection, checks: list[tuple[int, datetime]]) -> None:
    """Each case's next_check_at; `checks` comes in case id order, one lock order for every
    instance."""
    if not checks:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(_SET_NEXT_CHECKS_PG, {
            "ids": [cid for cid, _at in checks],
            "ats": [at for _cid, at in checks]
        })
    else:
        conn.execute(_SET_NEXT_CHECK_SQLITE, [{
            "case_id": cid,
            "next_check_at": at
        } for cid, at in checks])


@dataclass(frozen=True)
class _Plan:
    """One case's part of a tick, worked out before any transaction: pure, so done in one go."""

    row: Row[Any]
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


def _plans(app: App, rows: list[Row[Any]], fired: dict[int, set[str]],
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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the tick's bulk work.

    A boundary tick allocates a few objects per case for tens of thousands of cases, which sets
    off full collections that walk every live object: a quarter of a 17,000-level tick. What it
    allocates holds no reference cycles, and the collector runs as usual once it is back on.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def deadline_tick(app: App, *, now: datetime) -> TickReport:
    with _collector_paused():
        return _deadline_tick(app, now)


def _deadline_tick(app: App, now: datetime) -> TickReport:
    report = TickReport()
    with app.store.transaction() as conn:
        last_tick = _state(conn, "tick")
        if last_tick is not None and now < last_tick:
            last_tick = None  # the clock went back (a preview with --now): look at every case
            conn.execute(update(case_checks).values(next_check_at=None))
        rows, fired = _candidates(conn, now, last_tick - CHANGES_OVERLAP if last_tick else None)
    compliance = bool(compliance_people(app))
    for chunk in _chunks(_plans(app, rows, fired, now)):
        with app.store.transaction() as conn:
            _tick_chunk(conn, chunk, now, report, compliance=compliance)
    with app.store.transaction() as conn:
        _set_state(conn, "tick", now)
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
        levels += [_Level(plan.row.id, a, handled or (compliance and a.kind in COMPLIANCE_TOLD),
                          DRAFTS[a.kind] if a is chosen else None) for a in plan.due]
    recorded = _record(conn, levels, now)
    _store_next_checks(conn, [(p.row.id, p.next_check) for p in chunk])
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
