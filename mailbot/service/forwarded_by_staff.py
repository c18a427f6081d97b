"""A client's complaint that a member of staff forwarded to the complaints address.

Clients complain to the person they deal with, who forwards the email to the complaints address:
it is a complaint, to be recorded, clocked from when the firm first had it and acknowledged
(DOMAIN.md; the domain review's F2). Kept for a person until now, it needed somebody
at a command line. Now, when the forward is authentic (the firm's mail server passed the
handler's DKIM/DMARC, as for an approval) and carries an outside sender's address, mailbot opens
the case for that sender: clocked from the date in the forwarded header (else from the forward,
and the handler is asked to check it), triaged on the client's words, the handler's forward
kept as its first message, and its acknowledgement drafted for approval: the client wrote to
somebody else, so nothing goes out unseen, and a forged forward can at most leave a draft.
Anything else a handler sends the complaints address is still kept for a person (unusual.py),
as is a forward for a client who already has an open case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from .. import routing
from ..assignment import choose_handler
from ..cases import AuditEvent
from ..forwarded import ForwardedMail, forwarded_mail
from ..triage.reading import subject_of
from ..sender_auth import verify_sender
from ..store import audit, casebook, raw_mail
from ..triage import suggestion_record
from ..triage.suggestion import MONTH_FIRST_COUNTRIES
from .assigning import alert_unassigned
from .complaints import duty_clock_values, handler_candidates, triage_text
from .context import App, log
from .drafting import draft_for_approval, staff_mail
from .escalation import escalate_case
from .handler_replies import sender_check


def client_mail_forwarded(conn: Connection, app: App, route: routing.StaffMail,
                          now: datetime) -> ForwardedMail | str:
    """The client's email in a handler's mail, when mailbot may open a case from it: an authentic
    forward of mail from outside the firm, whose sender has no open case (a second complaint or
    more of the first: a person decides); else why not, for the handler (the mail is kept)."""
    msg = route.msg
    check = sender_check(app, msg)
    if check.policy is not None and not verify_sender(check.results, msg.from_addr,
                                                      check.policy).passed:
        return ("the firm's mail server did not vouch for it (no DKIM/DMARC pass), so it may not "
                "be from you")
    firm = app.config.firm
    found = forwarded_mail(msg.subject, msg.text, zone=firm.zone, now=now,
                           day_first=firm.country.upper() not in MONTH_FIRST_COUNTRIES)
    if found is None:
        return "it does not forward an email that shows its sender's address"
    if _inside_the_firm(app, found.address):
        return "the email it forwards is from inside the firm"
    case = casebook.open_case_for_sender(conn, found.address)
    if case is not None:
        return (f"{found.address} already has an open case, {case.ref}, and a person must decide "
                "whether this is part of it")
    return found


def _inside_the_firm(app: App, address: str) -> bool:
    firm = app.config.firm
    return (address in app.handler_addresses or address == firm.complaints_address.lower()
            or address.rpartition("@")[2] == firm.domain.lower())


def open_forwarded(conn: Connection, app: App, route: routing.StaffMail, client: ForwardedMail,
                   *, raw_id: int, received_at: datetime, now: datetime) -> str:
    """Open the case for the client's forwarded email; returns its reference."""
    msg = route.msg
    staff = msg.from_addr.lower()
    first_had = client.sent_at or received_at
    suggestion = app.triage.suggest(triage_text(msg), first_had, None)
    record = suggestion_record(suggestion)
    handler = choose_handler(handler_candidates(app), category=suggestion.category, text=msg.text,
                             open_load=casebook.open_case_counts_by_handler(conn))
    regime = app.regimes.for_new_case(msg.recipients, handler.email if handler else None)
    ref = casebook.next_reference(conn, first_had.astimezone(app.config.firm.zone).year)
    subject = client.subject or subject_of(msg.subject)
    case = casebook.create_case_as_written(conn, ref=ref, now=now, values={
        "category": suggestion.category, "urgency": suggestion.urgency, "is_complaint": True,
        "complaint_decided_by": staff, "complaint_decided_at": now,
        "flags": sorted(suggestion.flags), "suggestion": record,
        "client_address": client.address, "client_name": client.name,
        "handler_email": handler.email if handler else None, "subject": subject,
        "profile": regime.name,
        "complainant": "third_party" if "third_party" in suggestion.flags else "client",
        "channel": "email", "received_at": first_had, "legal_hold": False,
        "secondary_categories": list(suggestion.secondary), "area_of_law": suggestion.area,
        **duty_clock_values(suggestion.flags, first_had, regime.calendar),
    })
    # Filed as it came (its own "FW:" subject too), so the handler is shown the whole forward.
    casebook.add_case_message(conn, case_id=case.id, direction="in", kind="complaint",
                              message_id=None, from_addr=client.address, subject=msg.subject,
                              body=msg.text, at=first_had, raw_message_id=raw_id)
    raw_mail.mark_raw(conn, raw_id, status="processed", kind="forwarded_by_staff",
                      case_id=case.id)
    dated = client.sent_at is not None
    audit.append(conn, [
        AuditEvent("case.created", ref, staff, now, {
            "raw_id": raw_id, "received_at": first_had.isoformat(), "regime": regime.name,
            "forwarded_by": staff, "first_received": "forwarded header" if dated else "forward",
            "complaint_signal": "complaint"}),
        AuditEvent("triage.suggested", ref, "mailbot", now, record),
        AuditEvent("case.assigned", ref, "mailbot", now, {
            "handler": handler.email if handler else None,
            "escalated": handler is not None and "handler" not in handler.roles}),
    ])
    case = escalate_case(conn, app, case, now=now, actor="mailbot")
    if handler is None:  # the complaint names everyone who could take it (assignment.py)
        alert_unassigned(conn, app, casebook.existing_case(conn, case.id), now=now)
    else:
        draft_for_approval(conn, app, case, "acknowledgement", now=now,
                           note=_note(staff, client, first_had, app))
    if handler is None or handler.email.lower() != staff:
        # The forwarder is not the one who will see the approval request: tell them it is logged.
        staff_mail(conn, app, "forward_logged", staff, case=case, now=now, extra={
            "assigned_name": handler.name if handler else None, "client_address": client.address,
            "first_had": first_had, "dated": dated})
    log.info("case.created", extra={"case": ref, "category": suggestion.category,
                                    "urgency": suggestion.urgency, "regime": regime.name,
                                    "complaint": "forwarded_by_staff"})
    return ref


def _note(staff: str, client: ForwardedMail, first_had: datetime, app: App) -> str:
    """What the handler is told above the draft: who forwarded it, and where the clock starts."""
    local = first_had.astimezone(app.config.firm.zone)
    if client.sent_at is not None:
        when = (f"clocked from {local:%d %B %Y %H:%M}, the date in the forwarded header; if the "
                "firm had it earlier, reply `received YYYY-MM-DD`")
    else:
        when = (f"the forward gave no date that could be read ({client.sent_as_written or 'none'})"
                f", so it is clocked from the forward, {local:%d %B %Y %H:%M}: reply `received "
                "YYYY-MM-DD` with the day the firm first had it")
    return f"A complaint emailed to {staff} and forwarded to the complaints address; {when}"
