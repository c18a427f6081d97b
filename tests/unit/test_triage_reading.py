"""What triage reads of an email (mailbot/triage/reading.py)."""

from __future__ import annotations

from mailbot.triage.reading import mail_for_triage, subject_of
from mailbot.message import parse_message
from mailbot.triage import MAX_TEXT_CHARS
from mailbot.trimming import trim_reply

FORWARD = ("---------- Forwarded message ---------\nFrom: Sam <sam@example.org>\n"
           "Date: Tue, 3 Mar 2026 at 09:12\nSubject: {subject}\nTo: Alex <alex@firm.example>\n\n")


def read(subject: str, body: str) -> str:
    return mail_for_triage(subject, trim_reply(body), body)


def test_a_forwarded_complaint_is_read_under_the_note_above_it() -> None:
    body = ("See below. Nobody has answered me.\n\n" + FORWARD.format(subject="Completion money")
            + "Dear Alex,\n\nThe completion money I sent you has not arrived.\n\nRegards,\nSam")
    assert read("Fwd: Completion money", body) == (
        "Completion money\n\nSee below. Nobody has answered me.\n\n"
        "The completion money I sent you has not arrived.")


def test_a_forwarded_subject_is_read_when_it_says_something_new() -> None:
    body = "FYI\n\n" + FORWARD.format(subject="My deposit") + "It has gone."
    assert read("Fwd: Help", body) == "Help\n\nFYI\n\nMy deposit\n\nIt has gone."


def test_a_forward_with_no_note_is_read() -> None:
    body = FORWARD.format(subject="My deposit") + "It has gone."
    assert read("Fwd: My deposit", body) == "My deposit\n\nIt has gone."


def test_a_replys_quoted_thread_is_not_read() -> None:
    """A reply quotes the other side's words, often the firm's own letter (its ombudsman
    paragraph, its invoice): read as the client's, they would name the category."""
    body = ("This bill is far too high.\n\nOn Tue, 3 Mar 2026 at 09:12, Alex <alex@firm.example> "
            "wrote:\n> Please find our invoice. You may refer your complaint to the Legal "
            "Ombudsman.\n")
    assert read("Re: Your bill", body) == "Your bill\n\nThis bill is far too high."


def test_a_message_with_no_new_words_and_no_forward_is_read_whole() -> None:
    assert read("", "> Where is my money?") == "> Where is my money?"


def test_subject_prefixes_in_the_languages_clients_use() -> None:
    assert subject_of("Re: Fwd: AW: WG: TR: RV: Enc: My deposit") == "My deposit"
    assert subject_of("RE[2]: My deposit") == "My deposit"
    assert subject_of("Recovery of my deposit") == "Recovery of my deposit"


def test_what_is_read_is_bounded() -> None:
    body = "FYI\n\n" + FORWARD.format(subject="x") + "word " * 1_000_000
    assert len(read("Fwd: x", body)) <= MAX_TEXT_CHARS


def test_an_email_forwarded_as_an_attachment_is_read() -> None:
    """Outlook's "forward as attachment": the complaint is an attached message/rfc822."""
    raw = (b"From: Sam <sam@example.org>\r\nTo: complaints@firm.example\r\nSubject: Complaint\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
           b"Content-Type: text/plain\r\n\r\nSee attached.\r\n--XX\r\n"
           b"Content-Type: message/rfc822\r\n\r\nFrom: Sam <sam@example.org>\r\n"
           b"To: alex@firm.example\r\nSubject: My deposit\r\nDate: Tue, 3 Mar 2026 09:12:00 +0000"
           b"\r\n\r\nThe deposit I paid you has vanished from your client account.\r\n--XX--\r\n")
    msg = parse_message(raw)
    assert mail_for_triage(msg.subject, msg.reply_text, msg.text) == (
        "Complaint\n\nSee attached.\n\nMy deposit\n\n"
        "The deposit I paid you has vanished from your client account.")
