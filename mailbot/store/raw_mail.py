"""Named queries for intake: raw messages (record first), quarantine, mailbox watermarks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import Connection, Row, Table, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .tables import quarantine, raw_messages, watermarks


def insert_ignoring_conflict(conn: Connection, table: Table, values: dict[str, Any],
                             conflict: list[str]) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING on both engines; returns the new id, or None when it
    existed."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict)
    if "id" in table.c:
        stmt = stmt.returning(table.c.id)
        return conn.execute(stmt).scalar()
    conn.execute(stmt)
    return None


@dataclass(frozen=True)
class MailboxCoordinates:
    mailbox: str
    uidvalidity: int
    uid: int


def _record_statement(conn: Connection) -> Any:
    """One INSERT ... ON CONFLICT DO NOTHING RETURNING id per dialect, built once: a burst of
    mail runs it thousands of times, and a fresh statement each time costs SQLAlchemy a cache key.
    """
    name = conn.dialect.name
    if name not in _RECORD:
        dialect = postgresql if name == "postgresql" else sqlite
        _RECORD[name] = (dialect.insert(raw_messages).on_conflict_do_nothing(
            index_elements=["dedupe_key"]).returning(raw_messages.c.id))
    return _RECORD[name]


_RECORD: dict[str, Any] = {}


def record_raw(
    conn: Connection,
    *,
    raw: bytes,
    dedupe_key: str,
    content_sha256: str,
    message_id: str | None,
    where: MailboxCoordinates | None,
    internaldate: datetime | None,
    now: datetime,
    order_key: int | None = None,
) -> int | None:
    """Store the bytes before anything is decided; None means we already have this message."""
    values = {
        "dedupe_key": dedupe_key,
        "message_id": message_id,
        "content_sha256": content_sha256,
        "mailbox": where.mailbox if where else None,
        "uidvalidity": where.uidvalidity if where else None,
        "uid": where.uid if where else None,
        "internaldate": internaldate,
        "size": len(raw),
        "raw": raw,
        "kind": None,
        "status": "received",
        "case_id": None,
        "created_at": now,
        "order_key": order_key,
    }
    return conn.execute(_record_statement(conn), values).scalar()


def undecided(conn: Connection, *, after_id: int = 0, limit: int = 100) -> list[Row[Any]]:
    """Records taken in but not yet decided (a crash came between), oldest first."""
    c = raw_messages.c
    query = (select(c.id, c.raw, c.internaldate).where(c.status == "received", c.id > after_id)
             .order_by(c.id).limit(limit))
    return list(conn.execute(query))


# --- the queue when several instances decide (service/decide_queue.py) ------------------------
# A record's party: its order key, or for a record without one (taken in before the key, or
# without a sender) a key of its own, minus its id. (Were it ever to equal an address's hash,
# the two would only wait for each other.)
_PARTY = func.coalesce(raw_messages.c.order_key, -raw_messages.c.id)


def waiting_parties(conn: Connection, message_ids: Sequence[str]) -> dict[str, int]:
    """The order keys of undecided records with these Message-IDs (replies join their party)."""
    if not message_ids:
        return {}
    c = raw_messages.c
    rows = conn.execute(select(c.message_id, c.order_key)
                        .where(c.status == "received", c.order_key.is_not(None),
                               c.message_id.in_(sorted(set(message_ids)))))
    return {str(mid): int(key) for mid, key in rows}


def queue_front(conn: Connection, *, limit: int) -> list[int]:
    """Up to `limit` parties with undecided records, the one waiting longest first. By party
    rather than by record: one client's flood at the front must not hide everyone behind it
    from an instance that finds that client locked."""
    c = raw_messages.c
    party = _PARTY.label("party")
    rows = conn.execute(select(party).where(c.status == "received").group_by(party)
                        .order_by(func.min(c.id)).limit(limit))
    return [int(value) for value in rows.scalars()]


@dataclass(frozen=True)
class Queued:
    """An undecided record, as the decide queue reads it."""

    id: int
    raw: bytes | None
    internaldate: datetime | None


def queued_of(conn: Connection, parties: Sequence[int], *, limit: int) -> list[Queued]:
    """The undecided records of these parties, oldest first: read while holding their locks,
    so no record of theirs is being decided elsewhere and each party starts at its oldest."""
    if not parties:
        return []
    c = raw_messages.c
    rows = conn.execute(select(c.id, c.raw, c.internaldate)
                        .where(c.status == "received", _PARTY.in_(list(parties)))
                        .order_by(c.id).limit(limit))
    return [Queued(int(row.id), row.raw, row.internaldate) for row in rows]


def count_attempts(conn: Connection, raw_ids: Sequence[int]) -> dict[int, int]:
    """One more start of deciding for each record (begin_attempt for many); the new counts."""
    if not raw_ids:
        return {}
    c = raw_messages.c
    rows = conn.execute(update(raw_messages).where(c.id.in_(list(raw_ids)))
                        .values(decide_attempts=c.decide_attempts + 1)
                        .returning(c.id, c.decide_attempts))
    return {int(raw_id): int(n) for raw_id, n in rows}


def uncount_attempts(conn: Connection, raw_ids: Sequence[int]) -> None:
    """Take back the starts counted for records whose deciding was rolled back and will be
    tried again at once (a deadlock between instances is not the message's fault)."""
    if raw_ids:
        c = raw_messages.c
        conn.execute(update(raw_messages).where(c.id.in_(list(raw_ids)), c.decide_attempts > 0)
                     .values(decide_attempts=c.decide_attempts - 1))


def claim_raw(conn: Connection, raw_id: int) -> bool:
    """Take a record off the queue for this transaction; False if another pass already decided it.
    """
    return conn.execute(_CLAIM, {"raw_id": raw_id}).rowcount == 1


# Every message decided runs these two: built once, with the values as parameters.
_CLAIM = (update(raw_messages)
          .where(raw_messages.c.id == bindparam("raw_id"), raw_messages.c.status == "received")
          .values(status="deciding"))
_MARK = update(raw_messages).where(raw_messages.c.id == bindparam("raw_id"))


def begin_attempt(conn: Connection, raw_id: int) -> int:
    """Count one more pass that starts deciding this record; returns the count."""
    return conn.execute(update(raw_messages).where(raw_messages.c.id == raw_id)
                        .values(decide_attempts=raw_messages.c.decide_attempts + 1)
                        .returning(raw_messages.c.decide_attempts)).scalar_one()


def reset_for_retry(conn: Connection, raw_id: int) -> None:
    """A person asked for this record to be decided again: back to the queue, attempts forgotten."""
    conn.execute(
        update(raw_messages).where(raw_messages.c.id == raw_id).values(
            status="received", decide_attempts=0))


def mark_raw(conn: Connection, raw_id: int, *, status: str, kind: str | None = None,
             case_id: int | None = None) -> None:
    """Record how intake left a raw message, so a crash's leftovers are found and decided again."""
    values: dict[str, Any] = {"status": status}
    if kind is not None:
        values["kind"] = kind
    if case_id is not None:
        values["case_id"] = case_id
    conn.execute(_MARK, {**values, "raw_id": raw_id})


def raw_by_id(conn: Connection, raw_id: int) -> Row[Any] | None:
    """A raw message by id, bytes included, for reprocessing and evidence."""
    return conn.execute(select(raw_messages).where(raw_messages.c.id == raw_id)).first()


def add_quarantine(conn: Connection, raw_id: int, reason: str, now: datetime) -> int:
    """Hold a message a person must look at, with the reason, keeping its bytes."""
    mark_raw(conn, raw_id, status="quarantined", kind="malformed")
    return conn.execute(quarantine.insert().values(raw_message_id=raw_id, reason=reason,
                                                   created_at=now).returning(
                                                       quarantine.c.id)).scalar_one()


def list_quarantine(conn: Connection, *, include_resolved: bool = False) -> list[Row[Any]]:
    """Quarantined messages for `mailbot quarantine list`, open ones only unless asked."""
    q = (select(quarantine, raw_messages.c.message_id, raw_messages.c.size,
                raw_messages.c.mailbox, raw_messages.c.uid).join(
                    raw_messages,
                    raw_messages.c.id == quarantine.c.raw_message_id).order_by(quarantine.c.id))
    if not include_resolved:
        q = q.where(quarantine.c.resolved_at.is_(None))
    return list(conn.execute(q))


def quarantine_entry(conn: Connection, qid: int) -> Row[Any] | None:
    """One quarantined message with its bytes, for `quarantine show` and `retry`."""
    q = select(quarantine, raw_messages.c.raw, raw_messages.c.message_id).join(
        raw_messages, raw_messages.c.id == quarantine.c.raw_message_id
    )
    return conn.execute(q.where(quarantine.c.id == qid)).first()


def resolve_quarantine(conn: Connection, qid: int, resolution: str, now: datetime) -> None:
    """Record what a person did about a quarantined message; it stays listed as resolved."""
    conn.execute(
        update(quarantine).where(quarantine.c.id == qid).values(resolved_at=now,
                                                                resolution=resolution))


def count_open_quarantine(conn: Connection) -> int:
    """How many quarantined messages still wait for a person, for status and the digest."""
    return conn.execute(
        select(func.count()).select_from(quarantine).where(
            quarantine.c.resolved_at.is_(None))).scalar_one()


def get_watermark(conn: Connection, mailbox: str) -> Row[Any] | None:
    """The last UID intake processed in this mailbox (and its UIDVALIDITY), or None when it was
    never read."""
    return conn.execute(select(watermarks).where(watermarks.c.mailbox == mailbox)).first()


def set_watermark(conn: Connection, mailbox: str, uidvalidity: int, last_uid: int,
                  now: datetime) -> None:
    """Advance (never rewind within one UIDVALIDITY) the last processed UID."""
    current = get_watermark(conn, mailbox)
    if current is None:
        insert_ignoring_conflict(
            conn, watermarks, {
                "mailbox": mailbox,
                "uidvalidity": uidvalidity,
                "last_uid": last_uid,
                "last_success_at": now
            }, ["mailbox"],
        )
        return
    if current.uidvalidity == uidvalidity:
        last_uid = max(last_uid, current.last_uid)
    conn.execute(
        update(watermarks)
        .where(watermarks.c.mailbox == mailbox)
        .values(uidvalidity=uidvalidity, last_uid=last_uid, last_success_at=now)
    )


def touch_watermark(conn: Connection, mailbox: str, now: datetime) -> None:
    """Record a successful poll even when nothing arrived (feeds `mailbot status` and the stall
    alert)."""
    conn.execute(
        update(watermarks).where(watermarks.c.mailbox == mailbox).values(last_success_at=now))
