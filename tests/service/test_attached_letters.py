"""A complaint sent as an attached letter: triage and the handler read the letter, not only the
covering note ("Please find my complaint attached")."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from mailbot.store.tables import case_messages
from tests.document_samples import letter_picture, make_docx, make_pdf
from tests.service.conftest import HANDLER, MakeDesk, mail

NOTE = "Hello,\n\nPlease find attached my formal complaint.\n\nRegards\nJo"
LETTER = ["Dear Sirs,", "", "Our completion is tomorrow and the completion funds have still",
          "not arrived in the seller's solicitor's account. Nobody at your firm answers",
          "the phone.", "", "Yours faithfully,", "Jo Bloggs"]


def with_file(msg: EmailMessage, name: str, data: bytes, ctype: str) -> EmailMessage:
    maintype, subtype = ctype.split("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def test_a_complaint_in_an_attached_pdf_is_triaged_on_the_letter(make_desk: MakeDesk) -> None:
    desk = make_desk()
    msg = with_file(mail(NOTE, subject="Complaint"), "Complaint letter.pdf", make_pdf([LETTER]),
                    "application/pdf")
    assert desk.take(msg).status == "new_case"
    (case,) = desk.cases()
    assert case.urgency == "critical", "completion tomorrow, funds missing: in the letter only"
    request = desk.request()
    assert request.recipients == [HANDLER]
    assert "Attached document: Complaint letter.pdf" in request.body_text
    assert "completion funds have still" in request.body_text
    (stored,) = desk.rows(case_messages)
    assert "completion funds have still" in stored.body, "the record keeps the letter's words"


def test_a_word_letter_sent_as_a_generic_file_is_read(make_desk: MakeDesk) -> None:
    desk = make_desk()
    docx = make_docx([line for line in LETTER if line])
    msg = with_file(mail(NOTE), "complaint.docx", docx, "application/octet-stream")
    desk.take(msg)
    (case,) = desk.cases()
    assert case.urgency == "critical"
    assert "Nobody at your firm answers" in desk.request().body_text


@pytest.mark.usefixtures("tesseract")
def test_a_photographed_letter_is_recognised_and_triaged(make_desk: MakeDesk) -> None:
    """A client photographs their letter with a phone and sends the picture."""
    desk = make_desk()
    msg = with_file(mail("Sent from my iPhone", subject="Complaint"), "IMG_2041.jpeg",
                    letter_picture([line for line in LETTER if line]), "image/jpeg")
    desk.take(msg)
    (case,) = desk.cases()
    assert case.urgency == "critical"
    assert "completion funds have still" in desk.request().body_text


def test_an_unreadable_file_is_named_for_the_handler_and_the_case_still_opens(
        make_desk: MakeDesk) -> None:
    desk = make_desk()
    msg = with_file(mail(NOTE), "scan.pdf", b"%PDF-1.4 broken", "application/pdf")
    assert desk.take(msg).status == "new_case"
    body = desk.request().body_text
    assert "Attached document: scan.pdf" in body and "not a readable PDF" in body


def test_with_reading_switched_off_the_letter_is_not_read(make_desk: MakeDesk) -> None:
    desk = make_desk(intake={"read_documents": False})
    msg = with_file(mail(NOTE), "Complaint letter.pdf", make_pdf([LETTER]), "application/pdf")
    desk.take(msg)
    (case,) = desk.cases()
    assert case.urgency != "critical"
    assert "Attached document" not in desk.request().body_text


OUTLOOK = Path(__file__).resolve().parents[1] / "fixtures" / "outlook"


def test_an_email_dragged_into_the_clients_message_is_shown_as_an_attached_email(
        make_desk: MakeDesk) -> None:
    """Outlook attaches an email dragged into a new one as a .msg file (a real one here)."""
    desk = make_desk()
    msg = with_file(mail("See my email below, which nobody answered."), "test message.msg",
                    (OUTLOOK / "simple_test_msg.msg").read_bytes(), "application/vnd.ms-outlook")
    desk.take(msg)
    body = desk.request().body_text
    assert "Attached message" in body and "Travis Ferguson" in body
    assert "This is a test message." in body


def test_a_letter_inside_an_email_forwarded_as_an_attachment_is_read(make_desk: MakeDesk) -> None:
    """"Forward as attachment": the client's earlier email, with its PDF letter, inside theirs."""
    desk = make_desk()
    earlier = with_file(mail("Please see my letter.", subject="Complaint"), "letter.pdf",
                        make_pdf([LETTER]), "application/pdf")
    msg = mail("Nobody answered the email attached.", subject="Fwd: Complaint")
    msg.add_attachment(earlier)
    desk.take(msg)
    (case,) = desk.cases()
    assert case.urgency == "critical"
    assert "completion funds have still" in desk.request().body_text
