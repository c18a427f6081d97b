"""Key rotation re-encrypts every sealed column, also those added since its code was written."""

from __future__ import annotations

from mailbot.store.sealing import SealedText, sealed_columns
from mailbot.store.tables import cases, metadata

# Every column mailbot stores sealed today; a new one must be added here on purpose.
KNOWN = {
    ("audit_events", "detail"), ("case_messages", "body"), ("case_messages", "subject"),
    ("case_notes", "body"), ("cases", "client_name"), ("cases", "close_reason"), ("cases", "escalated"),
    ("cases", "learning"),
    ("cases", "flags"), ("cases", "subject"), ("cases", "suggestion"),
    ("corrective_actions", "text"), ("installation", "key_check"),
    ("links", "blocked_fingerprint"), ("outbox", "body_html"), ("outbox", "body_text"),
    ("outbox", "edit_diff"), ("outbox", "subject"), ("raw_messages", "raw"),
}


def test_rotation_finds_every_sealed_column_of_the_schema_by_its_type() -> None:
    found = {(table.name, column) for table, column in sealed_columns(metadata)}
    assert found == KNOWN
    # The case's triage flags and reasons (migration 0010) and the handler's reason for closing
    # (migration 0011) are sealed: a rotation that skipped them would leave them under an old key.
    assert isinstance(cases.c.close_reason.type, SealedText)
