"""The word gate in front of the phrase rules (mailbot/triage/prefilter.py) changes no result.

The gate skips an alternative of a rule when no word of the text begins with any of the words
the alternative needs. These tests hold it to the whole pattern run the plain way: same spans,
same hits, on every text of the shipped corpora in several shapes, and on hand-made cases where
a needed word sits inside another word or behind punctuation.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from mailbot.triage import dates, features, rules
from mailbot.triage.lexicon import LEXICONS
from mailbot.triage.evaluation import load_rows
from mailbot.triage.prefilter import DIGIT, GatedPattern, Words, alternatives, anchors
from mailbot.triage.rules import RULES, Hit, rule_hits
from mailbot.triage.voice import retold

ROOT = Path(__file__).resolve().parents[2]


def _corpus_texts() -> list[str]:
    texts = [r.text for r in load_rows(ROOT / "models" / "seed")]
    texts += [r.text for r in load_rows(ROOT / "models" / "real")]
    shapes = [retold, lambda t: t.replace(" ", "\n"), lambda t: t.replace(" ", "’"),
              lambda t: t.replace(" ", ""), lambda t: "x" + t.replace(" ", " x")]
    return texts + [shape(t) for t in texts for shape in shapes]


TEXTS = _corpus_texts()
GATED = ([(rule.name, rule.gated) for rule in RULES]
         + [(area, pattern) for area, pattern in rules._AREA_WORDS]
         + [("third party", rules._THIRD_PARTY)]
         + [(f"lexicon {name}", pattern)
            for name, pattern in zip(LEXICONS, features._LEXICON_PATTERNS)])


def _plain_rule_hits(text: str) -> list[Hit]:
    """rule_hits as it was before the gate: each rule's whole pattern, run on every text."""
    lowered = "".join(c if len(low := c.lower()) != 1 else low for c in text) \
        if len(text.lower()) != len(text) else text.lower()
    hits = []
    for rule in RULES:
        found = next((m for m in rule.pattern.finditer(lowered)
                      if not (rule.negatable and rules._negated(lowered, m.start()))), None)
        if found is None and rule.acronyms is not None:
            found = rule.acronyms.search(text)
        if found is not None:
            hits.append(Hit(rule, found.start(), found.end()))
    return hits


@pytest.mark.parametrize("name,gated", GATED, ids=[name for name, _ in GATED])
def test_the_gate_finds_every_span_the_whole_pattern_finds(name: str, gated: GatedPattern) -> None:
    differ = []
    for text in TEXTS:
        lowered = text.lower()
        plain = [m.span() for m in gated.pattern.finditer(lowered)]
        if list(gated.finditer(lowered, Words(lowered))) != plain:
            differ.append(text[:80])
    assert not differ, f"{name}: {len(differ)} texts differ, e.g. {differ[:3]}"


def test_the_lexicon_columns_are_what_plain_findall_counts() -> None:
    """The classifier's lexicon features are unchanged, so the shipped model reads as before."""
    plain = [re.compile(pattern) for pattern in LEXICONS.values()]
    texts = TEXTS[::3]
    expected = np.log1p(np.asarray([[len(p.findall(t.lower())) for p in plain] for t in texts],
                                   dtype=np.float64))
    got = features.LexiconCounter(scale=1.0).transform(texts).toarray()
    assert np.array_equal(got, expected)
    assert expected.sum() > 1000


def test_rule_hits_are_what_the_rules_found_before_the_gate() -> None:
    """Same rules, same spans, negations and acronyms included, on every corpus text."""
    fired = 0
    for text in TEXTS:
        gated, plain = rule_hits(text), _plain_rule_hits(text)
        assert [(h.rule.name, h.start, h.end) for h in gated] == \
            [(h.rule.name, h.start, h.end) for h in plain], text[:120]
        fired += len(plain)
    assert fired > 1000  # the corpora exercise the rules, not only their absence


def test_the_gate_lets_most_alternatives_sit_out_an_ordinary_message() -> None:
    """The point of it: on a plain complaint only a few alternatives of the 21 rules run."""
    text = "i have been waiting three months for my solicitor to reply about the lease."
    words = Words(text)
    allowed = sum(words.may_match(needed) for rule in RULES for _, needed in rule.gated.parts)
    total = sum(len(rule.gated.parts) for rule in RULES)
    assert total > 300 and allowed < total / 5


@pytest.mark.parametrize("kind", [kind for kind, _ in dates._PATTERNS])
def test_a_date_pattern_is_skipped_only_where_it_finds_nothing(kind: str) -> None:
    pattern = dict(dates._PATTERNS)[kind]
    texts = TEXTS + DATE_TEXTS
    skipped = [t for t in texts if not Words(t.lower()).may_match(dates._NEEDED[kind])]
    assert all(next(pattern.finditer(t.lower()), None) is None for t in skipped)
    assert skipped  # the gate does skip it somewhere


# dates as people write them, in other scripts' digits too (\d takes them all)
DATE_TEXTS = ["completion on ٣/٤ at the latest", "hearing ٢٠٢٦-٠٣-١٢", "on the ३rd",
              "due 12/3/26", "the 4th", "on Weds", "in a fortnight", "tmrw", "2moro",
              "Monday 12 December", "12th of Dec 2026", "by 2026-03-12", "on the 31st."]


def test_find_dates_is_unchanged_by_the_gate() -> None:
    reference = date(2026, 3, 2)
    for text in TEXTS[:4000] + DATE_TEXTS:
        lowered = text.lower()
        plain = [m for kind, pattern in dates._PATTERNS for m in pattern.finditer(lowered)]
        gated = [m for kind, pattern in dates._PATTERNS
                 if Words(lowered).may_match(dates._NEEDED[kind])
                 for m in pattern.finditer(lowered)]
        assert [m.span() for m in gated] == [m.span() for m in plain], text[:80]
    assert dates.find_dates("completion on ٣/٤", reference)  # read, not skipped


@pytest.mark.parametrize("body,expected", [
    (r"bank\s+details", {"detail"}),  # either word is exact; the rarer (longer) is chosen
    (r"(?:money|funds)\s+(?:vanished|gone)", {"money", "funds"}),
    (r"(?:the\s+)?stolen", {"stolen"}),  # an optional part is never needed
    (r"my\s+(?:solicitor|lawyer)", {"solici", "lawyer"}),  # "my" is too common to choose
    (r"[\w'-]+\s+embezzl\w*", {"embezz"}),  # after a space: the start of a word
    (r"£\d+\s+(?:missing|vanished)", {"missin", "vanish"}),
    (r"friday\s+fraud|payment\s+diversion", {"friday", "paymen"}),  # one per alternative
    # `re` parses "lie|lying" as "l" then "ie|ying"; the anchors are still the whole words
    (r"(?:lie|lying)\s+to", {"lie", "lying"}),
    (r"(?:torment|terrori[sz])(?:ing|ed)\s+me", {"tormen", "terror"}),
    (r"dishonest|crook", {"dishon", "crook"}),
])
def test_anchors_are_word_beginnings_every_match_needs(body: str, expected: set[str]) -> None:
    assert anchors(re.compile(r"\b(?:" + body + r")")) == expected


@pytest.mark.parametrize("body", [
    r"\w*ment",  # "ment" may sit inside a word ("payment"), so no word need begin with it
    r"(?:stolen)?",  # optional
    r"x?\s*(?:a|b)?",
    r"(?i:stolen)",  # case folded
    r"[a-z]+\s+\w+",
    r"(?:stolen|\w+ly)",  # one alternative needs no particular word
])
def test_no_anchors_where_none_can_be_proved(body: str) -> None:
    assert anchors(re.compile(r"\b(?:" + body + r")")) is None


def test_a_needed_word_inside_another_word_does_not_count() -> None:
    """'riverbank' does not begin with 'bank': the rule is not run, and could not have matched."""
    gated = GatedPattern(r"bank(?:\s+details)?")
    for text in ("the riverbank details changed", "bank details changed",
                 "my-bank details changed", "x bank details changed", "banking"):
        assert list(gated.finditer(text, Words(text))) == \
            [m.span() for m in gated.pattern.finditer(text)]
    assert anchors(gated.pattern) == {"bank"}
    assert not Words("the riverbank details changed").may_match(anchors(gated.pattern))
    assert Words("my-bank details changed").may_match(anchors(gated.pattern))


def test_the_first_alternative_that_matches_at_a_position_wins_as_in_re() -> None:
    gated = GatedPattern(r"bank|bank\s+details|details\s+changed")
    text = "bank details changed, bank details changed"
    assert list(gated.finditer(text, Words(text))) == \
        [m.span() for m in gated.pattern.finditer(text)]


@pytest.mark.parametrize("body,parts", [
    (r"a|b", ["a", "b"]),
    (r"(?:a|b)|c", ["(?:a|b)", "c"]),
    (r"[|]|\||x", ["[|]", r"\|", "x"]),
    (r"[]|]|y", ["[]|]", "y"]),
    (r"[^]|]|y", ["[^]|]", "y"]),
    (r"(?<!\bi\s)sent|(?:[(|)])", [r"(?<!\bi\s)sent", "(?:[(|)])"]),
])
def test_alternatives_split_only_at_the_top_level(body: str, parts: list[str]) -> None:
    assert alternatives(body) == parts
    assert re.compile("|".join(parts)).pattern == body


def test_a_pattern_that_could_match_nothing_is_refused() -> None:
    with pytest.raises(ValueError):
        GatedPattern(r"stolen|(?:x)?").parts  # read on first use


def test_where_a_word_begins_is_proved_not_assumed() -> None:
    assert anchors(re.compile("ment")) is None  # may sit inside "payment"
    assert anchors(re.compile(r"(?i)\bstolen")) is None  # case folded throughout
    assert anchors(re.compile(r"\bment")) == {"ment"}
    # a lookbehind that refuses word characters starts a word, as the date patterns do
    assert anchors(re.compile(r"(?<![\w/])(?:19|20)\d\d")) == {"19", "20"}
    assert anchors(re.compile(r"(?<![/])(?:19|20)\d\d")) is None
    # an optional first character: the word begins with it or with what follows it
    assert anchors(re.compile(r"\b[0-3]?\d(?:st|th)")) == {"0", "1", "2", "3", DIGIT}
    assert Words("the ٣rd").may_match(frozenset({DIGIT}))  # any script's digits, as \d
    assert anchors(re.compile(r"\b[0-3]th")) == {"0", "1", "2", "3"}
    assert anchors(re.compile(r"\b[Z-a]x")) is None  # "[", "^", "`" are in that range


@pytest.mark.parametrize("text", ["icon man, then a con man", "_con man con man",
                                  "écon man con man", "con man", "x’con man", "2con man con man"])
def test_a_match_inside_a_word_is_passed_over_as_the_leading_boundary_would(text: str) -> None:
    gated = GatedPattern(r"con\s+man|man")
    assert list(gated.finditer(text, Words(text))) == \
        [m.span() for m in gated.pattern.finditer(text)]


@pytest.mark.parametrize("text", ["icon man? a con man", "con man", "_con man?", "é\\bcon man"])
def test_alternatives_that_carry_their_own_boundary_keep_it(text: str) -> None:
    """As in the lexicons: the pattern is the body itself, and only some alternatives say \\b."""
    gated = GatedPattern(r"\bcon\s+man|\?|an\b", at_word_start=False)
    assert gated.pattern.pattern == r"(?:\bcon\s+man|\?|an\b)"
    assert list(gated.finditer(text, Words(text))) == \
        [m.span() for m in re.finditer(r"\bcon\s+man|\?|an\b", text)]


def test_a_parse_tree_it_cannot_read_leaves_the_pattern_always_running(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`re`'s parse tree is private: if a Python release changes it, triage must still start."""
    from mailbot.triage import prefilter

    def changed(*_: object) -> None:
        raise TypeError("a parse tree of another shape")
    monkeypatch.setattr(prefilter, "_sequence", changed)
    assert anchors(re.compile(r"\bstolen")) is None
    gated = GatedPattern(r"stolen|embezzled")
    assert list(gated.finditer("it was stolen", Words("it was stolen"))) == [(7, 13)]
