"""A handler's emailed reply -> the instructions in it. Pure.

Commands are read from the top of the reply, one per line, after what mail programs and
gateways put there (a security banner, a greeting, blank lines); reading stops at the first
line that is not a command: below it sit signatures, disclaimers and the quoted approval
request, whose own "how to reply" lines must never count. A handler who writes below the
quote (Thunderbird's bottom-posting) is understood when the command is the only unquoted
text there. Natural forms are accepted ("Yes, approve", "Approved, thanks", "approve with
the amendments below" when the draft was edited); anything ambiguous or negated is refused
with a hint that says exactly what to write, and then nothing happens.

The edited draft is read by draft_edit.py, between the markers of this request only.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from . import marks
from .draft_edit import QUOTE_PREFIX, read_draft
from .letters import DRAFT_KIND_BY_WORD, DRAFT_WORDS, LetterKind
from .profiles import PROFILES
from .reply_reading import ReplyText
from .triage import CATEGORIES, URGENCIES
from .triage.rules import AREAS
from .trimming import trim_reply

COMPLAINANTS = ("client", "third_party")
OUTCOMES = ("upheld", "partly", "not")
# Who the complaint is about, as the LSS Rule B5 record names them (F19): a trainee, a solicitor,
# a principal (partner), other staff, or the firm as a whole.
PERSONS = ("trainee", "solicitor", "partner", "staff", "firm")
ADJUSTMENTS = ("offered", "declined", "not_needed")
SAR_STEPS = ("yes", "no", "extend", "done")
MAX_LINES = 5000  # a reply longer than this is read no further
MAX_LINE = 2000  # nor a line longer than this

_COMMAND = re.compile(r"^([a-z]+)\b[\s:=.,;!\-\u2013\u2014]*(.*)$", re.I)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening)|morning|afternoon)\b.{0,40}$",
    re.I)
_AFFIRMATION = re.compile(
    r"^(?:yes|yep|yeah|ok|okay|sure|fine|great|perfect|lgtm|looks\s+good|all\s+good|"
    r"that'?s\s+fine|happy\s+with\s+this)\b[\s,.;:!\-\u2013\u2014]*(?=[a-z])", re.I)
_NEGATION = re.compile(
    r"\b(?:not|no|don'?t|do\s+not|doesn'?t|never|hold|wait|stop|cancel|but)\b|n't\b", re.I)
# Security gateways' banners and their start/end markers, as they land above a reply.
_BANNERS = (
    # "[EXTERNAL]" and its translations, as a tag that opens the line
    r"^\[?(?:external|ext|extern|externe|external\s+(?:e-?mail|sender|message))\]?(?:\s|:|$)",
    # "CAUTION: External email", "WARNING: ... originated outside ..."
    r"^(?:caution|warning|attention|notice|important)\b.{0,40}\b"
    r"(?:external|outside|originat|sender|phish)",
    # the sentences gateways write
    r"this\s+(?:e-?mail|message)\s+(?:originated|came|was\s+sent|is)\s+from\s+"
    r"(?:outside|an?\s+external)",
    r"originated\s+(?:from\s+)?outside\s+(?:of\s+)?(?:the|your|our)\s+organi[sz]ation",
    r"you\s+don'?t\s+often\s+get\s+e-?mail\s+from",  # Microsoft's first-contact tip
    r"learn\s+why\s+this\s+is\s+important",
    r"do\s+not\s+click\s+(?:on\s+)?links",
    r"think\s+before\s+you\s+click",
    r"unless\s+you\s+recogni[sz]e\s+the\s+sender",
    r"report\s+(?:this\s+)?(?:e-?mail|message)\s+as\s+(?:spam|phish)",
    # vendors' names and markers
    r"zjqcmqryfpfptbanner(?:start|end)",
    r"mimecast",
    r"proofpoint",
)
_BANNER = re.compile("|".join(_BANNERS), re.I)
_EMAIL = re.compile(r"^<?([^@\s<>]+@[^@\s<>]+\.[^@\s<>]+?)>?[.,;]?$")
_AMOUNT = re.compile(
    r"^(?:([£$€])|(gbp|eur|usd)\s*)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\b\s*(.*)$", re.I)
# Words that may follow approve/edit/close without changing their meaning ("Approved - thanks!").
_CHATTER = frozenset(
    "thanks thank you thx ty cheers please pls ok okay fine great good looks lgtm all the this "
    "draft letter it as is case complaint now see go ahead and send for many much".split())
# "approve with the amendments below": only meaningful when the draft was changed.
_WITH_EDITS = frozenset(
    "with my the your changes change edits edit edited amendments amendment amended "
    "corrections correction revisions tweaks below above included made".split())
_YES = frozenset({"yes", "y", "true", "it", "is"})
_NO = frozenset({"no", "n", "false", "not"})
_WHEN = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?$")
_CURRENCIES = {"£": "GBP", "$": "USD", "€": "EUR"}


# --- the commands a reply can carry -----------------------------------------------------
# The draft's fate


@dataclass(frozen=True)
class Approve:
    """Send the draft (the edited text if the same reply carries an Edit).

    `with_edits`: the handler said the draft was amended ("approve with my changes"); refused
    when it was not, because the handler believes words will go out that would not.
    """

    with_edits: bool = False


@dataclass(frozen=True)
class Reject:
    """'reject REASON': the draft is not sent; the reason goes on the record."""

    reason: str


@dataclass(frozen=True)
class Edit:
    """The text between this request's draft markers, changed by the handler."""

    new_text: str


@dataclass(frozen=True)
class Draft:
    """'draft WORD': a fresh draft of a client letter, in place of any pending one."""

    kind: LetterKind  # a client letter with a command word (letters.DRAFT_WORDS)


@dataclass(frozen=True)
class Close:
    """'close [REASON]': the case ends; a reason is required before a final response."""

    reason: str = ""


# Words on the record


@dataclass(frozen=True)
class _Text:
    """A command whose argument is free text, kept as written."""

    text: str


class Note(_Text):
    """'note TEXT': for the case record, never sent."""


class Cause(_Text):
    """'cause TEXT' or 'root cause TEXT': the register's root cause (LSS Rule B5)."""


class Learning(_Text):
    """'learning TEXT': what the firm learns from the complaint, for the register."""


@dataclass(frozen=True)
class Redress:
    """'redress AMOUNT [WHAT]' or 'redress none': what the client was given."""

    amount: Decimal
    currency: str | None
    text: str  # what the redress is, if the handler said ("goodwill payment")


# Yes or no


@dataclass(frozen=True)
class _YesNo:
    """A command followed by yes or no."""

    value: bool


class SetComplaint(_YesNo):
    """A person decides whether the case is a complaint (kept as a training label)."""


class WaiveTimeLimits(_YesNo):
    """FCA cases: whether the firm consents to the FOS considering a referral out of time."""


class SetResolved(_YesNo):
    """Whether the complainant accepted our answer: the register's 'resolved', not 'finished'."""


# One of a known list


@dataclass(frozen=True)
class _Choice:
    """A command that names one of a known list, as the list spells it (see _READERS)."""

    value: str


class SetCategory(_Choice):
    """'category NAME': the complaint's category, one of triage.CATEGORIES."""


class AddSecondary(_Choice):
    """'also CATEGORY': a further category the complaint is about, for the register."""


class SetUrgency(_Choice):
    """'urgency LEVEL': one of triage.URGENCIES."""


class SetRegime(_Choice):
    """'regime PROFILE': the rules the case is handled under (its clocks and letters)."""


class SetComplainant(_Choice):
    """'complainant client|third party': one of COMPLAINANTS."""


class SetPerson(_Choice):
    """'about ROLE': whom the complaint is about, as the register names them (PERSONS)."""


class SetArea(_Choice):
    """'area NAME': the area of law, one of triage.rules.AREAS."""


class Outcome(_Choice):
    """'outcome upheld|partly|not': the register's outcome (OUTCOMES)."""


@dataclass(frozen=True)
class Adjustments(_Choice):
    """Whether reasonable adjustments were offered to a vulnerable client (F24): ADJUSTMENTS."""

    text: str = ""


# The case itself


@dataclass(frozen=True)
class Assign:
    """'assign EMAIL': the case moves to another handler, who gets the pending drafts."""

    email: str


@dataclass(frozen=True)
class SetReceived:
    """When the firm first received the complaint: a local date, or local date and time (naive)."""

    when: date | datetime


# Corrective actions and data protection (issue 19)


@dataclass(frozen=True)
class CreateAction:
    """A corrective action: what will change, who owns it, by when (a local date)."""

    text: str  # at most 1,000 characters: it goes into the register and reports
    owner: str  # an email address, lower-cased: the reminder goes there
    due: date


@dataclass(frozen=True)
class _ActionStep:
    """'action N ...': a step on the case's corrective action number N."""

    number: int


class ActionDone(_ActionStep):
    """'action N done'."""


@dataclass(frozen=True)
class ActionWorked(_ActionStep):
    """'action N worked yes|no [NOTE]': whether the change did what it was meant to."""

    worked: bool
    note: str = ""


@dataclass(frozen=True)
class BreachSuspected:
    """A personal-data breach triage missed: the 72 hours to decide on the ICO start now."""


@dataclass(frozen=True)
class BreachDecision:
    """Whether the breach must be notified to the Information Commissioner, and why."""

    notifiable: bool
    reason: str


@dataclass(frozen=True)
class SubjectAccess:
    """A subject access request: yes (its clock runs from the case's receipt), no, extend, done."""

    step: str  # one of SAR_STEPS
    reason: str = ""


@dataclass(frozen=True)
class SetFlag:
    """'flag NAME' or 'flag NAME no': a flag triage missed, or one it set wrongly (FLAG_WORDS)."""

    flag: str  # as the case stores it: conduct_referral, insurer_notification, ...
    on: bool


@dataclass(frozen=True)
class Unclear:
    """Lines we could not act on; `hint` says why, for the command_help reply."""

    lines: tuple[str, ...]
    hint: str = ""


# Every command a handler's reply can carry.
Command = (Approve | Reject | Edit | Draft | Close | Note | Cause | Learning | Redress
           | SetComplaint | WaiveTimeLimits | SetResolved | SetCategory | AddSecondary
           | SetUrgency | SetRegime | SetComplainant | SetPerson | SetArea | Outcome | Adjustments
           | Assign | SetReceived | CreateAction | ActionDone | ActionWorked | BreachSuspected
           | BreachDecision | SubjectAccess | SetFlag | Unclear)


@dataclass(frozen=True)
class Instructions:
    """What to do, in order. When `problems` is non-empty, `actions` is empty: nothing happens.

    An Edit comes first. Approve then sends the edited text (after the handler confirms it,
    unless the firm opted out); an Edit without Approve keeps the change and asks again.
    Unclear entries mean "reply with command_help"; the other actions still apply. A Reject
    wins over an Edit for the draft's fate.
    """

    actions: tuple[Command, ...]
    edited_text: str | None
    problems: tuple[str, ...]
    unwrapped_links: int = 0  # gateway-wrapped links in the reply that were read back


class _EditWord:
    """The bare word "edit": asserts that the draft between the markers was changed."""


def parse_handler_reply(reply: ReplyText | str, original_draft: str | None = None, *,
                        nonce: str | None = None) -> Instructions:
    """Read a handler's reply to the approval request whose markers carry `nonce`."""
    if isinstance(reply, str):
        reply = ReplyText(commands=reply, draft=reply)
    lines = [line[:MAX_LINE] for line in _lines(reply.commands)]
    problems: list[str] = []
    reading = read_draft(reply.draft, original_draft or "", nonce)
    if not reading.found and reply.draft != reply.commands:
        reading = read_draft(reply.commands, original_draft or "", nonce)
    problems.extend(reading.problems)
    edited = reading.edited
    parsed = _top_commands(lines) or _bottom_commands(lines, nonce)
    actions: list[Command] = [a for a in parsed if not isinstance(a, _EditWord)]
    if not problems:
        if any(isinstance(a, _EditWord) for a in parsed) and edited is None:
            problems.append(
                "You wrote 'edit' but the text between the draft markers is unchanged (or the "
                "markers "
                "are missing), so nothing was changed.")
        if any(isinstance(a, Approve) and a.with_edits for a in actions) and edited is None:
            problems.append(
                "You wrote 'approve' with amendments, but the text between the draft markers is "
                "unchanged (or the markers are missing), so nothing was sent. Change the text "
                "between "
                "the markers and reply 'approve', or reply 'approve' alone to send the draft as "
                "it is."
            )
    if edited is not None:
        actions.insert(0, Edit(edited))
    if not actions and not problems:
        actions.append(
            Unclear((),
                    "No command was found at the top of your reply. Write 'approve' (or another "
                    "command) alone on the first line, above the quoted text."))
    if any(isinstance(a, Approve) for a in actions) and any(isinstance(a, Reject) for a in actions):
        problems.append(
            "Your reply says both approve and reject, so nothing was done. Reply again with one "
            "of them."
        )
    if problems:
        return Instructions((), None, tuple(problems))
    return Instructions(tuple(actions), edited, (), reading.unwrapped_links)


def _lines(text: str) -> list[str]:
    text = marks.normalise(text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.split("\n")[:MAX_LINES]


def _ends_top(line: str) -> bool:
    bare = QUOTE_PREFIX.sub("", line)
    return bool(QUOTE_PREFIX.match(line)) or marks.looks_like_marker(bare)


# --- the top of the reply --------------------------------------------------------------


def _top_commands(lines: list[str]) -> list[Command | _EditWord]:
    """Commands from the consecutive command lines that open the reply."""
    top: list[str] = []
    for line in lines:
        if _ends_top(line):
            break
        top.append(line)
    return _read_commands(_without_banners(trim_reply("\n".join(top)).split("\n")))


def _bottom_commands(lines: list[str], nonce: str | None) -> list[Command | _EditWord]:
    """Commands typed below the quote (bottom-posting), when they are all that is written there."""
    last_quoted = max((i for i, line in enumerate(lines) if _ends_top(line)), default=-1)
    if last_quoted < 0:
        return []
    below = _without_banners(trim_reply("\n".join(lines[last_quoted + 1:])).split("\n"))
    written = [line for line in below if line.strip()]
    found = _read_commands(written)
    if not found or len(found) != len(written) or any(isinstance(a, Unclear) for a in found):
        return []
    return found


def _without_banners(lines: list[str]) -> list[str]:
    """Drop leading gateway banners (whole paragraphs), greetings and rules above the command."""
    out = list(lines)
    while out:
        first = out[0].strip().strip("*_").strip()
        if not first or not re.search(r"[^\W_]", first) or _GREETING.match(first):
            out.pop(0)
            continue
        if _BANNER.search(first):
            while out and out[0].strip():  # the rest of the banner's paragraph
                out.pop(0)
            continue
        break
    return out


def _read_commands(lines: list[str]) -> list[Command | _EditWord]:
    found: list[Command | _EditWord] = []
    for raw in lines:
        line = raw.strip().strip("*_").strip()
        line = re.sub(r"^(?:[-*\u2022\u00b7]|\d+[.)])\s+", "", line)
        if not line:
            continue
        if not found and _GREETING.match(line):
            continue
        action = _command(line)
        if action is None:
            if not found:
                found.append(
                    Unclear((line, ),
                            f"'{_short(line)}' is not a command we know. Write one command per "
                            "line at the very top of your reply, for example 'approve' or "
                            "'reject REASON'."))
            break
        found.append(action)
    return found


def _command(line: str) -> Command | _EditWord | None:
    """One line -> its command; None when the line does not start with a command word."""
    affirmed = _AFFIRMATION.match(line)
    if affirmed:
        inner = _command(line[affirmed.end():])
        return inner if isinstance(inner, (Approve, Unclear)) else None
    m = _COMMAND.match(line)
    if not m:
        return None
    word, rest = m.group(1).lower(), m.group(2).strip()
    if word == "set" and rest:
        return _command(rest)
    second, same_as = _TWO_WORDS.get(word, ("", ""))
    if second and rest.lower().startswith(second):  # "root cause TEXT", "subject access ..."
        word, rest = same_as, rest[len(second):].lstrip(" :=-")
    read = _READERS.get(_SYNONYMS.get(word, word))
    return read(word, line, rest) if read else None


# word as typed, line, what follows the word -> the command (None: not a command after all)
Reader = Callable[[str, str, str], "Command | _EditWord | None"]


def _text(make: Callable[[str], Command]) -> Reader:
    """A command whose argument is free text (a note, a cause, a lesson)."""
    return lambda word, line, rest: (make(rest) if rest else
                                     _unclear(line, f"{word} needs some text after it."))


def _one_of(known: tuple[str, ...], make: Callable[[str], Command], what: str,
            prefix: str = "") -> Reader:
    """A command that names one of `known` (after an optional `prefix`, e.g. "category ")."""
    return lambda _word, line, rest: _choice(
        line, re.sub(rf"^{prefix}", "", rest, flags=re.I) if prefix else rest, known, make, what)


def _edit(_word: str, line: str, rest: str) -> Command | _EditWord:
    if _chatter(rest):
        return _EditWord()
    return _unclear(line, "edit takes nothing after it: change the text between the draft "
                          "markers instead.")


def _assign(_word: str, line: str, rest: str) -> Command:
    found = _EMAIL.match(re.sub(r"^to\s+", "", rest, flags=re.I))
    if found:
        return Assign(found.group(1).lower())
    return _unclear(line, "assign needs an email address, e.g. 'assign jane@firm.example'.")


def _draft(_word: str, line: str, rest: str) -> Command:
    kind = DRAFT_KIND_BY_WORD.get(rest.split(" ", 1)[0].lower().strip(".,:")) if rest else None
    return Draft(kind) if kind else _unclear(line, f"draft needs one of: {', '.join(DRAFT_WORDS)}.")


def _waive(_word: str, line: str, rest: str) -> Command:
    rest = re.sub(r"^(?:the\s+)?(?:fos\s+)?time[\s-]+limits?\b[\s:=,]*", "", rest, flags=re.I)
    return _yes_no(line, rest, WaiveTimeLimits,
                   "write 'waive time limits yes' or 'waive time limits no'.")


def _adjustments(_word: str, line: str, rest: str) -> Command:
    value = re.sub(r"^(?:not|none)\s+needed\b", "not_needed", rest.strip(), flags=re.I)
    choice, _, text = value.partition(" ")
    found = _choice(line, choice, ADJUSTMENTS, Adjustments, "adjustments")
    return Adjustments(found.value, text.strip()) if isinstance(found, Adjustments) else found


_TWO_WORDS = {"root": ("cause", "cause"), "subject": ("access", "sar")}  # first: (second, as)
_SYNONYMS = {"approved": "approve", "send": "approve", "edited": "edit", "rejected": "reject",
             "closed": "close", "profile": "regime", "cat": "category", "priority": "urgency",
             "adjustment": "adjustments", "person": "about", "notes": "note", "lesson": "learning",
             "lessons": "learning", "commands": "help"}
_READERS: dict[str, Reader] = {
    "approve": lambda _word, line, rest: _approve(line, rest),
    "edit": _edit,
    "reject": lambda _word, line, rest: Reject(rest) if rest else _unclear(
        line, "reject needs a reason, e.g. 'reject wrong amount'."),
    "close": lambda _word, _line, rest: Close("" if _chatter(rest) else rest),
    "complaint": lambda _word, line, rest: _yes_no(
        line, rest, SetComplaint, "complaint is followed by yes or no, e.g. 'complaint no'."),
    "regime": _one_of(tuple(PROFILES), SetRegime, "regime"),
    "received": lambda _word, line, rest: _received(line, rest),
    "complainant": _one_of(COMPLAINANTS, SetComplainant, "complainant"),
    "waive": _waive,
    "category": _one_of(CATEGORIES, SetCategory, "category"),
    "urgency": _one_of(URGENCIES, SetUrgency, "urgency"),
    "assign": _assign,
    "draft": _draft,
    # issue 19: corrective actions, data protection, the register's fields
    "action": lambda _word, line, rest: _action(line, rest),
    "breach": lambda _word, line, rest: _breach(line, rest),
    "sar": lambda _word, line, rest: _sar(line, rest),
    "adjustments": _adjustments,
    "about": _one_of(PERSONS, SetPerson, "person complained about",
                     prefix=r"(?:complained\s+about\s+)?(?:a|an|the)\s+"),
    "area": _one_of(AREAS, SetArea, "area of law", prefix=r"(?:of\s+law\s+)"),
    "also": _one_of(CATEGORIES, AddSecondary, "category", prefix=r"category\s+"),
    "resolved": lambda _word, line, rest: _yes_no(
        line, rest, SetResolved,
        "resolved is followed by yes (the complainant accepted our answer) or no."),
    "outcome": lambda _word, line, rest: _outcome(line, rest),
    "redress": lambda _word, line, rest: _redress(line, rest),
    "note": _text(Note),
    "cause": _text(Cause),
    "learning": _text(Learning),
    "flag": lambda _word, line, rest: _flag(line, rest),
    "help": lambda _word, line, _rest: _unclear(line, "The commands are listed below."),
}


def _approve(line: str, rest: str) -> Command:
    rest = re.sub(
        r"\bno\s+(?:changes?|edits?|amendments?|corrections?)(?:\s+(?:needed|required|made))?\b|"
        r"\bas\s+(?:it\s+)?is\b", " ", rest, flags=re.I)
    if _NEGATION.search(rest):
        return _unclear(
            line, "this reads as a condition or a refusal, so nothing was sent. To send the draft "
            "write 'approve' alone on the first line; not to send it, write 'reject REASON'.")
    words = re.findall(r"[a-z]+", rest.lower())
    if all(w in _CHATTER for w in words):
        return Approve()
    if all(w in _CHATTER | _WITH_EDITS for w in words):
        return Approve(with_edits=True)
    return _unclear(line,
                    "approve takes nothing after it; put any other instruction on its own line.")


def _chatter(rest: str) -> bool:
    return all(w in _CHATTER for w in re.findall(r"[a-z]+", rest.lower()))


def _unclear(line: str, hint: str) -> Unclear:
    return Unclear((line,), hint)


def _short(line: str) -> str:
    return line if len(line) <= 60 else line[:57] + "..."


def _choice(line: str, rest: str, known: tuple[str, ...], make: Callable[[str], Command],
            what: str) -> Command:
    label = re.sub(r"[\s\-]+", "_", rest.strip().strip(".,;!").lower())
    if label in known:
        return make(label)
    close = [k for k in known if label and label in k] or difflib.get_close_matches(
        label, known, n=1)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return _unclear(line, f"unknown {what} '{rest}'; {hint}known: {', '.join(known)}.")


def _yes_no(line: str, rest: str, make: Callable[[bool], Command], hint: str) -> Command:
    words = re.findall(r"[a-z]+", rest.lower())
    if words and words[0] in _YES and not set(words) & _NO:
        return make(True)
    if words and words[0] in _NO:
        return make(False)
    return _unclear(line, hint)


def _received(line: str, rest: str) -> Command:
    """'received 2026-02-23' or 'received 2026-02-23 14:30' (the firm's local time)."""
    m = _WHEN.match(rest.strip().rstrip("."))
    hint = ("received needs the date the firm first received it, e.g. 'received 2026-02-23' or "
            "'2026-02-23 14:30'.")
    if not m:
        return _unclear(line, hint)
    try:
        day = date.fromisoformat(m.group(1))
        if m.group(2) is None:
            return SetReceived(day)
        hour, minute = int(m.group(2)), int(m.group(3))
        return SetReceived(datetime(day.year, day.month, day.day, hour, minute))
    except ValueError:
        return _unclear(line, hint)


_ACTION_REF = re.compile(r"^#?(\d{1,9})\b[\s:,-]*(.*)$")
_OWNER = re.compile(r"\bowner[\s:=]+<?([^\s<>]+@[^\s<>]+?)>?[.,;]?(?=\s|$)", re.I)
_DUE = re.compile(r"\bdue[\s:=]+(?:by\s+|on\s+)?(\d{4}-\d{2}-\d{2})\b\.?", re.I)


def _action(line: str, rest: str) -> Command:
    """'action TEXT owner EMAIL due DATE', 'action 12 done', 'action 12 worked yes|no NOTE'."""
    numbered = _ACTION_REF.match(rest)
    if numbered:
        number, tail = int(numbered.group(1)), numbered.group(2).strip()
        verb, _, after = tail.partition(" ")
        if verb.lower().strip(".") in {"done", "completed", "complete", "finished"}:
            return ActionDone(number)
        if verb.lower() in {"worked", "effective", "work"}:
            answer, _, note = after.strip().partition(" ")
            if answer.lower().strip(".,") in _YES | {"worked"}:
                return ActionWorked(number, True, note.strip())
            if answer.lower().strip(".,") in _NO:
                return ActionWorked(number, False, note.strip())
        return _unclear(line, f"write 'action {number} done' when it is done, or 'action {number} "
                              "worked yes' (or no, with what happened) once you know whether it "
                              "worked.")
    owner, due = _OWNER.search(rest), _DUE.search(rest)
    hint = ("an action needs what will change, its owner and a due date, e.g. 'action check "
            "completion statements twice owner jane@firm.example due 2027-01-31'.")
    if not owner or not due or not _EMAIL.match(owner.group(1)):
        return _unclear(line, hint)
    text = rest[:min(owner.start(), due.start())].strip(" .,;:-")
    if not text or rest[max(owner.end(), due.end()):].strip(" .") or \
            rest[min(owner.end(), due.end()):max(owner.start(), due.start())].strip(" ,;"):
        return _unclear(line, hint)
    try:
        when = date.fromisoformat(due.group(1))
    except ValueError:
        return _unclear(line, hint)
    return CreateAction(text[:1000], owner.group(1).lower(), when)


def _breach(line: str, rest: str) -> Command:
    """'breach suspected'; 'breach notifiable yes|no REASON' (the ICO decision, with why)."""
    words = rest.split()
    lowered = [w.lower().strip(".,:;") for w in words]
    if lowered[:1] in (["suspected"], ["suspect"], ["possible"]) and len(words) == 1:
        return BreachSuspected()
    if lowered[:1] == ["not"] and lowered[1:2] == ["notifiable"]:
        lowered, words = ["notifiable", "no"] + lowered[2:], ["notifiable", "no"] + words[2:]
    if lowered[:1] == ["notifiable"] and len(lowered) > 2 and lowered[1] in _YES | _NO:
        return BreachDecision(lowered[1] in _YES, " ".join(words[2:])[:1000])
    return _unclear(line, "write 'breach notifiable yes REASON' or 'breach notifiable no REASON' "
                          "(the decision whether to notify the ICO, and why), or 'breach "
                          "suspected' to start the 72-hour clock for a breach triage missed.")


# The flags a handler sets by name: what triage's FLAGS mean to the firm. A breach is not here:
# `breach suspected` starts its 72-hour clock as well.
FLAG_WORDS = {
    "conduct": "conduct_referral", "conduct_referral": "conduct_referral",
    "insurer": "insurer_notification", "insurer_notification": "insurer_notification",
    "insurance": "insurer_notification", "third_party": "third_party",
    "vulnerability": "vulnerability", "vulnerable": "vulnerability",
    "safeguarding": "safeguarding",
}


def _flag(line: str, rest: str) -> Command:
    """'flag insurer', 'flag third party no', 'flag conduct referral off'."""
    words = [w.strip(".,:;") for w in rest.lower().replace("-", " ").split()]
    off = bool(words) and words[-1] in _NO | {"off", "remove", "removed", "clear"}
    on = bool(words) and words[-1] in _YES | {"on"}
    name = "_".join(words[:-1] if off or on else words)
    flag = FLAG_WORDS.get(name)
    if flag is None:
        hint = ("write 'flag conduct', 'flag insurer', 'flag vulnerability', 'flag third party' or "
                "'flag safeguarding', with 'no' after it to clear the flag")
        if "breach" in name:
            hint = "a personal-data breach has its own command: 'breach suspected'"
        return _unclear(line, hint + ".")
    return SetFlag(flag, not off)


def _sar(line: str, rest: str) -> Command:
    """'sar' or 'sar yes', 'sar no', 'sar extend REASON', 'sar done'."""
    step, _, reason = rest.strip().partition(" ")
    step = step.lower().strip(".,:;") or "yes"
    step = {"answered": "done", "sent": "done", "complete": "done", "y": "yes", "n": "no",
            "request": "yes"}.get(step, step)
    if step not in SAR_STEPS:
        return _unclear(line, "write 'sar' (this is a subject access request), 'sar no', 'sar "
                              "extend REASON' (two more months, for a complex request) or 'sar "
                              "done'.")
    if step == "extend" and not reason.strip():
        return _unclear(line, "sar extend needs the reason the request is complex or numerous.")
    return SubjectAccess(step, reason.strip()[:1000])


def _outcome(line: str, rest: str) -> Command:
    words = re.findall(r"[a-z]+", rest.lower())
    if words and words[0] in {"partly", "partially", "partial"}:
        return Outcome("partly")
    if words and words[0] in {"not", "rejected"}:
        return Outcome("not")
    if words and words[0] in {"upheld", "uphold", "yes"}:
        return Outcome("upheld")
    return _unclear(line, "outcome is one of: upheld, partly, not.")


def _redress(line: str, rest: str) -> Command:
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
