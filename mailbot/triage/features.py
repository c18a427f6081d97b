"""Text features for the triage classifier: word 1-2 grams and char_wb 2-5 grams, TF-IDF weighted.

Both are hashed rather than vocabulary-based, so loading a model deserialises a few arrays
instead of a dict with hundreds of thousands of n-grams, and predicting needs no Python
vocabulary lookups. The char part reproduces scikit-learn's `char_wb` analyzer (lowercase,
per whitespace-separated word, padded with one space each side) but hashes each distinct
word once and caches the result; word n-grams are cached the same way, because complaint
texts reuse the same words (measured against scikit-learn's HashingVectorizer:
tests/bench/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.feature_selection import VarianceThreshold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils import murmurhash3_32

from .lexicon import LEXICONS
from .prefilter import GatedPattern, Words

WORD_TOKEN = r"(?u)\b\w[\w']*\b"
_TOKEN = re.compile(WORD_TOKEN)


class _Hasher(TransformerMixin, BaseEstimator):
    """Stateless: n-grams are hashed into `n_features` columns, so `fit` learns nothing."""

    n_features: int

    def fit(self, texts: Iterable[str], y: Any = None) -> "_Hasher":
        return self


class CharNgramHasher(_Hasher):
    """scikit-learn's char_wb n-grams, hashed.

    A text's char_wb n-grams are the sum of its words' n-grams, so the texts are first
    counted as words (a small matrix) and multiplied by a words-by-columns matrix built from
    a per-word cache: the per-n-gram work happens in compiled sparse code, not in Python.
    """

    def __init__(self, n_features: int = 2 ** 18, ngram_range: tuple[int, int] = (2, 5)) -> None:
        self.n_features = n_features
        self.ngram_range = ngram_range

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        """Character n-gram counts per text, hashed the way scikit-learn's char_wb would, each
        word hashed once."""
        low, high = self.ngram_range
        key = ("char", self.n_features, low, high)
        cache = _cache(key)
        word_ids: dict[str, int] = {}
        tokens: list[int] = []
        indptr = [0]
        for text in texts:
            for word in text.lower().split():
                index = word_ids.get(word)
                if index is None:
                    index = word_ids[word] = len(word_ids)
                tokens.append(index)
            indptr.append(len(tokens))
        columns: list[int] = []
        word_indptr = [0]
        for word in word_ids:  # insertion order is id order
            hashed = cache.get(word)
            if hashed is None:
                hashed = cache[word] = tuple(
                    _hash(g, self.n_features) for g in _padded_ngrams(word, low, high))
                _grew(key, len(hashed))
            columns.extend(hashed)
            word_indptr.append(len(columns))
        words = _csr(tokens, indptr, len(word_ids))
        grams = _csr(columns, word_indptr, self.n_features)
        return (words @ grams).tocsr()


def _csr(columns: list[int], indptr: list[int], width: int) -> sp.csr_matrix:
    return sp.csr_matrix((np.ones(len(columns), dtype=np.float32),
                          np.asarray(columns, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
                         shape=(len(indptr) - 1, width))


class WordNgramHasher(_Hasher):
    """Word unigrams and bigrams (tokens as scikit-learn's WORD_TOKEN finds them), hashed.

    Python only maps tokens to ids; the columns, including each bigram's (derived from its
    two words' hashes rather than from a joined string), are computed with numpy.
    """

    def __init__(self, n_features: int = 2 ** 17) -> None:
        self.n_features = n_features

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        """Word 1- and 2-gram counts per text, hashed, each token hashed once."""
        cache = _cache(("word",))
        ids: dict[str, int] = {}
        tokens: list[int] = []
        indptr = [0]
        for text in texts:
            for token in _TOKEN.findall(text.lower()):
                index = ids.get(token)
                if index is None:
                    index = ids[token] = len(ids)
                tokens.append(index)
            indptr.append(len(tokens))
        raw = np.fromiter((_token_hash(cache, t) for t in ids), dtype=np.uint64, count=len(ids))
        hashes = raw[np.asarray(tokens, dtype=np.int64)]
        bounds = np.asarray(indptr, dtype=np.int64)
        lengths = bounds[1:] - bounds[:-1]
        rows = np.repeat(np.arange(len(lengths)), lengths)
        same_text = rows[:-1] == rows[1:]  # a bigram never spans two texts
        with np.errstate(over="ignore"):  # uint64 wrap-around is part of the hash
            bigrams = hashes[:-1][same_text] * np.uint64(0x9E3779B1) + hashes[1:][same_text]
        n = np.uint64(self.n_features)
        columns = np.concatenate([hashes % n, bigrams % n]).astype(np.int64)
        all_rows = np.concatenate([rows, rows[:-1][same_text]])
        return sp.csr_matrix((np.ones(len(columns), dtype=np.float32), (all_rows, columns)),
                             shape=(len(lengths), self.n_features))


def _token_hash(cache: dict[str, Any], token: str) -> int:
    value = cache.get(token)
    if value is None:
        value = cache[token] = murmurhash3_32(token, positive=True)
        _grew(("word",), 1)
    return value


_CACHES: dict[tuple[Any, ...], dict[str, Any]] = {}
_SIZES: dict[tuple[Any, ...], int] = {}
# What each cache may hold, whatever the words: character n-gram hashes and words, counted by
# what is stored, not by the number of words, because a stream of hostile mail full of long
# random words made a count-bounded cache grow with every message (its memory:
# tests/bench/README.md).
_CACHE_BUDGET = {"char": 1_000_000, "word": 200_000}


def _cache(key: tuple[Any, ...]) -> dict[str, Any]:
    """A plain dict per feature kind rather than lru_cache: cheaper per lookup, and simply emptied
    when it grows too big."""
    cache = _CACHES.setdefault(key, {})
    if _SIZES.get(key, 0) > _CACHE_BUDGET[key[0]]:
        cache.clear()
        _SIZES[key] = 0
    return cache


def _grew(key: tuple[Any, ...], stored: int) -> None:
    _SIZES[key] = _SIZES.get(key, 0) + stored


def _hash(gram: str, n_features: int) -> int:
    return murmurhash3_32(gram, positive=True) % n_features


def _padded_ngrams(word: str, low: int, high: int) -> list[str]:
    padded = f" {word} "
    grams: list[str] = []
    for n in range(low, high + 1):
        if len(padded) < n:
            break
        grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


def char_wb_ngrams(text: str, ngram_range: tuple[int, int] = (2, 5)) -> list[str]:
    """The n-gram strings CharNgramHasher hashes (same as scikit-learn's char_wb); for tests and
    inspection."""
    return [gram for word in text.lower().split() for gram in _padded_ngrams(word, *ngram_range)]


def word_ngrams(text: str) -> list[str]:
    """The word 1-2 grams WordNgramHasher counts (same as scikit-learn's word analyzer)."""
    tokens = _TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


class LexiconCounter(_Hasher):
    """One column per cue-word lexicon (mailbot.triage.lexicon): scale * log(1 + matches).

    Stateless like the hashers; the patterns live in code, so a saved model stores only `scale`.
    """

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        """How often each lexicon's words occur, log-scaled so one word repeated many times does
        not outweigh the rest."""
        rows = [[sum(1 for _ in pattern.finditer(low, words)) for pattern in _LEXICON_PATTERNS]
                for low, words in ((low, Words(low)) for low in (t.lower() for t in texts))]
        counts = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(_LEXICON_PATTERNS))
        return sp.csr_matrix(self.scale * np.log1p(counts))


# Run only where a word a lexicon needs begins (prefilter.py): the same counts, found sooner.
_LEXICON_PATTERNS = [GatedPattern(pattern, at_word_start=False) for pattern in LEXICONS.values()]


def build_features(word_bits: int, char_bits: int, lexicon_scale: float = 0.0) -> FeatureUnion:
    """Word n-grams catch topic words; char n-grams survive typos and inflections ("delayed",
    "delays"); the lexicons carry DOMAIN.md's definitions into wording the corpus never used."""
    word = WordNgramHasher(n_features=2 ** word_bits)
    char = CharNgramHasher(n_features=2 ** char_bits, ngram_range=(2, 5))
    # VarianceThreshold drops the hashed columns no training text touched, so the linear
    # heads train on tens of thousands of columns instead of hundreds of thousands.
    parts: list[tuple[str, Any]] = [
        ("word", Pipeline([("hash", word), ("used", VarianceThreshold(0.0)),
                           ("tfidf", TfidfTransformer(sublinear_tf=True))])),
        ("char", Pipeline([("hash", char), ("used", VarianceThreshold(0.0)),
                           ("tfidf", TfidfTransformer(sublinear_tf=True))])),
    ]
    if lexicon_scale:
        parts.append(("lexicon", LexiconCounter(scale=lexicon_scale)))
    return FeatureUnion(parts)
