#!/usr/bin/env python3
"""Assign the train/test split of the seed corpus in place, deterministically.

Why: the split must be stratified (every category and urgency level in test) and
reproducible, and hand-picking it while writing messages would bias it towards the
examples the writer found easiest. Within each category the records are ordered by
urgency and then by a hash of their id, and every fifth one goes to test, so each
category gets ~20% and the test part spreads across urgency levels. Only the "split"
field is rewritten; key order and everything else stay as written.

Usage: python split_corpus.py [DIR]
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

URGENCY_ORDER = {"critical": 0, "high": 1, "normal": 2, "low": 3}
EVERY = 5      # 1 in 5 -> 20% test
OFFSET = 2     # which member of each group of five goes to test


def id_hash(rec_id: str) -> str:
    return hashlib.sha256(rec_id.encode("utf-8")).hexdigest()


def assign(records: list[dict]) -> None:
    """Set rec["split"] for every record; stratified by category, then urgency."""
    by_cat: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        by_cat[rec["category"]].append(rec)
    for group in by_cat.values():
        group.sort(key=lambda r: (URGENCY_ORDER[r["urgency"]], id_hash(r["id"])))
        for i, rec in enumerate(group):
            rec["split"] = "test" if i % EVERY == OFFSET else "train"


def main(argv: list[str]) -> int:
    directory = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    files = sorted(directory.glob("corpus_*.jsonl"))
    per_file = {p: [json.loads(line) for line in p.read_text("utf-8").splitlines() if line.strip()]
                for p in files}
    assign([rec for recs in per_file.values() for rec in recs])
    for path, recs in per_file.items():
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
    n = sum(len(r) for r in per_file.values())
    t = sum(1 for recs in per_file.values() for r in recs if r["split"] == "test")
    print(f"{n} records in {len(files)} files; test={t} ({t / (n or 1):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
