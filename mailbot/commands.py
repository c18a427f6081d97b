"""A handler's emailed reply -> the instructions in it. Pure.

Commands are read only from the top of the reply, one per line, and reading stops at the
first line that is not a command: below it sit signatures, disclaimers and the quoted
approval request, whose own "how to reply" lines must never count. A word we do not know
at the very top is reported as Unclear so the handler gets the command list back; when
in doubt nothing happens. An edited draft is found between the markers anywhere in the
reply (mail clients quote, wrap and re-space it) and counts only if its words changed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .draft_edit import DRAFT_END as DRAFT_END, DRAFT_START as DRAFT_START  # the approval template prints them
from .draft_edit import QUOTE_PREFIX, START_MARKER, edited_draft
from .triage import CATEGORIES, URGENCIES
from .trimming import trim_reply

DRAFT_KINDS = ("update", "info", "holding", "final", "summary")
OUTCOMES = ("upheld", "partly", "not")
MAX_LINES = 5000  # a reply longer than this is read no further

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_COMMAND = re.compile(r"^([a-z]+)\b[\s:=.,;!\-\u2013\u2014]*(.*)$", re.I)
_GREETING = re.compile(r"^(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening)|morning|afternoon)\b.{0,40}$", re.I)
_EMAIL = re.compile(r"^<?([^@\s<>]+@[^@\s<>]+\.[^@\s<>]+?)>?[.,;]?$")
_AMOUNT = re.compile(r"^(?:([£$€])|(gbp|eur|usd)\s*)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\b\s*(.*)$", re.I)
# Words that may follow approve/edit/close without changing their meaning ("Approved - thanks!").
_CHATTER = frozenset("thanks thank you thx ty cheers please pls ok okay fine great good looks lgtm all the this "
                     "draft letter it as is case complaint now see below above with my changes edits edited "
                     "many much and send for".split())
_DRAFT_WORDS = {"update": "update", "progress": "update", "info": "info", "information": "info",
                "request": "info", "rfi": "info", "holding": "holding", "final": "final", "summary": "summary",
                "src": "summary"}
_CURRENCIES = {"£": "GBP", "$": "USD", "€": "EUR"}


@dataclass(frozen=True)
class Approve:
    """Send the draft (the edited text if the same reply carries an Edit)."""


@dataclass(frozen=True)
class Reject:
    reason: str


@dataclass(frozen=True)
class Edit:
    new_text: str


@dataclass(frozen=True)
class SetCategory:
    label: str


@dataclass(frozen=True)
class SetUrgency:
    level: str


@dataclass(frozen=True)
class Assign:
    email: str


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class Draft:
    kind: str  # one of DRAFT_KINDS


@dataclass(frozen=True)
class Close:
    pass


@dataclass(frozen=True)
class Cause:
    text: str


@dataclass(frozen=True)
class Outcome:
    value: str  # one of OUTCOMES


@dataclass(frozen=True)
class Redress:
    amount: Decimal
    currency: str | None
    text: str  # what the redress is, if the handler said ("goodwill payment")


@dataclass(frozen=True)
class Learning:
    text: str


@dataclass(frozen=True)
class Unclear:
    """Lines we could not act on; `hint` says why, for the command_help reply."""

    lines: tuple[str, ...]
    hint: str = ""


Action = (Approve | Reject | Edit | SetCategory | SetUrgency | Assign | Note | Draft | Close | Cause | Outcome
          | Redress | Learning | Unclear)


@dataclass(frozen=True)
class HandlerReply:
    """What to do, in order. When `problems` is non-empty, `actions` is empty: nothing happens.

    An Edit comes first. Approve then sends the edited text; an Edit without Approve keeps
    the change and asks again. Unclear entries mean "reply with command_help"; the other
    actions still apply. A Reject wins over an Edit for the draft's fate.
    """

    actions: tuple[Action, ...]
    edited_text: str | None
    problems: tuple[str, ...]


class _EditWord:
    """The bare word "edit": asserts that the draft between the markers was changed."""


def parse_handler_reply(text: str, original_draft: str | None = None) -> HandlerReply:
    """Read a handler's plain-text reply. With `original_draft` None, any text between the markers is an Edit."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").translate(_INVISIBLE)
    all_lines = lines.split("\n")[:MAX_LINES]
    problems: list[str] = []
    edited = edited_draft(all_lines, original_draft, problems)
    parsed = _top_commands(all_lines)
    actions: list[Action] = [a for a in parsed if not isinstance(a, _EditWord)]
    if any(isinstance(a, _EditWord) for a in parsed) and edited is None and not problems:
        problems.append("You wrote 'edit' but the text between the draft markers is unchanged (or the markers "
                        "are missing), so nothing was changed.")
    if edited is not None:
        actions.insert(0, Edit(edited))
    if not actions and not problems:
        actions.append(Unclear((), "No command was found at the top of your reply."))
    if any(isinstance(a, Approve) for a in actions) and any(isinstance(a, Reject) for a in actions):
        problems.append("Your reply says both approve and reject, so nothing was done. Reply again with one of them.")
    if problems:
        return HandlerReply((), None, tuple(problems))
    return HandlerReply(tuple(actions), edited, ())


# --- the top of the reply --------------------------------------------------------------


def _top_commands(lines: list[str]) -> list[Action | _EditWord]:
    """Commands from the consecutive command lines that open the reply."""
    top: list[str] = []
    for line in lines:
        if QUOTE_PREFIX.match(line) or START_MARKER.match(line):
            break
        top.append(line)
    found: list[Action | _EditWord] = []
    for raw in trim_reply("\n".join(top)).split("\n"):
        line = raw.strip().strip("*_").strip()
        line = re.sub(r"^(?:[-*\u2022\u00b7]|\d+[.)])\s+", "", line)
        if not line:
            continue
        if not found and (_GREETING.match(line) or not re.search(r"[^\W_]", line)):
            continue  # a greeting, or a rule drawn by a mail client above its quote
        action = _command(line)
        if action is None:
            if not found:
                found.append(Unclear((line,), f"'{_short(line)}' is not a command we know."))
            break
        found.append(action)
    return found


def _command(line: str) -> Action | _EditWord | None:
    """One line -> its command; None when the line does not start with a command word."""
    m = _COMMAND.match(line)
    if not m:
        return None
    word, rest = m.group(1).lower(), m.group(2).strip()
    if word == "set" and rest:
        return _command(rest)
    if word in {"approve", "approved"}:
        return Approve() if _chatter(rest) else _unclear(line, "approve takes nothing after it; put any other "
                                                          "instruction on its own line.")
    if word in {"edit", "edited"}:
        return _EditWord() if _chatter(rest) else _unclear(line, "edit takes nothing after it: change the text "
                                                           "between the draft markers instead.")
    if word in {"reject", "rejected"}:
        return Reject(rest) if rest else _unclear(line, "reject needs a reason, e.g. 'reject wrong amount'.")
    if word in {"close", "closed"}:
        return Close() if _chatter(rest) else _unclear(line, "close takes nothing after it.")
    if word in {"category", "cat"}:
        return _choice(line, rest, CATEGORIES, SetCategory, "category")
    if word in {"urgency", "priority"}:
        return _choice(line, rest, URGENCIES, SetUrgency, "urgency")
    if word == "assign":
        found = _EMAIL.match(re.sub(r"^to\s+", "", rest, flags=re.I))
        return Assign(found.group(1).lower()) if found else _unclear(line, "assign needs an email address, "
                                                                     "e.g. 'assign jane@firm.example'.")
    if word == "draft":
        kind = _DRAFT_WORDS.get(rest.split(" ", 1)[0].lower().strip(".,:")) if rest else None
        return Draft(kind) if kind else _unclear(line, f"draft needs one of: {', '.join(DRAFT_KINDS)}.")
    if word == "outcome":
        return _outcome(line, rest)
    if word == "redress":
        return _redress(line, rest)
    texts = {"note": Note, "notes": Note, "cause": Cause, "learning": Learning, "lesson": Learning,
             "lessons": Learning}
    if word == "root" and rest.lower().startswith("cause"):
        word, rest = "cause", rest[5:].lstrip(" :=-")
    if word in texts:
        return texts[word](rest) if rest else _unclear(line, f"{word} needs some text after it.")
    if word in {"help", "commands"}:
        return _unclear(line, "The commands are listed below.")
    return None


def _chatter(rest: str) -> bool:
    return all(w in _CHATTER for w in re.findall(r"[a-z]+", rest.lower()))


def _unclear(line: str, hint: str) -> Unclear:
    return Unclear((line,), hint)


def _short(line: str) -> str:
    return line if len(line) <= 60 else line[:57] + "..."


def _choice(line: str, rest: str, known: tuple[str, ...], make: type, what: str) -> Action:
    label = re.sub(r"[\s\-]+", "_", rest.strip().strip(".,;!").lower())
    if label in known:
        return make(label)
    close = [k for k in known if label and label in k] or difflib.get_close_matches(label, known, n=1)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return _unclear(line, f"unknown {what} '{rest}'; {hint}known: {', '.join(known)}.")


def _outcome(line: str, rest: str) -> Action:
    words = re.findall(r"[a-z]+", rest.lower())
    if words and words[0] in {"partly", "partially", "partial"}:
        return Outcome("partly")
    if words and words[0] in {"not", "rejected"}:
        return Outcome("not")
    if words and words[0] in {"upheld", "uphold", "yes"}:
        return Outcome("upheld")
    return _unclear(line, "outcome is one of: upheld, partly, not.")


def _redress(line: str, rest: str) -> Action:
    if rest.lower().strip(".") in {"none", "nil", "no"}:
        return Redress(Decimal(0), None, "")
    m = _AMOUNT.match(rest)
    if not m:
        return _unclear(line, "redress needs an amount, e.g. 'redress £250 goodwill payment'.")
    try:
        amount = Decimal(m.group(3).replace(",", "") + (f".{m.group(4)}" if m.group(4) else ""))
    except InvalidOperation:  # pragma: no cover - the pattern only admits digits
        return _unclear(line, "redress needs an amount.")
    currency = _CURRENCIES.get(m.group(1) or "") or (m.group(2) or "").upper() or None
    return Redress(amount, currency, m.group(5).strip())
