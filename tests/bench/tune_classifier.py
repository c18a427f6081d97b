"""Cross-validate the triage classifier's settings on the seed TRAIN split only (never the test split).

Run: .venv/bin/python tests/bench/tune_classifier.py [SEED_DIR]
Prints, per candidate setting, 5-fold out-of-fold figures: category macro-F1 and top-2
accuracy, urgency macro-F1 (model alone) and, for the combined rules + model urgency,
critical recall and precision. The chosen values live in mailbot.classifier.PARAMS.
"""

from __future__ import annotations

import copy
import itertools
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mailbot.classifier import PARAMS, train_model  # noqa: E402
from mailbot.triage import suggest  # noqa: E402
from mailbot.triage_eval import load_rows, message_time  # noqa: E402


def out_of_fold(rows, params):
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    predictions = [None] * len(rows)
    for train_idx, test_idx in folds.split(rows, [r.category for r in rows]):
        model = train_model([rows[i].example() for i in train_idx], params)
        for i, p in zip(test_idx, model.predict([rows[i].text for i in test_idx])):
            predictions[i] = p
    return predictions


def score(rows, predictions):
    gold = [r.category for r in rows]
    cat_f1 = f1_score(gold, [p.category for p in predictions], average="macro")
    top2 = np.mean([r.category in {c for c, _ in p.category_top[:2]} for r, p in zip(rows, predictions)])
    urg_f1 = f1_score([r.urgency for r in rows], [p.urgency for p in predictions], average="macro")
    now = datetime.now(timezone.utc)
    combined = [suggest(r.text, message_time(r.day, now), p).urgency for r, p in zip(rows, predictions)]
    comb_f1 = f1_score([r.urgency for r in rows], combined, average="macro")
    crit = [(r.urgency == "critical", u == "critical") for r, u in zip(rows, combined)]
    recall = sum(g and c for g, c in crit) / max(1, sum(g for g, _ in crit))
    precision = sum(g and c for g, c in crit) / max(1, sum(c for _, c in crit))
    return cat_f1, top2, urg_f1, comb_f1, recall, precision


def main() -> None:
    seed = sys.argv[1] if len(sys.argv) > 1 else "models/seed"
    rows = [r for r in load_rows(seed) if r.split == "train"]
    print(f"{len(rows)} train rows; 5-fold CV")
    grid = {"cat_C": [2.0, 20.0, 100.0], "urg_C": [2.0, 10.0], "weights": ["balanced", None]}
    for cat_c, urg_c, weights in itertools.product(*grid.values()):
        params = copy.deepcopy(PARAMS)
        params["C"].update(category=cat_c, urgency=urg_c)
        params["class_weight"] = dict.fromkeys(params["class_weight"], weights)
        figures = score(rows, out_of_fold(rows, params))
        print(f"cat_C={cat_c:<5} urg_C={urg_c:<5} class_weight={weights}  cat-F1 {figures[0]:.3f}  "
              f"top2 {figures[1]:.3f}  urg-F1 {figures[2]:.3f}  combined-F1 {figures[3]:.3f}  crit-recall {figures[4]:.3f}  "
              f"crit-precision {figures[5]:.3f}", flush=True)


if __name__ == "__main__":
    main()
