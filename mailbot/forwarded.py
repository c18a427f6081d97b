"""A client's email that a member of staff forwarded to the complaints address: who wrote it and
when the firm first had it.

Clients complain to the person they deal with. Office complaints are complaints too, clocked
from when the firm first received them, not from when they reached the complaints inbox
(DOMAIN.md; the domain review's F2). The forward's header block says both ("From: Sam Client
<sam@example.org>", "Date: Tue, 3 Mar 2026 at 09:12", "Sent: 03 March 2026 09:12"). A date
that cannot be read, or that is in the future or more than a year old, is not guessed: the case
is then clocked from the forward and the handler is asked to check it. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from email.utils import parseaddr, parsedate_to_datetime

from dateutil import parser as date_parser

from .addresses import address_problem
from .trimming import Earlier, earlier_messages, forwards

MAX_AGE = timedelta(days=366)  # an older "first received" date is more likely misread than true
# dateutil fills what a date leaves out from its default: read with two, a date that leaves out
# its year, month or day reads differently.
_DEFAULTS = (datetime(1, 1, 1), datetime(2, 2, 2))
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class ForwardedMail:
    """The newest message a forward carries, and what its header said of it."""

    address: str
    name: str | None
    subject: str
    sent_at: datetime | None  # None: the header gave no date that could be read and trusted
    sent_as_written: str


def forwarded_mail(subject: str, text: str, *, zone: tzinfo, now: datetime,
                   day_first: bool = True) -> ForwardedMail | None:
    """The client's email in a forward, or None when the text forwards none with a usable
    sender address (an Outlook header that gives only a name, a quoted reply, plain mail)."""
    found = _newest_forwarded(subject, text)
    if found is None:
        return None
    newest, name, address = found
    return ForwardedMail(address, name or None, newest.subject,
                         sent_time(newest.sent, zone=zone, now=now, day_first=day_first),
                         newest.sent)


def forwarded_address(subject: str, text: str) -> str | None:
    """Only the forwarded email's sender address (lower-cased), without reading its date: what
    take-in needs to know whose messages a forward must be decided in order with."""
    found = _newest_forwarded(subject, text)
    return found[2] if found is not None else None


def _newest_forwarded(subject: str, text: str) -> tuple[Earlier, str, str] | None:
    """The newest forwarded message with its sender's name and (lower-cased) usable address."""
    if not forwards(subject, text):
        return None
    earlier = earlier_messages(text)
    if not earlier or not earlier[0].sender:
        return None
    name, address = parseaddr(earlier[0].sender)
    if address_problem(address) is not None:
        return None
    return earlier[0], name, address.lower()


def sent_time(value: str, *, zone: tzinfo, now: datetime,
              day_first: bool = True) -> datetime | None:
    """A forward header's date as an aware time: RFC 5322 dates first, then the forms mail
    programs print ("Tue, 3 Mar 2026 at 09:12", "Tuesday, March 3, 2026 9:12 AM"), read in the
    firm's zone when they give none; None when unreadable, in the future or over a year old."""
    if not value.strip():
        return None
    when: datetime | None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        when = None
    if when is None:
        when = _printed_time(value, day_first)
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    if when > now or now - when > MAX_AGE:
        return None
    return when


def _printed_time(value: str, day_first: bool) -> datetime | None:
    """A date as a mail program prints it in a forward header, read whole (never fuzzily: a
    misread date would move every clock), with its year, and its weekday when it names one."""
    cleaned = " ".join(value.replace(" at ", " ").replace(" um ", " ").split())
    if not _YEAR.search(cleaned):
        return None
    try:
        when, other = (date_parser.parse(cleaned, default=default, dayfirst=day_first)
                       for default in _DEFAULTS)
    except (ValueError, OverflowError):
        return None
    if when != other:
        return None  # the year, month or day was left out and filled in
    named = [d for d in _WEEKDAYS if d[:3] in cleaned.lower().split(",")[0][:9]]
    if named and _WEEKDAYS.index(named[0]) != when.weekday():
        return None
    return when
