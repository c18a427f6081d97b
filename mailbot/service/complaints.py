"""Use cases for client mail: a new complaint, a follow-up, and machine mail to file away."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from .. import routing
from ..assignment import Candidate, choose_handler
from ..cases import AuditEvent, Event, State
from ..cases import apply as apply_event
from ..message import Inbound
from ..triage import bound_text, suggestion_record
from ..store import audit, casebook, intake
from ..store import outbox as outbox_q
from .bounces import record_bounce
from .context import App, log
from .drafting import draft_for_approval, queue_client_letter, refresh_request, supersede_drafts


def _candidates(app: App) -> list[Candidate]:
    return [Candidate(h.name, h.email.lower(), tuple(h.roles), tuple(h.categories)) for h in app.config.handlers]


def _may_auto_reply(conn: Connection, app: App, address: str, now: datetime) -> str | None:
    """None when an automatic acknowledgement may go out; else why not (rate limits, RFC 3834)."""
    period = app.config.intake.auto_reply_period_hours
    if period and outbox_q.recent_auto_replies_to(conn, address, now - timedelta(hours=period)):
        return "already acknowledged this sender within the period"
    if outbox_q.count_auto_replies_since(conn, now - timedelta(hours=1)) >= app.config.intake.auto_reply_limit_per_hour:
        return "global circuit breaker: too many acknowledgements in the last hour"
    return None


def triage_text(msg: Inbound) -> str:
    """What the classifier reads: the client's new words, not the thread they quote, bounded
    (triage.bound_text: one message once cost the classifier 1.1 GB)."""
    return bound_text(msg.reply_text or msg.text)


def new_complaint(conn: Connection, app: App, msg: Inbound, *, raw_id: int, received_at: datetime, now: datetime,
                  answers_our_letter: bool = False) -> str:
    text = triage_text(msg)
    suggestion = app.triage.suggest(text, msg.date or received_at)
    load = casebook.open_case_counts_by_handler(conn)
    handler = choose_handler(_candidates(app), category=suggestion.category, text=msg.text, open_load=load)
    ref = casebook.next_reference(conn, received_at.astimezone(app.config.firm.zone).year)
    case_id = casebook.create_case(
        conn,
        ref=ref,
        values={
            "category": suggestion.category,
            "urgency": suggestion.urgency,
            "is_complaint": suggestion.is_complaint,
            "flags": sorted(suggestion.flags),
            "suggestion": suggestion_record(suggestion),
            "client_address": msg.from_addr.lower(),
            "client_name": msg.from_name or None,
            "handler_email": handler.email if handler else None,
            "subject": msg.subject,
            "profile": app.profile.name,
            "received_at": received_at,
            "legal_hold": False,
        },
        now=now,
    )
    casebook.add_case_message(
        conn, case_id=case_id, direction="in", kind="complaint", message_id=msg.message_id,
        from_addr=msg.from_addr, subject=msg.subject, body=msg.text, at=received_at, raw_message_id=raw_id,
    )
    intake.mark_raw(conn, raw_id, status="processed", kind=msg.kind.value, case_id=case_id)
    events = [
        AuditEvent("case.created", ref, "mailbot", now, {"raw_id": raw_id, "received_at": received_at.isoformat()}),
        AuditEvent("triage.suggested", ref, "mailbot", now, suggestion_record(suggestion)),
        AuditEvent("case.assigned", ref, "mailbot", now, {
            "handler": handler.email if handler else None,
            # Not a handler: every handler is named in the complaint, so it went up (assignment.py).
            "escalated": handler is not None and "handler" not in handler.roles}),
    ]
    audit.append(conn, events)
    case = casebook.case_by_id(conn, case_id)
    assert case is not None
    automatic = app.config.firm.auto_acknowledge and suggestion.is_complaint
    held_back = _may_auto_reply(conn, app, msg.from_addr, now) if automatic else None
    if automatic and answers_our_letter:
        # A reply to a letter we sent to somebody else: a forward, or a ticket system answering
        # from a new address each time. Acknowledging it could start a mail loop: a person decides.
        held_back = "it replies to a letter we sent to someone else"
    if automatic and held_back is None:
        queue_client_letter(conn, app, case, "acknowledgement", now=now, approved_by="auto")
        draft_kind = "progress_update"
    else:
        if held_back:
            audit.append(conn, [AuditEvent("acknowledgement.held", ref, "mailbot", now, {"reason": held_back})])
        draft_kind = "acknowledgement"
    if handler is None:
        # The complaint names everyone who could take it: only an administrator can assign it now.
        log.error("case.unassigned", extra={"case": ref, "fix": "add a [[handlers]] entry with roles = [\"compliance\"]"})
    else:
        draft_for_approval(conn, app, case, draft_kind, now=now, note="New complaint")
    log.info("case.created", extra={"case": ref, "category": suggestion.category, "urgency": suggestion.urgency})
    return ref


def follow_up(conn: Connection, app: App, route: routing.FollowUp, *, raw_id: int, received_at: datetime, now: datetime) -> None:
    msg = route.msg
    case = casebook.case_by_id(conn, route.case.case_id)
    assert case is not None
    casebook.add_case_message(
        conn, case_id=case.id, direction="in", kind="follow_up", message_id=msg.message_id,
        from_addr=msg.from_addr, subject=msg.subject, body=msg.text, at=received_at, raw_message_id=raw_id,
    )
    intake.mark_raw(conn, raw_id, status="processed", kind=msg.kind.value, case_id=case.id)
    events = [AuditEvent("case.client_message", case.ref, "mailbot", now, {"raw_id": raw_id, "matched_by": route.matched_by})]
    snap = casebook.snapshot(case)
    if snap.state is State.AWAITING_CLIENT:
        moved = apply_event(snap, Event.CLIENT_REPLIED, now=now, actor="client")
        casebook.save_snapshot(conn, case.id, moved.case, now)
        casebook.update_case(conn, case.id, now, awaiting_client_since=None)
        events.extend(moved.events)
    audit.append(conn, events)
    case = casebook.case_by_id(conn, case.id)
    assert case is not None
    if _keep_live_request(conn, app, case, now):
        return
    superseded = supersede_drafts(conn, app, case, now=now)
    if case.handler_email:
        kind = superseded[-1] if superseded else "progress_update"
        draft_for_approval(conn, app, case, kind, now=now, note="The client wrote again")


def _keep_live_request(conn: Connection, app: App, case: Any, now: datetime) -> bool:
    """One live approval request per case: a follow-up updates a request not yet sent, and leaves
    one already sent alone (its token still works), so a client's flood is not the handler's."""
    live = outbox_q.live_request(conn, case.id, now)
    if live is None:
        return False
    draft, request = live
    refreshed = refresh_request(conn, app, case, request, draft, now=now, note="The client wrote again")
    audit.append(conn, [AuditEvent("approval.request_kept", case.ref, "mailbot", now,
                                   {"outbox_id": draft.id, "request_id": request.id, "updated": refreshed})])
    return True


def ignored(conn: Connection, app: App, route: routing.Ignore, *, raw_id: int, received_at: datetime, now: datetime) -> None:
    """Machine mail is filed (to its case where we can tell) and never answered."""
    msg = route.msg
    case_id = route.case.case_id if route.case else None
    intake.mark_raw(conn, raw_id, status="ignored", kind=msg.kind.value, case_id=case_id)
    detail: dict[str, Any] = {"raw_id": raw_id, "reason": route.reason.value}
    if case_id is not None:
        casebook.add_case_message(
            conn, case_id=case_id, direction="in", kind=route.reason.value, message_id=msg.message_id,
            from_addr=msg.from_addr, subject=msg.subject, body=msg.text, at=received_at, raw_message_id=raw_id,
        )
    if route.reason is routing.IgnoreReason.BOUNCE:
        record_bounce(conn, app, route, now=now, detail=detail)
        return
    audit.append(conn, [AuditEvent("intake.ignored", route.case.ref if route.case else None, "mailbot", now, detail)])
