"""PostgreSQL advisory-lock keys for one mailbot installation.

Advisory locks belong to the whole database, but a mailbot installation is one schema: two
installations in one database (two firms, a staging copy, the test suite's schemas) must not
wait on each other's locks. A key is mixed with the schema's name; in `public`, the default, it
stays the plain key, so instances of an earlier release and this one still agree.
"""

from __future__ import annotations


def key_sql(param: str) -> str:
    """SQL for the lock key of bind parameter `param` in the connection's current schema."""
    return key_of(f":{param}")


def key_of(expression: str) -> str:
    """SQL for the lock key of an SQL expression (a column of unnest(), say) in the schema."""
    return (f"CASE WHEN current_schema() = 'public' THEN CAST({expression} AS bigint)"
            f" ELSE CAST({expression} AS bigint) # hashtext(current_schema()) END")
