"""How many everyday wordings of DOMAIN.md's critical signals does triage rate critical?

A measurement, not a test. `critical_probe.jsonl` holds sentences written on 2026-12-07 from
DOMAIN.md's critical list alone (money at risk now, a date days away, someone's safety, personal
data gone astray), in rounds of about 25: each round was written and measured before any rule
was changed for it, then its misses were fixed (rounds 1-5); round 6 was written after those
fixes and left as it was, so it says what fixing earlier rounds did for wording not seen yet.
Round 0 holds near misses that must stay below critical. They are the team's own sentences, not
real complainants' (no source, no licence), and are used for nothing but this count and the unit
tests that quote them.

    python tests/bench/critical_probe.py [MODEL_DIR]

prints, per round, how many the rules alone and the rules with the model rate critical, with the
day taken as Monday 7 December 2026 (dates in the sentences are read against it).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailbot.triage.classifier import load  # noqa: E402
from mailbot.triage.suggestion import suggest  # noqa: E402

MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)


def main() -> None:
    model = load(sys.argv[1] if len(sys.argv) > 1 else ROOT / "models")
    rows = [json.loads(line) for line in (Path(__file__).parent / "critical_probe.jsonl")
            .read_text(encoding="utf-8").splitlines() if line.strip()]
    predictions = model.predict([r["text"] for r in rows])
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row, prediction in zip(rows, predictions):
        c = counts[row["round"]]
        c[0] += 1
        c[1] += suggest(row["text"], MONDAY, None).urgency == "critical"
        c[2] += suggest(row["text"], MONDAY, prediction).urgency == "critical"
    print("| round | sentences | critical by the rules alone | critical, rules + model |")
    print("|---|---|---|---|")
    for number in sorted(counts):
        n, rules, both = counts[number]
        name = "0 (near misses: fewer is better)" if number == 0 else str(number)
        print(f"| {name} | {n} | {rules} | {both} |")


if __name__ == "__main__":
    main()
