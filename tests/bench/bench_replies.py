"""Reply trimming on the public corpus of real replies, and its time on hostile input.

    python -m tests.bench.bench_replies            # the figure, by source and language
    python -m tests.bench.bench_replies --wrong    # also each item it gets wrong
    python -m tests.bench.bench_replies --hostile  # also seconds for 10 MB / 100k-line bodies
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from mailbot.trimming import reply_from_html, trim_reply
from tests.bench.replies_corpus import CORPUS, is_right, load, normalise, reply_of


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wrong", action="store_true")
    parser.add_argument("--hostile", action="store_true")
    args = parser.parse_args()
    items = load()
    right, total = Counter(), Counter()
    wrong = []
    for item in items:
        for key in ("all", f"source {item.source['repository']}", f"language {item.language}"):
            total[key] += 1
            right[key] += is_right(item)
        if not is_right(item):
            wrong.append(item)
    for key in sorted(total, key=lambda k: (k != "all", k)):
        print(f"{key:<40} {right[key]:>4}/{total[key]:<4} {100 * right[key] / total[key]:5.1f}%")
    if args.wrong:
        for item in wrong:
            print(f"\n--- {item.file}\n  got:      {normalise(reply_of(CORPUS / item.file, item.format))[:300]}"
                  f"\n  expected: {normalise(item.expected)[:300]}")
    if args.hostile:
        hostile()


def hostile() -> None:
    """Seconds for inputs built to make line-based regexes slow; a bench, never an assertion."""
    cases = {
        "10 MB single line (attribution-like)": "On " + "1, <a@b> " * 1_000_000 + " wrote:",
        "100k lines of marker-like text": "\n".join(["From: x@y.z", "On 1 Jan 2026, a <a@b> wrote", "> q"] * 33_334),
        "10 MB of '<' (HTML)": "<" * 10_000_000,
    }
    for name, text in cases.items():
        start = time.perf_counter()
        trim_reply(text)
        plain = time.perf_counter() - start
        start = time.perf_counter()
        reply_from_html(text if "HTML" in name else f"<div>{text}</div>")
        html = time.perf_counter() - start
        print(f"{name:<40} trim_reply {plain:6.2f} s   reply_from_html {html:6.2f} s")


if __name__ == "__main__":
    main()
