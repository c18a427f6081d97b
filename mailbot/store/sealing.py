"""Encryption at rest for message content: raw mail, bodies, subjects, letters, audit details.

Each value is sealed with AES-256-GCM (`cryptography`'s AESGCM: an authenticated cipher, a
random 96-bit nonce per value) under a key derived with HKDF-SHA256 from the configured key.
Values sealed before 2026-12-07 are Fernet tokens (AES-128-CBC + HMAC-SHA256): still read, and
moved to the current form by `mailbot db rotate-key` (`rotate_all`). Fernet took 8.6-27 us to
seal a value of 40 B-5 KB (a new complaint seals 20-40), AESGCM takes 1.1-1.6 us
(tests/bench/bench_sealing.py). The configured keys stay Fernet keys
(`mailbot db new-key`), one per line, newest first: the newest seals, every listed key opens,
and each sealed value names its key by a 4-byte fingerprint. Columns that queries filter on
(references, addresses, states, dates) stay in clear by design.

A random nonce is safe for about 2^32 values under one key (NIST SP 800-38D, 8.3), which a
complaints inbox sealing a few dozen values a message does not approach before the key is
rotated.

The sealer travels with the engine (on its dialect), not in a global, so two stores with
different keys can live in one process.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, LargeBinary, MetaData, Table, select, type_coerce, update
from sqlalchemy.types import TypeDecorator

from ..errors import ConfigError

PREFIX = b"mbx2:"  # AES-256-GCM: key fingerprint (4 bytes), nonce (12), ciphertext and tag
FERNET_PREFIX = b"mbx1:"  # a Fernet token, as values were sealed before 2026-12-07
_FINGERPRINT = 4
_NONCE = 12
_WRONG_KEY = "database encryption key: it cannot decrypt stored data (wrong or missing key)"


class Sealer:
    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ConfigError(["database.encryption_key_env: no encryption key given"])
        try:
            fernets = [Fernet(k.strip()) for k in keys]
            raw = [base64.urlsafe_b64decode(k.strip()) for k in keys]
        except (ValueError, TypeError, binascii.Error):
            raise ConfigError([
                "database.encryption_key_file: not a Fernet key (make one with `mailbot db "
                "new-key`)"
            ]) from None
        self._fernet = MultiFernet(fernets)
        derived = [_derive(k) for k in raw]
        # Newest last, so it wins if two keys' 4-byte fingerprints ever coincide.
        self._ciphers = {_fingerprint(d): AESGCM(d) for d in reversed(derived)}
        self._newest = _fingerprint(derived[0])
        self._cipher = AESGCM(derived[0])

    def seal(self, data: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return PREFIX + self._newest + nonce + self._cipher.encrypt(nonce, data, None)

    def open(self, data: bytes) -> bytes:
        if data.startswith(PREFIX):
            return self._open_sealed(data)
        if not data.startswith(FERNET_PREFIX):
            return data  # written before encryption was on: readable, and rotate-key seals it
        try:
            return self._fernet.decrypt(data[len(FERNET_PREFIX):])
        except InvalidToken:
            raise ConfigError([_WRONG_KEY]) from None

    def _open_sealed(self, data: bytes) -> bytes:
        start = len(PREFIX)
        cipher = self._ciphers.get(data[start:start + _FINGERPRINT])
        nonce_at = start + _FINGERPRINT
        if cipher is None:
            raise ConfigError([_WRONG_KEY])
        try:
            return cipher.decrypt(data[nonce_at:nonce_at + _NONCE], data[nonce_at + _NONCE:],
                                  None)
        except InvalidTag:
            raise ConfigError([_WRONG_KEY + "; or the value was altered"]) from None

    def rotate(self, data: bytes) -> bytes:
        """The value sealed under the newest key in the current form (unchanged if it is)."""
        if data.startswith(PREFIX + self._newest):
            return data
        return self.seal(self.open(data))


def _derive(key: bytes) -> bytes:
    """The AES-256 key for a configured key: its 32 bytes through HKDF, bound to this use."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"mailbot sealing mbx2 aes-256-gcm").derive(key)


def _fingerprint(derived: bytes) -> bytes:
    """Which key sealed a value: 4 bytes of a hash of the derived key, never the key itself."""
    return hashlib.sha256(b"mailbot key fingerprint" + derived).digest()[:_FINGERPRINT]


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
        if sealer is None and value.startswith((PREFIX, FERNET_PREFIX)):
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
