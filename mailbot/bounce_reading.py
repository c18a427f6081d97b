"""Non-standard bounces: recognising them, and reading who failed and whether for good.

RFC 3464 reports (multipart/report) are read field by field in machine_mail. Many MTAs
still send plain-text notices instead (qmail, older Exim and Sendmail, Exchange 5.x, Lotus
Domino, GroupWise, MDaemon, Apache James, DragonFly's dma, antivirus gateways, Yahoo, mail.ru):
those are recognised here by a machine sender or an empty return path together with a
bounce subject or a bounce sentence from the notice itself. The failed addresses come from
the report's fields, then X-Failed-Recipients, then flufl.bounce (GNU Mailman's detectors).
"""

from __future__ import annotations

import logging
import re
from email.message import Message

from flufl.bounce import all_failures

log = logging.getLogger(__name__)

# The local parts every mail system sends its own notices from: enough on their own to call a
# sender a machine (machine_mail reads an auto-reply from them).
DAEMON_NAMES = r"mailer[-_.]?daemon|postmaster|microsoftexchange[0-9a-f]*"
MAIL_DAEMON = re.compile(rf"(?:{DAEMON_NAMES})(?:[+.-].*)?", re.IGNORECASE)
# Those and the names some systems use besides, which also name people's shared mailboxes:
# here only ever read together with a bounce subject or a bounce sentence.
_DAEMON = re.compile(
    rf"(?:{DAEMON_NAMES}|mdaemon"
    r"|mail[-_.]?delivery[-_.]?(?:system|subsystem)"
    r"|mail[-_.]?administrator|ndr|nobody|mailadmin|smtp[-_.]?gateway"
    r"|e\d{3}_smtp_mail_service)(?:[+.-].*)?",
    re.IGNORECASE,
)
_REPLY_PREFIX = re.compile(r"\s*(?:re|fwd?|aw|wg|tr|sv|vs|rv|r|enc|odp|fw)\s*:", re.IGNORECASE)


def any_of(*phrases: str) -> re.Pattern[str]:
    """One pattern that finds any of `phrases` (regular expressions), in any case."""
    return re.compile("|".join(phrases), re.IGNORECASE)


# What MTAs write both in a notice's subject and in its text.
_NOTICE_PHRASES = ("delivery has failed", "has not yet been delivered", "returned mail",
                   "delivery status notification")
BOUNCE_SUBJECT = any_of(
    *_NOTICE_PHRASES,
    "undeliver", "undelivered mail", "mail delivery fail", "delivery fail", "failure notice",
    "mail system error", "delivery incomplete", "mail delivery problem", "mail error",
    "error during delivery", "could not be deliver", "failed mail", "non-?delivery",
    "not delivered", "mail failed", "message delayed", "delivery warning", r"\[bounce\]",
    "delivery notification", "failure delivery", "delivery report", "returned to sender",
    "permanent delivery failure", "delivery problem", "mail delivery",
    # French, German, Spanish, Dutch, Italian, Portuguese, Russian
    "non remis", "unzustellbar", "nicht zustellbar", "no se puede entregar", "onbestelbaar",
    "non recapitabile", "não (?:foi possível )?entreg", "не доставлено",
)
# Sentences MTAs write into their notices; none is something a client writes to a law firm.
_BOUNCE_TEXT = any_of(
    *_NOTICE_PHRASES,
    "could not be delivered", "couldn't be delivered", "was not delivered", "delivery failed",
    "undeliverable",
    "user unknown", "unknown user", "no such user", "mailbox unavailable", "mailbox is full",
    "recipient address rejected", "permanent error", "permanent fatal error",
    "this is the mail system at", "this is the qmail-send program", "mail delivery software",
    "i'm sorry to have to inform you", "delivery to the following recipient",
    "did not reach (?:some or all of )?the intended recipient", "unable to deliver",
    "could not deliver", "wasn't able to deliver", "was unable to deliver",
    "not listed in (?:the )?(?:domino directory|public name & address book)",
    "error delivering your mail", "message delivery failed", "host unknown",
    "delivery to the following", "will continue to try to deliver", "the following addresses? had",
)
STATUS_IN_TEXT = re.compile(r"(?:\b[245]\d\d[ -]#?|status:[ \t]*|#|\()([245]\.\d{1,3}\.\d{1,3})\b",
                            re.IGNORECASE)
TEMPORARY_WORDS = ("delay", "will retry", "still trying", "temporar", "will continue to try",
                   "not yet been delivered")
PERMANENT_WORDS = ("permanent", "does not exist", "user unknown", "unknown user", "no such user",
                   "not listed in", "address rejected", "given up", "giving up")


def machine_sender(from_addr: str) -> bool:
    """A mail system's own address (or none at all), as bounces come from."""
    return not from_addr or _DAEMON.fullmatch(from_addr.partition("@")[0]) is not None


def bounce_reason(*, from_addr: str, subject: str, text: str, empty_return_path: bool,
                  failed_header: bool, has_returned_copy: bool) -> str | None:
    """Why this non-standard mail is a bounce, or None; a person forwarding one ("Fwd:") is not.

    A client may well write "Undelivered parcel ... it could not be delivered", so from an
    ordinary address the subject and the text must both say so and a status code or a
    returned copy of the original must be there too.
    """
    if failed_header:
        return "bounce_header"
    if _REPLY_PREFIX.match(subject):
        return None
    bounce_subject = BOUNCE_SUBJECT.search(subject) is not None
    if not from_addr and bounce_subject:
        return "bounce_subject"
    # The notice phrases are read only where they decide: searching them in every client's
    # message was a sixth of taking mail in (tests/bench/README.md).
    if (machine_sender(from_addr) if from_addr else False) or empty_return_path:
        if bounce_subject:
            return "bounce_subject"
        return "bounce_text" if _bounce_text(text) else None
    if bounce_subject and _bounce_text(text) and (
            has_returned_copy or STATUS_IN_TEXT.search(text[:20_000])):
        return "bounce_text"  # a gateway writing from an ordinary-looking address
    return None


def _bounce_text(text: str) -> bool:
    return _BOUNCE_TEXT.search(text[:20_000]) is not None


def permanence_from_words(text: str) -> bool | None:
    """Permanent or temporary from a notice's own words (None: it does not say), for plain-text
    bounces that carry no status code; a delay wins, so a retry is never given up on a guess."""
    low = text[:20_000].lower()
    if any(word in low for word in TEMPORARY_WORDS):
        return False
    if any(word in low for word in PERMANENT_WORDS):
        return True
    return None


def failed_recipients(msg: Message, reported: list[str],
                      header_values: list[str]) -> tuple[tuple[str, ...], bool | None]:
    """(lower-cased failed addresses, permanent?) from the report, the header, else flufl.bounce.

    Permanence here is only what flufl.bounce could tell (None when it found nothing);
    status codes, read by the caller, take precedence.
    """
    listed = reported + [value for header in header_values for value in header.split(",")]
    found = [_address(value) for value in listed]
    addresses = tuple(dict.fromkeys(a for a in found if a))
    if addresses:
        return addresses, None
    try:
        temporary, permanent = all_failures(msg)
    except Exception:  # a third-party heuristic must never cost us the message
        log.debug("flufl.bounce failed on a bounce", exc_info=True)
        return (), None
    decoded = [_decode(a) for a in sorted(permanent)] + [_decode(a) for a in sorted(temporary)]
    addresses = tuple(dict.fromkeys(a for a in decoded if a))
    if not addresses:
        return (), None
    return addresses, bool(permanent)


def _address(value: str) -> str | None:
    """The address in "rfc822; jane@example.com" or "<jane@example.com>"."""
    value = value.rpartition(";")[2].strip().strip("<>").strip()
    return value.lower() if "@" in value and " " not in value and len(value) <= 254 else None


def _decode(raw: bytes | str) -> str | None:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return _address(text)
