"""Reply trimming: keep what the sender wrote now, drop what they quoted or signed.

The trimmed text is for routing and display (a handler's command is read from its top);
the full text is always stored. The work is line by line with short anchored patterns on
lines cut to MAX_SCAN characters and a fixed look-ahead, so no input, however long or odd,
can make it slow. The words themselves live in quote_markers.py.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .mime_text import html_to_text
from .quote_markers import (ATTRIBUTION_ENDINGS, ATTRIBUTION_LEADS, FORWARD_INTRO, FROM_KEYS,
                            HEADER_KEY, LIST_FOOTER_RULE, MOBILE_FOOTER, OTHER_KEYS, SEPARATOR,
                            TRAILING_FOOTER)

MAX_SCAN = 400  # characters of a line that are examined; quote markers are short
MAX_HTML = 1_000_000  # characters of HTML read for the reply; a letter's new text comes first
_LOOKAHEAD = 6  # lines scanned after a marker (header blocks, blank lines before a quote)
_MAX_ATTRIBUTION_LINES = 3  # clients wrap a long attribution over two or three lines
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_ENDS_WITH_ADDRESS = re.compile(r"@[^\s<>()\[\]]{1,120}[>\])]\s?:$")


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
