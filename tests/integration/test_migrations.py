"""Alembic migrations on both engines: they build exactly tables.py, keep data, and run both ways."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, Integer, LargeBinary, MetaData, inspect, select, text, type_coerce, update

from mailbot.cases import AuditEvent
from mailbot.store import Store, audit, make_engine, migrate
from mailbot.store.sealing import PREFIX, Sealer, new_key
from mailbot.store.tables import audit_events, case_checks, cases, metadata
from tests.together import run_together

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def blank(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database: nothing migrated yet."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'blank.sqlite3'}")
    else:
        engine = request.getfixturevalue("pg_schema").engine()
    yield engine
    engine.dispose()


def alembic(engine: Engine, action: str, revision: str) -> None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


def schema_drift(engine: Engine, target: MetaData) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        return list(compare_metadata(context, target))


def user_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def try_to_edit_audit(engine: Engine) -> bool:
    """True when an ordinary UPDATE of an audit row goes through."""
    try:
        with engine.begin() as conn:
            conn.execute(update(audit_events).values(actor="mallory"))
        return True
    except Exception as exc:  # noqa: BLE001 - the trigger's error type differs by engine
        assert "append-only" in str(exc)
        return False


def one_event(engine: Engine) -> None:
    with engine.begin() as conn:
        audit.append(conn, [AuditEvent("case.created", "C-2026-0001", "system", NOW, {"n": 1})])


def test_there_is_one_line_of_migrations() -> None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert len(script.get_heads()) == 1
    assert script.get_heads()[0] == migrate.head_revision()


def test_migrations_build_exactly_what_tables_py_declares(store: Store) -> None:
    assert schema_drift(store.engine, metadata) == []
    assert user_tables(store.engine) == set(metadata.tables)


def test_the_drift_check_would_see_a_missing_column(store: Store) -> None:
    """Control for the test above: a column declared but never migrated is reported."""
    target = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(target)
    target.tables["watermarks"].append_column(Column("never_migrated", Integer))
    drift = schema_drift(store.engine, target)
    assert any("never_migrated" in str(change) for change in drift)


def test_upgrade_reports_the_head_revision(blank: Engine) -> None:
    store = Store(blank)
    assert migrate.current_revision(blank) is None
    assert store.upgrade() == migrate.head_revision()
    assert migrate.current_revision(blank) == migrate.head_revision()


def test_upgrade_twice_changes_nothing(blank: Engine) -> None:
    store = Store(blank)
    store.upgrade()
    one_event(blank)
    before = {name: [c["name"] for c in inspect(blank).get_columns(name)] for name in user_tables(blank)}
    assert store.upgrade() == migrate.head_revision()
    after = {name: [c["name"] for c in inspect(blank).get_columns(name)] for name in user_tables(blank)}
    assert before == after
    with blank.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
        assert audit.verify(conn) == []
        assert conn.execute(select(audit_events.c.actor)).scalars().all() == ["system"]


def test_upgrading_from_the_first_revision_keeps_data_and_locks_the_audit(blank: Engine) -> None:
    migrate.upgrade(blank, "0001")
    one_event(blank)
    assert try_to_edit_audit(blank)  # before 0002 nothing stops an UPDATE
    migrate.upgrade(blank)
    assert migrate.current_revision(blank) == migrate.head_revision()
    assert not try_to_edit_audit(blank)
    with blank.connect() as conn:
        assert conn.execute(select(audit_events.c.actor)).scalars().all() == ["mallory"]


def test_downgrading_the_audit_lock_lifts_it_and_upgrading_restores_it(blank: Engine) -> None:
    migrate.upgrade(blank)
    one_event(blank)
    alembic(blank, "downgrade", "0001")
    assert try_to_edit_audit(blank)
    alembic(blank, "upgrade", "head")
    assert not try_to_edit_audit(blank)


def test_the_next_checks_move_to_their_own_table_and_every_new_case_gets_one(blank: Engine) -> None:
    """0009 carries each case's stored next check over, and its trigger gives a case inserted
    later (by mailbot or not) the row that makes the next tick look at it; 0009's downgrade
    carries them back."""
    migrate.upgrade(blank, "0008")
    later = datetime(2026, 3, 9, 17, 30, tzinfo=UTC)
    insert_case = text("INSERT INTO cases (ref, state, secondary_categories, flags, client_address, profile, received_at, "
                       "legal_hold, created_at, updated_at) VALUES (:ref, 'new', '[]', '[]', 'a@example.org', 'ew_sra', "
                       ":at, false, :at, :at)")
    with blank.begin() as conn:
        conn.execute(insert_case, {"ref": "C-2026-0001", "at": NOW})
        conn.execute(text("UPDATE cases SET next_check_at = :later"), {"later": later})
    migrate.upgrade(blank)
    with blank.begin() as conn:
        conn.execute(insert_case, {"ref": "C-2026-0002", "at": NOW})
    with blank.connect() as conn:
        checks = conn.execute(select(cases.c.ref, case_checks.c.next_check_at).join(case_checks).order_by(cases.c.ref)).all()
    assert checks == [("C-2026-0001", later), ("C-2026-0002", None)]
    alembic(blank, "downgrade", "0008")
    with blank.connect() as conn:
        back = conn.execute(text("SELECT ref, next_check_at FROM cases ORDER BY ref")).all()
    assert [(ref, at is not None) for ref, at in back] == [("C-2026-0001", True), ("C-2026-0002", False)]


@pytest.fixture(params=["sqlite", "postgres"])
def keyed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    """An empty database seen with its key (as mailbot runs) and without one (as a thief reads)."""
    key = Sealer([new_key().encode()])
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'keyed.sqlite3'}"
        engines = (make_engine(url, sealer=key), make_engine(url))
    else:
        schema = request.getfixturevalue("pg_schema")
        engines = (schema.engine(sealer=key), schema.engine())
    yield engines
    for engine in engines:
        engine.dispose()


def test_0015_seals_the_client_name_and_learning_already_stored_and_its_downgrade_opens_them(
        keyed: tuple[Engine, Engine]) -> None:
    """A register written before 0015 kept the client's name and the handler's learning point in
    clear; after the upgrade neither can be read without the key, and mailbot reads both."""
    sealed, keyless = keyed
    migrate.upgrade(sealed, "0014")
    insert_case = text("INSERT INTO cases (ref, state, secondary_categories, flags, client_address, client_name, "
                       "learning, profile, received_at, legal_hold, created_at, updated_at) VALUES (:ref, 'new', "
                       "'[]', '[]', 'a@example.org', :name, :learning, 'ew_sra', :at, false, :at, :at)")
    with sealed.begin() as conn:
        conn.execute(insert_case, {"ref": "C-2026-0001", "name": "Jane Roe", "learning": "Mr Doe's file was lost",
                                   "at": NOW})
        conn.execute(insert_case, {"ref": "C-2026-0002", "name": None, "learning": None, "at": NOW})
    migrate.upgrade(sealed)
    with keyless.connect() as conn:
        at_rest = conn.execute(select(type_coerce(cases.c.client_name, LargeBinary),
                                      type_coerce(cases.c.learning, LargeBinary)).order_by(cases.c.ref)).all()
    assert at_rest[1] == (None, None)
    assert all(bytes(v).startswith(PREFIX) for v in at_rest[0])
    assert b"Roe" not in bytes(at_rest[0][0]) and b"Doe" not in bytes(at_rest[0][1])
    with sealed.connect() as conn:
        read = conn.execute(select(cases.c.client_name, cases.c.learning).order_by(cases.c.ref)).all()
    assert read == [("Jane Roe", "Mr Doe's file was lost"), (None, None)]
    assert schema_drift(sealed, metadata) == []
    alembic(sealed, "downgrade", "0014")
    with keyless.connect() as conn:
        back = conn.execute(text("SELECT client_name, learning FROM cases ORDER BY ref")).all()
    assert [tuple(r) for r in back] == [("Jane Roe", "Mr Doe's file was lost"), (None, None)]


def test_downgrade_to_base_removes_every_table_and_upgrade_rebuilds_them(blank: Engine) -> None:
    migrate.upgrade(blank)
    alembic(blank, "downgrade", "base")
    assert user_tables(blank) == set()
    migrate.upgrade(blank)
    assert schema_drift(blank, metadata) == []


@pytest.mark.postgres
def test_two_instances_starting_together_on_a_fresh_database_both_come_up(pg_schema) -> None:  # type: ignore[no-untyped-def]
    """Several instances share one PostgreSQL; started at once (a deploy), each runs the migrations."""
    engines = [pg_schema.engine() for _ in range(3)]
    try:
        run_together([lambda e=e: migrate.upgrade(e) for e in engines])
        assert migrate.current_revision(engines[0]) == migrate.head_revision()
        assert schema_drift(engines[0], metadata) == []
    finally:
        for engine in engines:
            engine.dispose()
