"""Key rotation on both engines: every sealed value ends up under the newest key, the audit
trail still verifies and is append-only again afterwards, and a sealed column added to the
schema is rotated without anyone listing it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, Table, exc, select, text, update
from typer.testing import CliRunner

from mailbot.cases import AuditEvent
from mailbot.cli import app as cli_app
from mailbot.errors import ConfigError
from mailbot.store import Store, audit, casebook, make_engine, raw_mail
from mailbot.store.sealing import SealedText, Sealer, new_key, rotate_all
from mailbot.store.tables import audit_events, metadata

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
MAIL = b"Subject: my divorce file\r\n\r\nprivate words"

StoreWith = Callable[..., Store]  # the same database, opened with these keys (newest first)


@pytest.fixture(params=["sqlite", "postgres"])
def store_with(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreWith]:
    opened: list[Store] = []

    def open_with(*keys: bytes) -> Store:
        sealer = Sealer(list(keys))
        if request.param == "sqlite":
            engine = make_engine(f"sqlite:///{tmp_path / 'sealed.sqlite3'}", sealer=sealer)
        else:
            engine = request.getfixturevalue("pg_schema").engine(sealer=sealer)
        opened.append(Store(engine))
        return opened[-1]

    yield open_with
    for store in opened:
        store.dispose()


def write_content(store: Store) -> tuple[int, int]:
    """Sealed values in several tables: raw mail, a case, audit events (one alone, a batch)."""
    with store.transaction() as conn:
        raw_id = raw_mail.record_raw(conn, raw=MAIL, dedupe_key="k" * 64, content_sha256="c" * 64,
                                     message_id="m1@example.com", where=None, internaldate=NOW,
                                     now=NOW)
        case_id = casebook.create_case(conn, ref="C-2026-0001", now=NOW, values={
            "client_address": "jane@example.com", "profile": "ew_sra", "received_at": NOW,
            "subject": "my divorce file", "close_reason": "settled privately"})
        audit.append(conn, [AuditEvent("case.created", "C-2026-0001", "system", NOW,
                                       {"note": "private words"})])
        audit.append(conn, [AuditEvent("case.updated", "C-2026-0001", "system", NOW, {"n": n})
                            for n in range(2)])
    assert raw_id is not None
    return raw_id, case_id


def update_trigger(conn: Connection) -> Any:
    """How the database refuses an UPDATE of an audit row, as the database itself states it."""
    if conn.dialect.name == "postgresql":
        return conn.execute(text("SELECT tgenabled FROM pg_trigger "
                                 "WHERE tgrelid = 'audit_events'::regclass "
                                 "AND tgname = 'audit_events_append_only'")).scalar_one()
    return conn.execute(text("SELECT sql FROM sqlite_master "
                             "WHERE name = 'audit_events_no_update'")).scalar_one()


def test_after_rotation_the_new_key_alone_reads_everything(store_with: StoreWith) -> None:
    old, new = new_key().encode(), new_key().encode()
    first = store_with(old)
    first.upgrade()
    raw_id, case_id = write_content(first)
    with first.transaction() as conn:
        trigger_before = update_trigger(conn)

    with store_with(new, old).transaction() as conn:
        assert rotate_all(conn, Sealer([new, old])) >= 6

    rotated = store_with(new)
    with rotated.transaction() as conn:
        assert raw_mail.raw_by_id(conn, raw_id).raw == MAIL  # type: ignore[union-attr]
        case = casebook.case_by_id(conn, case_id)
        assert case is not None and case.close_reason == "settled privately"
        assert audit.verify(conn) == []  # the chain covers the plain details: still whole
        assert update_trigger(conn) == trigger_before
    with pytest.raises(exc.DBAPIError, match="append-only"), rotated.transaction() as conn:
        conn.execute(update(audit_events).values(actor="mallory"))
    with pytest.raises(ConfigError), store_with(old).transaction() as conn:
        raw_mail.raw_by_id(conn, raw_id)


def test_a_sealed_column_added_to_the_schema_is_rotated_without_being_listed(
        store_with: StoreWith) -> None:
    schema = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(schema)
    extra = Table("extra_sealed", schema, Column("id", Integer, primary_key=True),
                  Column("secret", SealedText))
    old, new = new_key().encode(), new_key().encode()
    first = store_with(old)
    first.upgrade()
    with first.transaction() as conn:
        extra.create(conn)
        conn.execute(extra.insert().values(id=1, secret="a new kind of private words"))

    with store_with(new, old).transaction() as conn:
        rotate_all(conn, Sealer([new, old]), schema)

    with store_with(new).transaction() as conn:
        assert conn.execute(select(extra.c.secret)).scalar_one() == "a new kind of private words"


def test_a_changed_audit_trigger_comes_back_as_it_was_not_as_first_written(
        tmp_path: Path) -> None:
    """The trigger is suspended, not rewritten: a copy of migration 0002's DDL would revert a
    trigger changed since (SQLite; PostgreSQL only switches it off and on)."""
    old, new = new_key().encode(), new_key().encode()
    url = f"sqlite:///{tmp_path / 'mailbot.sqlite3'}"
    store = Store(make_engine(url, sealer=Sealer([old])))
    store.upgrade()
    write_content(store)
    changed = ("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
               "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only, says the firm'); END")
    with store.transaction() as conn:
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text(changed))
        rotate_all(conn, Sealer([new, old]))
    with store.transaction() as conn:
        assert update_trigger(conn) == changed
    store.dispose()


def test_the_rotate_key_command_re_encrypts_with_the_first_key_of_the_file(
        tmp_path: Path) -> None:
    old, new = new_key(), new_key()
    key_file = tmp_path / "mailbot.key"
    key_file.write_text(old + "\n")
    config = tmp_path / "mailbot.toml"
    config.write_text(
        '[firm]\nname = "Example & Co"\ncomplaints_address = "complaints@firm.example"\n'
        'domain = "firm.example"\n[approvals]\nauthserv_id = "mx.firm.example"\n'
        f'[database]\nurl = "sqlite:///{tmp_path / "mailbot.sqlite3"}"\n'
        f'encryption_key_file = "{key_file}"\n[paths]\ndata_dir = "{tmp_path}"\n'
        '[[handlers]]\nname = "Hal Jordan"\nemail = "hal@firm.example"\n', encoding="utf-8")
    assert CliRunner().invoke(cli_app, ["status", "--config", str(config)]).exit_code == 0
    store = Store(make_engine(f"sqlite:///{tmp_path / 'mailbot.sqlite3'}",
                              sealer=Sealer([old.encode()])))
    raw_id, _ = write_content(store)
    store.dispose()

    key_file.write_text(f"{new}\n{old}\n")  # the new key first, the old one kept below it
    result = CliRunner().invoke(cli_app, ["db", "rotate-key", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "re-encrypted" in result.output

    only_new = Store(make_engine(f"sqlite:///{tmp_path / 'mailbot.sqlite3'}",
                                 sealer=Sealer([new.encode()])))
    with only_new.transaction() as conn:
        assert raw_mail.raw_by_id(conn, raw_id).raw == MAIL  # type: ignore[union-attr]
        assert audit.verify(conn) == []
        kinds = conn.execute(select(audit_events.c.kind)).scalars().all()
    assert kinds[-1] == "db.key_rotated"
    only_new.dispose()
