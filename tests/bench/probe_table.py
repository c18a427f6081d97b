"""Shared by the wrapper probes (salutation_probe.py, forward_probe.py): grouped 5-fold
cross-validation over the real texts, each fold trained as `mailbot train` trains, every held-out
text predicted in each wrapping, and one table row per wrapping."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from mailbot.triage.classifier import train_model
from mailbot.triage.evaluation import (LabelledRow, group_folds, load_rows, measure_predictions,
                                       training_examples)

NOW = datetime(2026, 12, 6, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[2]


def run_probe(title: str, first_column: str, wrappings: Mapping[str, Callable[[str], str]]) -> None:
    """Print `title` and the table for the shipped seed and real texts, each wrapping a function
    from a real text to what triage reads of it so wrapped."""
    seed = load_rows(ROOT / "models" / "seed")
    real = load_rows(ROOT / "models" / "real" / "corpus.jsonl")
    wrapped = {name: [dataclasses.replace(r, text=wrap(r.text)) for r in real]
               for name, wrap in wrappings.items()}
    print(f"{title}; {len(real)} real texts, grouped 5-fold CV")
    print_probe(first_column, seed, real, wrapped)


def print_probe(first_column: str, seed: Sequence[LabelledRow], real: Sequence[LabelledRow],
                wrapped: Mapping[str, Sequence[LabelledRow]]) -> None:
    """`wrapped` maps a wrapping's name to the real rows as that wrapping reads them (same order
    and labels as `real`)."""
    predictions: dict[str, list[Any]] = {name: [None] * len(real) for name in wrapped}
    for train_idx, test_idx in group_folds(real, 5):
        model = train_model(training_examples(seed, [real[i] for i in train_idx]))
        for name, rows in wrapped.items():
            for i, p in zip(test_idx, model.predict([rows[i].text for i in test_idx])):
                predictions[name][i] = p
    print(f"| {first_column} | category macro-F1 | top-2 | urgency macro-F1 | critical recall "
          "| complaints kept | non-complaints recognised |")
    print("|---|---|---|---|---|---|---|")
    for name, rows in wrapped.items():
        m = measure_predictions(rows, predictions[name], now=NOW)
        print(f"| {name} | {m['category']['macro_f1']:.3f} | {m['category']['top2_accuracy']:.3f}"
              f" | {m['urgency']['combined_macro_f1']:.3f} | {m['urgency']['critical_recall']:.3f}"
              f" | {m['is_complaint']['complaints_kept']:.3f}"
              f" | {m['is_complaint']['non_complaints_recognised']:.3f} |")
