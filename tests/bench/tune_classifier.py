"""Choose the triage classifier's settings by its score on REAL texts it never saw (not collected by pytest).

Run: .venv/bin/python tests/bench/tune_classifier.py [--quick | --thresholds]
(--quick skips the seed-train CV sanity check, which doubles the time; --only=TEXT runs the
candidates whose name contains TEXT.)

For each candidate setting it prints, from cross-validation over models/real grouped by source
(each fold trained like `mailbot train`: seed training split + the other folds' real texts):
category macro-F1, top-2 and lenient accuracy, urgency macro-F1 and critical recall (rules +
model), and the complaint head's separation (share of real non-complaints below the lowest real
complaint's probability). A 5-fold CV on the seed TRAIN split is printed beside it as a sanity
check. The seed test split is never used. The chosen values live in mailbot.triage.classifier.PARAMS;
the thresholds that follow from them (mailbot.triage CATEGORY_SURE etc.) are printed at the end.
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

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailbot.triage.classifier import PARAMS, train_model  # noqa: E402
from mailbot.triage import suggest  # noqa: E402
from mailbot.triage.evaluation import grouped_cross_validation, load_rows, measure_predictions  # noqa: E402

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)


def seed_cv_f1(rows, params) -> float:
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    gold, pred = [], []
    for train_idx, test_idx in folds.split(rows, [r.category for r in rows]):
        model = train_model([rows[i].example() for i in train_idx], params)
        gold += [rows[i].category for i in test_idx]
        pred += [p.category for p in model.predict([rows[i].text for i in test_idx])]
    return f1_score(gold, pred, average="macro")


def separation(real, predictions) -> tuple[float, float]:
    """Share of non-complaints strictly below the lowest complaint probability, and that probability."""
    complaints = [p.complaint_probability for r, p in zip(real, predictions) if r.is_complaint]
    others = [p.complaint_probability for r, p in zip(real, predictions) if not r.is_complaint]
    floor = min(complaints)
    return float(np.mean([p < floor for p in others])), floor


def candidates():
    """The grid searched (the README records what it printed): the weight of the real texts, the
    category head's regularisation, the lexicon scale and a label hierarchy (the category head
    learns from complaints only and is weighed by the complaint head)."""
    base = copy.deepcopy(PARAMS)
    yield "current", base
    grid = [(w, 20.0, 0.6, h) for w in (3.0, 6.0, 10.0) for h in (False, True)]
    grid += [(6.0, 5.0, 0.6, False), (6.0, 20.0, 0.3, False)]
    for weight, cat_c, scale, hierarchy in grid:
        params = copy.deepcopy(base)
        params.update(lexicon_scale=scale, real_weight=weight, category_hierarchy=hierarchy)
        params["C"].update(category=cat_c)
        if params != base:
            yield (f"real_weight={weight} cat_C={cat_c} lexicon={scale}"
                   f"{' hierarchy' if hierarchy else ''}"), params
    for comp_c in (1.0, 3.0):  # the complaint head's regularisation (non-complaints recognised)
        params = copy.deepcopy(base)
        params["C"].update(is_complaint=comp_c)
        yield f"complaint_C={comp_c}", params


def seed_cv_predictions(rows, params):
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    predictions = [None] * len(rows)
    for train_idx, test_idx in folds.split(rows, [r.category for r in rows]):
        model = train_model([rows[i].example() for i in train_idx], params)
        for i, p in zip(test_idx, model.predict([rows[i].text for i in test_idx])):
            predictions[i] = p
    return predictions


def show_thresholds(seed_train, seed, real) -> None:
    """For the chosen PARAMS: where the complaint and category thresholds fall on unseen texts."""
    real_p = grouped_cross_validation(seed, real, folds=5)
    seed_p = seed_cv_predictions(seed_train, PARAMS)
    for name, rows, preds in (("real (grouped CV)", real, real_p), ("seed train (5-fold CV)", seed_train, seed_p)):
        complaints = np.array([p.complaint_probability for r, p in zip(rows, preds) if r.is_complaint])
        others = np.array([p.complaint_probability for r, p in zip(rows, preds) if not r.is_complaint])
        print(f"{name}: complaint probabilities of complaints min {complaints.min():.2f}, 2nd percentile "
              f"{np.percentile(complaints, 2):.2f}; of non-complaints median {np.median(others):.2f}")
        for low in (0.2, 0.3, 0.4, 0.5):
            for high in (0.5, 0.6, 0.7):
                if high < low:
                    continue
                print(f"  low {low} high {high}: complaints kept {np.mean(complaints >= low):.3f}, called complaint "
                      f"{np.mean(complaints >= high):.3f}; non-complaints recognised {np.mean(others < low):.3f}, "
                      f"called complaint {np.mean(others >= high):.3f}")
        right = np.array([p.category in {r.category, r.alt_category} for r, p in zip(rows, preds)])
        top = [p.category_top for p in preds]
        for sure in (0.3, 0.4, 0.5):
            for margin in (0.0, 0.1, 0.15):
                unsure = np.array([t[0][1] < sure or t[0][1] - (t[1][1] if len(t) > 1 else 0) < margin for t in top])
                print(f"  category sure {sure} margin {margin}: uncertain {unsure.mean():.2f}, accuracy when sure "
                      f"{right[~unsure].mean() if (~unsure).any() else float('nan'):.2f}, when uncertain "
                      f"{right[unsure].mean() if unsure.any() else float('nan'):.2f}")


def main() -> None:
    quick = "--quick" in sys.argv
    only = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--only=")), None)
    seed = load_rows(ROOT / "models" / "seed")
    real = load_rows(ROOT / "models" / "real")
    seed_train = [r for r in seed if r.split == "train"]
    print(f"{len(real)} real texts from {len({r.group for r in real})} sources; {len(seed_train)} seed training rows")
    if "--thresholds" in sys.argv:
        show_thresholds(seed_train, seed, real)
        return
    for name, params in candidates():
        if only and only not in name:
            continue
        predictions = grouped_cross_validation(seed, real, folds=5, params=params)
        m = measure_predictions(real, predictions, now=NOW)
        share, floor = separation(real, predictions)
        seed_f1 = seed_cv_f1(seed_train, params) if not quick else float("nan")
        print(f"{name:<32} real: cat-F1 {m['category']['macro_f1']:.3f} top2 {m['category']['top2_accuracy']:.3f} "
              f"lenient {m['uncertain']['lenient_accuracy']:.3f} urg-F1 {m['urgency']['combined_macro_f1']:.3f} "
              f"crit-R {m['urgency']['critical_recall']:.3f} non-complaints below every complaint {share:.2f} "
              f"(floor {floor:.2f}) | seed CV cat-F1 {seed_f1:.3f}", flush=True)


if __name__ == "__main__":
    main()
