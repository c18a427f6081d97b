"""What teaching the category head itself each real complaint's second acceptable category would
do (not collected by pytest; tried on 2026-12-07 and not kept: README "Triage"). The shipped recipe
teaches them to a second category head instead, which only names the runner-up
(classifier.SECOND_HEAD); this probe adds copies for the first head on top of it.

Run: .venv/bin/python tests/bench/second_category_probe.py [WEIGHT ...]   (default: 0 0.5)

402 of the 661 real complaints carry a second acceptable category (`alt_category`: a bill nobody
explained is costs information and communication at once). Training teaches only the first, so
the head learns that the second is wrong for those words. For each WEIGHT (a share of a real
text's weight; 0 is the shipped recipe) this adds a copy of each such complaint that teaches the
category head alone its second category, then prints:

- the grouped 5-fold CV over the real texts (same folds as `mailbot evaluate`), each fold
  trained as `mailbot train` trains with the copies made from that fold's texts only: category
  macro-F1, top-2, accuracy, integrity_misconduct recall;
- the synthetic held-out split, the model trained on the seed training split and every real
  text: the same four figures.

Other heads are untouched by construction (the copies teach the category head only, and the
shared features are fitted without them). Takes about 4 minutes a weight.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailbot.triage import evaluation  # noqa: E402
from mailbot.triage.classifier import PARAMS, Example, train_model  # noqa: E402
from mailbot.triage.evaluation import (LabelledRow, load_rows, measure,  # noqa: E402
                                       measure_predictions)

NOW = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
SHIPPED = evaluation.training_examples


def second_category_copies(rows: Sequence[LabelledRow], weight: float) -> list[Example]:
    """A copy of each complaint with a second acceptable category, for the category head."""
    return [Example(r.text, r.alt_category, r.urgency, r.is_complaint, r.id + "-as-category",
                    weight, None, frozenset({"category"}))
            for r in rows if r.is_complaint and r.alt_category and r.alt_category != r.category]


def recipe(share: float) -> Any:
    def training_examples(seed_rows: Sequence[LabelledRow], real_rows: Sequence[LabelledRow] = (),
                          params: dict[str, Any] = PARAMS) -> list[Example]:
        weight = share * float(params["real_weight"])
        return (SHIPPED(seed_rows, real_rows, params)
                + (second_category_copies(real_rows, weight) if share else []))
    return training_examples


def figures(category: dict[str, Any]) -> str:
    integrity = category["report"].get("integrity_misconduct", {}).get("recall", 0.0)
    return (f"macro-F1 {category['macro_f1']:.3f}  top-2 {category['top2_accuracy']:.3f}  "
            f"accuracy {category['accuracy']:.3f}  integrity recall {integrity:.2f}")


def main() -> None:
    shares = [float(a) for a in sys.argv[1:]] or [0.0, 0.5]
    seed = load_rows(ROOT / "models" / "seed")
    real = load_rows(ROOT / "models" / "real" / "corpus.jsonl")
    held_out = [r for r in seed if r.split == "test"]
    for share in shares:
        # grouped_cross_validation looks the recipe up in its module at call time
        evaluation.training_examples = recipe(share)
        oof = evaluation.grouped_cross_validation(seed, real)
        real_figures = measure_predictions(real, oof, now=NOW)["category"]
        model = train_model(evaluation.training_examples(seed, real))
        synthetic = measure(model, held_out, now=NOW)["category"]
        print(f"weight {share:g}: real (grouped CV, {len(real)}) {figures(real_figures)}")
        print(f"{'':11}synthetic held-out ({len(held_out)}) {figures(synthetic)}", flush=True)
    evaluation.training_examples = SHIPPED


if __name__ == "__main__":
    main()
