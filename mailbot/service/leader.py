"""Who polls and ticks when several instances share one PostgreSQL database.

Exactly one instance holds a session-level advisory lock on a connection it keeps open; it
runs intake, the deadline tick and the digest. If it dies, PostgreSQL drops its session and
the lock with it, and another instance takes over at its next try. The outbox needs no
leader: rows are claimed one by one (see sending.py). On SQLite there is one instance by
design, so it always leads.
"""

from __future__ import annotations

from ..store import Store
from ..store.leader_lock import SessionLock
from .context import log

LEADER_KEY = 0x6D62_6C65_6164  # 'mblead'


class LeaderLock:
    def __init__(self, store: Store) -> None:
        self._lock = SessionLock(store.engine, LEADER_KEY)
        self.shared = self._lock.shared

    def held(self) -> bool:
        """True if this instance leads now (taking the lock if it is free)."""
        if not self.shared:
            return True
        was_holding = self._lock.holding
        if not self._lock.check_or_take():
            return False
        if not was_holding:
            log.info("leader.acquired")
        return True

    def release(self) -> None:
        self._lock.release()
