"""Who polls and ticks when several instances share one PostgreSQL database.

Exactly one instance holds a session-level advisory lock on a connection it keeps open; it
runs intake, the deadline tick and the digest. If it dies, PostgreSQL drops its session and
the lock with it, and another instance takes over at its next try. The outbox needs no
leader: rows are claimed one by one (see sending.py). On SQLite there is one instance by
design, so it always leads.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from .context import log

LEADER_KEY = 0x6D62_6C65_6164  # 'mblead'


class LeaderLock:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None
        self.shared = engine.dialect.name == "postgresql"

    def held(self) -> bool:
        """True if this instance leads now (taking the lock if it is free)."""
        if not self.shared:
            return True
        try:
            if self._conn is not None:
                self._conn.execute(text("SELECT 1"))  # still alive: we still hold it
                return True
            conn = self._engine.connect()
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LEADER_KEY}).scalar()
            conn.commit()
            if got:
                self._conn = conn
                log.info("leader.acquired")
                return True
            conn.close()
            return False
        except DBAPIError:
            self.release()
            return False

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                # close the session itself (not back to the pool), which drops the lock
                conn.invalidate()
                conn.close()
            except DBAPIError:
                pass
