"""Use cases for client mail: a new complaint, a follow-up, and machine mail to file away."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import Connection

from .. import routing
from ..assignment import Candidate, choose_handler
from ..cases import AuditEvent, Event, State
from ..cases import apply as apply_event
from ..message import Inbound
from ..triage.reading import mail_for_triage
from ..records import Case
from ..triage import Prediction, suggestion_record
from ..store import audit, casebook, raw_mail
from ..store import outbox as outbox_q
from ..duty_clocks import sar_due
from ..triage.rules import DATA_BREACH, SUBJECT_ACCESS
from .assigning import alert_unassigned
from .bounces import record_bounce
from .context import App, log
from .drafting import (Opening, draft_for_approval, queue_client_letter, refresh_request,
                       supersede_drafts)
from .escalation import escalate_case
from .listening import is_correction


def handler_candidates(app: App) -> list[Candidate]:
    return [
        Candidate(h.name, h.email.lower(), tuple(h.roles), tuple(h.categories))
        for h in app.config.handlers
    ]


def _may_auto_reply(conn: Connection, app: App, address: str, now: datetime) -> str | None:
    """None when an automatic acknowledgement may go out; else why not (rate limits, RFC 3834)."""
    period = app.config.intake.auto_reply_period_hours
    if period and outbox_q.recent_auto_replies_to(conn, address, now - timedelta(hours=period)):
        return "already acknowledged this sender within the period"
    limit = app.config.intake.auto_reply_limit_per_hour
    if outbox_q.count_auto_replies_since(conn, now - timedelta(hours=1), limit) >= limit:
        return "global circuit breaker: too many acknowledgements in the last hour"
    return None


def triage_text(msg: Inbound) -> str:
    """What the classifier and the emergency rules read of a client's message
    (triage/reading.py says what, and why)."""
    return mail_for_triage(msg.subject, msg.reply_text, msg.text)


def complaint_signal(record: dict[str, Any]) -> str:
    """complaint | not_complaint | uncertain: what triage says (issue 15's key, else
    is_complaint)."""
    signal = record.get("complaint_signal")
    if signal in ("complaint", "not_complaint", "uncertain"):
        return str(signal)
    return "complaint" if record.get("is_complaint", True) else "not_complaint"


def new_complaint(conn: Connection, app: App, msg: Inbound, *, raw_id: int, received_at: datetime,
                  now: datetime, answers_our_letter: bool = False,
                  predicted: Mapping[str, Prediction] | None = None) -> str:
    """A new sender's message: a complaint case, or (read as not a complaint, or uncertain) an
    enquiry record that runs no complaint clock until a person says it is a complaint (F3).

    Its regime is the first configured rule that matches the addresses it was sent to, or its
    handler, else the firm's (F1); a writer who seems not to be the client is recorded as a
    third party, which the handler confirms or corrects (F4)."""
    text = triage_text(msg)
    suggestion = app.triage.suggest(text, msg.date or received_at, predicted)
    record = suggestion_record(suggestion)
    signal = complaint_signal(record)
    is_complaint = signal == "complaint"
    load = casebook.open_case_counts_by_handler(conn)
    handler = choose_handler(handler_candidates(app), category=suggestion.category, text=msg.text,
                             open_load=load)
    regime = app.regimes.for_new_case(msg.recipients, handler.email if handler else None)
    ref = casebook.next_reference(conn, received_at.astimezone(app.config.firm.zone).year)
    case = casebook.create_case_as_written(
        conn,
        ref=ref,
        values={
            "category": suggestion.category,
            "urgency": suggestion.urgency,
            "is_complaint": is_complaint,
            "flags": sorted(suggestion.flags),
            "suggestion": record,
            "client_address": msg.from_addr.lower(),
            "client_name": msg.from_name or None,
            "handler_email": handler.email if handler else None,
            "subject": msg.subject,
            "profile": regime.name,
            "complainant": "third_party" if "third_party" in suggestion.flags else "client",
            "channel": "web_form" if msg.via_form else "email",
            "received_at": received_at,
            "legal_hold": False,
            "secondary_categories": list(suggestion.secondary),
            "area_of_law": suggestion.area,
            **duty_clock_values(suggestion.flags, received_at, regime.calendar),
        },
        now=now,
    )
    casebook.add_case_message(conn, case_id=case.id, direction="in", kind="complaint",
                              message_id=msg.message_id, from_addr=msg.from_addr,
                              subject=msg.subject, body=msg.text, at=received_at,
                              raw_message_id=raw_id,
                              )
    opening = Opening(msg.message_id, msg.text, msg.subject)  # its letters need not read it back
    raw_mail.mark_raw(conn, raw_id, status="processed", kind=msg.kind.value, case_id=case.id)
    events = [
        AuditEvent("case.created", ref, "mailbot", now, {
            "raw_id": raw_id, "received_at": received_at.isoformat(), "regime": regime.name,
            "complaint_signal": signal}),
        AuditEvent("triage.suggested", ref, "mailbot", now, record),
        AuditEvent("case.assigned", ref, "mailbot", now, {
            "handler": handler.email if handler else None,
            # Not a handler: every handler is named in the complaint, so it went up (assignment.py).
            "escalated": handler is not None and "handler" not in handler.roles}),
    ]
    audit.append(conn, events)
    case = escalate_case(conn, app, case, now=now, actor="mailbot")
    automatic = app.config.firm.auto_acknowledge and is_complaint
    held_back = _may_auto_reply(conn, app, msg.from_addr, now) if automatic else None
    if automatic and answers_our_letter:
        # A reply to a letter we sent to somebody else: a forward, or a ticket system answering
        # from a new address each time. Acknowledging it could start a mail loop: a person decides.
        held_back = "it replies to a letter we sent to someone else"
    if automatic and held_back is None:
        queue_client_letter(conn, app, case, "acknowledgement", now=now, approved_by="auto",
                            opening=opening)
        draft_kind = "progress_update"
    else:
        if held_back:
            audit.append(
                conn,
                [AuditEvent("acknowledgement.held", ref, "mailbot", now, {"reason": held_back})])
        draft_kind = "acknowledgement" if is_complaint else "enquiry_reply"
    if handler is None:
        # The complaint names everyone who could take it: only an administrator can assign it now.
        log.error("case.unassigned", extra={"case": ref, "fix": "mailbot cases assign"})
        alert_unassigned(conn, app, casebook.existing_case(conn, case.id), now=now)
    else:
        note = {"complaint": "New complaint", "uncertain": "New message: is it a complaint?",
                "not_complaint": "New message, read as not a complaint"}[signal]
        draft_for_approval(conn, app, case, draft_kind, now=now, note=note, opening=opening)
    log.info("case.created", extra={"case": ref, "category": suggestion.category,
                                    "urgency": suggestion.urgency, "regime": regime.name,
                                    "complaint": signal})
    return ref


def duty_clock_values(flags: frozenset[str], received_at: datetime, cal: Any) -> dict[str, Any]:
    """The clocks a message starts beside the complaint's own (duty_clocks.py): a possible
    personal-data breach (the firm became aware when the mail arrived) and a subject access
    request (one month from its receipt)."""
    values: dict[str, Any] = {}
    if DATA_BREACH in flags:
        values["breach_aware_at"] = received_at
    if SUBJECT_ACCESS in flags:
        values.update(sar_received_at=received_at, sar_due_at=sar_due(received_at, cal))
    return values


CHANNELS = {"phone": "by phone", "letter": "by letter", "in_person": "in person"}


def open_complaint(conn: Connection, app: App, *, client_address: str, client_name: str | None,
                   received_at: datetime, channel: str, now: datetime, actor: str,
                   summary: str | None = None, profile: str | None = None,
                   handler_email: str | None = None) -> str:
    """A complaint that did not come by email (phone, letter, in person: F2), opened by a person.

    It is clocked from `received_at`, when the firm first had it, and its acknowledgement is
    drafted for a handler's approval (nobody has written to us, so nothing goes out unseen).
    `summary`, the person's note of what was said, is kept as the case's first message.
    """
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
    if received_at > now:
        raise ValueError("the complaint cannot have been received in the future "
                         f"({received_at.isoformat()})")
    handler = _handler_for_opened(conn, app, handler_email, summary or "")
    if profile is not None:
        problem = app.regimes.problem(profile)
        if problem:
            raise ValueError(problem)
        regime = app.regime(profile)
    else:
        regime = app.regimes.for_new_case((), handler.email)
    ref = casebook.next_reference(conn, received_at.astimezone(app.config.firm.zone).year)
    how = CHANNELS[channel]
    case_id = casebook.create_case(conn, ref=ref, now=now, values={
        "category": "other", "urgency": "normal", "is_complaint": True,
        "complaint_decided_by": actor, "complaint_decided_at": now, "flags": [],
        "suggestion": {"reasons": [f"a complaint made {how}, opened by {actor}"]},
        "client_address": client_address.lower(), "client_name": client_name or None,
        "handler_email": handler.email, "subject": None, "profile": regime.name,
        "complainant": "client", "channel": channel, "received_at": received_at,
        "legal_hold": False,
    })
    if summary:
        casebook.add_case_message(conn, case_id=case_id, direction="in", kind="complaint",
                                  message_id=None, from_addr=client_address.lower(), subject=None,
                                  body=summary, at=received_at)
    audit.append(conn, [
        AuditEvent("case.created", ref, actor, now, {"received_at": received_at.isoformat(),
                                                     "channel": channel, "regime": regime.name}),
        AuditEvent("case.assigned", ref, actor, now,
                   {"handler": handler.email, "escalated": False}),
    ])
    case = casebook.existing_case(conn, case_id)
    draft_for_approval(conn, app, case, "acknowledgement", now=now,
                       note=f"A complaint made {how}, opened by {actor}")
    log.info("case.opened", extra={"case": ref, "channel": channel, "regime": regime.name})
    return ref


def _handler_for_opened(conn: Connection, app: App, email: str | None, text: str) -> Candidate:
    if email is not None:
        chosen = app.config.handler(email)
        if chosen is None or "handler" not in chosen.roles:
            raise ValueError(f"{email} is not a configured handler")
        return Candidate(chosen.name, chosen.email.lower(), tuple(chosen.roles),
                         tuple(chosen.categories))
    handler = choose_handler(handler_candidates(app), category="other", text=text,
                             open_load=casebook.open_case_counts_by_handler(conn))
    if handler is None:
        raise ValueError("no handler can take it: add a [[handlers]] entry with "
                         'roles = ["handler"]')
    return handler


def follow_up(conn: Connection, app: App, route: routing.FollowUp, *, raw_id: int,
              received_at: datetime, now: datetime) -> None:
    msg = route.msg
    case = casebook.existing_case(conn, route.case.case_id)
    # The client answers the letter that restated their complaint: filed as their correction.
    correction = is_correction(conn, case, route)
    message = casebook.add_case_message(
        conn, case_id=case.id, direction="in", kind="correction" if correction else "follow_up",
        message_id=msg.message_id, from_addr=msg.from_addr, subject=msg.subject, body=msg.text,
        at=received_at, raw_message_id=raw_id,
    )
    raw_mail.mark_raw(conn, raw_id, status="processed", kind=msg.kind.value, case_id=case.id)
    events = [
        AuditEvent("case.client_message", case.ref, "mailbot", now, {
            "raw_id": raw_id,
            "matched_by": route.matched_by
        })
    ]
    if correction:
        events.append(AuditEvent("case.understanding_corrected", case.ref, "client", now,
                                 {"message_id": message}))
    if case.is_complaint is False and case.complaint_decided_by:
        # New words on an enquiry may make it a complaint: a person looks again (the approval
        # request asks "Read as not a complaint" once more).
        casebook.update_case(conn, case.id, now, complaint_decided_by=None,
                             complaint_decided_at=None)
        events.append(AuditEvent("case.complaint_undecided", case.ref, "mailbot", now,
                                 {"why": "the client wrote again on an enquiry"}))
    snap = case.snapshot()
    if snap.state is State.AWAITING_CLIENT:
        moved = apply_event(snap, Event.CLIENT_REPLIED, now=now, actor="client")
        casebook.save_snapshot(conn, case.id, moved.case, now)
        casebook.update_case(conn, case.id, now, awaiting_client_since=None)
        events.extend(moved.events)
    audit.append(conn, events)
    case = casebook.existing_case(conn, case.id)
    note = ("The client replied to our understanding of their complaint: their corrections are "
            "filed on the case, and shown below" if correction else "The client wrote again")
    if _keep_live_request(conn, app, case, now, note):
        return
    superseded = supersede_drafts(conn, app, case, now=now)
    if case.handler_email:
        first = "enquiry_reply" if case.is_complaint is False else "progress_update"
        kind = superseded[-1] if superseded else first
        draft_for_approval(conn, app, case, kind, now=now, note=note)


def _keep_live_request(conn: Connection, app: App, case: Case, now: datetime, note: str) -> bool:
    """One live approval request per case: a follow-up updates a request not yet sent, and leaves
    one already sent alone (its token still works), so a client's flood is not the handler's."""
    live = outbox_q.live_request(conn, case.id, now)
    if live is None:
        return False
    draft, request = live
    refreshed = refresh_request(conn, app, case, request, draft, now=now, note=note)
    audit.append(conn, [
        AuditEvent("approval.request_kept", case.ref, "mailbot", now, {
            "outbox_id": draft.id,
            "request_id": request.id,
            "updated": refreshed
        })
    ])
    return True


def ignored(conn: Connection, app: App, route: routing.Ignore, *, raw_id: int,
            received_at: datetime, now: datetime) -> None:
    """Machine mail is filed (to its case where we can tell) and never answered."""
    msg = route.msg
    case_id = route.case.case_id if route.case else None
    raw_mail.mark_raw(conn, raw_id, status="ignored", kind=msg.kind.value, case_id=case_id)
    detail: dict[str, Any] = {"raw_id": raw_id, "reason": route.reason.value}
    if case_id is not None:
        casebook.add_case_message(conn, case_id=case_id, direction="in", kind=route.reason.value,
                                  message_id=msg.message_id, from_addr=msg.from_addr,
                                  subject=msg.subject, body=msg.text, at=received_at,
                                  raw_message_id=raw_id,
                                  )
    if route.reason is routing.IgnoreReason.BOUNCE:
        record_bounce(conn, app, route, now=now, detail=detail)
        return
    audit.append(conn, [
        AuditEvent("intake.ignored", route.case.ref if route.case else None, "mailbot", now,
                   detail)
    ])
