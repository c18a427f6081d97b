"""The database adapter: schema, migrations and named queries, grouped by use case.

`Store` owns the engine; every query function takes a Connection so the service can put
several of them (case change, outbox rows, audit events) in one transaction.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from . import audit, migrate
from .engine import make_engine
from .sealing import Sealer

# What the database itself raises when it fails (connection lost, disk full, a lock timeout,
# a constraint): `except DATABASE_FAULT` lets a service tell that apart from a fault in what it
# was handling (a poison message) without knowing the database library.
DATABASE_FAULT: type[Exception] = DBAPIError

# PostgreSQL's deadlock and serialisation failures: the transaction was rolled back whole and
# the same work, tried again, can succeed (two instances took two rows in opposite orders).
_TRY_AGAIN_STATES = frozenset({"40P01", "40001"})


def worth_retrying(exc: BaseException) -> bool:
    """True for a database fault that another try of the same transaction can get past."""
    state = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, DBAPIError) and state in _TRY_AGAIN_STATES


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # PostgreSQL: other instances may share the database (service/leader.py,
        # service/decide_queue.py); SQLite: one instance by design.
        self.shared = engine.dialect.name == "postgresql"

    @classmethod
    def from_url(cls, url: str, sealer: Sealer | None = None) -> "Store":
        return cls(make_engine(url, sealer=sealer))

    def upgrade(self) -> str | None:
        return migrate.upgrade(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def batch_transaction(self) -> Iterator[Connection]:
        """A transaction that writes and holds savepoints (`conn.begin_nested()`), one per item
        of a batch, so one failing item is rolled back alone.

        On SQLite it opens with BEGIN IMMEDIATE. pysqlite opens a transaction only before an
        INSERT, UPDATE or DELETE: a SAVEPOINT sent first would itself open the transaction, and
        its RELEASE would commit it, so a later rollback of the batch would not undo that item.
        IMMEDIATE also takes the write lock at once (waiting out another writer under the busy
        timeout) rather than at the first write, when a busy database cannot be waited for.

        Its audit events go in together when it ends (audit.deferred): one statement a batch,
        and the audit chain's lock held only for that statement and the commit.
        """
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            with audit.deferred(conn):
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()


__all__ = ["DATABASE_FAULT", "Store", "make_engine", "worth_retrying"]
