"""A handler's reply as the handler saw it: which part to read, and format=flowed undone. Pure.

Mail programs write the plain-text part of a reply from the HTML the handler edited: typed
links become `text<url>`, lines are hard-wrapped at 72-78 columns, and format=flowed
(RFC 3676) soft breaks must be joined again (EMAIL.md rule 23). So instructions are read
from the plain text (where "approve" at the top is plainest), and an edited draft from the
HTML part when there is one, converted to text, because that is what the handler saw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import collapse_rfc2231_value

from .mime_text import decode_bytes, html_to_text

MAX_PART_CHARS = 2_000_000  # a handler's reply longer than this is read no further


@dataclass(frozen=True)
class ReplyText:
    commands: str  # where instructions are read
    draft: str  # where an edited draft is read


def read_reply(raw: bytes) -> ReplyText:
    """Both readings of one reply; empty strings when a part is missing."""
    msg = BytesParser(policy=compat32).parsebytes(raw)
    plain, html = _parts(msg)
    text = ""
    if plain is not None:
        body, flowed, delsp = plain
        text = unflow(body, delsp=delsp) if flowed else body
    html_text = html_to_text(html) if html else ""
    return ReplyText(commands=text or html_text, draft=html_text or text)


def _parts(msg: Message) -> tuple[tuple[str, bool, bool] | None, str | None]:
    """The reply's own first text/plain (with its flowed parameters) and text/html parts."""
    plain: tuple[str, bool, bool] | None = None
    html: str | None = None
    for part in _own_parts(msg, 0):
        if part.get_content_maintype() != "text" or _is_attachment(part):
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        body = decode_bytes(payload, part.get_content_charset())[:MAX_PART_CHARS]
        body = body.replace("\r\n", "\n").replace("\r", "\n")
        if part.get_content_subtype() == "plain" and plain is None:
            fmt = collapse_rfc2231_value(part.get_param("format") or "").lower()
            delsp = collapse_rfc2231_value(part.get_param("delsp") or "").lower() == "yes"
            plain = (body, fmt == "flowed", delsp)
        elif part.get_content_subtype() == "html" and html is None:
            html = body
    return plain, html


def _own_parts(msg: Message, depth: int) -> list[Message]:
    """Leaf parts of the reply itself, not of messages attached to it (a forwarded request)."""
    if depth > 20:
        return []
    if msg.get_content_type() == "message/rfc822" and depth > 0:
        return []
    if msg.is_multipart():
        payload = msg.get_payload()
        children = payload if isinstance(payload, list) else []
        return [leaf for child in children if isinstance(child, Message)
                for leaf in _own_parts(child, depth + 1)]
    return [msg]


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("Content-Disposition", "")).split(";", 1)[0].strip().lower()
    return disposition == "attachment"


_QUOTES = re.compile(r"^(>+)")


def unflow(text: str, *, delsp: bool = False) -> str:
    """RFC 3676: join soft-broken lines (ending in a space) of equal quote depth.

    Space-stuffing is removed; the signature separator "-- " is never a soft break.
    Quoted lines come out as "> " times their depth, the way quoting is read elsewhere.
    """
    out: list[tuple[int, str]] = []
    open_line = False
    for line in text.split("\n"):
        found = _QUOTES.match(line)
        depth = len(found.group(1)) if found else 0
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffed (or the space after the quote marks)
        soft = content.endswith(" ") and content != "-- "
        if soft and delsp:
            content = content[:-1]
        if open_line and out and out[-1][0] == depth:
            out[-1] = (depth, out[-1][1] + content)
        else:
            out.append((depth, content))
        open_line = soft
    lines = []
    for depth, content in out:
        lines.append("> " * depth + (content if content == "-- " else content.rstrip(" ")))
    return "\n".join(lines)
