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


# The columns many tables share, each with its size in one place.


def _id() -> Column[Any]:
    """The surrogate key of a table of records (letters, notes, events)."""
    return Column("id", Id, primary_key=True, autoincrement=True)


def _case(*, nullable: bool = False) -> Column[Any]:
    """The case a record belongs to (NULL allowed only where a record can stand without one)."""
    return Column("case_id", Id, ForeignKey("cases.id"), nullable=nullable)


def _address(name: str, *, nullable: bool = True) -> Column[Any]:
    """An email address: 320 characters, the most RFC 5321 allows (64 local + @ + 255 domain)."""
    return Column(name, String(320), nullable=nullable)


def _message_id(name: str, *, nullable: bool = True, unique: bool | None = None) -> Column[Any]:
    """A Message-ID as written in a header: up to 998 characters, RFC 5322's line limit."""
    return Column(name, String(998), nullable=nullable, unique=unique)


def _sha256(name: str, *, unique: bool | None = None) -> Column[Any]:
    """A SHA-256 in hex (64 characters), always present."""
    return Column(name, String(64), nullable=False, unique=unique)


def _done(verb: str) -> tuple[Column[Any], Column[Any]]:
    """When a step was taken and by whom (`approved_at`, `approved_by`): NULL until it is."""
    return Column(f"{verb}_at", UTCDateTime), _address(f"{verb}_by")


def _case_records(name: str, *columns: Any) -> Table:
    """A table of records that each belong to one case (its notes, letters, actions...)."""
    return Table(name, metadata, _id(), _case(), *columns)


def _signed() -> tuple[Column[Any], Column[Any]]:
    """Who wrote a record and when (`by`, `at`), for records that exist only once written."""
    return _address("by", nullable=False), Column("at", UTCDateTime, nullable=False)

raw_messages = Table(
    "raw_messages",
    metadata,
    _id(),
    _sha256("dedupe_key", unique=True),
    _message_id("message_id"),
    _sha256("content_sha256"),
    Column("mailbox", String(255)),
    Column("uidvalidity", BigInteger),
    Column("uid", BigInteger),
    Column("internaldate", UTCDateTime),
    Column("size", Integer, nullable=False),
    Column("raw", SealedBytes),  # None once purged under the retention policy
    Column("kind", String(32)),
    Column("status", String(32), nullable=False, default="received"),
    _case(nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    # Passes that began deciding this message and never finished (a crash, a kill for memory):
    # after a few, it is quarantined instead of being tried first on every pass forever.
    Column("decide_attempts", Integer, nullable=False, default=0, server_default="0"),
    # The party the message is about (decide_order.py): instances deciding side by side decide
    # one party's messages one at a time, oldest first. None: its own party.
    Column("order_key", BigInteger),
    Index(None, "message_id"),
    Index(None, "status"),  # 'received': taken in, not yet decided (the intake queue)
)

quarantine = Table(
    "quarantine",
    metadata,
    _id(),
    Column("raw_message_id", Id, ForeignKey("raw_messages.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime),
    Column("resolution", String(64)),
)

cases = Table(
    "cases",
    metadata,
    _id(),
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
    _address("client_address", nullable=False),
    Column("client_name", SealedText),  # migration 0015: sealed, personal data
    _address("handler_email"),
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
    Column("learning", SealedText),  # a handler's words (sealed since 0015)
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # Migration 0011: who decided whether it is a complaint (NULL: triage only), who complains,
    # how it reached the firm, the FCA time-limit waiver, and why it was closed early.
    _address("complaint_decided_by"),
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
case_notes = _case_records(
    "case_notes",
    Column("kind", String(32), nullable=False),  # note, rejection, close, adjustments, breach...
    Column("body", SealedText),  # NULL once purged under the retention policy
    _sha256("body_sha256"),
    *_signed(),
    Index(None, "case_id"),
)

# Corrective actions (issue 19): what the firm will change because of a complaint, who owns it and
# by when. Owners are reminded; once done, someone says whether it worked.
corrective_actions = _case_records(
    "corrective_actions",
    Column("text", SealedText, nullable=False),
    _address("owner", nullable=False),
    Column("due_on", Date, nullable=False),
    Column("category", String(64)),  # the case's category and root cause when the action was made
    Column("root_cause", String(255)),
    Column("status", String(16), nullable=False),  # open | done
    _address("created_by", nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("reminded", String(32)),  # the last reminder level sent to the owner (duty_clocks.py)
    Column("reminded_at", UTCDateTime),
    *_done("done"),
    Column("worked", String(8)),  # yes | no; NULL: not yet known
    *_done("worked"),
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

case_messages = _case_records(
    "case_messages",
    Column("direction", String(8), nullable=False),  # "in" | "out"
    Column("kind", String(32), nullable=False),  # human, auto_reply, bounce, letter kind...
    _message_id("message_id"),
    Column("raw_message_id", Id, ForeignKey("raw_messages.id")),
    Column("outbox_id", Id, ForeignKey("outbox.id")),
    _address("from_addr"),
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
    _id(),
    _case(nullable=True),
    Column("kind", String(32), nullable=False),
    # draft, approved, sent, failed, rejected, superseded
    Column("status", String(16), nullable=False),
    Column("requires_approval", Boolean, nullable=False),
    _address("handler_email"),
    _address("sender", nullable=False),  # envelope sender (VERP for client letters)
    Column("recipients", JSON, nullable=False),
    _message_id("message_id", nullable=False, unique=True),
    Column("subject", SealedText, nullable=False),
    Column("body_text", SealedText, nullable=False),
    Column("body_html", SealedText),
    Column("edit_diff", SealedText),  # the handler's changes; the audit event holds its sha256
    _message_id("in_reply_to"),
    Column("references", JSON, nullable=False, default=list),
    _address("reply_to", nullable=False),
    Column("auto_submitted", String(32), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    *_done("approved"),
    Column("sent_at", UTCDateTime),
    Index(None, "status", "next_attempt_at"),
    Index(None, "kind", "created_at"),
    # a case's letters: its drafts, its client's acknowledgements
    Index(None, "case_id", "kind", "created_at"),
)

approval_tokens = Table(
    "approval_tokens",
    metadata,
    _id(),
    Column("outbox_id", Id, ForeignKey("outbox.id"), nullable=False),
    _address("handler_email", nullable=False),
    _sha256("token_sha256", unique=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    # The approval request that carried the token (a reply must answer it) and the nonce of
    # its draft markers; NULL for tokens issued before migration 0010 (approve only, no edits).
    _message_id("request_message_id"),
    Column("marker", String(16)),
    Index(None, "request_message_id"),
)

audit_events = Table(
    "audit_events",
    metadata,
    _id(),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("case_ref", String(32)),
    _address("actor", nullable=False),
    Column("detail", SealedJSON, nullable=False),
    _sha256("prev_hash", unique=True),  # unique: the chain cannot fork
    _sha256("hash", unique=True),
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

reminders_fired = _case_records(
    "reminders_fired",
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

corrections = _case_records(
    "corrections",
    Column("field", String(32), nullable=False),
    Column("old_value", String(64)),
    Column("new_value", String(64), nullable=False),
    *_signed(),
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
    _address("complaints_address", nullable=False),
    Column("key_check", SealedBytes, nullable=False),  # a known value sealed with the key in use
    Column("created_at", UTCDateTime, nullable=False),
)
