"""Throughput and load time of the shipped triage model on ONE core (not collected by pytest).

Run: .venv/bin/python tests/bench/bench_classifier.py [MODEL_DIR] [SEED_DIR]
Targets: >= 2,000 texts/s for classification, < 0.5 s to load the model, and bounded time and
memory for hostile bodies (a 2 MB single "word" once took 1.1 GB): peak memory is measured with
tracemalloc for classifier + rules on each hostile input. The 10,000 texts
are the seed corpus repeated with a per-copy suffix, so the per-word caches behave as on
fresh mail rather than on exact repeats. Figures are printed, never asserted: timing
depends on the machine.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported, so BLAS starts with one thread

import statistics  # noqa: E402
import tracemalloc  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailbot.triage import classifier  # noqa: E402
from mailbot.triage import suggest  # noqa: E402
from mailbot.triage.evaluation import load_rows  # noqa: E402

N_TEXTS = 10_000


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity here)"


def main() -> None:
    model_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "models"
    seed_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else model_dir / "seed"
    print(pin_to_one_core(), f"| load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "")
    load_times = []
    for _ in range(5):
        started = time.perf_counter()
        model = classifier.load(model_dir)
        load_times.append(time.perf_counter() - started)
    print(f"model load: median {statistics.median(load_times):.3f} s, first {load_times[0]:.3f} s (target < 0.5 s)")

    # the seed's tidy emails (corpus_*.jsonl), as every earlier figure: the voices files'
    # longer texts (mean 756 characters) would change what a text is
    base = [r.text for f in sorted(seed_dir.glob("corpus_*.jsonl")) for r in load_rows(f)]
    texts = [f"{base[i % len(base)]} (ref {i})" for i in range(N_TEXTS)]
    mean_chars = sum(map(len, texts)) / len(texts)
    # Each process reads the rules' and lexicons' phrasings on first use (prefilter.py): timed
    # apart, so the figures below are what every later message costs.
    now = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
    started = time.perf_counter()
    suggest(texts[0], now, model.predict(texts[:1])[0])
    print(f"first message of a process (phrasings read once): {time.perf_counter() - started:.3f} s")
    started, cpu_started = time.perf_counter(), time.process_time()
    predictions = model.predict(texts)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"classifier: {N_TEXTS} texts (mean {mean_chars:.0f} chars) in {elapsed:.2f} s wall = "
          f"{N_TEXTS / elapsed:,.0f} texts/s; {cpu:.2f} s CPU = {N_TEXTS / cpu:,.0f} texts per CPU-second "
          "(target >= 2,000/s; the CPU figure is what one core does when other work shares it)")
    started = time.perf_counter()
    for text, prediction in zip(texts, predictions):
        suggest(text, now, prediction)
    elapsed_rules = time.perf_counter() - started
    print(f"classifier + rules: {N_TEXTS / (elapsed + elapsed_rules):,.0f} texts/s "
          f"(rules alone {N_TEXTS / elapsed_rules:,.0f} texts/s)")
    bench_hostile(model)


HOSTILE = {
    "2 MB single word": "x" * 2_000_000,
    "2 MB base64-like blob in a sentence": "Please see attached " + "QUJD" * 500_000 + " thanks",
    "2 MB of ordinary words": "my completion is delayed and nobody calls back " * 43_000,
    "20,000 dates without punctuation": "the hearing is on Monday " * 20_000,
}


def bench_hostile(model: classifier.TriageModel) -> None:
    now = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
    model.predict(["warm up"])
    for name, text in HOSTILE.items():
        tracemalloc.start()
        started = time.perf_counter()
        suggest(text, now, model.predict([text])[0])
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"hostile input, {name} ({len(text):,} chars): {elapsed:.3f} s, "
              f"peak {peak / 2**20:.1f} MiB above the input (classifier + rules)")


if __name__ == "__main__":
    main()
