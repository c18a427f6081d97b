"""Shared fixtures. Real servers live in tests/servers/ and are loaded as plugins."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

from mailbot.store import Store, make_engine

pytest_plugins = ["tests.servers.postgres", "tests.servers.dovecot", "tests.servers.imap4d",
                  "tests.servers.setups", "tests.servers.smtp"]

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = Store(make_engine(f"sqlite:///{tmp_path / 'mailbot.sqlite3'}"))
    store.upgrade()
    yield store
    store.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same test on both engines: SQLite embedded and PostgreSQL on loopback."""
    if request.param == "sqlite":
        s = Store(make_engine(f"sqlite:///{tmp_path / 'mailbot.sqlite3'}"))
    else:
        schema = request.getfixturevalue("pg_schema")
        s = Store(schema.engine())
    s.upgrade()
    yield s
    s.dispose()
