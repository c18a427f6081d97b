"""Deadline levels (reminders_fired): recorded by the tick, each queueing its letters.

A level's row is unique per (case, key), so recording it with INSERT ... ON CONFLICT DO NOTHING
RETURNING is what makes a level fire once across ticks, restarts and instances
(service/tick.py). The same row queues what the level calls for: a reminder line
(notice_status) and perhaps a draft (draft_status), each 'pending' until the letters step
(service/deadline_letters.py) claims it in the transaction that writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (BigInteger, Connection, DateTime, Row, String, bindparam, case, func,
                        select, update)
from sqlalchemy.dialects import postgresql, sqlite

from ..deadlines import Level
from .tables import UTCDateTime, cases, reminders_fired

PENDING = "pending"  # reminders_fired.notice_status / draft_status: queued, not yet written


# Bulk statements. SQLite runs them once per row in C (executemany; SQLAlchemy's "insertmanyvalues"
# batches the INSERT ... RETURNING). PostgreSQL gets one statement per chunk with the values as
# arrays: a round trip per row, or a freshly parsed multi-row statement per chunk, cost more than
# the work itself. PostgreSQL reads unnest() in array order and joins it to cases by primary key
# in a nested loop (it guesses 10 rows for a function), so rows are taken in the order given.
def array_param(name: str, item: Any) -> Any:
    """A PostgreSQL array parameter, for a bulk statement over unnest()."""
    return bindparam(name, type_=postgresql.ARRAY(item))


_RF = reminders_fired.c
_QUEUED = ("case_id", "key", "due_at", "detail", "notice_status", "draft_kind")
_LEVELS = (func.unnest(array_param("ids", BigInteger), array_param("keys", String),
                       array_param("dues", DateTime(timezone=True)),
                       array_param("details", String), array_param("notices", String),
                       array_param("drafts", String)).table_valued(*_QUEUED).render_derived())
_RECORD_PG = (postgresql.insert(reminders_fired).from_select(
    [*_QUEUED, "draft_status", "fired_at"],
    select(*(_LEVELS.c[name] for name in _QUEUED),
           case((_LEVELS.c.draft_kind.is_not(None), PENDING)),
           bindparam("now", type_=UTCDateTime))).on_conflict_do_nothing(
               index_elements=["case_id", "key"]).returning(_RF.case_id, _RF.key))
_RECORD_SQLITE = (sqlite.insert(reminders_fired).on_conflict_do_nothing(
    index_elements=["case_id", "key"]).returning(_RF.case_id, _RF.key))


@dataclass(frozen=True)
class LevelToRecord:
    """A level to record, with what it queues for the letters step."""

    case_id: int
    action: Level
    tell: bool  # a reminder line: the case has a handler, or it is a breach (compliance hears)
    draft_kind: str | None


def record(conn: Connection, levels: list[LevelToRecord], now: datetime) -> set[tuple[int, str]]:
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


# --- the letters step -------------------------------------------------------------------------


def pending_drafts(conn: Connection) -> list[int]:
    """The levels whose draft waits to be written, in case order, as everywhere else that locks
    per case."""
    return list(conn.execute(
        select(_RF.id).where(_RF.draft_status == PENDING).order_by(_RF.case_id,
                                                                   _RF.id)).scalars())


@dataclass(frozen=True)
class ClaimedDraft:
    """A level whose draft this transaction now writes (or skips)."""

    id: int
    case_id: int
    key: str
    draft_kind: str


def claim_drafts(conn: Connection, ids: list[int]) -> list[ClaimedDraft]:
    """The levels of `ids` still pending, now marked drafted; another instance's claim wins."""
    claimed = conn.execute(
        update(reminders_fired).where(_RF.id.in_(ids), _RF.draft_status == PENDING).values(
            draft_status="drafted").returning(_RF.id, _RF.case_id, _RF.key, _RF.draft_kind)).all()
    return sorted((ClaimedDraft(*row) for row in claimed),
                  key=lambda level: (level.case_id, level.id))


def skip_draft(conn: Connection, level_id: int) -> None:
    """A claimed draft the case no longer needs: never written."""
    conn.execute(update(reminders_fired).where(_RF.id == level_id).values(draft_status="skipped"))


def claim_lines(conn: Connection) -> bool:
    """Every pending reminder line marked 'sending' (an in-transaction mark); False if none.

    SQLite takes its write lock at this UPDATE; PostgreSQL's row locks make a second instance
    wait, then find nothing pending.
    """
    return bool(conn.execute(
        update(reminders_fired).where(_RF.notice_status == PENDING).values(
            notice_status="sending")).rowcount)


def claimed_lines(conn: Connection) -> list[Row[Any]]:
    """The lines claim_lines marked, in the order recorded, each with its case's reference,
    urgency and handler."""
    return list(conn.execute(
        select(_RF.key, _RF.due_at, _RF.detail, _RF.draft_kind, _RF.draft_status, cases.c.ref,
               cases.c.urgency,
               cases.c.handler_email).join(cases, cases.c.id == _RF.case_id).where(
                   _RF.notice_status == "sending").order_by(_RF.id)))


def mark_lines_sent(conn: Connection) -> None:
    """The claimed lines are in their letters."""
    conn.execute(
        update(reminders_fired).where(_RF.notice_status == "sending").values(notice_status="sent"))


def queued(conn: Connection) -> dict[str, int]:
    """What waits to be written (for `mailbot status`): normally nothing between passes."""
    def count(column: Any) -> int:
        return int(conn.execute(select(func.count()).where(column == PENDING)).scalar_one())

    return {"drafts": count(_RF.draft_status), "reminder_lines": count(_RF.notice_status)}


# --- the digest -------------------------------------------------------------------------------


def fired_since(conn: Connection, since: datetime) -> int:
    """How many levels the tick recorded since then."""
    return int(conn.execute(select(func.count()).select_from(reminders_fired).where(
        _RF.fired_at >= since)).scalar_one())


def breached_since(conn: Connection, since: datetime) -> list[str]:
    """The references of cases whose regulator breach the tick recorded since then: open
    cases, and cases answered or closed too late."""
    return list(conn.execute(
        select(cases.c.ref).join(reminders_fired, _RF.case_id == cases.c.id).where(
            _RF.key == "regulator_breach", _RF.fired_at >= since).order_by(cases.c.ref)).scalars())
