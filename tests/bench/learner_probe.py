"""Is the category head limited by its learner, or by what it reads?

A measurement, not part of mailbot. On the folds of `mailbot evaluate`'s grouped CV, each fold's
category examples (the recipe's complaints: seed training split, the other folds' real texts,
framed and retold copies, with their weights) are read into the shipped features once, and
several scikit-learn learners are fitted on them. Each is scored on the fold's real complaints
only: category macro-F1 and accuracy of the primary, the category head's own question (the
complaint head and the rules are left out, so the figure is below `mailbot evaluate`'s). The
accuracy compares with label_agreement.py's "category agreement (both complaints)".

`--reading` also tries two readings that put the sentences naming the professional first:
`focus` adds them again after the text (so their words count twice), `only` keeps them alone.

    python tests/bench/learner_probe.py [--reading]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression, RidgeClassifier, SGDClassifier
from sklearn.metrics import f1_score
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailbot.cli.triage_tools import real_rows  # noqa: E402
from mailbot.triage.classifier import PARAMS, build_head, triage_reading  # noqa: E402
from mailbot.triage.evaluation import group_folds, load_rows, training_examples  # noqa: E402
from mailbot.triage.features import build_features  # noqa: E402

LEARNERS: dict[str, Callable[[], Any]] = {
    "logistic regression, C 20 (shipped)": lambda: build_head("category"),
    "logistic regression, C 5": lambda: LogisticRegression(C=5, class_weight="balanced",
                                                           max_iter=3000),
    "logistic regression, C 80": lambda: LogisticRegression(C=80, class_weight="balanced",
                                                            max_iter=3000),
    "linear SVM, C 1": lambda: LinearSVC(C=1, class_weight="balanced"),
    "linear SVM, C 0.2": lambda: LinearSVC(C=0.2, class_weight="balanced"),
    "ridge, alpha 1": lambda: RidgeClassifier(alpha=1, class_weight="balanced"),
    "SGD, modified Huber": lambda: SGDClassifier(loss="modified_huber", alpha=1e-5,
                                                 class_weight="balanced", random_state=0),
    "complement naive Bayes, alpha 0.3": lambda: ComplementNB(alpha=0.3),
}
PROFESSIONAL = re.compile(r"\b(?:lawyers?|attorneys?|solicitors?|counsel|barristers?|"
                          r"conveyancers?|advocates?|firm|paralegals?|legal aid|atty|law office)\b",
                          re.IGNORECASE)
SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")


def _professional(reading: str) -> str:
    return " ".join(s for s in SENTENCES.split(reading) if PROFESSIONAL.search(s))


READINGS: dict[str, Callable[[str], str]] = {
    "as triage reads it (shipped)": triage_reading,
    "focus: sentences naming the professional added again": lambda t: (
        triage_reading(t) + "\n" + _professional(triage_reading(t))),
    "only: those sentences alone (the whole text if none)": lambda t: (
        _professional(triage_reading(t)) or triage_reading(t)),
}


def scores(readings: dict[str, Callable[[str], str]],
           learners: dict[str, Callable[[], Any]]) -> dict[tuple[str, str], tuple[float, float]]:
    seed = load_rows(ROOT / "models" / "seed")
    real = real_rows(ROOT / "models" / "real")
    gold: list[str] = []
    predicted: dict[tuple[str, str], list[str]] = {(r, k): [] for r in readings for k in learners}
    for train_idx, test_idx in group_folds(real, 5):
        examples = [e for e in training_examples(seed, [real[i] for i in train_idx], PARAMS)
                    if e.is_complaint and e.teaches("category")]
        weights = np.array([e.weight for e in examples])
        labels = [e.category for e in examples]
        test = [real[i] for i in test_idx if real[i].is_complaint]
        gold += [r.category for r in test]
        for name, read in readings.items():
            features = build_features(PARAMS["word_bits"], PARAMS["char_bits"],
                                      PARAMS["lexicon_scale"])
            matrix = features.fit_transform([read(e.text) for e in examples])
            tested = features.transform([read(r.text) for r in test])
            for learner, make in learners.items():
                model = make()
                # naive Bayes needs counts that are not negative (the lexicon columns can be)
                fit_on, run_on = ((abs(matrix), abs(tested)) if isinstance(model, ComplementNB)
                                  else (matrix, tested))
                model.fit(fit_on, labels, sample_weight=weights)
                predicted[name, learner] += list(model.predict(run_on))
    found = sorted(set(gold))
    return {key: (f1_score(gold, got, labels=found, average="macro", zero_division=0),
                  float(np.mean(np.array(gold) == np.array(got))))
            for key, got in predicted.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reading", action="store_true",
                        help="the shipped learner on two other readings instead of the learners")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")  # the SVMs' convergence notes
    started = time.perf_counter()
    if args.reading:
        found = scores(READINGS, {"shipped": LEARNERS["logistic regression, C 20 (shipped)"]})
    else:
        found = scores({"shipped": triage_reading}, LEARNERS)
    print("| reading | learner | real complaints' category macro-F1 (grouped CV) | accuracy |")
    print("|---|---|---|---|")
    for (reading, learner), (f1, accuracy) in found.items():
        print(f"| {reading} | {learner} | {f1:.3f} | {accuracy:.3f} |")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
