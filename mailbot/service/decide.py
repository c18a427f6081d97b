"""Deciding about mail already taken in: route and apply, a batch of messages per transaction.

record.py has recorded the bytes; here each record is routed (new complaint, follow-up,
handler reply, ignore) and applied with its case change, letters and audit events. The record
is claimed in the transaction that applies it, so a message is decided exactly once even when a
crash or a second pass comes in between; whatever is left 'received' is decided at the start
of the next pass, one message per transaction (`decide`).

A pass decides a fetched batch MAX_BATCH messages per transaction (`decide_batch`), each
message inside its own savepoint: a message that fails is rolled back to it and quarantined,
and the rest go on. A fault of the firm's setup or of the database rolls the whole transaction
back; its records stay 'received' for the next pass. Later messages of a batch see the cases
earlier ones opened (a new client's second message is a follow-up of the first), as they would
one transaction later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Mapping, Sequence

from sqlalchemy import Connection

from .. import marks, routing
from ..decide_order import order_key
from ..errors import ConfigError, MalformedMessage
from ..machine_mail import MailKind
from ..message import Inbound
from ..records import Case
from ..triage import Prediction
from ..store import DATABASE_FAULT, casebook, raw_mail
from ..store import outbox as outbox_q
from ..store.party_locks import party_locked
from ..store.raw_mail import MailboxCoordinates
from ..trust import token_hash
from .complaints import follow_up, ignored, new_complaint, triage_text
from .forwarded_by_staff import client_mail_forwarded, open_forwarded
from .context import App, log
from .handler_replies import handler_reply
from .record import (Arrival, Outcome, Received, quarantine, read, receipt_time, take_in,
                     with_documents)
from .unusual import no_sender, staff_message

__all__ = ["Pending", "Received", "decide", "decide_batch", "decide_undecided", "receive",
           "reprocess"]

MAX_LEFTOVER_ATTEMPTS = 2  # after the pass that took it in, a record gets this many more tries
# Messages decided in one transaction: it holds the write lock (SQLite) and the audit chain's
# lock (PostgreSQL) until it commits, so other writers wait at most this many decisions. Below
# 64, too: each message's savepoint is a PostgreSQL subtransaction, and past 64 in one
# transaction every other session's snapshot must look them up on disk (pg_subtrans).
MAX_BATCH = 50


def receive(app: App, raw: bytes, *, now: datetime, where: MailboxCoordinates | None = None,
            internaldate: datetime | None = None) -> Received:
    """One message, start to finish: taken in, then decided (a pass does the same per batch)."""
    (taken,) = take_in(app, [Arrival(raw, where, internaldate)], now=now)
    if taken.finished is not None or taken.raw_id is None or taken.msg is None:
        return taken.finished or Received(Outcome.DUPLICATE)
    return decide(app, taken.raw_id, with_documents(app, taken.msg),
                  received_at=receipt_time(internaldate, taken.msg, now), now=now)


def decide(app: App, raw_id: int, msg: Inbound, *, received_at: datetime, now: datetime,
           predicted: Mapping[str, Prediction] | None = None) -> Received:
    """Route and apply one recorded message; a failure quarantines it instead of stopping intake."""
    try:
        with app.store.transaction() as conn:
            result = _claim_and_apply(conn, app, Pending(raw_id, msg, received_at), now=now,
                                      predicted=predicted)
    except (ConfigError, DATABASE_FAULT):
        raise  # the firm's setup or the database is at fault, not this message: stop the pass
    except Exception as exc:  # noqa: BLE001
        # a poison message must not stop intake: keep it for a person
        with app.store.transaction() as conn:
            return quarantine(conn, raw_id, _failed(exc), now)
    _log_decided(result)
    return result


@dataclass(frozen=True)
class Pending:
    """A message recorded and read, waiting for its decision."""

    raw_id: int
    msg: Inbound
    received_at: datetime


def decide_batch(app: App, pending: Sequence[Pending], *, now: Callable[[], datetime],
                 should_stop: Callable[[], bool] = lambda: False,
                 predicted: Mapping[str, Prediction] | None = None) -> list[Received]:
    """Decide a fetched batch, MAX_BATCH messages per transaction; a stop between two messages
    commits those decided and leaves the rest 'received' for the next pass.

    A transaction per message spent most of its time on what every transaction pays (the
    commit, the audit chain's head and lock); the savepoint keeps a poison message's damage to
    itself. ConfigError and a database fault are raised, with the transaction rolled back.
    """
    results: list[Received] = []
    for start in range(0, len(pending), MAX_BATCH):
        chunk: list[Received] = []
        with app.store.batch_transaction() as conn:
            for item in pending[start:start + MAX_BATCH]:
                if should_stop():
                    break
                chunk.append(_decide_in_savepoint(conn, app, item, now=now(),
                                                  predicted=predicted))
        for result in chunk:
            _log_decided(result)
        results.extend(chunk)
        if len(chunk) < len(pending[start:start + MAX_BATCH]):
            break
    return results


def _decide_in_savepoint(conn: Connection, app: App, item: Pending, *, now: datetime,
                         predicted: Mapping[str, Prediction] | None) -> Received:
    """One message of a batch: applied, or rolled back to its savepoint and quarantined."""
    try:
        with conn.begin_nested():
            return _claim_and_apply(conn, app, item, now=now, predicted=predicted)
    except (ConfigError, DATABASE_FAULT):
        raise
    except Exception as exc:  # noqa: BLE001 - as in decide(): kept for a person, intake goes on
        return quarantine(conn, item.raw_id, _failed(exc), now)


def _claim_and_apply(conn: Connection, app: App, item: Pending, *, now: datetime,
                     predicted: Mapping[str, Prediction] | None) -> Received:
    """Claim the record and apply its route, in the caller's transaction (exactly once)."""
    if not raw_mail.claim_raw(conn, item.raw_id):
        return Received(Outcome.DUPLICATE, item.raw_id, detail="already decided")
    route = routing.route(item.msg, gather_facts(conn, app, item.msg, now))
    return apply_route(conn, app, route, raw_id=item.raw_id, received_at=item.received_at,
                       now=now, predicted=predicted)


def _failed(exc: Exception) -> str:
    """Logged with its traceback; the quarantine's reason names the error's type only."""
    log.exception("intake.processing_failed", extra={"error": type(exc).__name__})
    return (f"processing failed ({type(exc).__name__}); retry with "
            "`mailbot quarantine retry` after the fix")


def _log_decided(result: Received) -> None:
    """Once committed (quarantine() logs its own, before)."""
    if result.status not in (Outcome.DUPLICATE, Outcome.QUARANTINED):
        log.info("intake.received", extra={
            "raw_id": result.raw_id, "status": result.status, "case": result.case_ref or "-"})


def decide_undecided(app: App, *, now: Callable[[], datetime],
                     should_stop: Callable[[], bool]) -> list[Received]:
    """Decide the records a crash left behind, oldest first, before any new mail."""
    results: list[Received] = []
    after = 0
    while not should_stop():
        with app.store.transaction() as conn:
            rows = raw_mail.undecided(conn, after_id=after)
        if not rows:
            break
        for row in rows:
            if should_stop():
                break
            after = row.id
            results.append(_decide_stored(app, row.id, row.raw, row.internaldate, now()))
    return results


def _decide_stored(app: App, raw_id: int, raw: bytes | None, internaldate: datetime | None,
                   now: datetime) -> Received:
    """A record a pass left undecided: counted first, so one that keeps killing the process (memory,
    a parser bug) is quarantined after a few passes instead of being tried first on every pass."""
    with app.store.transaction() as conn:
        attempts = raw_mail.begin_attempt(conn, raw_id)
    if attempts > MAX_LEFTOVER_ATTEMPTS:
        with app.store.transaction() as conn:
            return poisoned(conn, raw_id, attempts, now)
    try:
        msg = with_documents(app, read(app, raw or b""))
    except MalformedMessage as exc:
        with app.store.transaction() as conn:
            return quarantine(conn, raw_id, exc.reason, now)
    return decide(app, raw_id, msg, received_at=receipt_time(internaldate, msg, now), now=now)


def poisoned(conn: Connection, raw_id: int, attempts: int, now: datetime) -> Received:
    """A record whose deciding kept stopping the process (memory, a parser bug): kept for a
    person instead of being tried first on every pass forever."""
    log.error("intake.poison_message", extra={"raw_id": raw_id, "attempts": attempts})
    return quarantine(conn, raw_id, f"deciding it was started {attempts} times and never finished "
                      "(the process stopped each time); kept for a person", now)


def predictions(app: App, pending: Sequence[Pending]) -> Mapping[str, Prediction]:
    """The classifier's suggestions for a batch, in one call. Handlers' replies are never
    classified: only what may become a complaint is."""
    return app.triage.predict_batch([triage_text(p.msg) for p in pending
                                     if p.msg.kind is MailKind.HUMAN
                                     and p.msg.from_addr not in app.handler_addresses])


def apply_route(conn: Connection, app: App, route: routing.Route, *, raw_id: int,
                received_at: datetime, now: datetime,
                predicted: Mapping[str, Prediction] | None = None) -> Received:
    if isinstance(route, routing.NewComplaint):
        ref = new_complaint(conn, app, route.msg, raw_id=raw_id, received_at=received_at, now=now,
                            answers_our_letter=route.answers_our_letter, predicted=predicted)
        return Received(Outcome.NEW_CASE, raw_id, ref)
    if isinstance(route, routing.FollowUp):
        follow_up(conn, app, route, raw_id=raw_id, received_at=received_at, now=now)
        return Received(Outcome.FOLLOW_UP, raw_id, route.case.ref, route.matched_by)
    if isinstance(route, routing.HandlerReply):
        outcome = handler_reply(conn, app, route, raw_id=raw_id, now=now)
        return Received(Outcome.HANDLER_REPLY, raw_id, outcome.case_ref, outcome.detail)
    if isinstance(route, routing.StaffMail):
        client = client_mail_forwarded(conn, app, route, now)
        if not isinstance(client, str):
            ref = open_forwarded(conn, app, route, client, raw_id=raw_id,
                                 received_at=received_at, now=now)
            return Received(Outcome.NEW_CASE, raw_id, ref, "forwarded_by_staff")
        staff_message(conn, app, route, raw_id=raw_id, now=now, not_opened=client)
        return Received(Outcome.KEPT_FOR_PERSON, raw_id, detail="staff_mail")
    if route.reason is routing.IgnoreReason.NO_SENDER:
        no_sender(conn, app, route, raw_id=raw_id, now=now)
        return Received(Outcome.KEPT_FOR_PERSON, raw_id, detail="no_sender")
    ignored(conn, app, route, raw_id=raw_id, received_at=received_at, now=now)
    return Received(Outcome.IGNORED, raw_id, route.case.ref if route.case else None,
                    route.reason.value)


def _party(case: Case) -> routing.CaseParty:
    return routing.CaseParty(case_id=case.id, ref=case.ref, client_address=case.client_address)


def gather_facts(conn: Connection, app: App, msg: Inbound, now: datetime) -> routing.RoutingFacts:
    """Everything routing needs from the store, looked up before it decides."""
    by_mid: dict[str, routing.CaseParty] = {}
    for mid in routing.thread_ids(msg):
        for case_id in casebook.cases_by_message_ids(conn, [mid]):
            row = casebook.case_by_id(conn, case_id)
            if row is not None:
                by_mid[mid] = _party(row)
    by_ref = None
    if msg.case_ref:
        row = casebook.case_by_ref(conn, msg.case_ref)
        by_ref = _party(row) if row is not None else None
    recent = None
    row = casebook.open_case_for_sender(conn, msg.from_addr) if msg.from_addr else None
    window = app.config.intake.flood_window_hours
    if row is not None and window and (now - row.created_at).total_seconds() <= window * 3600:
        recent = _party(row)
    thread = routing.thread_ids(msg)
    request_ids = outbox_q.approval_request_ids(conn, thread)
    token = routing.find_token(msg)
    return routing.RoutingFacts(
        handler_addresses=app.handler_addresses, cases_by_message_id=by_mid, case_by_ref=by_ref,
        recent_case_of_sender=recent, approval_request_ids=request_ids,
        token_known=bool(token and outbox_q.token_by_hash(conn, token_hash(token)) is not None),
        answers_our_letter=any(
            marks.is_own_message_id(mid, app.config.firm.domain) for mid in thread),
    )


def reprocess(app: App, raw_id: int, now: datetime) -> Received:
    """Run a stored message through the pipeline again (quarantine retry after a fix): its record
    goes back to 'received' with a clean count, and it is decided as any record is (claimed once).
    """
    with app.store.transaction() as conn:
        row = raw_mail.raw_by_id(conn, raw_id)
    if row is None or row.raw is None:
        return Received(Outcome.MISSING, raw_id)
    if row.status not in {"quarantined", "received"}:
        return Received(Outcome.DUPLICATE, raw_id, detail="already decided")
    try:
        msg = with_documents(app, read(app, row.raw))
    except MalformedMessage as exc:
        return Received(Outcome.QUARANTINED, raw_id, detail=exc.reason)
    # Its client's mail is decided one instance at a time (decide_queue.py), this retry too: its
    # place in the queue and its sender, locked before it is back in the queue.
    sender = order_key(msg, app.handler_addresses)
    parties = {row.order_key if row.order_key is not None else -raw_id,
               sender if sender is not None else -raw_id}
    with party_locked(app.store.engine, sorted(parties)):
        with app.store.transaction() as conn:
            raw_mail.reset_for_retry(conn, raw_id)
        return decide(app, raw_id, msg, received_at=receipt_time(row.internaldate, msg, now),
                      now=now)
