"""Building the SQLAlchemy engine: SQLite embedded by default, PostgreSQL for several instances."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from .sealing import Sealer


def make_engine(url: str, *, sealer: Sealer | None = None, **kwargs: Any) -> Engine:
    """Create the engine; SQLite gets WAL, foreign keys and a busy timeout so a second reader never
    fails.

    With a sealer, message content is encrypted at rest (see sealing.py); without one it is
    stored as given, which only tests and the offline tools use.
    """
    engine = _create(url, **kwargs)
    # A column type is handed only the dialect (sealing.SealedText), so the sealer rides on it;
    # SQLAlchemy's Dialect declares no such attribute.
    engine.dialect.mailbot_sealer = sealer  # type: ignore[attr-defined]
    return engine


def _private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600) before SQLite does (0644 under
    the usual umask): it holds the complaints register. Its -wal and -shm files follow its mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _create(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.drivername.startswith("postgresql") and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database))
        engine = create_engine(parsed, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            # Checkpoint the WAL every ~40 MB rather than every 4 MB: a tick or an intake burst
            # commits often, and each checkpoint rewrites pages into the database file.
            cur.execute("PRAGMA wal_autocheckpoint=10000")
            cur.close()

        return engine
    return create_engine(parsed, pool_pre_ping=True, **kwargs)
