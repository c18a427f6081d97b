"""The append-only, hash-chained audit trail.

Each event's hash covers the previous event's hash and the event's own fields, so editing,
inserting or deleting any row breaks the chain at a place `verify` can name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from sqlalchemy import Connection, LargeBinary, String, bindparam, func, insert, select, text, type_coerce
from sqlalchemy.dialects import postgresql

from ..cases import AuditEvent
from ..errors import ConfigError
from .sealing import SealedJSON
from .tables import UTCDateTime, audit_events

GENESIS = "0" * 64
_PG_CHAIN_LOCK = 0x6D61696C626F74  # 'mailbot': serialises appends across instances


def _canonical(at: datetime, kind: str, case_ref: str | None, actor: str, detail: Mapping[str, Any]) -> bytes:
    body = {
        "at": at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
        "kind": kind,
        "case_ref": case_ref,
        "actor": actor,
        "detail": detail,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def chain_hash(prev_hash: str, at: datetime, kind: str, case_ref: str | None, actor: str, detail: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(at, kind, case_ref, actor, detail)).hexdigest()


_JSON_SCALARS = (str, int, bool, type(None))


def _as_stored(detail: Mapping[str, Any]) -> dict[str, Any]:
    """The detail as it will read back from the database, which is what the hash must cover.

    A flat dict of strings, ints and booleans already is (the common case: a tick appends
    thousands); anything else goes through JSON and back (tuples become lists, dates strings).
    """
    plain = dict(detail)
    if all(type(k) is str and type(v) in _JSON_SCALARS for k, v in plain.items()):
        return plain
    return json.loads(json.dumps(plain, default=str))


# PostgreSQL takes a batch as one INSERT ... SELECT FROM unnest(arrays) WITH ORDINALITY, in array
# order, so ids follow the chain (`verify` walks by id); a row per round trip cost more than the
# hashing and sealing. SQLite runs an executemany in C.
_COLUMNS = ("at", "kind", "case_ref", "actor", "detail", "prev_hash", "hash")
_TYPES = (UTCDateTime, String, String, String, SealedJSON, String, String)
_ROWS = (func.unnest(*(bindparam(name, type_=postgresql.ARRAY(kind)) for name, kind in zip(_COLUMNS, _TYPES)))
         .table_valued(*_COLUMNS, with_ordinality="n").render_derived())
_APPEND_PG = insert(audit_events).from_select(list(_COLUMNS), select(*(_ROWS.c[name] for name in _COLUMNS)).order_by(_ROWS.c.n))


_HEAD = "mailbot.audit_head"  # conn.info: (the transaction, the chain's last hash in it)


def _chain_head(conn: Connection) -> str:
    """The hash the next event chains onto.

    The first append of a transaction takes the chain's lock (PostgreSQL; SQLite has one writer
    at a time anyway) and reads the last hash. Later appends in the same transaction reuse what
    the previous one left: the lock keeps every other writer out until commit, and a rollback
    ends the transaction the remembered hash belongs to. A letter appends two or three events,
    and a round trip for the lock and one for the head each time cost more than the insert.
    """
    transaction = conn.get_transaction()
    remembered = conn.info.get(_HEAD)
    if remembered is not None and remembered[0] is transaction:
        return str(remembered[1])
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_CHAIN_LOCK})
    return conn.execute(_LAST_HASH).scalar() or GENESIS


_LAST_HASH = select(audit_events.c.hash).order_by(audit_events.c.id.desc()).limit(1)


def append(conn: Connection, events: Iterable[AuditEvent]) -> None:
    """Append events in order, in the caller's transaction.

    The hashes are chained here, then every row goes in with one constant statement: a tick can
    append thousands of events, and a statement per row cost seconds.
    """
    events = list(events)
    if not events:
        return
    prev = _chain_head(conn)
    rows = []
    for ev in events:
        detail = _as_stored(ev.detail)
        digest = chain_hash(prev, ev.at, ev.kind, ev.case_ref, ev.actor, detail)
        rows.append({"at": ev.at, "kind": ev.kind, "case_ref": ev.case_ref, "actor": ev.actor, "detail": detail,
                     "prev_hash": prev, "hash": digest})
        prev = digest
    if conn.dialect.name == "postgresql" and len(rows) > 1:
        conn.execute(_APPEND_PG, {name: [row[name] for row in rows] for name in _COLUMNS})
    else:
        # executemany inserts the rows in list order, so ids follow the chain, and `verify`, which
        # walks by id, meets the events in the order they were chained.
        conn.execute(audit_events.insert(), rows)
    conn.info[_HEAD] = (conn.get_transaction(), prev)


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    problem: str


def verify(conn: Connection) -> list[ChainProblem]:
    """Walk the chain from the start; report every row whose link or content does not check out."""
    problems: list[ChainProblem] = []
    unreadable = 0
    rows = 0
    prev = GENESIS
    c = audit_events.c
    # The detail is read as stored bytes and opened here, so one mangled row is reported, not fatal.
    raw_detail = type_coerce(c.detail, LargeBinary).label("raw_detail")
    for row in conn.execute(select(c.id, c.at, c.kind, c.case_ref, c.actor, c.prev_hash, c.hash, raw_detail).order_by(c.id)):
        rows += 1
        if row.prev_hash != prev:
            problems.append(ChainProblem(row.id, "link broken: an event before it was deleted, inserted or edited"))
        try:
            detail = SealedJSON().process_result_value(row.raw_detail, conn.dialect)
        except (ConfigError, ValueError):
            unreadable += 1
            problems.append(ChainProblem(row.id, "content edited: its detail cannot be read"))
        else:
            if chain_hash(row.prev_hash, row.at, row.kind, row.case_ref, row.actor, detail) != row.hash:
                problems.append(ChainProblem(row.id, "content edited: its hash does not match its fields"))
        prev = row.hash
    if rows and unreadable == rows:
        # Not one event opens: that is the wrong key, not tampering with every row.
        raise ConfigError(["database encryption key: it cannot decrypt the audit trail (wrong or missing key)"])
    return problems


def for_case(conn: Connection, case_ref: str) -> list[Any]:
    return list(conn.execute(select(audit_events).where(audit_events.c.case_ref == case_ref).order_by(audit_events.c.id)))
