"""The draft a handler edited, found between this request's markers. Pure.

Only markers carrying the approval request's own nonce count (marks.py), looked for after
Unicode normalisation, so a client who writes a "draft block" into a complaint (the request
quotes it to the handler) can never have those words taken as the letter. More than one
block, a marker without its pair, or an empty block are refused with a problem for the
handler rather than guessed at.

What mail programs and gateways do to a quoted draft is not an edit: quoting, re-wrapping,
format=flowed, smart quotes, bullets, `text<url>` link copies, and gateway-wrapped links
(link_rewrites.py). When the words are the draft's words, the draft goes out exactly as it
was drafted. When they are not, the edited text keeps the draft's own line structure where
the words still match it, so a client's wrapping at 76 columns never reaches the letter.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from dataclasses import dataclass

from . import marks
from .link_rewrites import gateway_links, restore_links, strip_link_artefacts

QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)+[ \t]?")
WRAPPED_LINE = 60  # a line of new text at least this long that breaks mid-paragraph was wrapped
MAX_WORDS = 20_000  # a draft longer than this is compared no further


@dataclass(frozen=True)
class DraftReading:
    edited: str | None  # the handler's changed text, restructured; None when unchanged or absent
    found: bool  # a block between this request's markers was found
    unwrapped_links: int = 0
    problems: tuple[str, ...] = ()


def read_draft(text: str, original: str, nonce: str | None) -> DraftReading:
    """The handler's edit of `original` in the reply `text`, if any."""
    lines = marks.normalise(text).split("\n")
    if nonce is None:
        return _legacy(lines, original)
    problems: list[str] = []
    blocks = _blocks(lines, nonce, problems)
    if problems:
        return DraftReading(None, bool(blocks), problems=tuple(problems))
    if not blocks:
        return DraftReading(None, False)
    if len(blocks) > 1:
        return DraftReading(None, True, problems=(
            f"Your reply holds the draft {len(blocks)} times (between {len(blocks)} pairs of "
            "DRAFT markers), so none of it was used. Reply with one copy of the draft between the "
            "markers.",))
    block = strip_link_artefacts(blocks[0])
    cleaned = restore_links(block, original)
    if cleaned.problems:
        return DraftReading(None, True, problems=cleaned.problems)
    if _words(cleaned.text) == _words(original):
        return DraftReading(None, True, cleaned.unwrapped)
    if not cleaned.text.strip():
        return DraftReading(
            None, True, problems=("The text between the draft markers is empty, so nothing "
                                  "was changed.", ))
    edited = restructure(cleaned.text, original)
    left = gateway_links(edited)
    if left:
        return DraftReading(
            None, True, problems=("Your edited text contains a link rewritten by a security "
                                  "gateway, which must never reach a client. Type the link out "
                                  "again (or remove it) in your reply.", ))
    return DraftReading(edited, True, cleaned.unwrapped)


def _legacy(lines: list[str], original: str) -> DraftReading:
    """A request from before per-request markers: its draft can be approved, never edited."""
    bodies = [_words(b) for b in _loose_blocks(lines)]
    if any(b != _words(original) for b in bodies):
        return DraftReading(None, True, problems=(
            "This approval request was sent before an update and its draft cannot be edited by "
            "reply. Reply 'approve' to send it as drafted, or 'reject' and ask for a fresh draft "
            "(for example 'draft update').",))
    return DraftReading(None, bool(bodies))


def _loose_blocks(lines: list[str]) -> list[str]:
    out: list[str] = []
    current: list[str] | None = None
    for line in lines:
        bare = QUOTE_PREFIX.sub("", line)
        if marks.looks_like_marker(bare) and re.search(r"draft\s+start", bare, re.I):
            current = []
        elif marks.looks_like_marker(bare) and current is not None:
            out.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(bare)
    return out


def _blocks(lines: list[str], nonce: str, problems: list[str]) -> list[str]:
    blocks: list[str] = []
    i = 0
    while i < len(lines):
        start = QUOTE_PREFIX.sub("", lines[i])
        if marks.is_draft_end(start, nonce):
            problems.append(
                "DRAFT END was found without DRAFT START before it; the edit was ignored.")
            return blocks
        if not marks.is_draft_start(start, nonce):
            i += 1
            continue
        j = i + 1
        if j < len(lines) and _marker_tail(start, QUOTE_PREFIX.sub("", lines[j])):
            j += 1  # a mail client wrapped the start marker
        body: list[str] = []
        while j < len(lines) and not marks.is_draft_end(QUOTE_PREFIX.sub("", lines[j]), nonce):
            if marks.is_draft_start(QUOTE_PREFIX.sub("", lines[j]), nonce):
                problems.append(
                    "A DRAFT START marker appears twice before DRAFT END; the edit was ignored.")
                return blocks
            body.append(QUOTE_PREFIX.sub("", lines[j]).rstrip())
            j += 1
        if j >= len(lines):
            problems.append(
                "DRAFT START was found without DRAFT END after it; the edit was ignored.")
            return blocks
        # HTML-to-text conversion indents
        blocks.append(textwrap.dedent("\n".join(body)).strip("\n"))
        i = j + 1
    return blocks


def _marker_tail(start_line: str, next_line: str) -> bool:
    """True when next_line is the rest of a start marker that a mail client wrapped."""
    tail = ["edit", "below", "this", "line"]
    seen = re.findall(r"[a-z]+", start_line.lower())
    rest = re.findall(r"[a-z]+", next_line.lower())
    if not rest or "line" in seen or re.sub(r"[a-z\s:\-\u2010-\u2015]", "", next_line.lower()):
        return False
    return rest == tail[-len(rest):]


# --- comparing and restructuring ----------------------------------------------------------

_PUNCTUATION = str.maketrans({
    0x2018: "'",
    0x2019: "'",
    0x201C: '"',
    0x201D: '"',
    0x2013: "-",
    0x2014: "-",
    0x2022: "-",
    0x00B7: "-",
    0x2026: "..."
})


def _word_key(word: str) -> str:
    """A word as compared: what clients do to quotes, dashes and bullets is not an edit."""
    key = word.translate(_PUNCTUATION)
    return key.replace("*", "-") if word in {"*", "\u2022", "\u00b7"} else key


def _words(text: str) -> list[str]:
    text = "\n".join(QUOTE_PREFIX.sub("", line) for line in marks.normalise(text).split("\n"))
    return [_word_key(w) for w in text.split()[:MAX_WORDS]]


def _tokens(text: str) -> list[tuple[str, str]]:
    """(word, the whitespace after it) for every word; leading whitespace is dropped."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"(\S+)(\s*)", text)][:MAX_WORDS]


def restructure(edited: str, original: str) -> str:
    """The edited words, laid out as the original draft was wherever the words still match it.

    A line break the original had between two words it still shares with the edit is kept
    (an address block, the sign-off); a break the client added between them is not. In new
    text, a paragraph break is kept and a break in a long line (a client's wrap) is a space.
    """
    new, old = _tokens(edited), _tokens(original)
    matcher = difflib.SequenceMatcher(None, [_word_key(w) for w, _ in old],
                                      [_word_key(w) for w, _ in new], autojunk=False)
    mapped: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapped[block.b + k] = block.a + k
    out: list[str] = []
    line_length = 0
    for j, (word, gap) in enumerate(new):
        out.append(word)
        line_length += len(word)
        if j + 1 == len(new):
            break
        i = mapped.get(j)
        if i is not None and mapped.get(j + 1) == i + 1:
            gap = old[i][1] or " "
        elif "\n" in gap:
            gap = _new_text_gap(gap, line_length)
        else:
            gap = gap or " "
        out.append(gap)
        line_length = len(gap) - gap.rfind("\n") - 1 if "\n" in gap else line_length + len(gap)
    return "".join(out).strip()


def _new_text_gap(gap: str, line_length: int) -> str:
    if gap.count("\n") >= 2:
        return "\n\n"
    return " " if line_length >= WRAPPED_LINE else "\n"
