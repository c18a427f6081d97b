"""Taking mail in: read a fetched batch, record it in one transaction, and say where each goes.

The database is the queue (DESIGN principle 2). A message is safe the moment its raw bytes
are committed, so a whole fetched batch is recorded at once and then moved on the server with
one command per folder; the slow part (triage, the case, the letters) runs afterwards from
those records, a batch per transaction with a savepoint per message (decide.py). A crash
between the two loses nothing: each pass first decides every record still marked 'received',
oldest first.

Reading (parsing) happens here rather than when deciding because the folder depends on it:
mail that is not an email goes to the quarantine folder with its bytes and the reason.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from enum import StrEnum
from datetime import datetime
from typing import Sequence

from sqlalchemy import Connection

from ..cases import AuditEvent
from ..decide_order import order_keys
from ..dedupe import dedupe_key, sniff_message_id
from ..document_reader import read_documents_later
from ..documents import OUTLOOK_MESSAGE, Reading, appended, to_read
from ..errors import MalformedMessage
from ..machine_mail import MailKind
from ..message import Inbound, parse_message
from ..routing import thread_ids
from ..store import audit, raw_mail
from ..store.raw_mail import MailboxCoordinates
from ..trimming import forwards
from .context import App, log


class Outcome(StrEnum):
    """What became of one message (a pass counts them; `quarantined` decides its folder)."""

    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"
    NEW_CASE = "new_case"
    FOLLOW_UP = "follow_up"
    HANDLER_REPLY = "handler_reply"
    IGNORED = "ignored"
    KEPT_FOR_PERSON = "kept_for_person"
    MISSING = "missing"


@dataclass(frozen=True)
class Received:
    """What happened to one message; `status` decides which folder it is moved to."""

    status: Outcome
    raw_id: int | None = None
    case_ref: str | None = None
    detail: str = ""

    @property
    def folder_kind(self) -> str:
        """Where the message goes on the server: quarantine for what a person must look at,
        processed for the rest."""
        return "quarantine" if self.status is Outcome.QUARANTINED else "processed"


def receipt_time(internaldate: datetime | None, msg: Inbound, now: datetime) -> datetime:
    """When the firm received a message: the server's INTERNALDATE, else the topmost Received
    header, else now (EMAIL.md rule 6: clocks start at receipt by the server, never at fetch).

    Never later than now: a date in the future cannot be the receipt (a server clock running
    ahead, an INTERNALDATE an IMAP APPEND chose, a forged Received line), and a clock started
    late would bring every regulatory deadline of the case late."""
    stated = internaldate or msg.received_at
    return min(stated, now) if stated is not None else now


@dataclass(frozen=True)
class Arrival:
    """Bytes as they came, with where they came from (None for mail handed in without a mailbox)."""

    raw: bytes = field(repr=False)
    where: MailboxCoordinates | None = None
    internaldate: datetime | None = None
    size: int | None = None  # the message's size on the server, when only its headers were fetched


@dataclass(frozen=True)
class Taken:
    """One arrival after take-in: either finished (duplicate, quarantined) or recorded and read,
    waiting for its decision."""

    arrival: Arrival
    raw_id: int | None
    msg: Inbound | None
    finished: Received | None = None

    @property
    def folder_kind(self) -> str:
        """Where the message goes on the server, once taken in: mail without a sender is
        quarantined as well, for a person."""
        if self.finished is not None:
            return self.finished.folder_kind
        # Mail without a sender is kept for a person (service/unusual.py): its folder says so too.
        return "quarantine" if self.msg is not None and not self.msg.from_addr else "processed"


def read(app: App, raw: bytes) -> Inbound:
    """The firm's reading of one message; MalformedMessage when it is not an email at all."""
    try:
        return parse_message(raw, own_addresses=app.own_addresses,
                             own_domain=app.config.firm.domain,
                             max_attachment_bytes=app.config.intake.max_attachment_bytes,
                             form_senders=app.config.intake.form_senders)
    except MalformedMessage:
        raise
    except Exception as exc:  # noqa: BLE001 - a parser bug quarantines, never stops intake
        log.exception("intake.read_failed", extra={"error": type(exc).__name__})
        raise MalformedMessage(f"could not be read ({type(exc).__name__})") from exc


def with_documents(app: App, msg: Inbound) -> Inbound:
    """A client's message with the text of the letters attached to it after its own (PDF, Word,
    OpenDocument, text, a scan or photograph: documents.py) and of the emails dragged into it
    (Outlook's .msg), for triage, the handler and the record; other mail as it is. Read when
    deciding, not when taking in: a slow file must not delay the commit that makes the mail
    safe."""
    return documents_ahead(app, msg).message()


class Ahead:
    """A message whose attached documents are being read on the reader's thread: a pass starts
    the reading once the batch is committed, and filing the batch away on the server and
    deciding the messages before this one run meanwhile (one message in ten carries a letter,
    and each took 5-25 ms of waiting for its child process)."""

    def __init__(self, msg: Inbound, passed: Sequence[Reading] = (),
                 reading: Future[list[Reading]] | None = None) -> None:
        self._msg, self._passed, self._reading = msg, list(passed), reading

    def message(self) -> Inbound:
        """The message with its documents' text, waiting for the reading if it is not done
        (each document's wall-clock limit bounds the wait)."""
        if self._reading is None and not self._passed:
            return self._msg
        readings = self._reading.result() if self._reading is not None else []
        log.info("intake.documents_read", extra={
            "read": sum(1 for r in readings if not r.problem and not r.picture_only),
            "unread": len(self._passed) + sum(1 for r in readings if r.problem)})
        return replace(self._msg, text=appended(self._msg.text, [*readings, *self._passed]))

    def cancel(self) -> None:
        """Not wanted after all (a stop, or another instance decided it): a reading still queued
        is dropped; one already running finishes within its limit."""
        if self._reading is not None:
            self._reading.cancel()


def documents_ahead(app: App, msg: Inbound) -> Ahead:
    """Start reading what with_documents reads, without waiting for it."""
    if not app.config.intake.read_documents or msg.kind is not MailKind.HUMAN or msg.is_own:
        return Ahead(msg)
    chosen, passed = to_read(msg.attachments)
    if msg.from_addr in app.handler_addresses and not forwards(msg.subject, msg.text):
        # A handler's answer: only an email dragged into it (Outlook's .msg) is read, since that
        # is how Outlook users forward a client's complaint. A forward's letters are all read.
        chosen, passed = [d for d in chosen if d.kind == OUTLOOK_MESSAGE], []
    if not chosen and not passed:
        return Ahead(msg)
    return Ahead(msg, passed, read_documents_later(chosen) if chosen else None)


def take_in(app: App, arrivals: Sequence[Arrival], *, now: datetime) -> list[Taken]:
    """Record every arrival in one transaction; nothing is decided yet."""
    readings: list[Inbound | MalformedMessage] = []
    limit = app.config.intake.max_message_bytes
    for arrival in arrivals:  # pure work, outside the transaction
        size = arrival.size or len(arrival.raw)
        if size > limit:
            # Kept for a person, never parsed, so it cannot cost unbounded memory. Fetched from
            # a mailbox, only its headers were downloaded: the message stays whole on the server.
            kept = ("its headers kept here, the message in the quarantine folder" if arrival.size
                    else "kept unread")
            readings.append(
                MalformedMessage(
                    f"larger than intake.max_message_bytes ({size:,} > {limit:,} bytes); "
                    f"{kept} for a person"))
            continue
        try:
            readings.append(read(app, arrival.raw))
        except MalformedMessage as exc:
            readings.append(exc)
    taken: list[Taken] = []
    emails = [r if isinstance(r, Inbound) else None for r in readings]
    with app.store.transaction() as conn:
        waiting = raw_mail.waiting_parties(
            conn, [mid for msg in emails if msg is not None for mid in thread_ids(msg)])
        parties = order_keys(emails, app.handler_addresses, waiting)
        for arrival, reading, party in zip(arrivals, readings, parties):
            sniffed = sniff_message_id(arrival.raw)
            key, content = dedupe_key(sniffed, arrival.raw)
            raw_id = raw_mail.record_raw(conn, raw=arrival.raw, dedupe_key=key,
                                         content_sha256=content, message_id=sniffed,
                                         where=arrival.where, internaldate=arrival.internaldate,
                                         now=now, order_key=party)
            if raw_id is None:
                log.info("intake.duplicate")
                taken.append(Taken(arrival, None, None, Received(Outcome.DUPLICATE)))
            elif isinstance(reading, MalformedMessage):
                taken.append(
                    Taken(arrival, raw_id, None, quarantine(conn, raw_id, reading.reason, now)))
            else:
                taken.append(Taken(arrival, raw_id, reading))
    return taken


def quarantine(conn: Connection, raw_id: int, reason: str, now: datetime) -> Received:
    """Keep the bytes for a person, with the reason; they stay out of every case."""
    raw_mail.add_quarantine(conn, raw_id, reason, now)
    audit.append(conn, [AuditEvent("intake.quarantined", None, "mailbot", now,
                                   {"raw_id": raw_id, "reason": reason})])
    log.warning("intake.quarantined", extra={"raw_id": raw_id, "reason": reason})
    return Received(Outcome.QUARANTINED, raw_id, detail=reason)
