"""Receiving one message: record first, then parse, route and apply, in one transaction.

A crash at any point is recovered by running the same path again: the raw bytes are keyed
by Message-ID plus a content hash, so a second pass over the same mail finds a duplicate
and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from .. import routing
from ..cases import AuditEvent
from ..dedupe import dedupe_key, sniff_message_id
from ..errors import ConfigError, MalformedMessage
from ..message import Inbound, parse_message
from ..store import audit, casebook, intake
from ..store import outbox as outbox_q
from ..store.intake import MailboxCoordinates
from .complaints import follow_up, ignored, new_complaint
from .context import App, log
from .handler_replies import handler_reply


@dataclass(frozen=True)
class Received:
    """What happened to one message; `status` decides which folder it is moved to."""

    status: str  # duplicate | quarantined | new_case | follow_up | handler_reply | ignored
    raw_id: int | None = None
    case_ref: str | None = None
    detail: str = ""

    @property
    def folder_kind(self) -> str:
        return "quarantine" if self.status == "quarantined" else "processed"


def receive(
    app: App,
    raw: bytes,
    *,
    now: datetime,
    where: MailboxCoordinates | None = None,
    internaldate: datetime | None = None,
) -> Received:
    try:
        return _receive(app, raw, now=now, where=where, internaldate=internaldate)
    except (ConfigError, DBAPIError):
        raise  # the firm's setup or the database is at fault, not this message: stop the pass
    except Exception as exc:  # noqa: BLE001 - a poison message must not stop intake: keep it for a person
        log.exception("intake.processing_failed", extra={"error": type(exc).__name__})
        return _quarantine_after_failure(app, raw, exc, now=now, where=where, internaldate=internaldate)


def _record(conn: Connection, raw: bytes, *, now: datetime, where: MailboxCoordinates | None,
            internaldate: datetime | None) -> int | None:
    """Store the bytes under their dedupe key; None when this message is already recorded."""
    sniffed = sniff_message_id(raw)
    key, content = dedupe_key(sniffed, raw)
    return intake.record_raw(conn, raw=raw, dedupe_key=key, content_sha256=content, message_id=sniffed,
                             where=where, internaldate=internaldate, now=now)


def _quarantine_after_failure(app: App, raw: bytes, exc: Exception, *, now: datetime,
                              where: MailboxCoordinates | None, internaldate: datetime | None) -> Received:
    """The case change was rolled back; record the bytes and the reason so nothing is lost."""
    reason = f"processing failed ({type(exc).__name__}); retry with `mailbot quarantine retry` after the fix"
    with app.store.transaction() as conn:
        raw_id = _record(conn, raw, now=now, where=where, internaldate=internaldate)
        if raw_id is None:
            return Received("duplicate")
        intake.add_quarantine(conn, raw_id, reason, now)
        audit.append(conn, [AuditEvent("intake.quarantined", None, "mailbot", now, {"raw_id": raw_id, "reason": reason})])
    return Received("quarantined", raw_id, detail=reason)


def _receive(app: App, raw: bytes, *, now: datetime, where: MailboxCoordinates | None,
             internaldate: datetime | None) -> Received:
    with app.store.transaction() as conn:
        raw_id = _record(conn, raw, now=now, where=where, internaldate=internaldate)
        if raw_id is None:
            log.info("intake.duplicate")
            return Received("duplicate")
        try:
            msg = parse_message(
                raw,
                own_addresses=app.own_addresses,
                own_domain=app.config.firm.domain,
                max_attachment_bytes=app.config.intake.max_attachment_bytes,
            )
        except MalformedMessage as exc:
            intake.add_quarantine(conn, raw_id, exc.reason, now)
            audit.append(conn, [AuditEvent("intake.quarantined", None, "mailbot", now, {"raw_id": raw_id, "reason": exc.reason})])
            log.warning("intake.quarantined", extra={"raw_id": raw_id, "reason": exc.reason})
            return Received("quarantined", raw_id, detail=exc.reason)
        received_at = internaldate or msg.received_at or now
        route = routing.route(msg, gather_facts(conn, app, msg, now))
        result = apply_route(conn, app, route, raw_id=raw_id, received_at=received_at, now=now)
        log.info("intake.received", extra={"raw_id": raw_id, "status": result.status, "case": result.case_ref or "-"})
        return result


def apply_route(conn: Connection, app: App, route: routing.Route, *, raw_id: int, received_at: datetime, now: datetime) -> Received:
    if isinstance(route, routing.NewComplaint):
        ref = new_complaint(conn, app, route.msg, raw_id=raw_id, received_at=received_at, now=now)
        return Received("new_case", raw_id, ref)
    if isinstance(route, routing.FollowUp):
        follow_up(conn, app, route, raw_id=raw_id, received_at=received_at, now=now)
        return Received("follow_up", raw_id, route.case.ref, route.matched_by)
    if isinstance(route, routing.HandlerReply):
        outcome = handler_reply(conn, app, route, raw_id=raw_id, now=now)
        return Received("handler_reply", raw_id, outcome.case_ref, outcome.detail)
    ignored(conn, app, route, raw_id=raw_id, received_at=received_at, now=now)
    return Received("ignored", raw_id, route.case.ref if route.case else None, route.reason.value)


def _party(row: object) -> routing.CaseParty:
    return routing.CaseParty(case_id=row.id, ref=row.ref, client_address=row.client_address)  # type: ignore[attr-defined]


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
    request_ids = outbox_q.approval_request_ids(conn, routing.thread_ids(msg))
    return routing.RoutingFacts(
        handler_addresses=app.handler_addresses,
        cases_by_message_id=by_mid,
        case_by_ref=by_ref,
        recent_case_of_sender=recent,
        approval_request_ids=request_ids,
    )


def reprocess(app: App, raw_id: int, now: datetime) -> Received:
    """Run a stored message through the pipeline again (quarantine retry after a fix)."""
    with app.store.transaction() as conn:
        row = intake.raw_by_id(conn, raw_id)
    if row is None or row.raw is None:
        return Received("missing", raw_id)
    try:
        msg = parse_message(row.raw, own_addresses=app.own_addresses, own_domain=app.config.firm.domain)
    except MalformedMessage as exc:
        return Received("quarantined", raw_id, detail=exc.reason)
    with app.store.transaction() as conn:
        intake.mark_raw(conn, raw_id, status="received")
        route = routing.route(msg, gather_facts(conn, app, msg, now))
        return apply_route(conn, app, route, raw_id=raw_id, received_at=row.internaldate or msg.received_at or now, now=now)
