"""How many emails about a badly handled earlier complaint does triage call `complaint_handling`?

A measurement, not a test. The grouped CV has 6 real `complaint_handling` texts, and the model
has never put one there (category F1 0.00), yet it is the category a complaints procedure exists
to get right: the ombudsman asks first how the firm handled the complaint. `handling_probe.jsonl`
holds emails written on 2026-12-08 by an instance of the team's assistant given only DOMAIN.md's
definition of the category and its labelling guideline, told to vary register and wording and
not to read the code: 80 about an earlier complaint ignored, answered late, answered by the
person complained about, incompletely or without the ombudsman's details, and 80 near misses (a
first complaint framed formally, an unanswered matter, a complaint about someone else, a threat
to go to the ombudsman). Each has a theme, and the themes are split into set "X", whose misses
the rules' author read, and set "Y", measured by count only (do not read it before changing the
rules). Not real texts: no source, no licence; used for nothing but this count.

    python tests/bench/handling_probe.py [MODEL_DIR]

Prints, per set and label: how many the model puts first in `complaint_handling`, how many it
ranks in its top three, and how many triage (rules and model) shows as `complaint_handling`.

Measured on 2026-12-08 and not shipped: an emergency-rule-style form for "an earlier complaint
ignored, answered late, by the person complained about, or without the ombudsman's details",
written from DOMAIN.md before set X was read, with `complaint_handling` added to the precedence
order (shown when the model ranks it in its top three). It matched 1 of set X's 40 handling
emails: they say it as "Nothing back. Not a single word", "Since then, silence", "That date has
come and gone", "the reply came back signed by... Mr Hargreaves". The model alone puts 21 of
them first.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailbot.triage.classifier import load  # noqa: E402
from mailbot.triage.suggestion import suggest  # noqa: E402

MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
HANDLING = "complaint_handling"


def main(argv: list[str]) -> int:
    model = load(Path(argv[0]) if argv else ROOT / "models")
    rows = [json.loads(line) for line in (Path(__file__).with_name("handling_probe.jsonl"))
            .read_text(encoding="utf-8").splitlines() if line.strip()]
    predictions = model.predict([r["text"] for r in rows])
    counts: Counter[tuple[str, bool, str]] = Counter()
    for row, prediction in zip(rows, predictions):
        key = (row["set"], row["complaint_handling"])
        shown = suggest(row["text"], MONDAY, prediction).category
        counts[(*key, "n")] += 1
        counts[(*key, "model first")] += prediction.category == HANDLING
        counts[(*key, "model top 3")] += HANDLING in dict(prediction.category_top[:3])
        counts[(*key, "shown")] += shown == HANDLING
    print("| set | emails | model puts it first | in the model's top 3 | triage shows it |")
    print("|---|---|---|---|---|")
    for part in ("X", "Y"):
        for label in (True, False):
            n = counts[(part, label, "n")]
            name = f"{part}, {'handling' if label else 'near misses'}"
            print(f"| {name} | {n} | {counts[(part, label, 'model first')]} "
                  f"| {counts[(part, label, 'model top 3')]} | {counts[(part, label, 'shown')]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
