"""The classifier's feature caches are bounded by what they hold, not by how many words they hold."""

from __future__ import annotations

import random
import string

from mailbot.triage import features as cf


def test_a_stream_of_unique_long_words_never_grows_the_cache_past_its_budget() -> None:
    hasher = cf.CharNgramHasher()
    rng = random.Random(3)
    largest = 0
    for _ in range(40):
        text = " ".join("".join(rng.choices(string.ascii_letters, k=60)) for _ in range(2000))
        hasher.transform([text])
        largest = max(largest, sum(len(v) for v in cf._CACHES[("char", hasher.n_features, *hasher.ngram_range)]
                                   .values()))
    assert largest <= cf._CACHE_BUDGET["char"] + 2000 * 250, "at most one text's words past the budget"
    assert largest > cf._CACHE_BUDGET["char"] // 2, "the cache was used"
