"""Named queries for cases and the messages that belong to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import Connection, Row, bindparam, func, select, text, update
from sqlalchemy.dialects import sqlite

from ..cases import OPEN_STATES, CaseSnapshot, State
from ..letters import CLIENT_KINDS
from ..records import Case
from ..references import reference
from . import memo
from .raw_mail import insert_ignoring_conflict
from .tables import case_messages, cases, corrections, outbox, ref_counters


def next_reference(conn: Connection, year: int) -> str:
    """Allocate C-YYYY-NNNN: one upsert of the year's counter row (the year's first case makes
    it); every new case runs it.

    On SQLite, in the caller's transaction: one writer, and no number is ever skipped. On
    PostgreSQL, in a short transaction of its own, committed at once: in the caller's, the
    counter row stayed locked until its whole batch committed, and instances deciding side by
    side (service/decide_queue.py) waited for each other's batches (two instances at 1.1-1.2
    times one; 1.6-1.9 with this, tests/bench/README.md). A number whose case is then rolled
    back (a message quarantined after it had one, a crash, a deadlock tried again) is skipped,
    never given twice, and named by `mailbot status` (references.py). The commit does not wait
    for the disk: PostgreSQL writes its log in order, so a case that is committed (durably) has
    its number's increment on disk before it.
    """
    if conn.dialect.name == "postgresql":
        # A connection of its own in autocommit: the statement is its transaction, committed
        # with it: two round trips (the pool's ping, the statement) where a transaction begun
        # and committed took five.
        with conn.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as own:
            number = own.execute(_NEXT_NUMBER_OWN_COMMIT, {"year": year}).scalar_one()
    else:
        number = conn.execute(_NEXT_NUMBER, {"year": year}).scalar_one()
    return reference(year, number)


_NEXT_NUMBER = (
    sqlite.insert(ref_counters).values(year=bindparam("year"), last=1)
    .on_conflict_do_update(index_elements=["year"], set_={"last": ref_counters.c.last + 1})
    .returning(ref_counters.c.last))
# The settings come first, from the row's source, so they hold before the counter row is locked;
# both are local to the statement's own transaction: its commit does not wait for the disk
# (next_reference says why that is safe), and a lock not granted in 30 s is an error.
_NEXT_NUMBER_OWN_COMMIT = text(
    "INSERT INTO ref_counters (year, last) SELECT :year, 1 FROM"
    " (SELECT set_config('synchronous_commit', 'off', true),"
    " set_config('lock_timeout', '30s', true)) AS settings"
    " ON CONFLICT (year) DO UPDATE SET last = ref_counters.last + 1 RETURNING last")


def reserve_references(conn: Connection, year: int, last: int) -> None:
    """Make the year's next reference come after C-YYYY-<last> (never lowers the counter)."""
    insert_ignoring_conflict(conn, ref_counters, {"year": year, "last": 0}, ["year"])
    lower = ref_counters.c.year == year, ref_counters.c.last < last
    conn.execute(update(ref_counters).where(*lower).values(last=last))


def create_case(conn: Connection, *, ref: str, values: dict[str, Any], now: datetime) -> int:
    case_id = conn.execute(_INSERT_CASE_ID, _new_case(ref, values, now)).scalar_one()
    _one_more_open_case(conn, values.get("handler_email"))
    return case_id


def create_case_as_written(conn: Connection, *, ref: str, values: dict[str, Any],
                           now: datetime) -> Case:
    """create_case for a caller that goes on with the case (intake): the row comes back from the
    INSERT itself, defaults included, rather than from a second statement."""
    case = as_case(conn.execute(_INSERT_CASE_ROW, _new_case(ref, values, now)).one())
    _one_more_open_case(conn, values.get("handler_email"))
    return case


# Every new case runs one: built once, the values as parameters (columns left out take their
# defaults, as with .values()), rather than a statement built and keyed from the values per call.
_INSERT_CASE_ID = cases.insert().returning(cases.c.id)
_INSERT_CASE_ROW = cases.insert().returning(*cases.c)


def _new_case(ref: str, values: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A new case's row: `values` and what every new case starts with."""
    return dict(ref=ref, state=State.NEW.value, created_at=now, updated_at=now, **values)


def update_case(conn: Connection, case_id: int, now: datetime, **values: Any) -> None:
    conn.execute(update(cases).where(cases.c.id == case_id).values(updated_at=now, **values))
    if "handler_email" in values or ("state" in values and _may_change_openness(values["state"])):
        memo.forget(conn, _OPEN_LOAD)


def save_snapshot(conn: Connection, case_id: int, snap: CaseSnapshot, now: datetime) -> None:
    update_case(
        conn,
        case_id,
        now,
        state=snap.state.value,
        acknowledged_at=snap.acknowledged_at,
        responded_at=snap.responded_at,
        closed_at=snap.closed_at,
    )


# An open case, in a query on cases: the SQL form of cases.OPEN_STATES (the one definition).
IS_OPEN = cases.c.state.in_(sorted(state.value for state in OPEN_STATES))


def as_case(row: Row[Any]) -> Case:
    """A row of `select(cases)` as a Case: the one conversion, by column name."""
    return Case.from_mapping(row._mapping)


def _first_case(row: Row[Any] | None) -> Case | None:
    return as_case(row) if row is not None else None


# The statements every letter runs (a tick's letters step writes thousands) are built once, with
# the case id as a parameter: building one per call cost more than running it.
_CASE_BY_ID = select(cases).where(cases.c.id == bindparam("case_id"))


def case_by_id(conn: Connection, case_id: int) -> Case | None:
    return _first_case(conn.execute(_CASE_BY_ID, {"case_id": case_id}).first())


def existing_case(conn: Connection, case_id: int) -> Case:
    """A case that must exist (just written, or named by a letter or a message): a missing one
    is a broken record, raised as such rather than met later as None."""
    case = case_by_id(conn, case_id)
    if case is None:
        raise LookupError(f"case #{case_id} is not in the database")
    return case


def case_by_ref(conn: Connection, ref: str) -> Case | None:
    return _first_case(conn.execute(select(cases).where(cases.c.ref == ref.upper())).first())


def cases_by_message_ids(conn: Connection, message_ids: Iterable[str]) -> list[int]:
    """Case ids that own any of these Message-IDs (ours or the client's own earlier mail)."""
    ids = [m for m in message_ids if m]
    if not ids:
        return []
    q = select(case_messages.c.case_id).where(case_messages.c.message_id.in_(ids)).distinct()
    return [r[0] for r in conn.execute(q)]


def open_case_for_sender(conn: Connection, address: str) -> Case | None:
    """The newest case of this client not closed, so a flood from one address becomes one case.

    Not closed rather than open (cases.OPEN_STATES): a client writing again after the final
    response follows up on that case, which its handler may reopen."""
    return _first_case(conn.execute(_OPEN_CASE_FOR_SENDER, {"address": address.lower()}).first())


# Routing asks it for every message from a client: built once (as _CASE_BY_ID).
_OPEN_CASE_FOR_SENDER = (
    select(cases).where(cases.c.client_address == bindparam("address"),
                        cases.c.state != State.CLOSED.value)
    .order_by(cases.c.id.desc()).limit(1))


_ADD_MESSAGE = case_messages.insert().returning(case_messages.c.id)


def add_case_message(conn: Connection, *, case_id: int, direction: str, kind: str,
                     message_id: str | None, from_addr: str | None, subject: str | None,
                     body: str | None, at: datetime, raw_message_id: int | None = None,
                     outbox_id: int | None = None) -> int:
    """File a message on its case: the client's mail, a handler's reply, a letter sent.

    One statement built once, with the values as parameters (as outbox.add_letter does): every
    mail taken in and every letter sent writes one."""
    values = {"case_id": case_id, "direction": direction, "kind": kind, "message_id": message_id,
              "from_addr": from_addr, "subject": subject, "body": body, "at": at,
              "raw_message_id": raw_message_id, "outbox_id": outbox_id}
    return conn.execute(_ADD_MESSAGE, values).scalar_one()


def messages_for_case(conn: Connection, case_id: int) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(case_messages).where(case_messages.c.case_id == case_id).order_by(
                case_messages.c.id)))


CLIENT_MESSAGE_KINDS = ("complaint", "follow_up", "correction")  # the client's own words
# What the client has seen: their own mail and every kind of letter written to them (from the
# letters table, so a new kind, such as our reply to an enquiry, cannot be left out of the
# thread); not staff mail, not robots'.
CLIENT_THREAD_KINDS = CLIENT_MESSAGE_KINDS + tuple(sorted(CLIENT_KINDS))
_THREAD_IDS = (select(case_messages.c.message_id).where(
    case_messages.c.case_id == bindparam("case_id"),
    case_messages.c.kind.in_(CLIENT_THREAD_KINDS)).order_by(case_messages.c.id))
_LAST_FROM_CLIENT = (select(case_messages).where(
    case_messages.c.case_id == bindparam("case_id"), case_messages.c.direction == "in",
    case_messages.c.kind.in_(CLIENT_MESSAGE_KINDS)).order_by(case_messages.c.id.desc()).limit(1))


def cases_by_ids(conn: Connection, case_ids: Iterable[int]) -> dict[int, Case]:
    """Several cases in one statement (a tick's letters step drafts for fifty at a time)."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    return {row.id: as_case(row) for row in conn.execute(select(cases).where(cases.c.id.in_(ids)))}


def thread_ids_of(conn: Connection, case_ids: Iterable[int]) -> dict[int, list[str]]:
    """`thread_ids` of several cases in one statement; a case with none is left out."""
    ids = sorted(set(case_ids))
    found: dict[int, list[str]] = {}
    if not ids:
        return found
    q = (select(case_messages.c.case_id, case_messages.c.message_id)
         .where(case_messages.c.case_id.in_(ids), case_messages.c.kind.in_(CLIENT_THREAD_KINDS))
         .order_by(case_messages.c.case_id, case_messages.c.id))
    for case_id, message_id in conn.execute(q):
        if message_id:
            found.setdefault(case_id, []).append(message_id)
    return found


def last_from_clients(conn: Connection, case_ids: Iterable[int]) -> dict[int, Row[Any]]:
    """`last_from_client` of several cases in one statement (still one message decrypted each)."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    m = case_messages.c
    latest = (select(func.max(m.id)).where(m.case_id.in_(ids), m.direction == "in",
                                            m.kind.in_(CLIENT_MESSAGE_KINDS))
              .group_by(m.case_id))
    return {row.case_id: row for row in conn.execute(select(case_messages).where(m.id.in_(latest)))}


def thread_ids(conn: Connection, case_id: int) -> list[str]:
    """Message-IDs of the client's conversation in order, for the next letter's References."""
    return [r[0] for r in conn.execute(_THREAD_IDS, {"case_id": case_id}) if r[0]]


def last_from_client(conn: Connection, case_id: int) -> Row[Any] | None:
    """The client's latest complaint or follow-up (only that one is decrypted, not the whole file).
    """
    return conn.execute(_LAST_FROM_CLIENT, {"case_id": case_id}).first()


def list_cases(conn: Connection, *, state: str | None = None, limit: int = 200) -> list[Case]:
    q = select(cases).order_by(cases.c.id.desc()).limit(limit)
    if state:
        q = q.where(cases.c.state == state)
    return [as_case(row) for row in conn.execute(q)]


def open_case_counts_by_handler(conn: Connection) -> dict[str, int]:
    """Open cases per handler, for choosing who takes a new one.

    Intake asks once per new complaint, and the count reads an entry for every open case (on
    PostgreSQL without a recent VACUUM, every open case's row too: 1.9 ms a message at 3,000
    open cases, tests/bench/README.md). So a transaction counts once (store/memo.py) and keeps
    the count exact itself: a case it creates adds one, and a write that may open, close or
    reassign a case (`update_case`, through which every such write goes) makes the next call
    count again.
    """
    load = memo.get(conn, _OPEN_LOAD)
    if load is None:
        q = select(cases.c.handler_email, func.count()).where(IS_OPEN).group_by(
            cases.c.handler_email)
        load = {r[0]: r[1] for r in conn.execute(q) if r[0]}
        memo.put(conn, _OPEN_LOAD, load)
    return dict(load)


_OPEN_LOAD = "open_load"


def _one_more_open_case(conn: Connection, handler_email: str | None) -> None:
    """A case was created (state new, which is open) in this transaction."""
    load = memo.get(conn, _OPEN_LOAD)
    if load is not None and handler_email:
        load[handler_email] = load.get(handler_email, 0) + 1


_OPEN_VALUES = frozenset(state.value for state in OPEN_STATES)


def _may_change_openness(new_state: Any) -> bool:
    """Between two open states a case's handler keeps it; only closing, a final response
    (to a state that is not open) or reopening changes the count."""
    value = getattr(new_state, "value", new_state)
    return value not in _OPEN_VALUES or value == State.REOPENED.value


def record_correction(conn: Connection, case_id: int, name: str, old: str | None, new: str, *,
                      by: str, at: datetime) -> None:
    """A handler's correction of the triage: the case changes, and the pair is kept for training."""
    conn.execute(corrections.insert().values(case_id=case_id, field=name, old_value=old,
                                             new_value=new, by=by, at=at))


def holding_sent(case_id: Any) -> Any:
    """When a case's first holding letter went out: a scalar subquery for a query on cases.

    Read from the outbox rather than stamped on the case, because sending is a different
    module's job; the (case_id, kind, created_at) index makes it one short index range a case.
    """
    return (select(func.min(outbox.c.sent_at))
            .where(outbox.c.case_id == case_id, outbox.c.kind == "holding_letter",
                   outbox.c.status == "sent")
            .scalar_subquery())
