"""Bytes to text: charsets, encoded headers, body parts, attachments, winmail.dat.

Real mail lies about its charset, breaks its multipart boundaries and hides Outlook
attachments inside TNEF, so every step here degrades to "some text" instead of raising.
Parts are read with `get_payload(decode=True)` rather than the modern `get_content()`,
which raises `KeyError` on a multipart part whose boundary is broken and `LookupError` on
an unknown charset.
"""

from __future__ import annotations

import binascii
import hashlib
import logging
import re
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig
from tnefparse.tnef import TNEF, TNEFAttachment

from .quote_markers import ATTACHED_MESSAGE_RULER

log = logging.getLogger(__name__)

MAX_DEPTH = 20  # nesting deeper than this is an attack or a loop, not a letter
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "x-sjis": "cp932",
            "ks_c_5601-1987": "cp949", "iso-8859-8-i": "iso-8859-8", "windows-874": "cp874"}
# Labels that in practice mean windows-1252 (as browsers treat them) or mislabelled UTF-8.
_WESTERN = {
    "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "iso_8859-1", "windows-1252", "cp1252"
}
_HTML_CONFIG = ParserConfig(css=CSS_PROFILES["strict"])
_ORIGINAL_TYPES = ("message/rfc822", "text/rfc822-headers")
_MACHINE_READABLE = ("message/delivery-status", "message/disposition-notification",
                     "message/feedback-report")
_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
_EXT = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "message/rfc822": ".eml",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics"
}
_TYPE_OF_EXT = {ext.lstrip("."): ctype for ctype, ext in _EXT.items()} | {"jpeg": "image/jpeg"}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    sha256: str
    content: bytes | None  # None when over the size cap (then skipped=True)
    skipped: bool = False


@dataclass(frozen=True)
class Body:
    """What a message says: `text` for reading, `main_plain`/`html` for reply trimming."""

    text: str  # plain text preferred, else HTML converted; plus the text of attached messages
    main_plain: str | None  # the message's own text/plain, when it has one
    html: str | None
    attachments: tuple[Attachment, ...]


def decode_bytes(data: bytes, declared: str | None) -> str:
    """Decode with the declared charset, then utf-8, cp1252 and latin-1 (which never fails).

    Western labels (ascii, latin-1, windows-1252) are tried as utf-8 first: valid UTF-8 with
    8-bit bytes is UTF-8 whatever the label claims, and latin-1 would accept anything.
    """
    label = (declared or "").strip().strip('"').lower()
    if label in _WESTERN:
        if data.isascii():
            return data.decode("ascii")
        chain: tuple[str, ...] = ("utf-8", "cp1252")
    else:
        chain = (_ALIASES.get(label, label), "utf-8", "cp1252")
    for charset in chain:
        if not charset:
            continue
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


def raw_header_values(msg: Message, name: str) -> list[str]:
    """All values of one header, 8-bit bytes decoded and lines unfolded, encoded-words kept."""
    wanted = name.lower()
    values = []
    for key, value in msg.raw_items():
        if key.lower() == wanted:
            if not isinstance(value, str):  # a Header object set by code, not by the parser
                value = str(value)
            raw = value.encode("ascii", "surrogateescape") if _has_surrogates(value) else None
            text = decode_bytes(raw, "utf-8") if raw is not None else value
            values.append(re.sub(r"\r?\n[ \t]*", " ", text).strip())
    return values


def decode_words(text: str) -> str:
    """Decode RFC 2047 encoded-words and normalise whitespace; bad encodings stay as written."""
    if "=?" in text:
        try:
            chunks = decode_header(text)
        except (HeaderParseError, binascii.Error, ValueError):
            chunks = [(text, None)]
        text = "".join(_chunk_text(chunk, charset) for chunk, charset in chunks)
    return " ".join(text.split())


def header_text(msg: Message, name: str) -> str | None:
    """The first value of a header, fully decoded; None when absent."""
    values = raw_header_values(msg, name)
    return decode_words(values[0]) if values else None


def html_to_text(html: str) -> str:
    """The text a person sees in an HTML part, laid out as a mail program shows it (hidden
    parts such as <head>, <style> and <script> left out). Both what clients send and what the
    content gate checks in our own letters are read with it."""
    try:
        text = get_text(html, _HTML_CONFIG)
    except Exception:  # lxml refuses some documents outright; keep the words anyway
        log.debug("inscriptis failed; stripping tags instead", exc_info=True)
        text = re.sub(r"<[^>]{0,2000}>", " ", html)
    return tidy(text)


def tidy(text: str) -> str:
    """Strip line ends and runs of blank lines, which converters and clients add freely."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def extract_body(msg: Message, *, max_attachment_bytes: int) -> Body:
    walker = _Walker(max_attachment_bytes)
    walker.visit(msg, 0)
    main_plain = "\n\n".join(p for p in walker.plains if p.strip()) or None
    html = "\n".join(walker.htmls) or None
    if main_plain is None and html is None and walker.tnef_plain:
        main_plain = walker.tnef_plain
    if html is None and walker.tnef_html:
        html = walker.tnef_html
    text = main_plain if main_plain is not None else html_to_text(html) if html else ""
    text = "\n\n".join(t for t in [tidy(text), *walker.attached_texts] if t)
    return Body(text, main_plain, html, tuple(walker.attachments))


@dataclass
class _Walker:
    """One pass over the MIME tree; each part that fails is skipped, never the whole message."""

    max_bytes: int
    plains: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    attached_texts: list[str] = field(default_factory=list)
    tnef_plain: str | None = None
    tnef_html: str | None = None

    def visit(self, part: Message, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        try:
            ctype = part.get_content_type()
            if ctype in _MACHINE_READABLE:
                return  # read by machine_mail, not by people
            if ctype == "message/rfc822" and part.is_multipart():
                self._attached_message(part, depth)
            elif part.is_multipart():
                for child in children(part):
                    if ctype == "multipart/report" and child.get_content_type() in _ORIGINAL_TYPES:
                        self._report_original(child)
                    else:
                        self.visit(child, depth + 1)
            elif part.get_content_maintype() == "multipart":
                self._broken_multipart(part, depth)
            else:
                self._leaf(part, ctype)
        except Exception:  # one unreadable part must not cost the rest of the message
            log.debug("skipping an unreadable MIME part", exc_info=True)

    def _leaf(self, part: Message, ctype: str) -> None:
        name = part_filename(part)
        data = payload_bytes(part)
        is_tnef = ctype in _TNEF_TYPES or (name or "").lower() == "winmail.dat"
        if is_tnef and self._tnef(data):
            return
        disposition = (part.get_content_disposition() or "").lower()
        if not name and disposition != "attachment" and ctype in ("text/plain", "text/html"):
            text = decode_bytes(data, part.get_content_charset())
            (self.plains if ctype == "text/plain" else self.htmls).append(text)
            return
        if not data and not name:
            return
        self._add_attachment(name or f"part-{len(self.attachments) + 1}{_EXT.get(ctype, '.bin')}",
                             ctype, data)

    def _attached_message(self, part: Message, depth: int) -> None:
        inner = next(iter(children(part)), None)
        if inner is None:
            return
        subject = header_text(inner, "subject") or ""
        self._add_attachment(
            part_filename(part) or _eml_name(subject), "message/rfc822", _part_bytes(inner))
        inner_body = _Walker(self.max_bytes)
        inner_body.visit(inner, depth + 1)
        # Its files are this message's too: a client forwarding, as an attachment, the email
        # that carried their complaint letter sends the letter (documents.py reads it).
        self.attachments.extend(inner_body.attachments)
        text = inner_body.plains or [html_to_text(h) for h in inner_body.htmls]
        heading = [f"{k}: {v}" for k in ("From", "Date", "Subject") if (v := header_text(inner, k))]
        body = tidy("\n\n".join(t for t in text if t.strip()))
        self.attached_texts.append("\n".join(
            [ATTACHED_MESSAGE_RULER, *heading, "", body]))

    def _report_original(self, part: Message) -> None:
        """A delivery report's copy of the original: kept as a file, not read as the report's text.
        """
        inner = children(part)
        data = _part_bytes(inner[0]) if inner else payload_bytes(part)
        ext = ".eml" if part.get_content_type() == "message/rfc822" else ".txt"
        self._add_attachment(
            part_filename(part) or f"original-message{ext}", part.get_content_type(), data)

    def _broken_multipart(self, part: Message, depth: int) -> None:
        """A multipart whose boundary is missing or wrong: find the real one, else read it as text.
        """
        raw = payload_bytes(part)
        found = re.search(rb"^--([^\r\n]{1,70}?)[ \t]*\r?\n[Cc]ontent-[A-Za-z-]+:", raw,
                          re.MULTILINE)
        if found and b'"' not in found.group(1):
            head = b'Content-Type: multipart/mixed; boundary="' + found.group(1) + b'"\r\n\r\n'
            repaired = BytesParser(policy=compat32).parsebytes(head + raw)
            if repaired.is_multipart():
                self.visit(repaired, depth + 1)
                return
        self.plains.append(decode_bytes(raw, part.get_content_charset()))

    def _tnef(self, data: bytes) -> bool:
        try:
            tnef = TNEF(data, do_checksum=False)
        except Exception:  # not TNEF after all: keep it as an ordinary attachment
            return False
        for item in tnef.attachments:
            name = _tnef_name(item)
            ctype = _TYPE_OF_EXT.get(name.rpartition(".")[2].lower(), "application/octet-stream")
            self._add_attachment(name, ctype, bytes(item.data or b""))
        if tnef.body:
            body = tnef.body
            text = body if isinstance(body, str) else decode_bytes(body, tnef.codepage)
            self.tnef_plain = text.strip("\x00")
        if tnef.htmlbody:
            html = tnef.htmlbody
            self.tnef_html = html if isinstance(html, str) else decode_bytes(html, tnef.codepage)
        return True

    def _add_attachment(self, name: str, ctype: str, data: bytes) -> None:
        over = len(data) > self.max_bytes
        digest = hashlib.sha256(data).hexdigest()
        self.attachments.append(
            Attachment(name, ctype, len(data), digest, None if over else data, over))


def payload_bytes(part: Message) -> bytes:
    """A leaf part's body with base64 or quoted-printable undone; b"" for a container."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def children(part: Message) -> list[Message]:
    """The parts inside a multipart, or the message inside message/rfc822; [] for a leaf."""
    if not part.is_multipart():
        return []
    return [child for child in part.get_payload() if isinstance(child, Message)]


def part_filename(part: Message) -> str | None:
    """The part's filename: RFC 2231 parameters, RFC 2047 words (Outlook) and 8-bit bytes all
    occur."""
    try:
        name = part.get_filename() or part.get_param("name")
    except Exception:  # parameter parsing fails in many ways on hostile input; a name is optional
        return None
    if isinstance(name, tuple):  # an RFC 2231 value the library could not collapse
        name = name[2]
    if not name:
        return None
    if _has_surrogates(name):
        name = decode_bytes(name.encode("ascii", "surrogateescape"), "utf-8")
    name = decode_words(name).replace("/", "_").replace("\\", "_")
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name or None


def _tnef_name(item: TNEFAttachment) -> str:
    try:
        name = item.long_filename() or item.name
    except (UnicodeDecodeError, AttributeError):  # tnefparse decodes 8-bit names as UTF-8
        name = getattr(item, "_name", b"")
    if isinstance(name, bytes):
        name = decode_bytes(name, "cp1252")
    return name.strip("\x00").strip() or "winmail-part.bin"


def _part_bytes(part: Message) -> bytes:
    try:
        return part.as_bytes()
    except Exception:  # 8-bit content the generator refuses; keep what we can
        return part.as_string().encode("utf-8", "surrogateescape")


def _eml_name(subject: str) -> str:
    stem = re.sub(r"[^\w .,()-]+", "", subject).strip()[:60]
    return f"{stem or 'attached-message'}.eml"


def _chunk_text(chunk: bytes | str, charset: str | None) -> str:
    if isinstance(chunk, str):
        return chunk
    return decode_bytes(chunk, charset) if charset else chunk.decode("raw-unicode-escape",
                                                                     "replace")


def _has_surrogates(text: str) -> bool:
    return not text.isascii() and any("\udc80" <= ch <= "\udcff" for ch in text)
