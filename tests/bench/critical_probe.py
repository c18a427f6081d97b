"""How many everyday wordings of DOMAIN.md's critical signals does triage rate critical?

A measurement, not a test. `critical_probe.jsonl` holds sentences written on 2026-12-07 from
DOMAIN.md's critical list alone (money at risk now, a date days away, someone's safety, personal
data gone astray), in rounds of about 25: each round was written and measured before any rule
was changed for it, then its misses were fixed (rounds 1-5); round 6 was written after those
fixes and left as it was, so it says what fixing earlier rounds did for wording not seen yet.
Round 0 holds near misses that must stay below critical. They are the team's own sentences, not
real complainants' (no source, no licence), and are used for nothing but this count and the unit
tests that quote them.

`critical_probe_independent.jsonl` holds sentences the rules' author did not write: two
instances of the team's assistant, each given only DOMAIN.md's critical signals in its own
words, told to vary register and wording and not to read the code, wrote them on 2026-12-07
(sets 7 and 8, each sentence with its theme, plus near misses). Set 7 was split in half by
theme: the rules' author read the misses of "7-dev" and wrote general forms for them; "7-held"
and "8" are measured by count only, and must not be read by whoever changes the rules, so
that they keep saying what a change does for wording nobody has tuned to. Not real texts.

    python tests/bench/critical_probe.py [MODEL_DIR]
    python tests/bench/critical_probe.py --teach [WEIGHT]

The first prints, per round, then per independent set and theme, how many the rules alone and
the rules with the model rate critical, with the day taken as Monday 7 December 2026 (dates in
the sentences are read against it). `--teach` measures a recipe that was not shipped: the
shipped recipe plus rounds 1-5, set 7-dev and their near misses as examples for the critical
head alone (WEIGHT, default 1). It trains on the seed and the real texts, prints the sets
again with that model, then the grouped CV's critical texts found and false alarms on the real
texts with the shipped recipe and with the sentences (about 15 minutes).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailbot.triage.classifier import (CRITICAL_HEAD, Example, TriageModel, load,  # noqa: E402
                                       train_model)
from mailbot.triage.evaluation import (grouped_cross_validation, load_rows,  # noqa: E402
                                       message_time, training_examples)
from mailbot.triage.suggestion import suggest  # noqa: E402

MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
SHORT = 400  # characters: about the length of the probe's sentences, for --teach


def _rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (Path(__file__).parent / name)
            .read_text(encoding="utf-8").splitlines() if line.strip()]


def _count(model: TriageModel, rows: list[dict[str, Any]],
           key: Callable[[dict[str, Any]], Any]) -> dict[Any, list[int]]:
    """Per key: sentences, critical by the rules alone, critical by the rules and the model."""
    predictions = model.predict([r["text"] for r in rows])
    counts: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row, prediction in zip(rows, predictions):
        c = counts[key(row)]
        c[0] += 1
        c[1] += suggest(row["text"], MONDAY, None).urgency == "critical"
        c[2] += suggest(row["text"], MONDAY, prediction).urgency == "critical"
    return counts


def taught(weight: float) -> list[Example]:
    """The probe's fixed rounds and set 7-dev, with their near misses, for the critical head."""
    rows = [r for r in _rows("critical_probe.jsonl") if r["round"] <= 5] + [
        r for r in _rows("critical_probe_independent.jsonl") if r["set"] == "7-dev"]
    return [Example(r["text"], "other", "critical" if r["critical"] else "normal", True,
                    f"probe-{i}", weight, None, frozenset({CRITICAL_HEAD}))
            for i, r in enumerate(rows)]


def teach(weight: float) -> None:
    seed = load_rows(ROOT / "models" / "seed")
    real = load_rows(ROOT / "models" / "real" / "corpus.jsonl")
    extra = taught(weight)
    print(f"training with {len(extra)} sentences for the critical head (weight {weight})")
    report(train_model(training_examples(seed, real) + extra))
    raised: dict[str, list[bool]] = {}
    for name, sentences in (("shipped recipe", []), ("with the sentences", extra)):
        predictions = grouped_cross_validation(seed, real, extra=sentences)
        raised[name] = [suggest(r.text, message_time(r.day, MONDAY), p).urgency == "critical"
                        for r, p in zip(real, predictions)]
    short = [len(r.text) < SHORT for r in real]
    raised[f"the sentences' recipe for texts under {SHORT} characters only"] = [
        taught_one if is_short else shipped for taught_one, shipped, is_short
        in zip(raised["with the sentences"], raised["shipped recipe"], short)]
    for name, flags in raised.items():
        found = sum(c for r, c in zip(real, flags) if r.urgency == "critical")
        false = sum(c for r, c in zip(real, flags) if r.urgency != "critical")
        print(f"grouped CV, {len(real)} real texts ({sum(short)} under {SHORT} characters), "
              f"{name}: critical found {found} of "
              f"{sum(r.urgency == 'critical' for r in real)}, false alarms {false}")


def main() -> None:
    if sys.argv[1:2] == ["--teach"]:
        teach(float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
        return
    report(load(sys.argv[1] if len(sys.argv) > 1 else ROOT / "models"))


def report(model: TriageModel) -> None:
    counts = _count(model, _rows("critical_probe.jsonl"), lambda r: r["round"])
    print("| round | sentences | critical by the rules alone | critical, rules + model |")
    print("|---|---|---|---|")
    for number in sorted(counts):
        n, rules, both = counts[number]
        name = "0 (near misses: fewer is better)" if number == 0 else str(number)
        print(f"| {name} | {n} | {rules} | {both} |")
    independent = _rows("critical_probe_independent.jsonl")
    by_theme = _count(model, independent, lambda r: (r["set"], r["theme"]))
    print()
    print("| independent set | theme | sentences | critical by the rules alone "
          "| critical, rules + model |")
    print("|---|---|---|---|---|")
    for (name, theme), (n, rules, both) in sorted(by_theme.items()):
        label = "near misses (fewer is better)" if theme == "near_miss" else theme
        print(f"| {name} | {label} | {n} | {rules} | {both} |")
    for name, (n, rules, both) in sorted(_count(
            model, [r for r in independent if r["critical"]], lambda r: r["set"]).items()):
        print(f"| {name} | every critical theme | {n} | {rules} | {both} |")


if __name__ == "__main__":
    main()
