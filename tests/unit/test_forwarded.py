"""Reading a forwarded client email's sender and date (mailbot/forwarded.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from mailbot.forwarded import forwarded_mail, sent_time
from mailbot.message import parse_message

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 12, tzinfo=timezone.utc)
THEN = datetime(2026, 3, 3, 9, 12, tzinfo=LONDON)


@pytest.mark.parametrize("printed", [
    "Tue, 3 Mar 2026 at 09:12",                 # Gmail
    "Tue, 03 Mar 2026 09:12:00 +0000",          # RFC 5322 (an attached message's Date)
    "03 March 2026 09:12",                      # Outlook (UK)
    "Tuesday, 3 March 2026 09:12",
    "Tuesday, March 3, 2026 9:12 AM",           # Outlook (US)
    "3 March 2026 at 09:12:00 GMT",             # Apple Mail
    "03/03/2026 09:12",
    "2026-03-03 09:12",
])
def test_the_dates_mail_programs_print_are_read(printed: str) -> None:
    assert sent_time(printed, zone=LONDON, now=NOW) == THEN


@pytest.mark.parametrize("printed", [
    "", "yesterday", "09:12", "March 2026",     # no day
    "Wed, 3 Mar 2026 at 09:12",                 # the weekday disagrees: misread or mistyped
    "Dienstag, 3. März 2026 09:12",             # a language dateutil does not read
    "Tue, 3 Mar 2027 at 09:12",                 # in the future
    "Mon, 3 Mar 2025 at 09:12",                 # more than a year ago
])
def test_a_date_that_cannot_be_trusted_is_not_guessed(printed: str) -> None:
    assert sent_time(printed, zone=LONDON, now=NOW) is None


def test_a_us_firm_reads_numeric_dates_month_first() -> None:
    assert sent_time("03/04/2026 09:12", zone=LONDON, now=NOW, day_first=False) == datetime(
        2026, 3, 4, 9, 12, tzinfo=LONDON)


def test_the_client_and_the_date_come_from_the_forwarded_header() -> None:
    text = ("FYI\n\n________________________________\nFrom: Jo Bloggs <Jo@Client.test>\n"
            "Sent: 03 March 2026 09:12\nTo: Priya <priya@firm.test>\nSubject: My purchase\n\n"
            "Nobody returns my calls.")
    found = forwarded_mail("FW: My purchase", text, zone=LONDON, now=NOW)
    assert found is not None
    assert (found.address, found.name, found.subject) == ("jo@client.test", "Jo Bloggs",
                                                          "My purchase")
    assert found.sent_at == THEN


@pytest.mark.parametrize("subject, text", [
    ("Re: My purchase", "Thanks.\n\nOn Tue, 3 Mar 2026 at 09:12, Jo <jo@client.test> wrote:\n"
     "> Nobody returns my calls."),                                   # a reply, not a forward
    ("FW: My purchase", "FYI\n\nFrom: Jo Bloggs\nSent: 03 March 2026 09:12\nTo: Priya\n"
     "Subject: My purchase\n\nNobody returns my calls."),             # a name and no address
    ("Complaint", "Nobody returns my calls."),
])
def test_no_forwarded_client_without_a_forward_and_an_address(subject: str, text: str) -> None:
    assert forwarded_mail(subject, text, zone=LONDON, now=NOW) is None


def test_an_email_attached_whole_gives_its_sender_and_date() -> None:
    """Outlook's "forward as attachment": the client's email is a message/rfc822 part."""
    raw = (b"From: priya@firm.test\r\nTo: complaints@firm.test\r\nSubject: Complaint\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
           b"Content-Type: text/plain\r\n\r\nFor the log.\r\n--XX\r\n"
           b"Content-Type: message/rfc822\r\n\r\nFrom: Jo Bloggs <jo@client.test>\r\n"
           b"To: priya@firm.test\r\nSubject: My purchase\r\nDate: Tue, 03 Mar 2026 09:12:00 +0000"
           b"\r\n\r\nNobody returns my calls.\r\n--XX--\r\n")
    msg = parse_message(raw)
    found = forwarded_mail(msg.subject, msg.text, zone=LONDON, now=NOW)
    assert found is not None and found.address == "jo@client.test"
    assert found.sent_at == THEN
