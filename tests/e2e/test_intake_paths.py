"""Intake end to end: mail taken in but not decided (a crash between the steps), and who gets a new case.

After such a crash an administrator sees `mailbot status` count the message as awaiting a
decision, the message already out of the inbox in the processed folder, and the next run open
its case and acknowledge the client exactly once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from mailbot.cli import wiring
from mailbot.cli.operations import status_report
from mailbot.mailbox import Mailbox
from mailbot.service.record import Arrival, take_in
from mailbot.store.raw_mail import MailboxCoordinates
from tests.document_samples import make_pdf
from tests.e2e.harness import Firm, make_firm
from tests.servers.dovecot import DovecotServer

pytestmark = pytest.mark.dovecot

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def firm(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> Firm:  # type: ignore[no-untyped-def]
    return make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path)


def test_a_message_taken_in_but_not_decided_is_decided_by_the_next_run(firm: Firm) -> None:
    firm.client_writes("Complaint about my conveyancing", "Nobody has returned my calls for three weeks.", at=T0)
    settings = wiring.mailbox_settings(firm.config)
    with Mailbox(settings) as mailbox:  # take-in commits and files the message, then the process "dies"
        [fetched] = mailbox.fetch_since(0)
        where = MailboxCoordinates(f"{settings.username}@{settings.host}/{settings.folder}", fetched.uidvalidity, fetched.uid)
        [taken] = take_in(firm.app, [Arrival(fetched.raw, where, fetched.internaldate)], now=T0)
        mailbox.move([fetched.uid], settings.processed_folder)
    assert taken.finished is None, "recorded and read, not yet decided"

    waiting = status_report(firm.config, T0 + timedelta(minutes=1))
    assert waiting["awaiting_decision"] == 1
    assert waiting["open_cases"] == 0
    assert firm.dovecot.fetch_all(firm.complaints, "INBOX") == []

    report = firm.run(T0 + timedelta(minutes=2))
    assert report.intake.fetched == 0, "nothing new in the inbox"
    assert report.intake.outcomes == {"new_case": 1}
    decided = status_report(firm.config, T0 + timedelta(minutes=3))
    assert decided["awaiting_decision"] == 0
    assert decided["open_cases"] == 1

    again = firm.run(T0 + timedelta(minutes=4))
    assert again.intake.outcomes == {}
    subjects = [str(m["Subject"]) for m in firm.inbox(firm.client)]
    assert len(subjects) == 1 and "We have received your complaint" in subjects[0], "acknowledged exactly once"


def test_a_complaint_about_every_handler_goes_to_compliance(firm: Firm) -> None:
    """Neither named colleague is sent the complaint; compliance gets it, with the approval request."""
    firm.client_writes("Complaint", "Priya Shah and Tom Reilly both ignored my letters for a month.", at=T0)
    report = firm.run(T0 + timedelta(minutes=1))
    assert report.intake.outcomes == {"new_case": 1}
    assert firm.inbox(firm.handler) == [] and firm.inbox(firm.other_handler) == []
    [request] = firm.inbox(firm.compliance)
    assert "+a-" in request["Reply-To"], "compliance can approve, edit or reassign by replying"
    assert "Priya Shah and Tom Reilly both ignored" in request.get_body(("plain",)).get_content()


def test_a_complaint_attached_as_a_pdf_reaches_the_handler_with_its_words(firm: Firm) -> None:
    """Over real Dovecot: the covering note says nothing; the approval request shows the letter,
    and triage read it (completion tomorrow, funds missing: critical)."""
    msg = EmailMessage()
    msg["From"], msg["To"] = f"Sam Client <{firm.client.address}>", firm.complaints.address
    msg["Subject"], msg["Date"] = "Complaint", format_datetime(T0)
    msg["Message-ID"] = make_msgid(domain="client.example")
    msg.set_content("Please find my complaint attached.\n\nSam")
    letter = make_pdf([["Dear Sirs,", "Completion is tomorrow and the completion funds have",
                        "still not arrived. Nobody answers the phone."]])
    msg.add_attachment(letter, maintype="application", subtype="pdf", filename="complaint.pdf")
    firm.dovecot.append(firm.complaints, "INBOX", bytes(msg), internaldate=T0)
    report = firm.run(T0 + timedelta(minutes=1))
    assert report.intake.outcomes == {"new_case": 1}
    (request,) = [m for person in (firm.handler, firm.other_handler) for m in firm.inbox(person)
                  if "Approval needed" in str(m["Subject"])]
    shown = request.get_body(("plain",)).get_content()
    assert "Attached document: complaint.pdf" in shown
    assert "completion funds have" in shown and "Urgency:    critical" in shown
