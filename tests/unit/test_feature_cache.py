"""The classifier's feature caches are bounded by what they hold, not by how many words they hold."""

from __future__ import annotations

import random
import string

from mailbot.triage import features as cf


def test_a_stream_of_unique_long_words_never_grows_the_cache_past_its_budget() -> None:
    hasher = cf.CharNgramHasher()
    rng = random.Random(3)
    sizes = []
    # Each text stores about half the budget, so the cache fills and is emptied every third text:
    # seven texts see it emptied twice (the stream repeats this cycle for as long as it runs).
    for _ in range(7):
        text = " ".join("".join(rng.choices(string.ascii_letters, k=60)) for _ in range(2000))
        hasher.transform([text])
        sizes.append(sum(len(v) for v in cf._CACHES[("char", hasher.n_features, *hasher.ngram_range)]
                         .values()))
    assert max(sizes) <= cf._CACHE_BUDGET["char"] + 2000 * 250, "at most one text's words past the budget"
    assert max(sizes) > cf._CACHE_BUDGET["char"] // 2, "the cache was used"
    emptied = sum(1 for before, after in zip(sizes, sizes[1:]) if after < before)
    assert emptied >= 2, f"the cache was emptied at least twice on its budget: {sizes}"
