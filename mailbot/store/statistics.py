"""The query planner's statistics for mailbot's own tables (PostgreSQL).

PostgreSQL plans from statistics that ANALYZE gathers. Autovacuum gathers them once a table has
changed by 50 rows plus 10% of its size, but only when autovacuum runs: an admin may turn it
off (this project's CI machine has it off), and a new installation that takes a backlog of
mail in at once outgrows its statistics within a minute. A table the planner believes empty
gets a plan for an empty table: the per-sender acknowledgement limit then joined every
acknowledgement of the last day against the sender's cases, 13.8 ms a message at 10,000 cases
instead of 0.3 (tests/bench/README.md). So intake applies autovacuum's own rule to its own
tables after each batch and analyses what is due. ANALYZE samples at most 30,000 rows a table,
takes no lock that blocks reading or writing, and runs inside a transaction.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# Autovacuum's defaults (autovacuum_analyze_threshold, autovacuum_analyze_scale_factor).
THRESHOLD_ROWS = 50
SCALE = 0.1

_DUE = text(
    "SELECT relname FROM pg_stat_user_tables"
    " WHERE schemaname = current_schema()"
    " AND n_mod_since_analyze > :rows + :scale * GREATEST(n_live_tup, 0)"
    " ORDER BY relname")


def tables_due(conn: Connection) -> list[str]:
    """This installation's tables whose statistics lag behind what was written since (autovacuum's
    rule); none on SQLite, whose planner keeps no statistics unless asked."""
    if conn.dialect.name != "postgresql":
        return []
    return list(conn.execute(_DUE, {"rows": THRESHOLD_ROWS, "scale": SCALE}).scalars())


def analyze(conn: Connection, tables: list[str]) -> None:
    """Gather fresh statistics for these tables of the current schema."""
    if not tables:
        return
    quote = conn.dialect.identifier_preparer.quote
    conn.exec_driver_sql("ANALYZE " + ", ".join(quote(name) for name in tables))


def autovacuum_on(conn: Connection) -> bool | None:
    """Whether the server runs autovacuum (None on SQLite, which has none). mailbot keeps its
    statistics itself, but not VACUUM: dead rows and the visibility map need it."""
    if conn.dialect.name != "postgresql":
        return None
    return str(conn.execute(text("SELECT current_setting('autovacuum')")).scalar_one()) == "on"

