"""The draft a handler edited, found between the markers of the approval request. Pure.

Mail clients quote the markers ("> "), wrap them, turn dashes into em dashes, re-space and
re-wrap the draft, and HTML-to-text conversion adds its own changes. None of that is an
edit; only a change in the words is. When in doubt (a marker missing, two different
edited copies) the reply is refused with a problem rather than guessed at.
"""

from __future__ import annotations

import re
import textwrap

DRAFT_START = "----- DRAFT START: edit below this line -----"
DRAFT_END = "----- DRAFT END -----"

# A rule of dashes (any dash a client may substitute), then the words; a letter's own
# "Draft start date: ..." line is not a marker.
START_MARKER = re.compile(r"^[\s*_]*[-\u2010-\u2015=~]{2,}\s*draft\s+start\b", re.I)
END_MARKER = re.compile(r"^[\s*_]*[-\u2010-\u2015=~]{2,}\s*draft\s+end\b", re.I)
QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)+[ \t]?")


def edited_draft(lines: list[str], original: str | None, problems: list[str]) -> str | None:
    """The changed draft, or None. Several different changed copies are a problem, not a guess."""
    blocks = _draft_blocks(lines, problems)
    if problems:
        return None
    changed = [b for b in blocks if original is None or _norm(b) != _norm(original)]
    distinct = {_norm(b) for b in changed}
    if len(distinct) > 1:
        problems.append("Your reply holds more than one different edited draft, so none was used. Reply with "
                        "one copy of the draft between the markers.")
        return None
    if changed and not changed[0].strip():
        problems.append("The text between the draft markers is empty, so nothing was changed.")
        return None
    return changed[0] if changed else None


def _draft_blocks(lines: list[str], problems: list[str]) -> list[str]:
    blocks: list[str] = []
    i = 0
    while i < len(lines):
        start = QUOTE_PREFIX.sub("", lines[i])
        if not START_MARKER.match(start):
            i += 1
            continue
        j = i + 1
        if j < len(lines) and _marker_tail(start, QUOTE_PREFIX.sub("", lines[j])):
            j += 1  # a mail client wrapped the start marker
        body: list[str] = []
        while j < len(lines) and not END_MARKER.match(QUOTE_PREFIX.sub("", lines[j])):
            if START_MARKER.match(QUOTE_PREFIX.sub("", lines[j])):
                problems.append("A DRAFT START marker appears twice before DRAFT END; the edit was ignored.")
                return []
            body.append(QUOTE_PREFIX.sub("", lines[j]).rstrip())
            j += 1
        if j >= len(lines):
            problems.append("DRAFT START was found without DRAFT END after it; the edit was ignored.")
            return []
        blocks.append(textwrap.dedent("\n".join(body)).strip("\n"))  # HTML-to-text conversion indents
        i = j + 1
    return blocks


def _marker_tail(start_line: str, next_line: str) -> bool:
    """True when next_line is the rest of a start marker that a mail client wrapped."""
    tail = ["edit", "below", "this", "line"]
    seen = re.findall(r"[a-z]+", start_line.lower())
    rest = re.findall(r"[a-z]+", next_line.lower())
    if not rest or "line" in seen or re.sub(r"[a-z\s\-\u2010-\u2015]", "", next_line.lower()):
        return False
    return rest == tail[-len(rest):]


def _norm(text: str) -> str:
    """Words only: what quoting, wrapping, smart quotes and bullets do to a draft is not an edit."""
    text = "\n".join(QUOTE_PREFIX.sub("", line) for line in text.split("\n"))
    text = text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"', 0x2013: "-", 0x2014: "-"})
    text = re.sub(r"(?m)^\s*[\u2022\u00b7*]\s+", "- ", text)
    return " ".join(text.split())
