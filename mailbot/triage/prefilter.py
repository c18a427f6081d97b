r"""Which phrase rules and date patterns could match a text, decided from its words first.

Each emergency rule is one long alternation, and Python's `re` tries every alternative at every
word of every message: the 21 rules took 60% of `suggest` (tests/bench/README.md). But nearly
every alternative needs some word to be there ("bank", "funds", "stolen"...). This module reads
that from the compiled pattern itself, so no keyword list is kept by hand beside the rules:
`anchors(pattern)` is a set of word beginnings such that every match of the pattern contains a
word of the text that starts with one of them, or None when no such set can be proved.
`Words(text)` holds the beginnings of the text's words; a pattern (or, in `GatedPattern`, one
alternative of it) whose anchors begin none of them cannot match, so it is not run. The gate is
exact by construction: it only skips what would have found nothing (tests/unit/test_prefilter.py
holds it to the plain patterns on every corpus text, in several shapes).

A literal counts as an anchor only where the pattern puts it at the start of a word: after
`\b`, after a character that is not a word character (a space, an apostrophe), or after a
lookbehind that refuses word characters. There it begins one of the text's `\w+` words, so that
word starts with it. Alternatives (`a|b`) give the union of their anchors; an optional part
gives its own anchors together with those of what follows it, or none. Pure.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from collections.abc import Iterator
from typing import Any

# Anchors and word beginnings are cut to this many characters: longer adds little selectivity.
PREFIX = 6
# The anchor of a word that begins with a digit of any script (`\d`); no word is spelt so.
DIGIT = "\\d"
_WORDS = re.compile(r"\w+")
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_NONWORD_CATEGORIES = (sre.CATEGORY_SPACE, sre.CATEGORY_NOT_WORD, sre.CATEGORY_UNI_SPACE,
                       sre.CATEGORY_UNI_NOT_WORD)
_STARTS = (sre.AT_BOUNDARY, sre.AT_BEGINNING, sre.AT_BEGINNING_STRING, sre.AT_UNI_BOUNDARY)
_NOT_STARTS = (sre.AT_NON_BOUNDARY, sre.AT_UNI_NON_BOUNDARY)


def _is_word(char: str) -> bool:
    """A `\\w` character, as `re` reads one in a str pattern (hence `\\b` too)."""
    return char.isalnum() or char == "_"


def _is_word_char(code: int) -> bool:
    return _is_word(chr(code))


class Words:
    """The beginnings (up to PREFIX characters) of a text's `\\w+` words."""

    __slots__ = ("text", "prefixes")
    _last: Words | None = None  # the rules, the areas and the third-party test read one text

    def __init__(self, text: str) -> None:
        self.text = text
        words = set(_WORDS.findall(text))
        self.prefixes = {word[:k] for word in words for k in range(1, min(len(word), PREFIX) + 1)}
        if any(word[0].isdecimal() for word in words):
            self.prefixes.add(DIGIT)

    @classmethod
    def of(cls, text: str) -> Words:
        """The words of `text`, reusing the last text's when it is the same text."""
        last = cls._last
        if last is None or last.text != text:
            last = cls._last = cls(text)
        return last

    def may_match(self, needed: frozenset[str] | None) -> bool:
        """False only when no word begins with any of `needed` (None: cannot tell)."""
        return needed is None or not needed.isdisjoint(self.prefixes)


def anchors(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Word beginnings of which every match of `pattern` contains one, or None if unprovable."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None  # case folding would need folded anchors; not used by the rules
    return _anchors_of(sre_parse.parse(pattern.pattern, pattern.flags))


def _anchors_of(tree: Any) -> frozenset[str] | None:
    """anchors() of a parsed pattern."""
    if tree.state.flags & re.IGNORECASE:
        return None  # an inline (?i): case folding would need folded anchors
    try:
        # nothing is known before the first character: "ment" alone may match inside "payment"
        needed, _ = _sequence(list(tree), False)
    except Exception:  # noqa: BLE001 - `re`'s parse tree is private and may change shape:
        return None  # then the pattern simply always runs, as it did before the gate
    return needed


# Words nearly every message has: an anchor set that needs one of them lets its alternative run
# almost always. Only speed depends on this list, never what matches.
COMMON = frozenset("""
a about after all also an and any are as at back be been being but by can case could did do
does for from get go going gone got had has have he her him his how i if in into is it its just
last me more my new no not now of on one only or other our out over said say she so some still
such than that the their them then there they this time to told two up us was we were what when
which who will with would year years you your""".split())


_COMMON_BEGINNINGS = frozenset(word[:k] for word in COMMON for k in range(1, len(word) + 1))


def _cost(anchors: frozenset[str]) -> float:
    """How often an anchor set lets its alternative run, roughly: a common word, the beginning
    of one ("wh"), a single character or a digit costs one; other words less the longer."""
    return sum(1.0 if a in _COMMON_BEGINNINGS or a == DIGIT or len(a) == 1 else 0.25 ** len(a)
               for a in anchors)


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective of two anchor sets (either is exact; this is only about speed)."""
    if a is None or b is None:
        return a if b is None else b
    return a if _cost(a) <= _cost(b) else b


def _sequence(items: list[tuple[Any, Any]], start: bool) -> tuple[frozenset[str] | None, bool]:
    """(anchors, ends_at_word_start) for a sequence entered at a word start or not.

    `start` means: if the next character consumed is a word character, a word begins there.
    The anchors of any one item every match goes through will do; the rarest are kept.
    """
    best: frozenset[str] | None = None
    i = 0
    while i < len(items):
        if items[i][0] is sre.LITERAL:
            start_of_run = start
            run = []
            while i < len(items) and items[i][0] is sre.LITERAL:
                run.append(items[i][1])
                i += 1
            found, start = _literal_run(run, start)
            # `re` factors shared beginnings out of alternatives ("lie|lying" is "l" then
            # "ie|ying"): a word begun by the run goes on into the alternatives that follow
            if i < len(items) and _open_word(run, start_of_run):
                found = _better(found, _continued(_open_word(run, start_of_run), items[i]))
        else:
            before = start
            found, start = _item(*items[i], start)
            op, av = items[i]
            if op in _REPEATS and av[0] == 0 and i + 1 < len(items):
                # an optional part ("[0-3]?" in "[0-3]?\d"): either it begins the word, or what
                # follows it does
                skipped, _ = _sequence(items[i + 1:i + 2], before)
                kept, _ = _sequence(list(av[2]), before)
                if kept is not None and skipped is not None:
                    found = _better(found, kept | skipped)
            i += 1
        best = _better(best, found)
    return best, start


def _literal_run(run: list[int], start: bool) -> tuple[frozenset[str] | None, bool]:
    """Each word a run of literal characters begins at a word start ("bank details": "bank" and
    "details"), the rarest of them as the anchor."""
    best: frozenset[str] | None = None
    for k, code in enumerate(run):
        if _is_word_char(code) and (start if k == 0 else not _is_word_char(run[k - 1])):
            word = _WORDS.match("".join(chr(c) for c in run[k:k + PREFIX]))
            if word:
                best = _better(best, frozenset({word.group(0)}))
    return best, not _is_word_char(run[-1])


def _open_word(run: list[int], start: bool) -> str:
    """The word the run ends inside, if it began at a word start ("" if none)."""
    k = len(run)
    while k > 0 and _is_word_char(run[k - 1]):
        k -= 1
    if k == len(run) or (k == 0 and not start):
        return ""
    return "".join(chr(c) for c in run[k:])


def _continued(word: str, item: tuple[Any, Any]) -> frozenset[str] | None:
    """`word` continued by each alternative of the item after it, when each begins with
    literal characters (a branch) or is one of a few literal characters (a class)."""
    op, av = item
    if op is sre.IN and all(member is sre.LITERAL for member, _ in av):
        tails = [chr(code) for _, code in av]
    elif op is sre.BRANCH and all(b and b[0][0] is sre.LITERAL for b in av[1]):
        tails = ["".join(chr(code) for _, code in _leading_literals(b)) for b in av[1]]
    else:
        return None
    words = {_WORDS.match(word + tail).group(0)[:PREFIX] for tail in tails}  # type: ignore
    return frozenset(words)


def _leading_literals(branch: Any) -> list[tuple[Any, Any]]:
    items = []
    for op, av in branch:
        if op is not sre.LITERAL:
            break
        items.append((op, av))
    return items


def _item(op: Any, av: Any, start: bool) -> tuple[frozenset[str] | None, bool]:
    """(anchors, ends_at_word_start) for one item of a parsed pattern other than a literal."""
    if op is sre.AT:
        return None, av not in _NOT_STARTS and (start or av in _STARTS)
    if op is sre.BRANCH:
        branches = [_sequence(list(branch), start) for branch in av[1]]
        union: frozenset[str] | None = frozenset()
        for needed, _ in branches:  # every branch must need something, or the item needs nothing
            union = None if needed is None or union is None else union | needed
        return union, all(ends for _, ends in branches)
    if op is sre.SUBPATTERN:
        if av[1] & sre.SRE_FLAG_IGNORECASE:
            return None, False
        return _sequence(list(av[-1]), start)
    if op in _REPEATS:
        low, _, body = av
        needed, ends = _sequence(list(body), start)
        # at least once: the body's anchors hold; maybe never: the state may be the one before
        return (needed, ends) if low >= 1 else (None, start and ends)
    if op is sre.IN:
        return (_class_beginnings(av) if start else None), _class_is_nonword(av)
    if op is sre.ASSERT_NOT and av[0] == -1 and _class_has_word_chars(list(av[1])):
        return None, True  # "not after a word character": a word begins here
    if op is sre.ASSERT or op is sre.ASSERT_NOT:
        return None, start  # zero width: the text around it is as before
    return None, False  # any other construct: assume nothing about what it consumed


def _class_beginnings(members: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The beginnings a class at a word start can give the word: its literal word characters
    and short ranges, DIGIT for `\\d`; None if it has anything else."""
    found: set[str] = set()
    for op, av in members:
        if op is sre.LITERAL and _is_word_char(av):
            found.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < 10 and all(
                _is_word_char(c) for c in range(av[0], av[1] + 1)):
            found.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is sre.CATEGORY and av in (sre.CATEGORY_DIGIT, sre.CATEGORY_UNI_DIGIT):
            found.add(DIGIT)  # in a str pattern \d is any script's digit, not only 0-9
        else:
            return None
    return frozenset(found) or None


def _class_has_word_chars(items: list[tuple[Any, Any]]) -> bool:
    """True for a lookbehind of one character class that includes every word character."""
    if len(items) != 1 or items[0][0] is not sre.IN:
        return False
    members = items[0][1]
    return not any(op is sre.NEGATE for op, _ in members) and any(
        op is sre.CATEGORY and av in (sre.CATEGORY_WORD, sre.CATEGORY_UNI_WORD)
        for op, av in members)


def _class_is_nonword(members: list[tuple[Any, Any]]) -> bool:
    """True when a character class can only match characters that are not word characters."""
    if any(op is sre.NEGATE for op, _ in members):
        return False
    for op, av in members:
        if op is sre.LITERAL and not _is_word_char(av):
            continue
        if op is sre.CATEGORY and av in _NONWORD_CATEGORIES:
            continue
        return False
    return True


def alternatives(body: str) -> list[str]:
    """`body` split at its top-level `|` (outside groups and character classes)."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(body):
        char = body[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            # a "]" first in the class (after an optional "^") is a member, not the end
            i += 1 + (body[i + 1:i + 2] == "^")
            i += body[i:i + 1] == "]"
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    return parts + [body[start:]]


class GatedPattern:
    """`\\b(?:body)` run one alternative at a time, only the alternatives the words allow.

    `finditer` yields exactly the spans that the whole pattern's `finditer` would: at each
    position the first alternative (in order) that matches there wins, and the scan goes on
    from the end of the match. An alternative none of whose anchors begins a word of the text
    cannot match anywhere in it, so leaving it out changes nothing. Each alternative is searched
    without its leading `\\b`, which is checked on each match instead: `re` then skips ahead to
    the characters the alternative can begin with, where a leading `\\b` makes it try every
    position.
    """

    __slots__ = ("pattern", "_body", "_lead", "_parts", "_searches", "_always", "_anchors")

    def __init__(self, body: str, *, at_word_start: bool = True) -> None:
        """`at_word_start=False`: the pattern is `body` itself (its alternatives may carry their
        own `\\b`, as the lexicons' do). The alternatives are read on first use: reading and
        compiling some 600 of them takes about a quarter of a second, which a command that never
        triages should not pay at import."""
        self._lead = r"\b" if at_word_start else ""
        self._body = body
        self.pattern = re.compile(self._lead + r"(?:" + body + r")")
        self._parts: tuple[tuple[str, frozenset[str] | None], ...] | None = None
        self._searches: tuple[tuple[re.Pattern[str], bool], ...] = ()
        self._always = 0
        self._anchors: dict[str, int] = {}

    @property
    def parts(self) -> tuple[tuple[str, frozenset[str] | None], ...]:
        """Each alternative's source (with the pattern's lead) and its anchors."""
        if self._parts is None:
            self._prepare()
        return self._parts  # type: ignore[return-value]

    def _prepare(self) -> None:
        pieces = alternatives(self._body)
        parts = []
        for alternative in pieces:
            source = self._lead + r"(?:" + alternative + r")"
            tree = sre_parse.parse(source)
            if tree.getwidth()[0] == 0:
                raise ValueError(f"a gated pattern must not match the empty string: {source}")
            parts.append((source, _anchors_of(tree)))
        # (search, whether its match must start at a word boundary): a leading `\\b` is moved
        # out of the search and checked on the match
        self._searches = tuple(
            (re.compile(r"(?:" + alternative + r")"), True) if self._lead
            else (re.compile(r"(?:" + alternative[2:] + r")"), True)
            if alternative.startswith(r"\b") and alternative[2:3] not in ("", "?", "*", "{")
            else (re.compile(r"(?:" + alternative + r")"), False)
            for alternative in pieces)
        # which alternatives each anchor lets run, as bit masks; `_always`: those with none
        for k, (_, needed) in enumerate(parts):
            if needed is None:
                self._always |= 1 << k
            for anchor in needed or ():
                self._anchors[anchor] = self._anchors.get(anchor, 0) | 1 << k
        self._parts = tuple(parts)

    def finditer(self, text: str, words: Words) -> Iterator[tuple[int, int]]:
        """(start, end) of each match of the whole pattern in `text`, in order."""
        if self._parts is None:
            self._prepare()
        allowed = self._always
        for anchor in words.prefixes.intersection(self._anchors):
            allowed |= self._anchors[anchor]
        live = []
        while allowed:  # the allowed alternatives, in order
            lowest = allowed & -allowed
            live.append(self._searches[lowest.bit_length() - 1])
            allowed ^= lowest
        found = [_at_boundary(part, bounded, text, 0) for part, bounded in live]
        while True:
            best: re.Match[str] | None = None
            for match in found:  # leftmost, then the earliest alternative
                if match is not None and (best is None or match.start() < best.start()):
                    best = match
            if best is None:
                return
            yield best.start(), best.end()
            position = best.end()
            for k, match in enumerate(found):
                if match is not None and match.start() < position:
                    found[k] = _at_boundary(*live[k], text, position)


def _at_boundary(pattern: re.Pattern[str], bounded: bool, text: str,
                 position: int) -> re.Match[str] | None:
    """The first match of `pattern` from `position` that starts where `\\b` would hold (any
    match if not `bounded`)."""
    while (match := pattern.search(text, position)) is not None:
        if not bounded:
            return match
        start = match.start()
        before = start > 0 and _is_word(text[start - 1])
        if before != (start < len(text) and _is_word(text[start])):
            return match
        position = start + 1
    return None
