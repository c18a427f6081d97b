"""Would more real texts of the kind collected so far lift triage on real words?

A measurement, not part of mailbot. The folds of `mailbot evaluate`'s grouped CV are fixed; each
fold's model learns from the seed's training split and a share of the other folds' sources (whole
sources, drawn at random with a fixed seed), and is scored on its own fold as `mailbot evaluate`
scores it (rules included). Shares 0 (the seed alone), 0.25, 0.5 and 1 (the shipped recipe) show
how the figures grow with the real texts the model learns from.

    python tests/bench/learning_curve.py [SHARE ...]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailbot.cli.triage_tools import EVALUATION_TIME, real_rows  # noqa: E402
from mailbot.triage.classifier import PARAMS, train_model  # noqa: E402
from mailbot.triage.evaluation import (group_folds, load_rows, measure_predictions,  # noqa: E402
                                       training_examples)


def main(argv: list[str]) -> int:
    shares = [float(a) for a in argv] or [0.0, 0.25, 0.5, 1.0]
    seed = load_rows(ROOT / "models" / "seed")
    real = real_rows(ROOT / "models" / "real")
    folds = group_folds(real, 5)
    print("| share of the other folds' sources | real texts learnt from (mean) | category macro-F1 "
          "| top-2 | urgency macro-F1 | critical recall | complaints kept "
          "| non-complaints recognised | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for share in shares:
        predictions: list = [None] * len(real)
        learnt = 0
        started = time.perf_counter()
        for train_idx, test_idx in folds:
            sources = sorted({real[i].group or real[i].id for i in train_idx})
            random.Random(7).shuffle(sources)
            kept = set(sources[:round(len(sources) * share)])
            fold_real = [real[i] for i in train_idx if (real[i].group or real[i].id) in kept]
            learnt += len(fold_real)
            model = train_model(training_examples(seed, fold_real, PARAMS), PARAMS)
            for i, p in zip(test_idx, model.predict([real[i].text for i in test_idx])):
                predictions[i] = p
        m = measure_predictions(real, predictions, now=EVALUATION_TIME)
        print(f"| {share:g} | {learnt / len(folds):.0f} | {m['category']['macro_f1']:.3f} "
              f"| {m['category']['top2_accuracy']:.3f} | {m['urgency']['combined_macro_f1']:.3f} "
              f"| {m['urgency']['critical_recall']:.3f} "
              f"| {m['is_complaint']['complaints_kept']:.3f} "
              f"| {m['is_complaint']['non_complaints_recognised']:.3f} "
              f"| {time.perf_counter() - started:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
