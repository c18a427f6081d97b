"""What the deadline tick reads and keeps about case clocks: the cases due a look, each case's
next check (case_checks) and when the tick last ran (tick_state).

A next check is a cache of derived state, not a schedule (service/tick.py says why): clearing
one only makes the tick look at the case again. The statements here are the tick's hot path
over 100,000 open cases; the comments say which plan each shape is for.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import (BigInteger, Connection, DateTime, Row, exists, func, or_, select, union,
                        update)
from sqlalchemy.dialects import postgresql, sqlite

from ..deadlines import ACTIVE_STATES
from .casebook import holding_sent
from .levels import array_param
from .raw_mail import insert_ignoring_conflict
from .tables import case_checks, cases, reminders_fired, tick_state

# A case's clock columns as the tick reads them in bulk (a row: tens of thousands are read
# per tick, and only a few of the case's columns).
ClockRow: TypeAlias = Row[Any]


def candidates(conn: Connection, now: datetime,
               changed_since: datetime | None) -> tuple[list[ClockRow], dict[int, set[str]]]:
    """The cases whose clocks may have produced something: never looked at, changed since the
    last tick, or whose stored next check has come."""
    breach = reminders_fired.alias("breach")
    # Per case, by the (case_id, key) index: NOT IN (all breaches) read every level ever recorded.
    breach_recorded = exists().where(breach.c.case_id == cases.c.id,
                                     breach.c.key == "regulator_breach")
    c, k = cases.c, case_checks.c
    needed: tuple[Any, ...] = (
        c.id, c.ref, c.state, c.received_at, c.acknowledged_at, c.last_client_letter_at,
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
    # starting from the indexes above. Id order is the lock order (service/tick.py).
    rows = sorted(conn.execute(select(*needed).where(live, due)).all(), key=lambda r: r.id)
    # What they already fired: the same filter as a subquery, rather than thousands of ids sent
    # back in.
    rf = reminders_fired.c
    fired: dict[int, set[str]] = defaultdict(set)
    for case_id, key in conn.execute(
            select(rf.case_id, rf.key).where(rf.case_id.in_(select(c.id).where(live, due)))).all():
        fired[case_id].add(key)
    return rows, fired


def last_run(conn: Connection, name: str) -> datetime | None:
    """When the job `name` (the tick: "tick") last finished, by its own clock."""
    return conn.execute(select(tick_state.c.at).where(tick_state.c.name == name)).scalar()


def set_last_run(conn: Connection, name: str, at: datetime) -> None:
    if conn.execute(
            update(tick_state).where(tick_state.c.name == name).values(at=at)).rowcount == 0:
        insert_ignoring_conflict(conn, tick_state, {"name": name, "at": at}, ["name"])


def forget_next_checks(conn: Connection) -> None:
    """Every case looked at by the next tick (the clock went back: a preview with --now)."""
    conn.execute(update(case_checks).values(next_check_at=None))


_CHECKS = func.unnest(array_param("ids", BigInteger),
                      array_param("ats", DateTime(timezone=True))).table_valued(
                          "id", "at").render_derived()
# An upsert, though migration 0009's trigger gives every case its row: a row missing all the same
# (say, deleted by hand) comes back rather than leaving its case unwatched.
_UPSERT_PG = postgresql.insert(case_checks).from_select(["case_id", "next_check_at"],
                                                        select(_CHECKS.c.id, _CHECKS.c.at))
_SET_NEXT_CHECKS_PG = _UPSERT_PG.on_conflict_do_update(
    index_elements=["case_id"], set_={"next_check_at": _UPSERT_PG.excluded.next_check_at})
_UPSERT_SQLITE = sqlite.insert(case_checks)
_SET_NEXT_CHECK_SQLITE = _UPSERT_SQLITE.on_conflict_do_update(
    index_elements=["case_id"], set_={"next_check_at": _UPSERT_SQLITE.excluded.next_check_at})


def store_next_checks(conn: Connection, checks: list[tuple[int, datetime]]) -> None:
    """Each case's next_check_at; `checks` comes in case id order, one lock order for every
    instance. Bulk, as levels.record is (its comment says how, per engine)."""
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
