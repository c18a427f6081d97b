"""Shared fixtures. Real servers live in tests/servers/ and are loaded as plugins."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

from mailbot.store import Store, make_engine
from tests.servers.imap import require_binary

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


def pytest_unconfigure(config: pytest.Config) -> None:
    """Name the failed tests once more, last: on CI the summary prints each failure's whole
    message, so a long diff can push the test's name out of the tail a reader sees."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    failed = [r.nodeid for key in ("failed", "error") for r in reporter.stats.get(key, [])
              if getattr(r, "nodeid", None)]
    if failed:
        reporter.write_line(f"failed ({len(failed)}): " + " ".join(sorted(set(failed))))


@pytest.fixture
def tesseract() -> str:
    """The text recogniser that reads scanned letters: skipped on a developer's machine without
    it, a failure in CI (scripts/test installs it)."""
    return require_binary(lambda: shutil.which("tesseract"),
                          "tesseract is not installed (Debian: apt-get install tesseract-ocr "
                          "tesseract-ocr-eng)")


@pytest.fixture
def antiword() -> str:
    """The reader of Word 97-2003 letters: skipped without it, a failure in CI (scripts/test
    installs it)."""
    return require_binary(lambda: shutil.which("antiword"),
                          "antiword is not installed (Debian: apt-get install antiword)")
