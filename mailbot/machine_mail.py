"""Is this mail from a machine? Own mail, bounces, auto-replies, lists and spam, in that order.

The order is EMAIL.md rule 8: each step is more certain than the next. A verdict only stops
the automatic reply; the message is still filed, so a doubtful signal must never outweigh
a person (an out-of-office subject alone, for instance, is not enough).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from email.utils import collapse_rfc2231_value
from enum import StrEnum

from .bounce_reading import (MAIL_DAEMON, STATUS_IN_TEXT, any_of, bounce_reason,
                             failed_recipients, permanence_from_words)
from .marks import LOOP_HEADER, MESSAGE_ID_PREFIX
from .mime_text import (MAX_DEPTH, children, decode_bytes, header_text, payload_bytes,
                        raw_header_values)


class MailKind(StrEnum):
    HUMAN = "human"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    LIST = "list"
    SPAM = "spam"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class Verdict:
    """The kind and its short reason; the bounce fields are filled only for kind BOUNCE."""

    kind: MailKind
    reason: str
    is_own: bool = False
    bounced_message_id: str | None = None
    bounce_status: str | None = None
    bounce_permanent: bool | None = None
    bounce_recipients: tuple[str, ...] = ()


OWN_MESSAGE_ID_PREFIX = MESSAGE_ID_PREFIX  # our Message-IDs: <mb.{32 hex}@{our domain}>
_OWN_ID = re.compile(re.escape(OWN_MESSAGE_ID_PREFIX) + r"[0-9a-f]{32}@(\S+)", re.IGNORECASE)
_NOREPLY = re.compile(r"(?:no[-_.]?reply|do[-_.]?not[-_.]?reply)(?:[+._-].*)?", re.IGNORECASE)
# Anchored at the start of the subject, as responders write them; a weak signal on its own.
_OOO_SUBJECT = any_of(
    "automatic reply", "auto[- ]?reply", "autoreply", "auto:", "out of (?:the )?office",
    "réponse automatique", "absent(?:e)? du bureau", "absence du bureau",  # French
    "automatische antwort", "abwesenheitsnotiz", "abwesend",  # German
    "respuesta automática", "fuera de la oficina",  # Spanish
    "automatisch antwoord", "afwezigheidsbericht", "afwezig",  # Dutch
    "risposta automatica", "fuori sede", "fuori ufficio",  # Italian
    "resposta automática", "ausente", "fora do escritório",  # Portuguese
)
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_BODY_MESSAGE_ID = re.compile(r"^[ \t]*message-id:[ \t]*<([^<>\s]{1,250})>",
                              re.IGNORECASE | re.MULTILINE)
_SUCCESS_ACTIONS = {"delivered", "relayed", "expanded"}


def classify(msg: Message, *, from_addr: str, subject: str, message_id: str | None,
             own_addresses: Collection[str] = (), own_domain: str | None = None,
             dmarc_failed: bool = False, from_form: bool = False) -> Verdict:
    """The first machine signal in rule-8 order, or human.

    `from_form`: the firm's own web form sent it for a client (message.py); the automatic marks
    a form robot puts on its mail ("Auto-Submitted: auto-generated", a no-reply sender) say who
    sent it, not that it answers anything, so they do not make it an automatic reply."""
    own = _own_reason(msg, from_addr, message_id, own_addresses, own_domain)
    if own:
        return Verdict(MailKind.AUTO_REPLY, f"own_mail: {own}", is_own=True)
    report = _report_verdict(msg, from_addr, subject)
    if report:
        return report
    auto = None if from_form else _auto_reason(msg, from_addr, subject)
    if auto:
        return Verdict(MailKind.AUTO_REPLY, auto)
    listed = _list_reason(msg, own_domain)
    if listed:
        return Verdict(MailKind.LIST, listed)
    spam = _spam_reason(msg, dmarc_failed)
    if spam:
        return Verdict(MailKind.SPAM, spam)
    return Verdict(MailKind.HUMAN, "human")


def _own_reason(msg: Message, from_addr: str, message_id: str | None,
                own_addresses: Collection[str], own_domain: str | None) -> str | None:
    loop = header_text(msg, LOOP_HEADER)
    if loop is not None and (own_domain is None or loop.strip().lower() == own_domain.lower()):
        return "loop_header"
    own = {_without_tag(a.lower()) for a in own_addresses}
    if from_addr and _without_tag(from_addr) in own:
        return "from_own_address"
    minted = _OWN_ID.fullmatch(message_id or "")
    if minted and (own_domain is None or minted.group(1).lower() == own_domain.lower()):
        return "own_message_id"
    return None


def _without_tag(address: str) -> str:
    local, at, domain = address.partition("@")
    return local.split("+", 1)[0] + at + domain


def _report_verdict(msg: Message, from_addr: str, subject: str) -> Verdict | None:
    """RFC 6522 reports (delivery, read receipt, feedback) and the common non-standard bounces."""
    is_report = msg.get_content_type() == "multipart/report"
    report_type = collapse_rfc2231_value(msg.get_param("report-type") or
                                         "").lower() if is_report else ""
    types = _content_types(msg)
    if report_type == "delivery-status" or "message/delivery-status" in types:
        return _dsn_verdict(msg)
    if report_type == "disposition-notification" or "message/disposition-notification" in types:
        return Verdict(MailKind.AUTO_REPLY, "read_receipt")
    if report_type == "feedback-report" or "message/feedback-report" in types:
        return Verdict(MailKind.AUTO_REPLY, "feedback_report")
    failed_header = raw_header_values(msg, "x-failed-recipients")
    text = _all_text(msg)
    reason = bounce_reason(from_addr=from_addr, subject=subject, text=text,
                           empty_return_path=_empty_return_path(msg),
                           failed_header=bool(failed_header),
                           has_returned_copy=_has_returned_copy(msg))
    if reason is None:
        return None
    status = STATUS_IN_TEXT.search(text[:20_000])
    code = status.group(1) if status else None
    if code and code.startswith("2"):
        return Verdict(MailKind.AUTO_REPLY, "delivery_success_report")
    recipients, flufl_permanent = failed_recipients(msg, [], failed_header)
    if code:
        permanent: bool | None = code.startswith("5")
    elif flufl_permanent is not None:
        permanent = flufl_permanent
    else:
        permanent = permanence_from_words(subject + "\n" + text)
    return Verdict(MailKind.BOUNCE, reason, bounced_message_id=_original_message_id(msg, text),
                   bounce_status=code, bounce_permanent=permanent, bounce_recipients=recipients)


def _dsn_verdict(msg: Message) -> Verdict:
    """Read every recipient's Action and Status: any failure wins, then any delay, else success."""
    fields = _delivery_status_fields(msg)
    actions = [value.lower() for name, value in fields if name == "action"]
    statuses = [
        m.group(0) for name, value in fields if name == "status" and (m := _STATUS.search(value))
    ]
    failed = [s for s in statuses if s.startswith("5")]
    delayed = [s for s in statuses if s.startswith("4")]
    original = _original_message_id(msg, None)
    if failed or "failed" in actions or delayed or "delayed" in actions:
        reported = _reported_failures(fields)
        recipients, _ = failed_recipients(msg, reported,
                                          raw_header_values(msg, "x-failed-recipients"))
        if failed or "failed" in actions:
            return Verdict(MailKind.BOUNCE, "dsn", bounced_message_id=original,
                           bounce_recipients=recipients, bounce_permanent=True,
                           bounce_status=next(iter(failed or statuses), None))
        return Verdict(MailKind.BOUNCE, "dsn_delayed", bounced_message_id=original,
                       bounce_recipients=recipients, bounce_permanent=False,
                       bounce_status=next(iter(delayed or statuses), None))
    if actions and all(a.split()[0] in _SUCCESS_ACTIONS for a in actions if a):
        return Verdict(MailKind.AUTO_REPLY, "delivery_success_report")
    if statuses and all(s.startswith("2") for s in statuses):
        return Verdict(MailKind.AUTO_REPLY, "delivery_success_report")
    failed_header = raw_header_values(msg, "x-failed-recipients")
    recipients, permanent = failed_recipients(msg, [], failed_header)
    return Verdict(MailKind.BOUNCE, "dsn", bounced_message_id=original, bounce_permanent=permanent,
                   bounce_recipients=recipients)


def _reported_failures(fields: list[tuple[str, str]]) -> list[str]:
    """Final-Recipient of each per-recipient block whose Action is not a success."""
    found, recipient = [], None
    for name, value in fields:
        if name == "final-recipient" or (name == "original-recipient" and recipient is None):
            recipient = value
        elif name == "action" and recipient is not None:
            words = value.lower().split()
            if not words or words[0] not in _SUCCESS_ACTIONS:
                found.append(recipient)
            recipient = None
    return found


def _has_returned_copy(msg: Message) -> bool:
    returned = {"message/rfc822", "text/rfc822-headers", "message/rfc822-headers"}
    return bool(_content_types(msg) & returned)


def _delivery_status_fields(msg: Message) -> list[tuple[str, str]]:
    """(lower-cased name, value) of every field in the message/delivery-status part(s)."""
    fields: list[tuple[str, str]] = []
    for part in _parts(msg):
        if part.get_content_type() != "message/delivery-status":
            continue
        if part.is_multipart():  # the parser splits the report into header blocks
            text = "\n".join(f"{k}: {v}" for block in children(part) for k, v in block.raw_items())
        else:
            text = decode_bytes(payload_bytes(part), "utf-8")
        for line in text.splitlines():
            name, colon, value = line.partition(":")
            if colon and name and not name[0].isspace():
                fields.append((name.strip().lower(), value.strip()))
    return fields


def _original_message_id(msg: Message, text: str | None) -> str | None:
    """The Message-ID of the mail that bounced: from the returned copy, else from the body text."""
    for part in _parts(msg):
        ctype = part.get_content_type()
        inner = children(part)
        if ctype == "message/rfc822" and inner:
            found = _bare_id(header_text(inner[0], "message-id"))
        elif ctype in ("text/rfc822-headers", "message/rfc822-headers", "message/rfc822"):
            raw = decode_bytes(payload_bytes(part), "utf-8")
            found = _bare_id(
                header_text(HeaderParser().parsestr(raw, headersonly=True), "message-id"))
        else:
            continue
        if found:
            return found
    match = _BODY_MESSAGE_ID.search(text if text is not None else _all_text(msg))
    return match.group(1) if match else None


def _bare_id(value: str | None) -> str | None:
    if not value:
        return None
    found = re.search(r"<([^<>]{1,250})>", value)
    ident = "".join((found.group(1) if found else value).split())
    return ident or None


def _auto_reason(msg: Message, from_addr: str, subject: str) -> str | None:
    auto_submitted = (header_text(msg, "auto-submitted") or "").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"auto_submitted: {auto_submitted}"
    for name in ("x-autoreply", "x-autorespond", "x-autogenerated"):
        value = header_text(msg, name)
        if value is not None and value.strip().lower() not in ("no", "false", "0"):
            return name.replace("-", "_")
    precedence = (header_text(msg, "precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "auto_reply"):
        return f"precedence: {precedence}"
    local = from_addr.partition("@")[0]
    if _NOREPLY.fullmatch(local):
        return "sender: noreply"
    if MAIL_DAEMON.fullmatch(local):
        return f"sender: {'postmaster' if 'postmaster' in local.lower() else 'mailer-daemon'}"
    weak = [name for name, present in (
        ("ooo_subject", _OOO_SUBJECT.match(subject) is not None),
        ("x_auto_response_suppress", bool(raw_header_values(msg, "x-auto-response-suppress"))),
        ("empty_return_path", _empty_return_path(msg)),
    ) if present]
    return f"weak: {'+'.join(weak)}" if len(weak) >= 2 else None


def _list_reason(msg: Message, own_domain: str | None) -> str | None:
    list_id = header_text(msg, "list-id")
    if list_id and own_domain and (_bare_id(list_id) or
                                   "").lower().endswith("." + own_domain.lower()):
        return None  # our own group address (a Google Group as the complaints inbox): not bulk
    if list_id:
        return "list_id"
    for name in ("list-unsubscribe", "list-post", "x-mailman-version", "list-help",
                 "list-subscribe"):
        if raw_header_values(msg, name):
            return name.replace("-", "_")
    if (header_text(msg, "precedence") or "").strip().lower() == "list":
        return "precedence: list"
    return None


def _spam_reason(msg: Message, dmarc_failed: bool) -> str | None:
    if (header_text(msg, "x-spam-flag") or "").strip().lower() == "yes":
        return "x_spam_flag"
    if (header_text(msg, "x-spam-status") or "").strip().lower().startswith("yes"):
        return "x_spam_status"
    return "dmarc_fail" if dmarc_failed else None


def _empty_return_path(msg: Message) -> bool:
    values = raw_header_values(msg, "return-path")
    return bool(values) and values[0].strip() in ("<>", "")


def _parts(msg: Message, depth: int = 0) -> list[Message]:
    """The message and its parts, not descending into returned copies of other messages."""
    found = [msg]
    if depth < MAX_DEPTH and msg.get_content_type() not in ("message/rfc822",
                                                            "message/delivery-status"):
        for child in children(msg):
            found.extend(_parts(child, depth + 1))
    return found


def _content_types(msg: Message) -> set[str]:
    return {part.get_content_type() for part in _parts(msg)}


def _all_text(msg: Message) -> str:
    """The text parts decoded, for searching a bounce that has no standard report."""
    chunks = []
    for part in _parts(msg):
        if part.get_content_maintype() == "text":
            chunks.append(decode_bytes(payload_bytes(part)[:200_000], part.get_content_charset()))
    return "\n".join(chunks)
