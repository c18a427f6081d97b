"""What a greeting and a sign-off do to triage on real texts (not collected by pytest).

Run: .venv/bin/python tests/bench/salutation_probe.py [--off]

Grouped 5-fold cross-validation over models/real, each fold trained as `mailbot train` trains;
every held-out text is predicted as written and inside five wrappers ("Hi," / "Thanks, Jo",
"Dear Sir or Madam," / "Yours faithfully, John Smith", "Many thanks, Sam", "Thanks in advance
for your help.", "Thank you for your time." / "Kind regards, Jo"). `--off` runs the
same recipe with mailbot.triage.salutations switched off (in training and reading), to show what
it buys. Prints category macro-F1, top-2, urgency macro-F1 (rules + model), critical recall,
complaints kept and non-complaints recognised for each. Takes a few minutes.
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import mailbot.triage.suggestion as suggestion  # noqa: E402
from mailbot.triage.classifier import train_model  # noqa: E402
from mailbot.triage.evaluation import (group_folds, load_rows, measure_predictions,  # noqa: E402
                                       training_examples)

WRAPPERS = {
    "as written": ("", ""),
    "Hi, ... Thanks, Jo": ("Hi,\n\n", "\n\nThanks,\nJo"),
    "Dear Sir or Madam, ... Yours faithfully": ("Dear Sir or Madam,\n\n",
                                                "\n\nYours faithfully,\nJohn Smith"),
    "... Many thanks, Sam": ("", "\n\nMany thanks\nSam"),
    "... Thanks in advance for your help.": ("", "\n\nThanks in advance for your help."),
    "... Thank you for your time. / Kind regards, Jo": (
        "", "\n\nThank you for your time.\n\nKind regards,\nJo"),
}
NOW = datetime(2026, 12, 6, tzinfo=timezone.utc)


def main() -> None:
    if "--off" in sys.argv:
        suggestion.without_salutations = lambda text: text  # what triage_reading calls
    seed = load_rows(ROOT / "models" / "seed")
    real = load_rows(ROOT / "models" / "real" / "corpus.jsonl")
    wrapped = {name: [dataclasses.replace(r, text=f"{a}{r.text}{b}") for r in real]
               for name, (a, b) in WRAPPERS.items()}
    predictions: dict[str, list] = {name: [None] * len(real) for name in WRAPPERS}
    for train_idx, test_idx in group_folds(real, 5):
        model = train_model(training_examples(seed, [real[i] for i in train_idx]))
        for name, rows in wrapped.items():
            for i, p in zip(test_idx, model.predict([rows[i].text for i in test_idx])):
                predictions[name][i] = p
    print(f"salutation stripping {'OFF' if '--off' in sys.argv else 'on'}; "
          f"{len(real)} real texts, grouped 5-fold CV")
    print("| wrapper | category macro-F1 | top-2 | urgency macro-F1 | critical recall "
          "| complaints kept | non-complaints recognised |")
    print("|---|---|---|---|---|---|---|")
    for name, rows in wrapped.items():
        m = measure_predictions(rows, predictions[name], now=NOW)
        print(f"| {name} | {m['category']['macro_f1']:.3f} | {m['category']['top2_accuracy']:.3f}"
              f" | {m['urgency']['combined_macro_f1']:.3f} | {m['urgency']['critical_recall']:.3f}"
              f" | {m['is_complaint']['complaints_kept']:.3f}"
              f" | {m['is_complaint']['non_complaints_recognised']:.3f} |")


if __name__ == "__main__":
    main()
