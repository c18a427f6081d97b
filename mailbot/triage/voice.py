"""Retold copies of real training texts: the same complaint in the third person.

Clients write "you lost my deeds"; a relative, an adviser, or an ombudsman's or regulator's case
narrative writes "the firm lost her deeds". The real corpus is almost all first person, so the
category and urgency heads learnt "my" and "you" as part of what a complaint about costs or
delay looks like. Measured with `tests/bench/voice_probe.py` (grouped 5-fold CV over the 978 real
texts; README "Triage"): told in the third person, category macro-F1 fell from 0.347 to 0.331
and critical recall from 0.833 to 0.804. With one retold copy of each real text teaching the
category and urgency heads, the third-person figures were 0.352 and 0.819, and the texts as
written scored 0.354 and 0.833, with complaints kept and non-complaints recognised unchanged. On
the 1,024 texts of the next round: retold 0.311 -> 0.331 and 0.778 -> 0.785, as written 0.349 ->
0.338 and 0.840 both: as written the two rounds differ in sign, within a fold's noise.

The retelling is mechanical: pronouns swapped, "you"/"your" (the firm addressed) made "the
firm"/"the firm's"; verb agreement is not fixed, which word and character n-grams barely
notice. The copies do not teach the complaint head: whether a text is a complaint is learnt from
the words as people wrote them (copies that taught it cost 0.03 of non-complaints recognised).
Pure.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the classifier brings scikit-learn; this module needs only the type
    from .classifier import Example

# first- and second-person words, and what a narrative says instead
SWAPS = {
    "i'm": "she's", "i've": "she has", "i'd": "she'd", "i'll": "she'll", "i": "she",
    "me": "her", "my": "her", "mine": "hers", "myself": "herself",
    "we're": "they're", "we've": "they have", "we'd": "they'd", "we'll": "they'll",
    "we": "they", "us": "them", "our": "their", "ours": "theirs", "ourselves": "themselves",
    "you": "the firm", "your": "the firm's", "you're": "the firm is", "you've": "the firm has",
    "yours": "the firm's",
}
_WORD = re.compile(r"\b(" + "|".join(sorted(map(re.escape, SWAPS), key=len, reverse=True))
                   + r")\b", re.IGNORECASE)
_I = re.compile(r"i\b", re.IGNORECASE)
SUFFIX = "-retold"
HEADS = frozenset({"category", "urgency"})  # what a retold copy teaches


def retold(text: str) -> str:
    """`text` with its first and second persons swapped for a narrative's third."""
    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        new = SWAPS[word.lower()]
        # "I" is written in capitals anywhere; the others only where a sentence starts
        capital = word[0].isupper() and (not _I.match(word)
                                         or _starts_sentence(match.string, match.start()))
        return new[0].upper() + new[1:] if capital else new
    return _WORD.sub(swap, text.replace("\u2019", "'"))


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 8):start].rstrip(" \t\"'(")
    return not before or before[-1] in ".!?\n"


def retold_copies(examples: Iterable[Example]) -> list[Example]:
    """One retold copy of each example, for the category and urgency heads only."""
    return [dataclasses.replace(e, text=retold(e.text), id=e.id + SUFFIX, flags=None, heads=HEADS)
            for e in examples]
