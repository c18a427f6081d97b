"""Raw bytes -> Inbound: the one reading of an email that routing, triage and records share.

Reading is lenient: a real complaint must never be refused for a small defect, so only
input that is not an email at all raises MalformedMessage (the caller quarantines it), and
human mail whose From address is unusable (a control character in it), which no letter
could ever reach.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime, unquote
from types import MappingProxyType

from .addresses import address_problem
from .errors import MalformedMessage
from .machine_mail import LOOP_HEADER, OWN_MESSAGE_ID_PREFIX, MailKind, classify
from .mime_text import Attachment, decode_words, extract_body, header_text, raw_header_values
from .sender_auth import MAX_HEADERS as MAX_AUTH_HEADERS
from .sender_auth import AuthResult, read_auth_results
from .trimming import reply_from_html, trim_reply

__all__ = [
    "CASE_REF_RE", "LOOP_HEADER", "OWN_MESSAGE_ID_PREFIX", "Attachment", "AuthResult", "Inbound",
    "MailKind", "parse_message",
]

CASE_REF_RE = re.compile(r"\bC-(\d{4})-(\d{4,})\b", re.IGNORECASE)
DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
# Headers a message must have at least one of to be an email rather than stray bytes.
_EMAIL_HEADERS = {
    "from", "to", "cc", "subject", "date", "message-id", "received", "return-path", "mime-version",
    "content-type", "sender", "reply-to", "delivered-to", "in-reply-to"
}
_KEPT_HEADERS = ("auto-submitted", "precedence", "list-id", "list-unsubscribe", "x-mailbot-loop",
                 "x-auto-response-suppress", "x-autoreply", "x-autorespond", "return-path",
                 "x-spam-flag", "x-spam-status", "x-failed-recipients")
_LEADING_BLANK_LINES = re.compile(rb"\A(?:[ \t]*\r?\n){1,50}")
_ANGLE_ID = re.compile(r"<([^<>]{1,250})>")
# A web form's fields as form plugins print them ("Email: jo@client.example", "Your name: Jo"),
# looked for in the first _FORM_TEXT characters of its text.
_FORM_FIELD = re.compile(
    r"^[ \t*]*((?:your\s+)?e-?mail(?:\s+address)?|(?:your\s+|full\s+)?name)[ \t*]*[:：][ \t]*"
    r"(\S[^\n]{0,200})$", re.IGNORECASE | re.MULTILINE)
_FORM_TEXT = 20_000
_SINGLE_ADDRESS = re.compile(r"([^<>]*)<([^<>@\s]+@[^<>\s]+)>\s*")


@dataclass(frozen=True)
class Inbound:
    """One email as mailbot reads it. Ids carry no angle brackets; addresses are lower-cased."""

    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    from_addr: str
    from_name: str
    reply_to: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    # to, cc and the envelope headers: where plus-address tokens are found
    recipients: tuple[str, ...]
    subject: str
    date: datetime | None
    received_at: datetime | None  # from the topmost Received header: when our server got it
    text: str  # the full body text; never trimmed
    reply_text: str  # only what the sender wrote now
    html: str | None
    attachments: tuple[Attachment, ...]
    kind: MailKind
    reason: str
    is_own: bool
    bounced_message_id: str | None
    bounce_status: str | None
    bounce_permanent: bool | None
    auth_results: tuple[AuthResult, ...]
    case_ref: str | None
    headers: Mapping[str, str]
    bounce_recipients: tuple[str, ...] = ()  # the addresses a bounce says failed, lower-cased
    via_form: str | None = None  # the web form's sender address, when a form sent it for a client


def parse_message(raw: bytes, *, own_addresses: Collection[str] = (), own_domain: str | None = None,
                  max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
                  form_senders: Collection[str] = ()) -> Inbound:
    """Read one email. Raises MalformedMessage only when the bytes are not an email at all, or
    when it comes from one of the firm's web forms (`form_senders`) without the client's address.
    """
    msg = _parse_bytes(raw)
    from_name, from_addr = _sender(msg)
    body = extract_body(msg, max_attachment_bytes=max_attachment_bytes)
    via_form = None
    if from_addr and from_addr in {a.lower() for a in form_senders}:
        via_form, (from_name, from_addr) = from_addr, _form_client(msg, body.text)
    if not from_addr and not body.text.strip() and not body.attachments:
        raise MalformedMessage("no sender and no body")
    subject = header_text(msg, "subject") or ""
    message_id = _first_id(header_text(msg, "message-id"))
    auth_results = _auth_results(msg)
    verdict = classify(msg, from_addr=from_addr, subject=subject, message_id=message_id,
                       own_addresses=own_addresses, own_domain=own_domain,
                       dmarc_failed=_own_dmarc_failed(auth_results, own_domain),
                       from_form=via_form is not None)
    if verdict.kind is MailKind.HUMAN and from_addr and (problem := address_problem(from_addr)):
        # It would become a case's client address and every letter to it would fail: quarantined
        # with its bytes (a person is told), never dropped and never a case (addresses.py).
        raise MalformedMessage(f"the sender's address cannot be used: {problem}")
    to, cc = _addresses(msg, "to"), _addresses(msg, "cc")
    envelope = _addresses(msg, "delivered-to", "x-original-to", "envelope-to")
    received = raw_header_values(msg, "received")
    case_ref = CASE_REF_RE.search(subject)
    return Inbound(
        message_id=message_id, in_reply_to=_first_id(header_text(msg, "in-reply-to")),
        references=_all_ids(" ".join(raw_header_values(msg, "references"))), from_addr=from_addr,
        from_name=from_name, reply_to=next(iter(_addresses(msg, "reply-to")), None), to=to, cc=cc,
        recipients=tuple(dict.fromkeys(to + cc + envelope)), subject=subject,
        date=_utc(header_text(msg, "date")),
        received_at=_utc(received[0].rpartition(";")[2]) if received else None, text=body.text,
        reply_text=_reply_text(body.main_plain,
                               body.html), html=body.html, attachments=body.attachments,
        kind=verdict.kind, reason=verdict.reason, is_own=verdict.is_own,
        bounced_message_id=verdict.bounced_message_id, bounce_status=verdict.bounce_status,
        bounce_permanent=verdict.bounce_permanent, auth_results=auth_results,
        case_ref=f"C-{case_ref.group(1)}-{case_ref.group(2)}" if case_ref else None,
        via_form=via_form,
        headers=MappingProxyType({
            k: v[:500]
            for k in _KEPT_HEADERS if (v := header_text(msg, k)) is not None
        }), bounce_recipients=verdict.bounce_recipients,
    )


def _parse_bytes(raw: bytes) -> Message:
    if not raw or not raw.strip():
        raise MalformedMessage("empty message")
    # Some senders' software puts blank lines before the headers; the parser would read
    # the whole message as body, so they are skipped (the stored raw bytes stay as they were).
    raw = _LEADING_BLANK_LINES.sub(b"", raw, count=1)
    try:
        msg = BytesParser(policy=compat32).parsebytes(raw)
    except RecursionError:
        raise MalformedMessage("MIME parts nested too deeply") from None
    except Exception as exc:  # the parser is lenient; anything it still refuses is not an email
        raise MalformedMessage(f"unparseable: {type(exc).__name__}") from None
    if not {key.lower() for key in msg} & _EMAIL_HEADERS:
        raise MalformedMessage("no email headers")
    return msg


def _reply_text(plain: str | None, html: str | None) -> str:
    """Trim the sender's own text/plain; for HTML-only mail drop quote markup before converting.

    A message whose only text is an attached message has written nothing new itself.
    """
    if plain is not None:
        return trim_reply(plain)
    return reply_from_html(html) if html else ""


def _form_client(msg: Message, text: str) -> tuple[str, str]:
    """The client a web form wrote for: its Reply-To, which form plugins set to the address the
    client typed (the From is the website's own, which no letter must go to), else the form's
    own "Email:" and "Name:" fields at the start of a line of its text."""
    name, address = _sender(msg, "reply-to")
    if address:
        return name, address
    fields: dict[str, str] = {}
    for found in _FORM_FIELD.finditer(text[:_FORM_TEXT]):
        fields.setdefault("address" if "mail" in found.group(1).lower() else "name",
                          found.group(2).strip())
    address = fields.get("address", "").strip("<>").lower()
    if "@" not in address:
        raise MalformedMessage("a message from the firm's web form without a Reply-To or an "
                               "Email field: the client's address is not known")
    return fields.get("name", ""), address


def _sender(msg: Message, header: str = "from") -> tuple[str, str]:
    """(display name, lower-cased address) of From (or `header`); ('', '') when there is none."""
    values = raw_header_values(msg, header)
    if not values:
        return "", ""
    # also survives an unquoted comma in the name
    single = _SINGLE_ADDRESS.fullmatch(values[0][:2000])
    if single:
        return decode_words(unquote(single.group(1).strip())), single.group(2).lower()
    pairs = [(name, addr.strip().lower()) for name, addr in getaddresses(values[:1])
             if addr.strip()]
    name, addr = next(((n, a) for n, a in pairs if "@" in a), pairs[0] if pairs else ("", ""))
    return decode_words(name), addr if " " not in addr else ""


def _addresses(msg: Message, *names: str) -> tuple[str, ...]:
    raw = [value for name in names for value in raw_header_values(msg, name)]
    found = (addr.strip().lower() for _, addr in getaddresses(raw))
    return tuple(dict.fromkeys(a for a in found if "@" in a and " " not in a))


def _first_id(value: str | None) -> str | None:
    ids = _all_ids(value or "")
    if ids:
        return ids[0]
    bare = (value or "").strip().strip("<>").split()
    return bare[0] if bare else None


def _all_ids(value: str) -> tuple[str, ...]:
    ids = ("".join(found.split()) for found in _ANGLE_ID.findall(value))
    return tuple(dict.fromkeys(i for i in ids if i))


def _utc(value: str | None) -> datetime | None:
    """A header date as aware UTC; an unknown zone (-0000 or none) is taken as UTC."""
    if not value or not value.strip():
        return None
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


def _auth_results(msg: Message) -> tuple[AuthResult, ...]:
    """Every Authentication-Results header, top first, with the Received headers above it."""
    found: list[tuple[int, str]] = []
    received = 0
    for key, value in msg.raw_items():
        name = key.lower()
        if name == "received":
            received += 1
        elif name == "authentication-results" and len(found) < MAX_AUTH_HEADERS:
            found.append((received, re.sub(r"\r?\n[ \t]*", " ", str(value)).strip()))
    return read_auth_results(found)


def _own_dmarc_failed(results: tuple[AuthResult, ...], own_domain: str | None) -> bool:
    """DMARC failed per the topmost Authentication-Results, and only if our own server wrote it."""
    if not results or not own_domain:
        return False
    top, domain = results[0], own_domain.lower()
    ours = top.authserv_id == domain or top.authserv_id.endswith("." + domain)
    return ours and top.dmarc == "fail"
