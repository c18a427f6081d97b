"""Locks on the parties of the decide queue, one PostgreSQL session-level advisory lock each.

Held on a connection of their own (autocommit, so no transaction stays open while the messages
are read and decided on another), from before the records are read until they are decided: an
instance that dies drops them with its session. On SQLite there is one instance, so every lock
is granted at once. Keys are mixed with the schema's name (advisory.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from ..errors import MailbotError
from .advisory import key_of

# Party keys are hashes spread over the whole bigint range; xor with a constant of their own keeps
# them off the leader's and the audit chain's fixed keys (meeting one is as unlikely as two
# addresses' hashes meeting, and would only make two holders wait for each other).
_NAMESPACE = 0x6D62_7061_7274  # 'mbpart'
# One statement for a round's parties rather than a round trip each (two per message decided).
# The function runs once per key, in the keys' order, and says which it got.
_KEY = key_of("k")
_TRY = text(f"SELECT k FROM unnest(CAST(:keys AS bigint[])) WITH ORDINALITY AS t(k, i)"
            f" WHERE pg_try_advisory_lock({_KEY} # CAST(:ns AS bigint)) ORDER BY i")
_UNLOCK = text(f"SELECT count(pg_advisory_unlock({_KEY} # CAST(:ns AS bigint)))"
               f" FROM unnest(CAST(:keys AS bigint[])) AS t(k)")


class PartyLocks:
    """The parties this instance is deciding now."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None
        self._held: list[int] = []
        self.shared = engine.dialect.name == "postgresql"

    def take(self, parties: Sequence[int], *, most: int) -> list[int]:
        """Lock up to `most` of these parties, skipping any another instance holds; in order."""
        if not self.shared:
            taken = list(parties[:most])
        else:
            conn = self._connection()
            taken = []
            rest = list(parties)
            # Ask for no more than are still wanted (whatever is granted stays held), again
            # further down the list when some were held elsewhere.
            while rest and len(taken) < most:
                wanted = most - len(taken)
                ask, rest = rest[:wanted], rest[wanted:]
                got = conn.execute(_TRY, {"keys": ask, "ns": _NAMESPACE}).scalars()
                taken += [int(key) for key in got]
        self._held.extend(taken)
        return taken

    def release(self) -> None:
        """Let every party go (the records were decided, or are left for the next try)."""
        held, self._held = self._held, []
        if self._conn is not None and held:
            self._conn.execute(_UNLOCK, {"keys": held, "ns": _NAMESPACE})

    def close(self) -> None:
        """Let go and end the session; if the database fails meanwhile, drop the connection,
        which ends the session and every lock left with it."""
        conn = self._conn
        try:
            self.release()
        except DBAPIError:
            if conn is not None:
                conn.invalidate()
        finally:
            self._conn = None
            if conn is not None:
                conn.close()

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self._conn


@contextmanager
def party_locked(engine: Engine, parties: Sequence[int], *,
                 wait_seconds: float = 30.0) -> Iterator[None]:
    """Hold every one of these parties for the block (one message decided outside the queue,
    such as a quarantine retry), waiting while another instance decides one of them."""
    locks = PartyLocks(engine)
    deadline = time.monotonic() + wait_seconds
    try:
        while len(locks.take(parties, most=len(parties))) < len(parties):
            locks.release()
            if time.monotonic() > deadline:
                raise MailbotError(
                    f"another instance has been deciding this client's mail for over "
                    f"{wait_seconds:.0f} s; try again in a minute")
            time.sleep(0.2)
        yield
    finally:
        locks.close()
