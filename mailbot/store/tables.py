"""The schema, in SQLAlchemy Core: one place to read what mailbot keeps.

Alembic migrations in mailbot/migrations create exactly these tables; a test compares them.
Every timestamp is stored in UTC and comes back timezone-aware, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

from .sealing import SealedBytes, SealedJSON, SealedText

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Refuses naive datetimes and always returns aware UTC ones (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Refuse a naive datetime and store UTC: a time without a zone would silently move
        deadlines."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC datetime")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Always an aware UTC datetime back, also from SQLite, which keeps no zone."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


Id = BigInteger().with_variant(Integer(), "sqlite")

raw_messages = Table(
    "raw_messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("dedupe_key", String(64), nullable=False, unique=True),
    Column("message_id", String(998)),
    Column("content_sha256", String(64), nullable=False),
    Column("mailbox", String(255)),
    Column("uidvalidity", BigInteger),
    Column("uid", BigInteger),
    Column("internaldate", UTCDateTime),
    Column("size", Integer, nullable=False),
    Column("raw", SealedBytes),  # None once purged under the retention policy
    Column("kind", String(32)),
    Column("status", String(32), nullable=False, default="received"),
    Column("case_id", Id, ForeignKey("cases.id")),
    Column("created_at", UTCDateTime, nullable=False),
    # Passes that began deciding this message and never finished (a crash, a kill for memory):
    # after a few, it is quarantined instead of being tried first on every pass forever.
    Column("decide_attempts", Integer, nullable=False, default=0, server_default="0"),
    Index(None, "message_id"),
    Index(None, "status"),  # 'received': taken in, not yet decided (the intake queue)
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("raw_message_id", Id, ForeignKey("raw_messages.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime),
    Column("resolution", String(64)),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ref", String(32), nullable=False, unique=True),
    Column("state", String(32), nullable=False),
    Column("category", String(64)),
    Column("secondary_categories", JSON, nullable=False, default=list),
    Column("urgency", String(16)),
    Column("is_complaint", Boolean),
    # sealed: a vulnerability or safeguarding flag is special-category data
    Column("flags", SealedJSON),
    # the triage suggestion with its reasons, as shown to the handler
    Column("suggestion", SealedJSON),
    Column("client_address", String(320), nullable=False),
    Column("client_name", String(255)),
    Column("handler_email", String(320)),
    Column("subject", SealedText),
    Column("profile", String(32), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("acknowledged_at", UTCDateTime),
    Column("responded_at", UTCDateTime),
    Column("closed_at", UTCDateTime),
    Column("last_client_letter_at", UTCDateTime),
    Column("awaiting_client_since", UTCDateTime),
    Column("legal_hold", Boolean, nullable=False, default=False),
    # content removed under the retention policy; the register entry stays
    Column("purged_at", UTCDateTime),
    Column("person_complained_about", String(255)),
    Column("root_cause", String(255)),
    Column("outcome", String(32)),
    Column("redress", String(64)),
    Column("learning", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # Migration 0011: who decided whether it is a complaint (NULL: triage only), who complains,
    # how it reached the firm, the FCA time-limit waiver, and why it was closed early.
    Column("complaint_decided_by", String(320)),
    Column("complaint_decided_at", UTCDateTime),
    Column("complainant", String(16), nullable=False, default="client", server_default="client"),
    Column("channel", String(16), nullable=False, default="email", server_default="email"),
    Column("waive_time_limits", Boolean),
    Column("close_reason", SealedText),
    # Migration 0013 (issue 19). The register's own fields (F19): the area of law (set by a
    # handler or read from the matter, never from the category) and whether the complainant
    # accepted our answer, apart from whether the case is finished; reasonable adjustments (F24).
    Column("area_of_law", String(32)),
    Column("resolved", String(8)),  # yes: the complainant accepted; no: did not; NULL: unknown
    Column("adjustments", String(16)),  # offered | declined | not_needed; NULL: not recorded
    # Active listening: the first substantive letter restated the complaint (its outbox id).
    Column("understanding_letter_id", Id),
    Column("understanding_sent_at", UTCDateTime),
    # A subject access request's one-month clock (UK GDPR Art 12(3)); due may be extended.
    Column("sar_received_at", UTCDateTime),
    Column("sar_due_at", UTCDateTime),
    Column("sar_done_at", UTCDateTime),
    # A personal-data breach: the 72 hours to decide whether to notify the ICO (Art 33) run
    # from when the firm became aware; the decision, when made.
    Column("breach_aware_at", UTCDateTime),
    Column("breach_decided_at", UTCDateTime),
    Column("breach_notifiable", Boolean),
    Column("escalated", SealedJSON),  # the triggers compliance and the partner were alerted for
    # open cases per handler (assignment), read from this index alone (migration 0014)
    Index(None, "state", "handler_email"),
    Index(None, "client_address"),
    Index(None, "updated_at"),
    # a handler's cases by state (SQLite does not choose it for the open load above)
    Index(None, "handler_email", "state"),
)

# Free text a person wrote about a case (notes, rejection reasons, why adjustments were declined,
# a breach decision): here, where retention can purge it with the case, while the permanent audit
# trail keeps only its SHA-256 (review F15), as it does for edit diffs.
case_notes = Table(
    "case_notes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False),
    Column("kind", String(32), nullable=False),  # note, rejection, close, adjustments, breach...
    Column("body", SealedText),  # NULL once purged under the retention policy
    Column("body_sha256", String(64), nullable=False),
    Column("by", String(320), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index(None, "case_id"),
)

# Corrective actions (issue 19): what the firm will change because of a complaint, who owns it and
# by when. Owners are reminded; once done, someone says whether it worked.
corrective_actions = Table(
    "corrective_actions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False),
    Column("text", SealedText, nullable=False),
    Column("owner", String(320), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("category", String(64)),  # the case's category and root cause when the action was made
    Column("root_cause", String(255)),
    Column("status", String(16), nullable=False),  # open | done
    Column("created_by", String(320), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("reminded", String(32)),  # the last reminder level sent to the owner (duty_clocks.py)
    Column("reminded_at", UTCDateTime),
    Column("done_at", UTCDateTime),
    Column("done_by", String(320)),
    Column("worked", String(8)),  # yes | no; NULL: not yet known
    Column("worked_at", UTCDateTime),
    Column("worked_by", String(320)),
    Index(None, "status"),
    Index(None, "case_id"),
)

# Derived by the deadline tick (service/tick.py): when a case's clocks can next produce an action.
# NULL: look at the case at the next tick. A narrow table of its own, because a tick stores
# thousands of these, and a case row is wide and heavily indexed. Every case has its row: a
# trigger (migration 0009) adds it when the case is inserted, by mailbot or anyone else.
case_checks = Table(
    "case_checks",
    metadata,
    Column("case_id", Id, ForeignKey("cases.id"), primary_key=True),
    Column("next_check_at", UTCDateTime),
    Index(None, "next_check_at"),
)

case_messages = Table(
    "case_messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False),
    Column("direction", String(8), nullable=False),  # "in" | "out"
    Column("kind", String(32), nullable=False),  # human, auto_reply, bounce, letter kind...
    Column("message_id", String(998)),
    Column("raw_message_id", Id, ForeignKey("raw_messages.id")),
    Column("outbox_id", Id, ForeignKey("outbox.id")),
    Column("from_addr", String(320)),
    Column("subject", SealedText),
    Column("body", SealedText),  # full text; purged under retention
    Column("at", UTCDateTime, nullable=False),
    Index(None, "message_id"),
    Index(None, "case_id"),
)

ref_counters = Table(
    "ref_counters",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last", Integer, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", Id, ForeignKey("cases.id")),
    Column("kind", String(32), nullable=False),
    # draft, approved, sent, failed, rejected, superseded
    Column("status", String(16), nullable=False),
    Column("requires_approval", Boolean, nullable=False),
    Column("handler_email", String(320)),
    Column("sender", String(320), nullable=False),  # envelope sender (VERP for client letters)
    Column("recipients", JSON, nullable=False),
    Column("message_id", String(998), nullable=False, unique=True),
    Column("subject", SealedText, nullable=False),
    Column("body_text", SealedText, nullable=False),
    Column("body_html", SealedText),
    Column("edit_diff", SealedText),  # the handler's changes; the audit event holds its sha256
    Column("in_reply_to", String(998)),
    Column("references", JSON, nullable=False, default=list),
    Column("reply_to", String(320), nullable=False),
    Column("auto_submitted", String(32), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("approved_at", UTCDateTime),
    Column("approved_by", String(320)),
    Column("sent_at", UTCDateTime),
    Index(None, "status", "next_attempt_at"),
    Index(None, "kind", "created_at"),
    # a case's letters: its drafts, its client's acknowledgements
    Index(None, "case_id", "kind", "created_at"),
)

approval_tokens = Table(
    "approval_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("outbox_id", Id, ForeignKey("outbox.id"), nullable=False),
    Column("handler_email", String(320), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    # The approval request that carried the token (a reply must answer it) and the nonce of
    # its draft markers; NULL for tokens issued before migration 0010 (approve only, no edits).
    Column("request_message_id", String(998)),
    Column("marker", String(16)),
    Index(None, "request_message_id"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("case_ref", String(32)),
    Column("actor", String(320), nullable=False),
    Column("detail", SealedJSON, nullable=False),
    Column("prev_hash", String(64), nullable=False, unique=True),  # unique: the chain cannot fork
    Column("hash", String(64), nullable=False, unique=True),
    Index(None, "case_ref"),
    # a case's levels are found in the batch events of the ticks that recorded them
    Index(None, "at"),
)

watermarks = Table(
    "watermarks",
    metadata,
    Column("mailbox", String(255), primary_key=True),
    Column("uidvalidity", BigInteger, nullable=False),
    Column("last_uid", BigInteger, nullable=False),
    Column("last_success_at", UTCDateTime),
)

reminders_fired = Table(
    "reminders_fired",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False),
    Column("key", String(64), nullable=False),
    Column("fired_at", UTCDateTime, nullable=False),
    # What the level queues for the letters step (service/deadline_letters.py): a reminder line
    # (notice_status 'pending' until it is in a reminder letter: 'sent'), and for some levels a
    # draft (draft_status 'pending' until written: 'drafted', or 'skipped' if no longer needed).
    # NULL: nothing queued (nobody to tell, no draft; or recorded before migration 0007).
    Column("due_at", UTCDateTime),
    Column("detail", String(300)),  # dates and clocks only, never the complaint's words
    Column("notice_status", String(16)),
    Column("draft_kind", String(32)),
    Column("draft_status", String(16)),
    UniqueConstraint("case_id", "key"),
    Index(None, "notice_status"),
    Index(None, "draft_status"),
)

corrections = Table(
    "corrections",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False),
    Column("field", String(32), nullable=False),
    Column("old_value", String(64)),
    Column("new_value", String(64), nullable=False),
    Column("by", String(320), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

tick_state = Table(
    "tick_state",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
)

# One row per link to a mail server (the IMAP mailbox, the SMTP relay): the reconnect policy's
# state (mailbot/reconnect.py), shared by every job and instance and shown by `mailbot status`.
links = Table(
    "links",
    metadata,
    Column("name", String(255), primary_key=True),  # imap:user@host/INBOX, smtp:host:port
    Column("protocol", String(8), nullable=False),
    Column("status", String(16), nullable=False),  # ok | failing | blocked
    Column("failures", Integer, nullable=False, default=0),
    Column("first_failure_at", UTCDateTime),
    Column("last_error", Text),
    Column("last_fix", Text),
    Column("last_error_kind", String(16)),
    Column("last_error_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("retry_after", UTCDateTime),
    Column("blocked_fingerprint", SealedText),  # of the refused credentials; sealed, never in clear
    Column("alerted_at", UTCDateTime),
)

# Who this database belongs to, written when it is first used: mailbot refuses to start with a
# key that cannot read it or for another firm's complaints address (cli/wiring.py).
installation = Table(
    "installation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("complaints_address", String(320), nullable=False),
    Column("key_check", SealedBytes, nullable=False),  # a known value sealed with the key in use
    Column("created_at", UTCDateTime, nullable=False),
)
