"""Intake keeps PostgreSQL's planner statistics up with a backlog, autovacuum or not.

With no statistics the planner takes a table for empty; the CI machine's PostgreSQL runs with
autovacuum off, so without the refresh these tables would never be analysed.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from mailbot.store import Store, statistics
from mailbot.store import casebook as cb

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _add_cases(store: Store, n: int) -> None:
    with store.transaction() as conn:
        for i in range(n):
            cb.create_case(conn, ref=f"C-2026-{i + 1:04d}", now=NOW, values={
                "client_address": f"client{i}@example.com", "profile": "ew_sra", "received_at": NOW})


def _due_within(store: Store, seconds: float) -> list[str]:
    """What is due, once the server has published the writes' counts (about a second later)."""
    deadline = time.monotonic() + seconds
    while True:
        with store.transaction() as conn:
            due = statistics.tables_due(conn)
        if "cases" in due or time.monotonic() > deadline:
            return due
        time.sleep(0.2)


def _planner_rows(store: Store, table: str) -> float:
    with store.transaction() as conn:
        return float(conn.execute(text(
            "SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table}).scalar_one())


@pytest.mark.postgres
def test_a_table_grown_past_autovacuums_rule_is_analysed(pg_schema) -> None:  # type: ignore[no-untyped-def]
    store = Store(pg_schema.engine())
    store.upgrade()
    with store.transaction() as conn:  # as on a server with autovacuum off, whatever this one does
        conn.execute(text("ALTER TABLE cases SET (autovacuum_enabled = false)"))
    _add_cases(store, 300)
    due = _due_within(store, 15)
    assert "cases" in due
    assert _planner_rows(store, "cases") <= 0  # never analysed: the planner guesses
    with store.transaction() as conn:
        statistics.analyze(conn, due)
    assert _planner_rows(store, "cases") == 300
    with store.transaction() as conn:
        assert "cases" not in statistics.tables_due(conn)
    store.dispose()


def test_sqlite_has_nothing_due(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mailbot.store import make_engine

    store = Store(make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}"))
    store.upgrade()
    _add_cases(store, 60)
    with store.transaction() as conn:
        assert statistics.tables_due(conn) == []
    store.dispose()


@pytest.mark.postgres
def test_status_names_autovacuum_and_the_fix_when_it_is_off(pg_schema) -> None:  # type: ignore[no-untyped-def]
    from mailbot.cli.operations import _database

    store = Store(pg_schema.engine())
    with store.transaction() as conn:
        on = statistics.autovacuum_on(conn)
        shown = conn.execute(text("SHOW autovacuum")).scalar_one()
    store.dispose()
    assert on is (shown == "on")
    report = _database(on)
    assert report["engine"] == "postgresql" and report["autovacuum"] is on
    assert ("fix" in report) is (not on)
    off = _database(False)
    assert "VACUUM (ANALYZE)" in off["fix"] and "autovacuum" in off["fix"]
    assert _database(None) == {"engine": "sqlite"}
