"""Several instances on one PostgreSQL: exactly one leads, and another takes over when it dies."""

from __future__ import annotations

from mailbot.service.leader import LeaderLock
from mailbot.store import Store
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
