"""Mail from machines through `receive()`: recorded, filed where it belongs, never answered.

Auto-replies, bounces, list mail, spam and our own mail coming back must never open a case or
get a letter (a reply to a machine can start a mail loop); a bounce of a client letter tells
the case's handler. Reading the headers is unit-tested (tests/unit/test_machine_mail.py);
these check what the firm ends up with.
"""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime, make_msgid

import pytest

from mailbot.store.tables import audit_events
from tests.servers.smtp import ReceivedMail, SmtpServer
from tests.service.conftest import (
    CLIENT,
    COMPLAINT,
    COMPLAINTS,
    FIRM,
    HANDLER,
    HOUR,
    T0,
    Desk,
    mail,
)


def _nothing_answered(desk: Desk) -> None:
    assert desk.cases() == [] and desk.letters() == []


@pytest.mark.parametrize("headers", [
    {"Auto_Submitted": "auto-replied", "Subject": "Automatic reply: My complaint"},
    {"X_Autoreply": "yes"},
    # Two weak signals together (either alone is not enough: see the next test).
    {"Subject": "Out of office", "X_Auto_Response_Suppress": "All"},
], ids=["auto-submitted", "x-autoreply", "ooo-subject-and-suppress"])
def test_an_auto_reply_is_recorded_but_never_answered(desk: Desk, headers: dict[str, str]) -> None:
    result = desk.take(mail("I am away until Monday.", sender="pat@clients.test", headers=headers))
    assert (result.status, result.detail) == ("ignored", "auto_reply")
    _nothing_answered(desk)
    (record,) = desk.records()
    assert (record.status, record.kind) == ("ignored", "auto_reply")
    assert [e["reason"] for e in desk.events("intake.ignored")] == ["auto_reply"]


def test_an_out_of_office_subject_alone_does_not_outweigh_a_person(desk: Desk) -> None:
    result = desk.take(mail(COMPLAINT, subject="Out of office hours call: complaint"))
    assert result.status == "new_case"
    assert len(desk.letters("acknowledgement")) == 1


@pytest.mark.parametrize(("headers", "reason"), [
    ({"List_Id": "<news.lists.example>"}, "list"),
    ({"List_Unsubscribe": "<mailto:leave@lists.example>"}, "list"),
    ({"Precedence": "bulk"}, "auto_reply"),
    ({"X_Spam_Flag": "YES"}, "spam"),
], ids=["list-id", "list-unsubscribe", "precedence-bulk", "spam-flag"])
def test_list_mail_and_spam_are_recorded_but_never_answered(desk: Desk, headers: dict[str, str],
                                                            reason: str) -> None:
    result = desk.take(mail("This month's newsletter.", sender="news@lists.example",
                            headers=headers))
    assert (result.status, result.detail) == ("ignored", reason)
    _nothing_answered(desk)
    assert desk.records()[0].status == "ignored"


@pytest.mark.parametrize("headers", [
    {"X_Mailbot_Loop": FIRM},  # our loop header: something sent our letter back to us
    {"From": COMPLAINTS},
    {"Message_ID": "<mb.0123456789abcdef0123456789abcdef@firm.test>"},
], ids=["loop-header", "from-our-address", "our-message-id"])
def test_our_own_mail_coming_back_is_never_answered(desk: Desk, headers: dict[str, str]) -> None:
    result = desk.take(mail(COMPLAINT, headers=headers))
    assert (result.status, result.detail) == ("ignored", "own_mail")
    _nothing_answered(desk)


def test_another_systems_loop_header_is_not_ours(desk: Desk) -> None:
    result = desk.take(mail(COMPLAINT, X_Mailbot_Loop="other-firm.test"))
    assert result.status == "new_case"


# --- machine mail about a case -----------------------------------------------------------------


def _sent(desk: Desk, server: SmtpServer) -> dict[str, ReceivedMail]:
    """Send what is queued an hour after the complaint: each letter by the kind its
    outbox row names."""
    wire = {m.raw.split(b"Message-ID: <", 1)[1].split(b">", 1)[0].decode(): m
            for m in desk.send(server, at=T0 + HOUR)}
    return {row.kind: wire[row.message_id] for row in desk.letters() if row.message_id in wire}


def _parsed(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, _class=EmailMessage, policy=default)


def test_an_auto_reply_to_our_acknowledgement_is_filed_on_the_case_and_not_answered(
        desk: Desk, smtp_server: SmtpServer) -> None:
    desk.complaint(COMPLAINT)
    ack = _parsed(_sent(desk, smtp_server)["acknowledgement"].raw)
    letters = len(desk.letters())
    away = mail("I am out of the office until Monday.", subject="Automatic reply: " +
                str(ack["Subject"]), Auto_Submitted="auto-replied",
                In_Reply_To=str(ack["Message-ID"]), References=str(ack["Message-ID"]))
    result = desk.take(away, at=T0 + 2 * HOUR)
    assert (result.status, result.case_ref, result.detail) == ("ignored", "C-2026-0001",
                                                               "auto_reply")
    (case,) = desk.cases()
    assert desk.filed(case.id) == ["complaint", "acknowledgement", "auto_reply"]
    assert len(desk.letters()) == letters, "nothing new queued for anyone"
    assert desk.records()[-1].case_id == case.id


def _dsn(letter: ReceivedMail, *, action: str, status: str, copy: bool = True) -> bytes:
    """A standard delivery status notification (RFC 3464) for `letter`, sent to its envelope
    sender (our VERP address) as a receiving server writes one; with `copy`, the letter's
    headers are returned too."""
    head = letter.raw.split(b"\r\n\r\n", 1)[0].decode()
    returned = f"--b\r\nContent-Type: text/rfc822-headers\r\n\r\n{head}\r\n\r\n" if copy else ""
    return (
        "From: MAILER-DAEMON@mx.clients.test\r\n"
        f"To: {letter.mail_from}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {make_msgid(domain='mx.clients.test')}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\n"
        "This is the mail system at host mx.clients.test.\r\n\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.clients.test\r\n\r\n"
        f"Final-Recipient: rfc822; {letter.rcpt_tos[0]}\r\nAction: {action}\r\n"
        f"Status: {status}\r\n\r\n"
        f"{returned}--b--\r\n").encode()


def test_a_bounced_letter_to_the_client_tells_the_handler(desk: Desk,
                                                          smtp_server: SmtpServer) -> None:
    desk.complaint(COMPLAINT)
    sent = _sent(desk, smtp_server)
    result = desk.take(_dsn(sent["acknowledgement"], action="failed", status="5.1.1"),
                       at=T0 + 2 * HOUR)
    assert (result.status, result.detail) == ("ignored", "bounce")
    (ack,) = desk.letters("acknowledgement")
    (event,) = desk.events("letter.bounced")
    assert (event["outbox_id"], event["status"], event["permanent"]) == (ack.id, "5.1.1", True)
    (alert,) = desk.letters("bounce_alert")
    (case,) = desk.cases()
    assert (alert.recipients, alert.case_id) == ([HANDLER], case.id)
    assert CLIENT in alert.body_text
    assert len(desk.letters("acknowledgement")) == 1, "the bounce itself is never answered"
    (row,) = desk.rows(audit_events, audit_events.c.kind == "letter.bounced")
    assert row.case_ref == "C-2026-0001"


def test_a_delay_report_is_recorded_and_nobody_is_alarmed(desk: Desk,
                                                          smtp_server: SmtpServer) -> None:
    desk.complaint(COMPLAINT)
    sent = _sent(desk, smtp_server)
    desk.take(_dsn(sent["acknowledgement"], action="delayed", status="4.4.1"), at=T0 + 2 * HOUR)
    (event,) = desk.events("letter.bounced")
    assert event["permanent"] is False
    assert not desk.letters("bounce_alert"), "the server is still trying"


def test_a_bounced_approval_request_is_recorded_without_an_alert(desk: Desk,
                                                                 smtp_server: SmtpServer) -> None:
    desk.complaint(COMPLAINT)
    sent = _sent(desk, smtp_server)
    # Only the VERP address it was sent to names the letter: no copy comes back.
    desk.take(_dsn(sent["approval_request"], action="failed", status="5.2.2", copy=False),
              at=T0 + 2 * HOUR)
    (request,) = desk.letters("approval_request")
    assert desk.events("letter.bounced")[0]["outbox_id"] == request.id
    assert not desk.letters("bounce_alert"), "only a client letter's bounce is a handler's task"


def test_a_plain_text_bounce_is_tied_to_the_letter_by_its_message_id(
        desk: Desk, smtp_server: SmtpServer) -> None:
    # No report part and not to the VERP address: the returned copy's Message-ID names it.
    desk.complaint(COMPLAINT)
    ack = _parsed(_sent(desk, smtp_server)["acknowledgement"].raw)
    bounce = mail(
        "This message was created automatically by mail delivery software.\n\n"
        "A message that you sent could not be delivered to one or more of its recipients. "
        "This is a permanent error. The following address(es) failed:\n\n"
        f"  {CLIENT}\n    host mx.clients.test: 550 5.1.1 User unknown\n\n"
        "------ This is a copy of the message's headers. ------\n\n"
        f"Message-ID: {ack['Message-ID']}\nSubject: {ack['Subject']}\n",
        sender="Mail Delivery System <Mailer-Daemon@mx.clients.test>",
        subject="Mail delivery failed: returning message to sender")
    result = desk.take(bounce, at=T0 + 2 * HOUR)
    assert (result.status, result.detail) == ("ignored", "bounce")
    (row,) = desk.letters("acknowledgement")
    assert desk.events("letter.bounced")[0]["outbox_id"] == row.id
    assert [a.recipients for a in desk.letters("bounce_alert")] == [[HANDLER]]


def test_a_bounce_of_mail_we_never_sent_is_recorded_and_goes_nowhere(desk: Desk) -> None:
    bounce = mail("Delivery has failed to these recipients: someone@else.test\n550 5.1.1",
                  sender="postmaster@else.test", subject="Undeliverable: hello")
    result = desk.take(bounce)
    assert (result.status, result.detail) == ("ignored", "bounce")
    assert desk.events("letter.bounced")[0]["outbox_id"] is None
    _nothing_answered(desk)


# --- mail that looks like an approval ----------------------------------------------------------


def _forged_approval(desk: Desk, to: str) -> bytes:
    """"approve" in the handler's name, which the firm's own server found failing DMARC."""
    request = desk.request()
    forged = mail("approve", sender=HANDLER, subject=f"Re: {request.subject}")
    forged.replace_header("To", to)
    trace = (f"Authentication-Results: mx.{FIRM}; dmarc=fail header.from={FIRM}\r\n"
             f"Received: from relay.evil.test by mx.{FIRM}; {format_datetime(T0 + HOUR)}\r\n")
    return trace.encode() + bytes(forged)


def test_an_approval_our_server_marks_as_forged_is_refused_and_the_handler_told(
        desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    result = desk.take(_forged_approval(desk, desk.request().reply_to), at=T0 + HOUR)
    assert (result.status, result.detail) == ("handler_reply", "refused: authentication_failed")
    assert [d.status for d in desk.letters("progress_update")] == ["draft"], "nothing approved"
    (told,) = desk.letters("approval_refused")
    assert told.recipients == [HANDLER]


def test_forged_mail_with_a_token_we_never_issued_is_only_spam(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    guessed = COMPLAINTS.replace("@", "+a-0123456789abcdef0123456789abcdef@")
    result = desk.take(_forged_approval(desk, guessed), at=T0 + HOUR)
    assert (result.status, result.detail) == ("ignored", "spam")
    assert not desk.letters("approval_refused"), "no notice a stranger can trigger at will"


def test_a_complaint_whose_subject_looks_like_our_approval_tag_is_a_complaint(desk: Desk) -> None:
    tag = "[a-0123456789abcdef0123456789abcdef]"
    result = desk.take(mail(COMPLAINT, subject=f"Invoice {tag} is wrong"))
    assert result.status == "new_case"
    assert len(desk.letters("acknowledgement")) == 1
