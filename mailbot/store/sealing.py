"""Encryption at rest for message content: raw mail, bodies, subjects, letters, audit details.

Fernet (AES-128-CBC + HMAC-SHA256, from the `cryptography` package) rather than anything
hand-made; MultiFernet so a key can be rotated: the newest key encrypts, every listed key
decrypts, and `mailbot db rotate-key` re-encrypts old values (`rotate_all`). Columns that
queries filter on (references, addresses, states, dates) stay in clear by design.

The sealer travels with the engine (on its dialect), not in a global, so two stores with
different keys can live in one process.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Connection, LargeBinary, MetaData, Table, select, type_coerce, update
from sqlalchemy.types import TypeDecorator

from ..errors import ConfigError

PREFIX = b"mbx1:"


class Sealer:
    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ConfigError(["database.encryption_key_env: no encryption key given"])
        try:
            self._fernet = MultiFernet([Fernet(k.strip()) for k in keys])
        except (ValueError, TypeError):
            raise ConfigError([
                "database.encryption_key_file: not a Fernet key (make one with `mailbot db "
                "new-key`)"
            ]) from None

    def seal(self, data: bytes) -> bytes:
        return PREFIX + self._fernet.encrypt(data)

    def open(self, data: bytes) -> bytes:
        if not data.startswith(PREFIX):
            return data  # written before encryption was on: readable, and rotate-key seals it
        try:
            return self._fernet.decrypt(data[len(PREFIX):])
        except InvalidToken:
            raise ConfigError([
                "database encryption key: it cannot decrypt stored data (wrong or missing key)"
            ]) from None

    def rotate(self, data: bytes) -> bytes:
        if not data.startswith(PREFIX):
            return self.seal(data)
        return PREFIX + self._fernet.rotate(data[len(PREFIX):])


def new_key() -> str:
    return Fernet.generate_key().decode()


def read_keys(text: str) -> list[bytes]:
    """One key per line, newest first; blank lines and # comments ignored."""
    return [
        line.strip().encode() for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def load_sealer(*, key_env: str | None, key_file: str | None, data_dir: Path,
                shared_database: bool = False) -> Sealer:
    """The configured key, or (embedded default) a key file created beside the database.

    A shared database (PostgreSQL, several instances) needs a configured key: a key made up by
    one instance would leave the others unable to read what it wrote.
    """
    if shared_database and not (key_env or key_file):
        raise ConfigError([
            "database.encryption_key_env: a PostgreSQL database needs a configured key "
            "(set encryption_key_env or encryption_key_file; make one with `mailbot db new-key`)"
        ])
    if key_env:
        value = os.environ.get(key_env)
        if not value:
            raise ConfigError(
                [f"database.encryption_key_env: environment variable {key_env} is not set"])
        return Sealer(read_keys(value.replace(",", "\n")))
    path = Path(key_file) if key_file else data_dir / "mailbot.key"
    if not path.exists():
        if key_file:
            raise ConfigError([
                f"database.encryption_key_file: {path} does not exist (make one with `mailbot db "
                "new-key`)"
            ])
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(
                "# mailbot data key: back it up apart from the database; without it the mail "
                "cannot be read\n"
            )
            handle.write(new_key() + "\n")
    return Sealer(read_keys(path.read_text()))


def _sealer(dialect: Any) -> Sealer | None:
    return getattr(dialect, "mailbot_sealer", None)


class SealedBytes(TypeDecorator[bytes]):
    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect: Any) -> bytes | None:
        sealer = _sealer(dialect)
        return sealer.seal(value) if (sealer and value is not None) else value

    def process_result_value(self, value: bytes | None, dialect: Any) -> bytes | None:
        if value is None:
            return None
        value = bytes(value)
        sealer = _sealer(dialect)
        if sealer is None and value.startswith(PREFIX):
            raise ConfigError(["database: stored data is encrypted but no key was given"])
        return sealer.open(value) if sealer else value


class SealedText(TypeDecorator[str]):
    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> bytes | None:
        return SealedBytes().process_bind_param(value.encode() if value is not None else None,
                                                dialect)

    def process_result_value(self, value: bytes | None, dialect: Any) -> str | None:
        raw = SealedBytes().process_result_value(value, dialect)
        return raw.decode() if raw is not None else None


class SealedJSON(TypeDecorator[Any]):
    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> bytes | None:
        if value is None:
            return None
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
        return SealedBytes().process_bind_param(text.encode(), dialect)

    def process_result_value(self, value: bytes | None, dialect: Any) -> Any:
        raw = SealedBytes().process_result_value(value, dialect)
        return json.loads(raw) if raw is not None else None


def sealed_columns(schema: MetaData) -> list[tuple[Table, str]]:
    """Every column stored sealed, found by its type: a column added with a sealed type is
    rotated without anyone listing it."""
    return [(table, column.name) for table in schema.sorted_tables for column in table.c
            if isinstance(column.type, (SealedBytes, SealedText, SealedJSON))]


def rotate_all(conn: Connection, sealer: Sealer, schema: MetaData | None = None) -> int:
    """Re-encrypt every sealed value of the schema (by default mailbot's) with the sealer's newest
    key, in the caller's transaction; returns how many values.

    Values go through as the bytes stored (type_coerce to LargeBinary), never as the column's
    type, so the engine's own sealer takes no part. The audit trail's append-only trigger is off
    meanwhile: event details are sealed too, and the chain's hashes cover the plain detail, so
    a re-encrypted event still verifies.
    """
    # Imported here: both import this module's column types.
    from .audit import append_only_suspended
    from .tables import metadata

    done = 0
    with append_only_suspended(conn):
        for table, column in sealed_columns(schema if schema is not None else metadata):
            col = type_coerce(table.c[column], LargeBinary)
            (key,) = table.primary_key.columns
            present = select(key, col).where(table.c[column].is_not(None))
            for row_id, value in conn.execute(present):
                sealed = type_coerce(sealer.rotate(bytes(value)), LargeBinary)
                conn.execute(update(table).where(key == row_id).values({column: sealed}))
                done += 1
    return done
