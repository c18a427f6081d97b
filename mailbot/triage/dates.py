"""Find the calendar dates a message mentions, resolved against the date it was sent.

Complainants write "the hearing is on Monday" or "completion on the 12th", not ISO dates,
and urgency depends on how close those dates are. Everything here is relative to the
message's own date (passed in), so the same text always yields the same dates.
UK ordering (day before month) is the default for numeric dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .prefilter import Words, anchors

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
WEEKDAYS = {name: i for i, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30, "couple of": 2, "a couple of": 2, "few": 3, "a few": 3,
}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
# Abbreviated days count only after "on", "next" or "this" ("on Weds", "next wed", "this
# Thurs."): "wed" alone is a verb.
_WEEKDAY = (r"(?P<weekday>" + "|".join(WEEKDAYS)
            + r"|(?:(?<=\bon\s)|(?<=\bnext\s)|(?<=\bthis\s))(?:mon|tues?|weds?|thu(?:rs?)?|fri)"
            r"(?:\.|\b))")
_ON_WEEKDAY = r"(?:(?:" + "|".join(WEEKDAYS) + r"|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?,?\s+)?"
_NUM = r"(?P<n>\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>working\s+days?|business\s+days?|days?|weeks?|fortnights?|months?|hours?)"
# "Tomorrow" as people type it in a hurry: tommorow, tomorow, tomoro, tomororw, tmrw, 2moro.
TOMORROW = r"(?:t[oa]?m{1,2}[oa]?r{1,2}(?:[oa]?r?w|o)|tmrw|2mor{1,2}o?w?)"
_MISSPELT_TOMORROW = re.compile(TOMORROW + r"$")
# "Will" the document ("a friend's will", "her will") is no sign of the future.
_WILL_THE_VERB = ("".join(rf"(?<!{w}\s)" for w in (r"[’']s", r"\bthe", r"\ba", r"\bher", r"\bhis",
                                                    r"\bmy", r"\bour", r"\byour", r"\bnew"))
                  + "will")
# A bare "on Monday" or "the 12th" looks back when its sentence is told in the past
# ("At the hearing on Friday the barrister told the court...") and has no sign of a plan.
_FUTURE = re.compile(
    r"\b(?:" + _WILL_THE_VERB + r"|shall|is|are|am|going\s+to|next|coming|due|listed|scheduled"
    r"|booked|fixed|set|pencil+ed|rearranged|rescheduled|re-?listed"
    r"|brought\s+forward|put\s+back|pushed\s+back"
    r"|starts?|begins?|commences?|opens?"
    r"|adjourned|postponed|moved|until|till|before|need|needs|must|have\s+to|has\s+to)\b"
    r"|\b" + TOMORROW + r"\b"
    # "I'm being evicted on the 11th": present, whatever past participle follows (not "was being")
    r"|[’'](?:re|ll|m)\b|(?<!\bwas\s)(?<!\bwere\s)\bbeing\b", re.I)
_PAST = re.compile(
    r"\b(?:was|were|did|had|went|got|told|said|made|took|gave|came|saw|met|spoke|rang|sent|left"
    r"|felt|thought|found|knew|heard|wrote|paid|last|ago|yesterday|\w{3,}ed)\b", re.I)
# Characters either side of a date searched for its clause (keeps long texts linear).
CLAUSE_WINDOW = 300
_CLAUSE_END = re.compile(r"[.!?;,\n]|\b(?:and|but|so|because|although|though|while|whereas)\b")


@dataclass(frozen=True)
class DateMention:
    """One resolved date: where it is in the text, what was written, and the day it means."""

    start: int
    end: int
    text: str
    date: date


def _pattern(body: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w/.\-£$€])" + body + r"(?![\w/])")  # matched against lowercased text


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", _pattern(r"(?P<y>(?:19|20)\d\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)")),
    ("numeric",
     _pattern(r"(?P<a>[0-3]?\d)(?P<sep>[/.\-])(?P<b>[01]?\d)(?:(?P=sep)(?P<y>(?:19|20)?\d\d))?")),
    ("day_month",
     _pattern(_ON_WEEKDAY + r"(?:the\s+)?" + _DAY + r"(?:\s+of)?\s+" + _MONTH + _YEAR)),
    ("month_day", _pattern(_ON_WEEKDAY + _MONTH + r"\s+(?:the\s+)?" + _DAY + _YEAR)),
    ("ordinal", _pattern(r"(?<=\bthe\s)(?P<day>[0-3]?\d)(?:st|nd|rd|th)")),
    ("weekday",
     _pattern(r"(?:(?P<rel>next|this|last|coming|this\s+coming)\s+)?" + _WEEKDAY +
              r"(?P<week>\s+week)?")),
    ("in_n",
     _pattern(r"(?P<lead>in|within|after)\s+(?:the\s+next\s+)?" + _NUM + r"\s+" + _UNIT +
              r"(?:'s|')?(?:\s+time)?")),
    ("n_ago", _pattern(_NUM + r"\s+" + _UNIT + r"\s+(?P<dir>ago|from\s+now|time)")),
    ("named",
     _pattern(r"(?P<word>the\s+day\s+after\s+" + TOMORROW + "|" + TOMORROW
              + r"|today|tonight|yesterday"
              r"|this\s+(?:morning|afternoon|evening)|(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?"
              r"(?:week|wk|month)|end\s+of\s+next\s+(?:week|wk|month)|next\s+(?:week|wk|month)"
              r"|this\s+(?:week|wk)|last\s+(?:week|wk)|next\s+few\s+days)")),
]

_NEEDED = {kind: anchors(pattern) for kind, pattern in _PATTERNS}


def find_dates(text: str, reference: date, *, day_first: bool = True) -> list[DateMention]:
    """Every date mentioned in `text`, resolved against `reference` (the message's local date).

    Overlapping matches keep the earliest-starting, longest one, so "Monday 12 December"
    yields one date per phrase rather than fragments. Unresolvable matches (31/02) are skipped.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lowercase is longer would shift the spans
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    found: list[DateMention] = []
    words = Words.of(lowered)
    for kind, pattern in _PATTERNS:
        if not words.may_match(_NEEDED[kind]):
            continue  # no word the pattern needs (prefilter.py): it cannot match
        for match in pattern.finditer(lowered):
            if kind == "month_day" and match.group("month") in ("may", "mar") \
                    and not text[match.start("month")].isupper():
                continue  # "may 3 people" is not a date
            resolved = _resolve(kind, match, reference, day_first, lowered)
            if resolved is not None:
                found.append(
                    DateMention(match.start(), match.end(), text[match.start():match.end()],
                                resolved))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[DateMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _resolve(kind: str, m: re.Match[str], ref: date, day_first: bool, text: str) -> date | None:
    past = _told_in_past(text, m.start(), m.end())
    if kind == "iso":
        return _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if kind == "numeric":
        return _numeric(m, ref, day_first)
    if kind in ("day_month", "month_day"):
        month = MONTHS[m["month"].rstrip(".")]
        day = int(m["day"])
        if m["year"]:
            return _safe_date(int(m["year"]), month, day)
        return _nearest_year(ref, month, day)
    if kind == "ordinal":
        return _next_day_of_month(ref, int(m["day"]), past)
    if kind == "weekday":
        return _weekday(ref, _weekday_index(m["weekday"]), (m["rel"] or "").lower(),
                        bool(m["week"]), past)
    if kind == "in_n":
        return _shift(ref, _number(m["n"]), m["unit"].lower())
    if kind == "n_ago":
        sign = -1 if m["dir"].lower() == "ago" else 1
        return _shift(ref, sign * _number(m["n"]), m["unit"].lower())
    word = _spelt_out(m["word"])
    if past and word in _EARLIER_TODAY:
        return None  # "I had the hearing today": over, not about to pass
    return _named(word, ref)


# Today's words that, told in the past ("the hearing was this morning"), name what is over.
_EARLIER_TODAY = frozenset({"today", "this morning", "this afternoon"})


def _told_in_past(text: str, start: int, end: int) -> bool:
    """Judged on the clause around the date, so "the trial starts on Monday and I have not
    met my barrister" stays in the future."""
    low, high = max(0, start - CLAUSE_WINDOW), min(len(text), end + CLAUSE_WINDOW)
    begin = max((s.end() for s in _CLAUSE_END.finditer(text, low, start)), default=low)
    stop = _CLAUSE_END.search(text, end, high)
    clause = text[begin:stop.start() if stop else high]
    return not _FUTURE.search(clause) and bool(_PAST.search(clause))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric(m: re.Match[str], ref: date, day_first: bool) -> date | None:
    a, b = int(m["a"]), int(m["b"])
    year_text = m["y"]
    if m["sep"] != "/" and year_text is None:
        return None  # "14.12" or "3-4" is far more often an amount or a range than a date
    day, month = (a, b) if day_first else (b, a)
    if not 1 <= month <= 12 and 1 <= day <= 12:
        day, month = month, day  # "12/14" can only be 14 December
    if year_text is None:
        return _nearest_year(ref, month, day)
    year = int(year_text)
    return _safe_date(year + 2000 if year < 100 else year, month, day)


def _nearest_year(ref: date, month: int, day: int) -> date | None:
    """A day and month without a year is taken as the occurrence closest to the message date."""
    candidates = [
        d for y in (ref.year - 1, ref.year, ref.year + 1) if (d := _safe_date(y, month, day))
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs((d - ref).days), d < ref))


def _next_day_of_month(ref: date, day: int, past: bool) -> date | None:
    if not 1 <= day <= 31:
        return None
    year, month = ref.year, ref.month
    for _ in range(13):
        candidate = _safe_date(year, month, day)
        if candidate and (candidate <= ref if past else candidate >= ref):
            return candidate
        month += -1 if past else 1
        if month == 0:
            year, month = year - 1, 12
        elif month == 13:
            year, month = year + 1, 1
    return None


def _weekday(ref: date, weekday: int, rel: str, plus_week: bool, past: bool) -> date:
    if rel == "last" or (past and not rel):
        back = (ref.weekday() - weekday) % 7 or 7
        return ref - timedelta(days=back)
    ahead = (weekday - ref.weekday()) % 7 or 7
    return ref + timedelta(days=ahead + (7 if plus_week else 0))


def _weekday_index(name: str) -> int:
    """Monday is 0; "Weds" and "thurs." are told apart by their first two letters."""
    prefix = name.lower()[:2]
    return next(i for day, i in WEEKDAYS.items() if day.startswith(prefix))


def _number(word: str) -> int:
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _shift(ref: date, n: int, unit: str) -> date:
    if unit.startswith(("working", "business")):
        step = 1 if n >= 0 else -1
        current, left = ref, abs(n)
        while left:
            current += timedelta(days=step)
            if current.weekday() < 5:
                left -= 1
        return current
    if unit.startswith("hour"):
        return ref + timedelta(days=-(-n // 24))  # part of a day counts as a day
    if unit.startswith("week"):
        return ref + timedelta(weeks=n)
    if unit.startswith("fortnight"):
        return ref + timedelta(weeks=2 * n)
    if unit.startswith("month"):
        month_index = ref.month - 1 + n
        year, month = ref.year + month_index // 12, month_index % 12 + 1
        for day in (ref.day, 30, 29, 28):
            if (d := _safe_date(year, month, day)) is not None:
                return d
    return ref + timedelta(days=n)


def _spelt_out(phrase: str) -> str:
    """A named day as `_named` knows it: "tommorow" is "tomorrow", "next wk" is "next week"."""
    words = phrase.lower().split()
    if _MISSPELT_TOMORROW.match(words[-1]):
        words[-1] = "tomorrow"
    elif words[-1] == "wk":
        words[-1] = "week"
    return " ".join(words)


def _named(word: str, ref: date) -> date:
    week_start = ref - timedelta(days=ref.weekday())
    month_end = _shift(ref.replace(day=1), 1, "month") - timedelta(days=1)
    table = {
        "today": ref,
        "tonight": ref,
        "this morning": ref,
        "this afternoon": ref,
        "this evening": ref,
        "tomorrow": ref + timedelta(days=1),
        "the day after tomorrow": ref + timedelta(days=2),
        "yesterday": ref - timedelta(days=1),
        "this week": ref,
        "next few days": ref + timedelta(days=1),
        "next week": week_start + timedelta(days=7),
        "last week": week_start - timedelta(days=7),
        "next month": _shift(ref.replace(day=1), 1, "month"),
        "end of next week": week_start + timedelta(days=11),
        "end of next month": _shift(ref.replace(day=1), 2, "month") - timedelta(days=1),
    }
    if word in table:
        return table[word]
    if word.endswith("week"):
        return max(ref, week_start + timedelta(days=4))  # end of (this/the) week: Friday
    return month_end  # end of (this/the) month
