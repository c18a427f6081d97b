"""PostgreSQL fixture: a fresh schema per test session on the loopback server.

URL from MAILBOT_TEST_PG_URL (default postgresql://postgres@127.0.0.1:5432/test). Under CI
(or MAILBOT_REQUIRE_SERVERS=1) an unreachable server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import secrets
from typing import Iterator

import pytest
from sqlalchemy import text

from mailbot.store.engine import make_engine

PG_URL = os.environ.get("MAILBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def servers_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("MAILBOT_REQUIRE_SERVERS") == "1"


def skip_or_fail(reason: str) -> None:
    if servers_required():
        pytest.fail(f"{reason} (CI=true or MAILBOT_REQUIRE_SERVERS=1: a skip here is a failure)")
    pytest.skip(reason)


class PgSchema:
    """A throwaway schema; engines made by `engine()` see only it."""

    def __init__(self, base_url: str = PG_URL) -> None:
        self.base_url = base_url
        self.name = f"mbt_{secrets.token_hex(6)}"
        admin = make_engine(base_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        admin.dispose()

    def engine(self, **kwargs: object):  # type: ignore[no-untyped-def]
        return make_engine(self.base_url, connect_args={"options": f"-csearch_path={self.name}"}, **kwargs)

    def url_with_schema(self) -> str:
        sep = "&" if "?" in self.base_url else "?"
        return f"{self.base_url}{sep}options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        admin = make_engine(self.base_url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        admin.dispose()


def pg_available() -> str | None:
    try:
        engine = make_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}"


@pytest.fixture
def pg_schema() -> Iterator[PgSchema]:
    problem = pg_available()
    if problem:
        skip_or_fail(problem)
    schema = PgSchema()
    try:
        yield schema
    finally:
        schema.drop()
