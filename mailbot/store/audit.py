"""The append-only, hash-chained audit trail.

Each event's hash covers the previous event's hash and the event's own fields, so editing,
inserting or deleting any row breaks the chain at a place `verify` can name.

The deadline tick's levels are the one exception to an event per fact: a close of business can
fire thousands of them, and an event each was a large share of the tick (tests/bench/README.md
has the figure). Each tick transaction appends
one `deadline.levels_fired` event whose detail lists a SHA-256 leaf per level (`level_leaf`:
the case's reference, the level's key and due date), while the level itself is the row in
reminders_fired. `for_case` turns a case's rows back into `deadline.fired` entries, each with
the batch event that holds its leaf; the leaves reveal nothing of other cases, so a case's
evidence pack can carry the whole batch event and be checked by anyone.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Mapping, Sequence

from sqlalchemy import (Connection, Engine, LargeBinary, String, bindparam, event, func, insert,
                        select, text, type_coerce)
from sqlalchemy.dialects import postgresql

from ..cases import AuditEvent
from ..errors import ConfigError
from .advisory import key_sql
from .sealing import SealedJSON
from .tables import UTCDateTime, audit_events, cases, reminders_fired

GENESIS = "0" * 64
_PG_CHAIN_LOCK = 0x6D61696C626F74  # 'mailbot': serialises appends across instances


def _canonical(at: datetime, kind: str, case_ref: str | None, actor: str,
               detail: Mapping[str, Any]) -> bytes:
    body = {
        "at": at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
        "kind": kind,
        "case_ref": case_ref,
        "actor": actor,
        "detail": detail,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode()


def chain_hash(prev_hash: str, at: datetime, kind: str, case_ref: str | None, actor: str,
               detail: Mapping[str, Any]) -> str:
    """The event's hash, over the previous one's: changing or removing any event breaks every
    hash after it."""
    return hashlib.sha256(prev_hash.encode() + b"\n" +
                          _canonical(at, kind, case_ref, actor, detail)).hexdigest()


_JSON_SCALARS = (str, int, bool, type(None))


def _plain_json(value: Any) -> bool:
    return type(value) in _JSON_SCALARS or (type(value) is list and
                                            all(type(v) is str for v in value))


def _as_stored(detail: Mapping[str, Any]) -> dict[str, Any]:
    """The detail as it will read back from the database, which is what the hash must cover.

    A flat dict of strings, ints, booleans and lists of strings already is (the common case);
    anything else goes through JSON and back (tuples become lists, dates strings).
    """
    plain = dict(detail)
    if all(type(k) is str and _plain_json(v) for k, v in plain.items()):
        return plain
    return json.loads(json.dumps(plain, default=str))


# PostgreSQL takes a batch as one INSERT ... SELECT FROM unnest(arrays) WITH ORDINALITY, in array
# order, so ids follow the chain (`verify` walks by id); a row per round trip cost more than the
# hashing and sealing. SQLite runs an executemany in C.
_COLUMNS = ("at", "kind", "case_ref", "actor", "detail", "prev_hash", "hash")
_TYPES = (UTCDateTime, String, String, String, SealedJSON, String, String)
_ROWS = (func.unnest(*(bindparam(name, type_=postgresql.ARRAY(kind))
                       for name, kind in zip(_COLUMNS, _TYPES))).table_valued(
                           *_COLUMNS, with_ordinality="n").render_derived())
_APPEND_PG = insert(audit_events).from_select(
    list(_COLUMNS),
    select(*(_ROWS.c[name] for name in _COLUMNS)).order_by(_ROWS.c.n))


_HEAD = "mailbot.audit_head"  # conn.info: (the transaction, the chain's last hash in it)


def _chain_head(conn: Connection) -> str:
    """The hash the next event chains onto.

    The first append of a transaction takes the chain's lock (PostgreSQL; SQLite has one writer
    at a time anyway) and reads the last hash. Later appends in the same transaction reuse what
    the previous one left: the lock keeps every other writer out until commit, and a rollback
    ends the transaction the remembered hash belongs to. A letter appends two or three events,
    and a round trip for the lock and one for the head each time cost more than the insert; a
    batch of messages decided in one transaction reads the head once. A savepoint rolled back
    puts back the head it began with (the listeners below).
    """
    transaction = conn.get_transaction()
    remembered = conn.info.get(_HEAD)
    if remembered is not None and remembered[0] is transaction:
        return str(remembered[1])
    if conn.dialect.name == "postgresql":
        conn.execute(_CHAIN_LOCK, {"k": _PG_CHAIN_LOCK})
    return conn.execute(_LAST_HASH).scalar() or GENESIS


_AT_SAVEPOINT = "mailbot.audit_head_at_savepoint"  # conn.info: savepoint name -> _HEAD then


# A batch decides each message inside a savepoint (service/decide.py): when one is rolled back,
# the events it appended are gone, so the head remembered must go back to what it was when the
# savepoint began, or the next event would chain onto a hash that is no longer in the table.
# (On PostgreSQL the chain's lock, if first taken inside it, is released with it too: the head
# remembered then is None, and the next append takes the lock again.)
@event.listens_for(Engine, "savepoint")
def _head_at_savepoint(conn: Connection, name: str) -> None:
    conn.info.setdefault(_AT_SAVEPOINT, {})[name] = conn.info.get(_HEAD)


@event.listens_for(Engine, "rollback_savepoint")
def _head_after_rollback(conn: Connection, name: str, _context: Any) -> None:
    saved = conn.info.get(_AT_SAVEPOINT, {})
    if name in saved:
        conn.info[_HEAD] = saved.pop(name)
    else:  # not seen begin: forget, and read the head again
        conn.info.pop(_HEAD, None)


@event.listens_for(Engine, "release_savepoint")
def _head_after_release(conn: Connection, name: str, _context: Any) -> None:
    conn.info.get(_AT_SAVEPOINT, {}).pop(name, None)


# The chain is the schema's own: another installation in the same database has its own chain.
_CHAIN_LOCK = text(f"SELECT pg_advisory_xact_lock({key_sql('k')})")
_LAST_HASH = select(audit_events.c.hash).order_by(audit_events.c.id.desc()).limit(1)


def append(conn: Connection, events: Iterable[AuditEvent]) -> None:
    """Append events in order, in the caller's transaction.

    Inside `deferred` they wait in memory and go in with the rest of the transaction's events
    when it ends. Otherwise the hashes are chained here, then every row goes in with one constant
    statement: a tick can append thousands of events, and a statement per row cost seconds.
    """
    stored = [replace(ev, detail=_as_stored(ev.detail)) for ev in events]
    if not stored:
        return
    pending = _pending(conn)
    if pending is not None:
        pending.events.extend(stored)
        return
    _insert(conn, stored)


def _insert(conn: Connection, events: Sequence[AuditEvent]) -> None:
    """Chain `events` (details already as stored) onto the head and insert them in order."""
    prev = _chain_head(conn)
    rows = []
    for ev in events:
        digest = chain_hash(prev, ev.at, ev.kind, ev.case_ref, ev.actor, ev.detail)
        rows.append({
            "at": ev.at,
            "kind": ev.kind,
            "case_ref": ev.case_ref,
            "actor": ev.actor,
            "detail": ev.detail,
            "prev_hash": prev,
            "hash": digest
        })
        prev = digest
    if conn.dialect.name == "postgresql" and len(rows) > 1:
        conn.execute(_APPEND_PG, {name: [row[name] for row in rows] for name in _COLUMNS})
    else:
        # executemany inserts the rows in list order, so ids follow the chain, and `verify`, which
        # walks by id, meets the events in the order they were chained.
        conn.execute(audit_events.insert(), rows)
    conn.info[_HEAD] = (conn.get_transaction(), prev)


# --- appends deferred to the end of a batch transaction -----------------------------------------
# A batch of messages decided in one transaction appends six events a message. Kept in memory
# and inserted together when the batch ends, they cost one statement a batch instead of one a
# letter, and on PostgreSQL the chain's lock, which keeps every other writer of the trail out, is
# taken only then, for that statement and the commit, instead of from the batch's first event.

_DEFERRED = "mailbot.audit_deferred"  # conn.info: the _Pending of the transaction


@dataclass
class _Pending:
    transaction: Any
    events: list[AuditEvent] = field(default_factory=list)  # every event of the transaction
    flushed: int = 0  # how many of them are in the table
    # (events, flushed) when each open savepoint began, innermost last: savepoints nest, and the
    # name is not known yet when the 'savepoint' event fires
    at_savepoint: list[tuple[int, int]] = field(default_factory=list)


def _pending(conn: Connection) -> _Pending | None:
    pending = conn.info.get(_DEFERRED)
    if pending is None or pending.transaction is not conn.get_transaction():
        return None
    return pending


@contextmanager
def deferred(conn: Connection) -> Iterator[None]:
    """Appends inside the block wait and go in, in order and chained as always, when it ends
    (or earlier, when something in the transaction reads the trail: `flush`). An exception
    drops them, as the transaction's rollback would."""
    conn.info[_DEFERRED] = _Pending(conn.get_transaction())
    try:
        yield
        flush(conn)
    finally:
        conn.info.pop(_DEFERRED, None)


def flush(conn: Connection) -> None:
    """Insert the events waiting in this transaction, so that a read of the trail sees them."""
    pending = _pending(conn)
    if pending is None or pending.flushed == len(pending.events):
        return
    _insert(conn, pending.events[pending.flushed:])
    pending.flushed = len(pending.events)


# A message's savepoint rolled back takes its events with it: those still waiting are dropped,
# and those a flush inside the savepoint inserted (the rollback removed the rows) wait again.
@event.listens_for(Engine, "savepoint")
def _pending_at_savepoint(conn: Connection, _name: str | None) -> None:
    pending = _pending(conn)
    if pending is not None:
        pending.at_savepoint.append((len(pending.events), pending.flushed))


@event.listens_for(Engine, "rollback_savepoint")
def _pending_after_rollback(conn: Connection, _name: str, _context: Any) -> None:
    pending = _pending(conn)
    if pending is not None and pending.at_savepoint:
        appended, flushed = pending.at_savepoint.pop()
        del pending.events[appended:]
        pending.flushed = flushed


@event.listens_for(Engine, "release_savepoint")
def _pending_after_release(conn: Connection, _name: str, _context: Any) -> None:
    pending = _pending(conn)
    if pending is not None and pending.at_savepoint:
        pending.at_savepoint.pop()


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    problem: str


def read_newest(conn: Connection) -> None:
    """Read (and so decrypt) the newest event: raises ConfigError when the key cannot read it."""
    flush(conn)
    conn.execute(select(audit_events.c.detail).order_by(audit_events.c.id.desc()).limit(1)).first()


def verify(conn: Connection) -> list[ChainProblem]:
    """Walk the chain from the start; report every row whose link or content does not check out."""
    flush(conn)
    problems: list[ChainProblem] = []
    unreadable = 0
    rows = 0
    prev = GENESIS
    c = audit_events.c
    # The detail is read as stored bytes and opened here, so one mangled row is reported, not fatal.
    raw_detail = type_coerce(c.detail, LargeBinary).label("raw_detail")
    for row in conn.execute(
            select(c.id, c.at, c.kind, c.case_ref, c.actor, c.prev_hash, c.hash,
                   raw_detail).order_by(c.id)):
        rows += 1
        if row.prev_hash != prev:
            problems.append(
                ChainProblem(row.id,
                             "link broken: an event before it was deleted, inserted or edited"))
        try:
            detail = SealedJSON().process_result_value(row.raw_detail, conn.dialect)
        except (ConfigError, ValueError):
            unreadable += 1
            problems.append(ChainProblem(row.id, "content edited: its detail cannot be read"))
        else:
            if chain_hash(row.prev_hash, row.at, row.kind, row.case_ref, row.actor,
                          detail) != row.hash:
                problems.append(
                    ChainProblem(row.id, "content edited: its hash does not match its fields"))
        prev = row.hash
    if rows and unreadable == rows:
        # Not one event opens: that is the wrong key, not tampering with every row.
        raise ConfigError(
            ["database encryption key: it cannot decrypt the audit trail (wrong or missing key)"])
    return problems


# one per tick transaction: the leaves of the levels it recorded
LEVELS_FIRED = "deadline.levels_fired"
# a case's view of one level (and, before the batches, its own event)
LEVEL_FIRED = "deadline.fired"


def level_leaf(case_ref: str, key: str, due_at: datetime) -> str:
    """The hash a batch event lists for one level: sha256 of its case reference, key and due time
    (ISO 8601 UTC, microseconds), one per line. Anyone holding the three facts can recompute it;
    it tells nothing about the level to anyone who does not. (Neither a reference nor a key,
    both made by mailbot, holds a line break.)"""
    due = due_at.astimezone(timezone.utc).isoformat(timespec="microseconds")
    return hashlib.sha256(f"{case_ref}\n{key}\n{due}".encode()).hexdigest()


def levels_fired(at: datetime, levels: Sequence[tuple[str, str, datetime]]) -> AuditEvent:
    """The batch event for (case ref, key, due at) levels recorded at `at` in one transaction."""
    return AuditEvent(LEVELS_FIRED, None, "mailbot", at,
                      {"levels": len(levels), "leaves": [level_leaf(*level) for level in levels]})


@dataclass(frozen=True)
class CaseEvent:
    """One entry of a case's trail: its own event, or a level held by a batch event (`batch`),
    whose id, time and hashes the entry carries."""

    id: int
    at: datetime
    kind: str
    case_ref: str | None
    actor: str
    detail: Mapping[str, Any]
    prev_hash: str
    hash: str
    batch: Any = None  # the batch event's row, for levels

    @property
    def leaf(self) -> str | None:
        """For a deadline level recorded in a batch, its leaf in the batch's hash: how one level
        is proved without the rest."""
        if self.batch is None:
            return None
        return level_leaf(str(self.case_ref), self.detail["key"],
                          datetime.fromisoformat(self.detail["due_at"]))

    def content_matches(self) -> bool:
        """Its hash covers what it says: the event's own fields, or for a level, the batch
        event's fields with this level's leaf among them."""
        if self.batch is None:
            return chain_hash(self.prev_hash, self.at, self.kind, self.case_ref, self.actor,
                              self.detail) == self.hash
        b = self.batch
        return (self.leaf in b.detail.get("leaves", ())
                and chain_hash(b.prev_hash, b.at, b.kind, b.case_ref, b.actor, b.detail) == b.hash)

    def as_dict(self) -> dict[str, Any]:
        """The event as evidence packs and subject access exports print it, with the batch it was
        recorded in."""
        out = {
            name: getattr(self, name)
            for name in ("id", "at", "kind", "case_ref", "actor", "detail", "prev_hash", "hash")
        }
        if self.batch is not None:
            out["recorded_in"] = {
                "event_id": self.batch.id,
                "kind": LEVELS_FIRED,
                "leaf": self.leaf,
                "levels_in_event": self.batch.detail.get("levels")
            }
        return out


def for_case(conn: Connection, case_ref: str) -> list[CaseEvent]:
    """The case's trail in chain order: its own events, and its levels from reminders_fired,
    each found in the batch event of the tick that recorded it."""
    flush(conn)
    c = audit_events.c
    own = [CaseEvent(*row) for row in conn.execute(
        select(c.id, c.at, c.kind, c.case_ref, c.actor, c.detail, c.prev_hash, c.hash)
        .where(c.case_ref == case_ref).order_by(c.id))]
    rf = reminders_fired.c
    levels = conn.execute(
        select(rf.key, rf.due_at, rf.fired_at).join(
            cases, cases.c.id == rf.case_id).where(cases.c.ref == case_ref).order_by(rf.id)).all()
    moments = sorted({level.fired_at for level in levels})
    batches = list(
        conn.execute(select(audit_events).where(c.kind == LEVELS_FIRED,
                                                c.at.in_(moments)))) if moments else []
    # levels fired before the batches
    audited_alone = {e.detail.get("key") for e in own if e.kind == LEVEL_FIRED}
    entries = list(own)
    for key, due_at, fired_at in levels:
        if key in audited_alone:
            continue
        detail = {
            "key": key,
            "kind": key.split(":")[0],
            "due_at": due_at.isoformat() if due_at else None
        }
        leaf = level_leaf(case_ref, key, due_at) if due_at else None
        batch = next(
            (b for b in batches if b.at == fired_at and leaf in b.detail.get("leaves", ())), None)
        if batch is None:
            # A level the trail never saw (a row written around mailbot): listed, and it fails the
            # check.
            entries.append(
                CaseEvent(0, fired_at, LEVEL_FIRED, case_ref, "unknown", {
                    **detail, "in_audit_trail": False
                }, "", ""))
            continue
        entries.append(CaseEvent(batch.id, batch.at, LEVEL_FIRED, case_ref, batch.actor, detail,
                                 batch.prev_hash, batch.hash, batch))
    return sorted(
        entries, key=lambda e:
        (e.id or float("inf"), e.batch is not None, e.detail.get("key") or ""))


def details_since(conn: Connection, kind: str, since: datetime) -> list[dict[str, Any]]:
    """The details of one kind of event recorded since `since`, oldest first (notice counts)."""
    flush(conn)
    q = select(audit_events.c.detail).where(audit_events.c.kind == kind, audit_events.c.at >= since)
    return [dict(row.detail) for row in conn.execute(q.order_by(audit_events.c.id))]


@contextmanager
def append_only_suspended(conn: Connection) -> Iterator[None]:
    """The trigger that refuses an UPDATE of an audit row (migration 0002), off inside the block.

    For key rotation only: it rewrites each event's sealed detail under the new key, and the
    plain detail the chain's hashes cover stays the same. It all happens in the caller's
    transaction, DDL included (both engines roll DDL back), so an error inside the block
    leaves the trigger as it was. SQLite cannot switch a trigger off: it is dropped and then
    created again from its own stored definition, never from a copy of the migration's.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        yield
        conn.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
        return
    definition = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
        "AND name = 'audit_events_no_update'").scalar()
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_no_update")
    yield
    if definition:
        conn.exec_driver_sql(definition)
