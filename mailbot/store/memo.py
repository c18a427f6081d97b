"""Counts a transaction reads once and then keeps exact itself.

Intake decides a batch of messages in one transaction, and some per-message questions (how many
acknowledgements this hour, how many open cases each handler has) cost a read that grows with
the tables. Such a count is kept here for the rest of its transaction, and the store's own
writes adjust it (store/outbox.py, store/casebook.py). A savepoint rolled back (a poison message
in a batch) forgets every count, since its writes are gone; so does the end of the transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, event

_MEMOS = "mailbot.memos"  # conn.info: (the transaction, {name: value})


def get(conn: Connection, name: str) -> Any:
    """The value kept under `name` in this transaction, or None."""
    held = conn.info.get(_MEMOS)
    transaction = conn.get_transaction()
    if transaction is None or held is None or held[0] is not transaction:
        return None
    return held[1].get(name)


def put(conn: Connection, name: str, value: Any) -> None:
    held = conn.info.get(_MEMOS)
    transaction = conn.get_transaction()
    if transaction is None:  # outside a transaction nothing can be kept up to date
        return
    if held is None or held[0] is not transaction:
        values: dict[str, Any] = {}
        held = (transaction, values)
        conn.info[_MEMOS] = held
    held[1][name] = value


def forget(conn: Connection, name: str) -> None:
    held = conn.info.get(_MEMOS)
    if held is not None:
        held[1].pop(name, None)


@event.listens_for(Engine, "rollback_savepoint")
def _forget_all(conn: Connection, _name: str, _context: Any) -> None:
    conn.info.pop(_MEMOS, None)
