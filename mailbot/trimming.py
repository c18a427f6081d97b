"""Reply trimming: keep what the sender wrote now, drop what they quoted or signed.

The trimmed text is for routing and display (a handler's command is read from its top);
the full text is always stored. The work is line by line with short anchored patterns on
lines cut to MAX_SCAN characters and a fixed look-ahead, so no input, however long or odd,
can make it slow. The words themselves live in quote_markers.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from .mime_text import html_to_text
from .quote_markers import (ATTRIBUTION_ENDINGS, ATTRIBUTION_LEADS, FORWARD_INTRO,
                            FORWARD_SUBJECT, FORWARD_TITLE, FROM_KEYS, HEADER_KEY,
                            LIST_FOOTER_RULE, MOBILE_FOOTER, OTHER_KEYS, SEPARATOR, SUBJECT_KEYS,
                            DATE_KEYS,
                            TRAILING_FOOTER)

MAX_SCAN = 400  # characters of a line that are examined; quote markers are short
MAX_HTML = 1_000_000  # characters of HTML read for the reply; a letter's new text comes first
_LOOKAHEAD = 6  # lines scanned after a marker (header blocks, blank lines before a quote)
_MAX_ATTRIBUTION_LINES = 3  # clients wrap a long attribution over two or three lines
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_ENDS_WITH_ADDRESS = re.compile(r"@[^\s<>()\[\]]{1,120}[>\])]\s?:$")
_QUOTE_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)+")
MAX_EARLIER = 4_000  # characters of forwarded mail returned: the most recent message comes first
# Characters of a body searched for forwarded mail: a forward starts near the top, and what lies
# further down would be cut anyway (triage reads 20,000 characters in all), so a hostile body
# costs no more than this.
MAX_FORWARD_SCAN = 100_000
_HEADER_KEYS = FROM_KEYS | OTHER_KEYS
_MAX_HEADER_LINES = 12  # a forwarded header block: From, Sent, To (wrapped), Cc, Subject...


def trim_reply(text: str) -> str:
    """The new text of a reply: quotes, attributions, forwarded and original copies, signatures
    removed.

    Top posting keeps the text above the quote; bottom and inline posting keep the text
    between and after quoted lines. An unquoted copy (Outlook's header block) ends the reply.
    Never raises; returns "" when the sender wrote nothing new.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i][:MAX_SCAN]
        stripped = line.strip()
        if stripped.startswith(">"):
            i += 1
            continue
        if stripped == "--" or SEPARATOR.match(line) or FORWARD_INTRO.match(line):
            break
        if _header_block_at(lines, i) or _list_footer_at(lines, i):
            break
        span = _attribution_span(lines, i)
        if span:
            after = _next_nonblank(lines, i + span[0])
            if after is not None and lines[after].lstrip().startswith(">"):
                i = after  # the quote that follows is skipped line by line
                continue
            if span[1] or _only_blank_after(lines, i + span[0]):
                break  # an unquoted copy follows a certain attribution, or nothing does
        if not MOBILE_FOOTER.fullmatch(stripped):
            kept.append(lines[i])
        i += 1
    while kept and (not kept[-1].strip(" \t-_=*\u00a0")
                    or TRAILING_FOOTER.fullmatch(kept[-1].strip())):
        kept.pop()  # blank lines and rules left above a cut, and a client's footer line
    return "\n".join(kept).strip("\n")


def forwards(subject: str, text: str) -> bool:
    """Whether the message forwards earlier mail: its subject says so ("Fwd:", "FW:") or its
    text has a forwarded-message ruler or introduction (a quoted reply does not count)."""
    if FORWARD_SUBJECT.match(subject[:MAX_SCAN]):
        return True
    return any((SEPARATOR.match(line) and FORWARD_TITLE.search(line)) or FORWARD_INTRO.match(line)
               for line in (raw[:MAX_SCAN] for raw in _lines(text[:MAX_FORWARD_SCAN])))


@dataclass(frozen=True)
class _Header:
    """What a copied message's header block says, as written ("" where it says nothing)."""

    subject: str = ""
    sender: str = ""  # "Sam Client <sam@example.org>"
    sent: str = ""  # "Tue, 3 Mar 2026 at 09:12"


@dataclass(frozen=True)
class Earlier:
    """One earlier message a message carries, with what its header block said of it."""

    subject: str
    body: str
    sender: str = ""
    sent: str = ""


def earlier_messages(text: str, limit: int = MAX_EARLIER) -> list[Earlier]:
    """The earlier mail a message carries, most recent first, each as plain text: what
    trim_reply leaves out, with quote marks, rulers, attributions and header blocks removed (a
    forwarded header's subject kept apart), signatures and client footers dropped.

    A client often complains by forwarding what they sent their solicitor ("See below. Nobody
    has answered me."): the new words then say almost nothing of the complaint, and triage must
    read the forwarded one too (triage/reading.py). At most `limit` characters of bodies in
    all, so a long thread costs no more than its newest messages. Never raises.
    """
    found: list[tuple[_Header, list[str]]] = [(_Header(), [])]
    read = 0
    carried = _carried_lines(_lines(text[:MAX_FORWARD_SCAN]))
    lines = [_QUOTE_MARKS.sub("", line, count=1) for line in carried]
    i = 0
    while i < len(lines) and read <= limit:  # past the limit the rest would be cut anyway
        start = _copy_header(lines, i)
        if start is not None:
            header, i = start
            found.append((header, []))
            continue
        if not MOBILE_FOOTER.fullmatch(lines[i][:MAX_SCAN].strip()):
            found[-1][1].append(lines[i])
            read += len(lines[i]) + 1
        i += 1
    kept: list[Earlier] = []
    room = limit
    for header, body_lines in found:
        body = "\n".join(body_lines).strip()
        if body and room > 0:
            kept.append(Earlier(header.subject, body if len(body) <= room else _cut(body, room),
                                header.sender, header.sent))
            room -= len(body)
    return kept


def _copy_header(lines: list[str], i: int) -> tuple[_Header, int] | None:
    """(what its header says, the index of its first body line) when a copy of a message starts
    at line i: a ruler and the header block under it, a header block, or a certain attribution."""
    line = lines[i][:MAX_SCAN]
    if SEPARATOR.match(line) or FORWARD_INTRO.match(line) or _list_footer_at(lines, i):
        # Thunderbird's block under its ruler starts with Subject, not From
        after = _next_nonblank(lines, i + 1)
        if after is not None and _key_of(lines[after]) in _HEADER_KEYS:
            return _header_block(lines, after)
        return _Header(), i + 1
    if _header_block_at(lines, i):
        return _header_block(lines, i)
    span = _attribution_span(lines, i)
    return (_Header(), i + span[0]) if span and span[1] else None


def _cut(text: str, length: int) -> str:
    """The text's first `length` characters, not ending inside a word."""
    return text[:length].rsplit(None, 1)[0] if " " in text[:length] else text[:length]


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _carried_lines(lines: list[str]) -> list[str]:
    """The lines trim_reply leaves out as copies: the quoted lines, then from the first unquoted
    copy (a ruler, a header block, a certain attribution) to the end. After a signature ("--")
    only a copy that follows it counts: the signature is not mail."""
    out: list[str] = []
    in_signature = False
    i = 0
    while i < len(lines):
        line = lines[i][:MAX_SCAN]
        if in_signature and not _copy_starts_at(lines, i):
            i += 1
            continue
        in_signature = False
        if line.lstrip().startswith(">"):
            out.append(lines[i])
        elif line.strip() == "--":
            in_signature = True
        elif SEPARATOR.match(line) or FORWARD_INTRO.match(line) or _header_block_at(lines, i):
            return out + lines[i:]
        elif (span := _attribution_span(lines, i)) and span[1]:
            after = _next_nonblank(lines, i + span[0])
            if after is None or not lines[after].lstrip().startswith(">"):
                return out + lines[i:]
        i += 1
    return out


def _copy_starts_at(lines: list[str], i: int) -> bool:
    line = lines[i][:MAX_SCAN]
    span = _attribution_span(lines, i)
    return (line.lstrip().startswith(">") or bool(SEPARATOR.match(line))
            or bool(FORWARD_INTRO.match(line)) or _header_block_at(lines, i)
            or bool(span and span[1]))


def _header_block(lines: list[str], i: int) -> tuple[_Header, int]:
    """(what it says, the index after the block) for a header block starting at i: its key
    lines and their wrapped continuations, up to a blank line."""
    found: dict[str, str] = {}
    end = min(len(lines), i + _MAX_HEADER_LINES)
    j = i
    while j < end:
        key = _key_of(lines[j])
        if key in _HEADER_KEYS:
            value = lines[j][:MAX_SCAN].split(":", 1)[-1].split("：", 1)[-1].strip(" \t*\u00a0")
            for field, keys in (("subject", SUBJECT_KEYS), ("sender", FROM_KEYS),
                                ("sent", DATE_KEYS)):
                if key in keys:
                    found.setdefault(field, value)
        elif not (j > i and lines[j][:1] in (" ", "\t") and lines[j].strip()):
            break
        j += 1
    return _Header(**found), j


def reply_from_html(html: str) -> str:
    """The new text of an HTML-only reply: quote markup dropped, then the text trimmed.

    When dropping the markup leaves nothing (a client that put the whole reply inside its
    quote element), the whole text is trimmed as plain text instead of losing the reply.
    Only the first MAX_HTML characters are read, which bounds the parser's time.
    """
    html = html[:MAX_HTML]
    trimmed = trim_reply(html_to_text(trim_html_reply(html)))
    return trimmed if trimmed.strip() else trim_reply(html_to_text(html))


def _attribution_span(lines: list[str], i: int) -> tuple[int, bool] | None:
    """(lines it spans, certain) for an attribution starting at line i, else None.

    Certain means its own shape proves it (a known form with a date and an address or
    time inside); otherwise it only counts when a quote follows or nothing does, which is
    what keeps "I wrote to you on Monday" and "On Monday I wrote:" in the reply.
    """
    first = _normalise(lines[i])
    if not first or len(first) > MAX_SCAN:
        return None
    may_wrap = (_lead_of(first) is not None or first[0].isdigit() or "@" in first
                or first.endswith("<"))
    parts = [first]
    for span in range(1, _MAX_ATTRIBUTION_LINES + 1):
        if span > 1:
            if not may_wrap or i + span > len(lines) or not lines[i + span - 1].strip():
                break
            parts.append(_normalise(lines[i + span - 1]))
        joined = " ".join(parts)
        if joined.endswith(":"):
            certain = _attribution_kind(joined)
            if certain is not None:
                return span, certain
    return None


def _attribution_kind(joined: str) -> bool | None:
    """None when the text is no attribution; else whether it is certainly one."""
    digits = sum(c.isdigit() for c in joined)
    address = "@" in joined
    lead = _lead_of(joined)
    if lead is not None:
        markers = ATTRIBUTION_LEADS[lead]
        if joined.endswith(tuple(m for m in markers if not m.startswith(" "))) or any(
                m.startswith(" ") and m in joined for m in markers):
            return digits > 0 and (address or "," in joined or ":" in joined[:-1])
    if len(joined) < 300 and joined.endswith(ATTRIBUTION_ENDINGS):
        return digits >= 4 and address
    if digits >= 6 and _ENDS_WITH_ADDRESS.search(joined):
        return True  # "2016-03-03 17:21 GMT+01:00 Jane <j@x>:", Gmail's date-first forms
    return None


def _lead_of(text: str) -> str | None:
    return next((lead for lead in ATTRIBUTION_LEADS if text.startswith(lead)), None)


def _normalise(line: str) -> str:
    """Lower case, single spaces, no space before a colon (French typography puts one there)."""
    text = " ".join(line[:MAX_SCAN].translate(_INVISIBLE).split()).lower()
    return text.replace("：", ":").replace(" :", ":")


def _header_block_at(lines: list[str], i: int) -> bool:
    """An Outlook-style "From: / Sent: / To: / Subject:" block (in any of our languages) starts
    here.

    A lone "From: Name <address>" line with nothing after it is what is left once HTML
    trimming has dropped the rest of such a block.
    """
    if _key_of(lines[i]) not in FROM_KEYS:
        return False
    if "@" in lines[i][:MAX_SCAN] and _only_blank_after(lines, i + 1):
        return True
    seen = {_key_of(line) for line in lines[i + 1:i + 1 + _LOOKAHEAD]}
    return len(seen & OTHER_KEYS) >= 2


def _list_footer_at(lines: list[str], i: int) -> bool:
    """A mailing list's footer starts here: the rule, with "... mailing list" on it or just below.
    """
    found = LIST_FOOTER_RULE.match(lines[i][:MAX_SCAN])
    if not found:
        return False
    after = _next_nonblank(lines, i + 1)
    return "mailing list" in lines[i][:MAX_SCAN].lower() or (
        after is not None and "mailing list" in lines[after][:MAX_SCAN].lower())


def _key_of(line: str) -> str | None:
    found = HEADER_KEY.match(line[:MAX_SCAN])
    return " ".join(found.group(1).lower().split()) if found else None


def _next_nonblank(lines: list[str], start: int) -> int | None:
    for j in range(start, min(len(lines), start + _LOOKAHEAD)):
        if lines[j].strip():
            return j
    return None


def _only_blank_after(lines: list[str], start: int) -> bool:
    """Nothing but blank lines from start to the end (looked at only near the end)."""
    return len(lines) - start <= _LOOKAHEAD and not any(line.strip() for line in lines[start:])


def trim_html_reply(html: str) -> str:
    """HTML without the quoted parts clients mark up: blockquotes (Gmail, Apple, Thunderbird),
    attribution and signature elements, Outlook's reply header and everything after it."""
    stripper = _QuoteStripper()
    stripper.feed(html)
    stripper.close()
    return "".join(stripper.out)


class _QuoteStripper(HTMLParser):
    """Echoes the document except the elements that hold quoted mail.

    Gmail wraps a forwarded message, and sometimes what the sender typed above it, in a
    `gmail_quote` div, so only the blockquote inside it is dropped; the plain-text pass
    then cuts at the forwarded header. A blockquote whose style says `border:none` is
    Gmail's indent button, which is the sender's own text.
    """

    _DROP_CLASSES = ("gmail_attr", "gmail_signature", "moz-cite-prefix", "moz-signature",
                     "yahoo_quoted", "protonmail_quote", "zmail_extra", "domino-section")
    _STOP_IDS = ("divrplyfwdmsg", "x_divrplyfwdmsg", "appendonsend", "x_appendonsend",
                 "stopspelling", "mail-editor-reference-message-container", "olk_src_body_section")
    _STOP_CLASSES = ("outlookmessageheader",)

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.skip_tag: str | None = None
        self.skip_depth = 0
        self.stopped = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stopped:
            return
        if self.skip_tag:
            self.skip_depth += tag == self.skip_tag
            return
        values = {name: (value or "").lower() for name, value in attrs}
        classes = values.get("class", "").split()
        if values.get("id") in self._STOP_IDS or any(c in self._STOP_CLASSES for c in classes) or (
                tag == "div" and _outlook_header_style(values.get("style", ""))):
            self.stopped = True
            return
        if any(c in self._DROP_CLASSES for c in classes) or (
                tag == "blockquote"
                and "border:none" not in values.get("style", "").replace(" ", "")):
            self.skip_tag, self.skip_depth = tag, 1
            return
        self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not (self.stopped or self.skip_tag):
            self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if self.stopped:
            return
        if self.skip_tag:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
            return
        self.out.append(f"</{tag}>")

    def _echo(self, text: str) -> None:
        if not (self.stopped or self.skip_tag):
            self.out.append(text)

    def handle_data(self, data: str) -> None:
        self._echo(data)

    def handle_entityref(self, name: str) -> None:
        self._echo(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._echo(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self._echo(f"<!{decl}>")


def _outlook_header_style(style: str) -> bool:
    """Outlook's reply header box: a thin top border and 3pt of padding, nothing else draws that."""
    compact = style.replace(" ", "")
    return "border-top:solid" in compact and "padding:3.0pt" in compact
