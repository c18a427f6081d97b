"""Reply trimming: keep what the sender wrote now, drop what they quoted or signed.

The trimmed text is for routing and display (a handler's command is read from its top);
the full text is always stored. The work is line by line with short anchored patterns on
lines cut to MAX_SCAN characters, so no input, however long or odd, can make it slow.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_SCAN = 400  # characters of a line that are examined; quote markers are short
_LOOKAHEAD = 6  # lines scanned after a marker (header blocks, blank lines before a quote)

# Attribution lines: first word -> how the line ends, or (spaced) the verb it contains, since
# German and Dutch put the name after the verb: "Am 3.3.2026 schrieb Jane <j@x>:".
_ATTRIBUTIONS = {
    "on ": "wrote:",
    "le ": "a écrit:",
    "am ": " schrieb ",
    "el ": "escribió:",
    "op ": " schreef ",
    "il ": "ha scritto:",
    "em ": "escreveu:",
}
_ENDINGS = ("wrote:", "a écrit:", "schrieb:", "escribió:", "schreef:", "ha scritto:", "escreveu:")

_SEPARATOR = re.compile(
    r"[ \t]*[-_=*]{2,}[ \t]*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original"
    r"|oorspronkelijk bericht|origineel bericht|messaggio originale|mensagem original|forwarded message"
    r"|weitergeleitete nachricht|message transféré|mensaje reenviado|doorgestuurd bericht"
    r"|messaggio inoltrato|mensagem encaminhada)[ \t]*[-_=*]{2,}[ \t]*$",
    re.IGNORECASE,
)
_FORWARD_INTRO = re.compile(
    r"[ \t]*(?:begin forwarded message|début du message réexpédié|anfang der weitergeleiteten nachricht"
    r"|inicio del mensaje reenviado|comienzo del mensaje reenviado|begin doorgestuurd bericht"
    r"|inizio messaggio inoltrato|início da mensagem reencaminhada)[ \t]*:?[ \t]*$",
    re.IGNORECASE,
)
# The whole line must be a client's footer: "Sent from my office, because ..." is a sentence.
_MOBILE = re.compile(
    r"(?:sent from my|envoyé de mon|enviado desde mi|enviado do meu|verzonden (?:vanaf|met) mijn|inviato da(?:l mio)?)"
    r" [\w\- ]{1,40}\.?"
    r"|von meinem [\w\- ]{1,40} gesendet\.?"
    r"|(?:sent from|get) (?:outlook|mail|yahoo mail)(?: (?:for|on) [\w ]{1,20})?\.?",
    re.IGNORECASE,
)
_HEADER_KEY = re.compile(r"[ \t*]{0,4}([^\W\d_]{1,12}(?: [^\W\d_]{1,6})?)[ \t*]{0,3}:")
_FROM_KEYS = {"from", "von", "de", "van", "da"}
_OTHER_KEYS = {
    "sent", "date", "to", "subject", "cc",  # en
    "envoyé", "à", "objet",  # fr
    "gesendet", "datum", "an", "betreff",  # de
    "enviado", "enviado el", "fecha", "para", "asunto",  # es, pt
    "verzonden", "aan", "onderwerp",  # nl
    "inviato", "data", "a", "oggetto",  # it
    "assunto",  # pt
}


def trim_reply(text: str) -> str:
    """The new text of a reply: quotes, attributions, forwarded and original copies, signatures removed.

    Top posting keeps the text above the quote; bottom and inline posting keep the text
    between and after quoted lines. An unquoted copy (Outlook's header block) ends the reply.
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
        if stripped == "--" or _SEPARATOR.match(line) or _FORWARD_INTRO.match(line):
            break
        if _header_block_at(lines, i):
            break
        span = _attribution_span(lines, i)
        if span:
            after = _next_nonblank(lines, i + span[0])
            if after is not None and lines[after].lstrip().startswith(">"):
                i = after  # the quote that follows is skipped line by line
                continue
            if span[1]:
                break  # an unquoted copy follows a certain attribution
        if not _MOBILE.fullmatch(stripped):
            kept.append(lines[i])
        i += 1
    while kept and not kept[-1].strip(" \t-_=*"):  # blank lines and rules left above a cut
        kept.pop()
    return "\n".join(kept).strip("\n")


def _attribution_span(lines: list[str], i: int) -> tuple[int, bool] | None:
    """(lines it spans, certain) for an attribution starting at line i; Gmail wraps long ones.

    Certain means its own shape proves it: a known first word, a known ending, and a date
    or address inside. Otherwise it only counts when a quote follows, which is what keeps
    "I wrote to you on Monday" and "On Monday I wrote:" in the reply.
    """
    first = _normalise(lines[i])
    lead = next((lead for lead in _ATTRIBUTIONS if first.startswith(lead)), None)
    if lead:
        parts = [first]
        for span in (1, 2, 3):
            if span > 1:
                if i + span > len(lines) or not lines[i + span - 1].strip():
                    break
                parts.append(_normalise(lines[i + span - 1]))
            if not parts[-1].endswith(":"):
                continue
            joined = " ".join(parts)
            marker = _ATTRIBUTIONS[lead]
            if joined.endswith(marker) or (marker.startswith(" ") and marker in joined):
                digits = any(c.isdigit() for c in joined)
                return span, digits and ("@" in joined or "," in joined or ":" in joined[:-1])
    if first.endswith(_ENDINGS) and len(first) < 200:
        return 1, False
    return None


def _normalise(line: str) -> str:
    """Lower case, single spaces, no space before a colon (French typography puts one there)."""
    text = " ".join(line[:MAX_SCAN].split()).lower()
    return text.replace(" :", ":")


def _header_block_at(lines: list[str], i: int) -> bool:
    """An Outlook-style "From: / Sent: / To: / Subject:" block (in any of our languages) starts here."""
    key = _key_of(lines[i])
    if key not in _FROM_KEYS:
        return False
    seen = {_key_of(line) for line in lines[i + 1:i + 1 + _LOOKAHEAD]}
    return len(seen & _OTHER_KEYS) >= 2


def _key_of(line: str) -> str | None:
    found = _HEADER_KEY.match(line[:MAX_SCAN])
    return found.group(1).lower() if found else None


def _next_nonblank(lines: list[str], start: int) -> int | None:
    for j in range(start, min(len(lines), start + _LOOKAHEAD)):
        if lines[j].strip():
            return j
    return None


def trim_html_reply(html: str) -> str:
    """HTML without the quoted parts clients mark up: Gmail's gmail_quote, Apple's and
    Thunderbird's cite blockquotes, Outlook's reply header and everything after it."""
    stripper = _QuoteStripper()
    stripper.feed(html)
    stripper.close()
    return "".join(stripper.out)


class _QuoteStripper(HTMLParser):
    """Echoes the document except the elements that hold quoted mail."""

    _DROP_CLASSES = ("gmail_quote", "gmail_signature", "moz-cite-prefix", "moz-signature", "yahoo_quoted")
    _STOP_IDS = ("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container")

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
        if values.get("id") in self._STOP_IDS:
            self.stopped = True
            return
        classes = values.get("class", "").split()
        if any(c in self._DROP_CLASSES for c in classes) or (tag == "blockquote" and values.get("type") == "cite"):
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
