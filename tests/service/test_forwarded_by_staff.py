"""A client's complaint that a handler forwarded to the complaints address (F2): opened for the
client, clocked from when the firm first had it, its acknowledgement drafted for approval."""

from __future__ import annotations

from datetime import datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest

from tests.document_samples import make_pdf
from tests.service.conftest import COMPLAINT, COMPLIANCE, FIRM, HANDLER, HOUR, T0, Desk, mail

CLIENT = "jo@client.test"
LONDON = ZoneInfo("Europe/London")
# The client wrote to the handler on the Friday before; the handler forwards on Monday.
SENT = "Fri, 27 Feb 2026 at 16:05"
FIRST_HAD = datetime(2026, 2, 27, 16, 5, tzinfo=LONDON)


def forward(body: str = COMPLAINT, *, sent: str = SENT, sender: str = f"Jo Bloggs <{CLIENT}>",
            authentic: bool = True, at: datetime = T0, by: str = HANDLER,
            to: str | None = None) -> bytes:
    """Priya's (or `by`'s) Gmail forward of the client's email, vouched for (or not) by the
    firm's server."""
    msg = mail(f"Please log this one.\n\n---------- Forwarded message ---------\nFrom: {sender}\n"
               f"Date: {sent}\nSubject: My house purchase\nTo: <{to or by}>\n\n{body}",
               sender=by, subject="Fwd: My house purchase", at=at)
    trace = (f"Authentication-Results: mx.{FIRM}; dmarc=pass header.from={FIRM}\r\n"
             f"Received: from pc by mx.{FIRM}; {format_datetime(at)}\r\n") if authentic else ""
    return trace.encode() + bytes(msg)


def test_a_forwarded_complaint_is_opened_for_the_client_from_when_the_firm_had_it(
        desk: Desk) -> None:
    result = desk.take(forward())
    assert (result.status, result.detail) == ("new_case", "forwarded_by_staff")
    (case,) = desk.cases()
    assert case.client_address == CLIENT and case.client_name == "Jo Bloggs"
    assert case.received_at == FIRST_HAD, "clocked from the client's email, not the forward"
    assert case.is_complaint and case.complaint_decided_by == HANDLER
    assert case.subject == "My house purchase"
    (ack,) = desk.letters("acknowledgement")
    assert (ack.status, ack.recipients) == ("draft", [CLIENT]), "nothing goes out unseen"
    request = desk.request()
    assert "forwarded to the complaints address" in request.body_text
    assert "27 February 2026 16:05, the date in the forwarded header" in request.body_text
    assert "Nobody has returned my calls" in request.body_text, "the handler sees the complaint"
    (created,) = desk.events("case.created")
    assert created["forwarded_by"] == HANDLER and created["first_received"] == "forwarded header"
    assert desk.kept() == [] and not desk.letters("mail_kept")
    # The client wrote to Priya, so she is named in it and never its handler (assignment.py):
    # she is told it is logged, and as what.
    (told,) = desk.letters("forward_logged")
    assert told.recipients == [HANDLER] and "assigned to Alex Morgan" in told.body_text


def test_the_letter_a_forwarded_complaint_attaches_is_read(desk: Desk) -> None:
    """Gmail forwards the client's attachments with the forward: the client's letter is read."""
    msg = message_from_bytes(forward("Please see my attached complaint letter."),
                             _class=EmailMessage, policy=default)
    letter = make_pdf([["Dear Ms Shah,", "Exchange is tomorrow and my deposit has gone missing",
                        "from your client account."]])
    msg.add_attachment(letter, maintype="application", subtype="pdf", filename="letter.pdf")
    assert desk.take(bytes(msg)).detail == "forwarded_by_staff"
    (case,) = desk.cases()
    assert case.urgency == "critical", "read in the client's letter"
    assert "deposit has gone missing" in desk.request().body_text


def test_a_forwarder_who_is_not_assigned_is_told_the_reference(desk: Desk) -> None:
    """Alex (compliance) forwards what the client wrote to him; Priya handles it: Alex learns it
    is logged, and as what."""
    desk.take(forward(by=COMPLIANCE))
    (case,) = desk.cases()
    assert case.handler_email == HANDLER
    (told,) = desk.letters("forward_logged")
    assert told.recipients == [COMPLIANCE]
    assert f"Logged as {case.ref}" in told.subject
    assert "assigned to Priya Shah" in told.body_text and CLIENT in told.body_text
    assert "27 February 2026" in told.body_text, "when its clocks start"


def test_a_forwarder_who_handles_it_gets_the_approval_request_and_no_more(desk: Desk) -> None:
    """Priya forwards from the firm's shared inbox, where the client wrote: she is not named
    in it, handles it, and her approval request says all a notice would."""
    desk.take(forward(to=f"info@{FIRM}"))
    (case,) = desk.cases()
    assert case.handler_email == HANDLER
    assert desk.request().recipients == [HANDLER] and not desk.letters("forward_logged")


def test_a_clients_email_dragged_into_a_handlers_message_opens_its_case(desk: Desk) -> None:
    """Outlook users forward by dragging the client's email into a new message: a .msg file
    (a real one, from Apache POI's test data), under a subject that says nothing of forwarding.
    """
    msg = message_from_bytes(forward(), _class=EmailMessage, policy=default)
    msg.set_content("Please log this complaint, attached.")
    del msg["Subject"]
    msg["Subject"] = "Complaint for logging"
    outlook = Path(__file__).resolve().parents[1] / "fixtures" / "outlook"
    msg.add_attachment((outlook / "simple_test_msg.msg").read_bytes(), maintype="application",
                       subtype="vnd.ms-outlook", filename="test message.msg")
    result = desk.take(bytes(msg))
    assert (result.status, result.detail) == ("new_case", "forwarded_by_staff")
    (case,) = desk.cases()
    assert case.client_address == "travis@overwrittenstack.com"
    # Its date (July 2007) is over a year old, so the case is clocked from the forward.
    assert case.received_at == T0


def test_an_unreadable_date_is_not_guessed_and_the_handler_is_asked(desk: Desk) -> None:
    desk.take(forward(sent="Freitag, 27. Februar 2026 16:05"))
    (case,) = desk.cases()
    assert case.received_at == T0, "clocked from the forward"
    assert "reply `received YYYY-MM-DD` with the day the firm first had it" in (
        desk.request().body_text.replace("\n", " "))


@pytest.mark.parametrize("kept, why", [
    ({"authentic": False}, "did not vouch for it"),          # perhaps forged
    ({"sender": "Jo Bloggs"}, "shows its sender's address"),  # Outlook gave a name, no address
    ({"sender": f"Alex <alex@{FIRM}>"}, "from inside the firm"),
])
def test_anything_else_a_handler_forwards_is_kept_and_the_handler_told_why(
        desk: Desk, kept: dict, why: str) -> None:
    result = desk.take(forward(**kept))
    assert (result.status, result.detail) == ("kept_for_person", "staff_mail")
    assert desk.cases() == [] and not desk.letters("acknowledgement")
    (told,) = desk.letters("mail_kept")
    assert told.recipients == [HANDLER]
    assert why in " ".join(told.body_text.split())


def test_the_client_writing_later_joins_the_case_and_a_second_forward_is_kept(
        desk: Desk) -> None:
    """A second forward for a client with an open case may be more of the same complaint or a
    new one: a person decides, and no second case is opened."""
    desk.take(forward())
    later = T0 + timedelta(days=1)
    assert desk.take(mail("Any news on my complaint?", sender=CLIENT, at=later),
                     at=later).status == "follow_up"
    result = desk.take(forward(at=later + HOUR), at=later + HOUR)
    assert (result.status, result.detail) == ("kept_for_person", "staff_mail")
    assert len(desk.cases()) == 1
    (told,) = desk.letters("mail_kept")
    assert "already has an open case, C-2026-0001" in " ".join(told.body_text.split())
