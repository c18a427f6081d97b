"""Several instances on one PostgreSQL: exactly one leads, and another takes over when it dies."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import text

from mailbot.cases import AuditEvent
from mailbot.service.leader import LeaderLock
from mailbot.store import Store, audit
from tests.servers.postgres import PgSchema


def test_one_leader_at_a_time_and_takeover(pg_schema: PgSchema) -> None:
    engines = [pg_schema.engine() for _ in range(3)]
    locks = [LeaderLock(Store(e)) for e in engines]
    try:
        assert [lock.held() for lock in locks] == [True, False, False]
        assert locks[0].held() and not locks[1].held(), "the leader keeps it; the others keep asking"
        locks[0].release()  # the leader's session ends (a crash drops it the same way)
        assert [lock.held() for lock in locks[1:]] == [True, False]
    finally:
        for lock in locks:
            lock.release()
        for engine in engines:
            engine.dispose()


def test_installations_in_other_schemas_lead_apart(pg_schema: PgSchema) -> None:
    """Two firms (or a staging copy) in one PostgreSQL database, each in its own schema: each has
    its own leader, rather than one waiting for the other's to die."""
    other = PgSchema()
    engines = [pg_schema.engine(), other.engine()]
    locks = [LeaderLock(Store(e)) for e in engines]
    try:
        assert [lock.held() for lock in locks] == [True, True]
    finally:
        for lock in locks:
            lock.release()
        for engine in engines:
            engine.dispose()
        other.drop()


def test_sqlite_instance_always_leads(sqlite_store) -> None:  # type: ignore[no-untyped-def]
    assert LeaderLock(sqlite_store).held()


def test_an_audit_append_in_one_schema_does_not_wait_for_another(pg_schema: PgSchema) -> None:
    """Each installation's audit chain is its own: a long transaction appending to one firm's
    trail must not hold up another firm's intake in the same database."""
    other = PgSchema()
    stores = [Store(pg_schema.engine()), Store(other.engine())]
    at = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
    try:
        for store in stores:
            store.upgrade()
        with stores[0].transaction() as first:
            audit.append(first, [AuditEvent("test.first", None, "test", at, {})])  # holds its lock
            with stores[1].transaction() as second:
                second.execute(text("SET LOCAL lock_timeout = '3s'"))
                audit.append(second, [AuditEvent("test.second", None, "test", at, {})])
        for store in stores:
            with store.transaction() as conn:
                assert audit.verify(conn) == []
    finally:
        for store in stores:
            store.dispose()
        other.drop()
