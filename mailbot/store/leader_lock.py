"""A PostgreSQL session-level advisory lock, held on a connection kept open for it.

PostgreSQL drops the lock with its session, so an instance that dies (or loses its
connection) lets the lock go without anyone cleaning up. SQLite has no such lock and needs
none: one instance by design. A database error while asking counts as not holding it (and
lets go of the session): the caller asks again at its next try.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from .advisory import key_sql


_TRY_LOCK = text(f"SELECT pg_try_advisory_lock({key_sql('k')})")  # per schema (advisory.py)
_UNLOCK = text(f"SELECT pg_advisory_unlock({key_sql('k')})")


class SessionLock:
    def __init__(self, engine: Engine, key: int) -> None:
        self._engine = engine
        self._key = key
        self._conn: Connection | None = None
        self.shared = engine.dialect.name == "postgresql"  # else: nothing to share, no lock

    @property
    def holding(self) -> bool:
        """True while this lock's session is kept open (as of the last check)."""
        return self._conn is not None

    def check_or_take(self) -> bool:
        """True if this session holds the lock now: still alive if it held it, or took it now."""
        try:
            if self._conn is not None:
                self._conn.execute(text("SELECT 1"))  # still alive: we still hold it
                return True
            conn = self._engine.connect()
            got = conn.execute(_TRY_LOCK, {"k": self._key}).scalar()
            conn.commit()
            if got:
                self._conn = conn
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
                # Let go now: a closed session drops the lock too, but only once the server has
                # noticed, so another instance asking at once could still be refused.
                conn.execute(_UNLOCK, {"k": self._key})
                conn.commit()
            except DBAPIError:
                pass  # the session is gone already, and the lock with it
            try:
                # close the session itself (not back to the pool), which drops the lock
                conn.invalidate()
                conn.close()
            except DBAPIError:
                pass
