"""Key rotation re-encrypts every sealed column, also those added since its list was written."""

from __future__ import annotations

from mailbot.cli.operations import SEALED
from mailbot.store.sealing import SealedBytes, SealedJSON, SealedText
from mailbot.store.tables import cases, metadata


def test_rotation_covers_every_sealed_column_of_the_schema() -> None:
    rotated = {(table.name, column) for table, column in SEALED}
    sealed = {(t.name, c.name) for t in metadata.sorted_tables for c in t.c
              if isinstance(c.type, (SealedBytes, SealedText, SealedJSON))}
    assert rotated == sealed
    # The case's triage flags and reasons (migration 0010) and the handler's reason for closing
    # (migration 0011) are sealed: a rotation that skipped them would leave them under an old key.
    assert {("cases", "flags"), ("cases", "suggestion"), ("cases", "close_reason")} <= rotated
    assert isinstance(cases.c.close_reason.type, SealedText)
