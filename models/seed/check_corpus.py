#!/usr/bin/env python3
"""Validate the labelled seed corpus (models/seed/corpus_*.jsonl, voices_*.jsonl); print a summary.

Why: the classifier is trained straight from these files, so a bad label, a stray flag
or a lopsided split must fail loudly here rather than surface as a silent metric drop.
Standard library only, so it runs anywhere (CI, a reviewer's laptop) without the venv.

Usage: python check_corpus.py [DIR] [--min-total N] [--min-per-category N]
                              [--min-critical N] [--min-high N]
Exit status 0 when the corpus is valid, 1 when any error was found.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

CATEGORIES = (
    "delay", "communication", "advice_quality", "instructions", "costs_information",
    "costs_excessive", "documents_funds", "staff_conduct", "integrity_misconduct",
    "data_security", "complaint_handling", "other",
)
URGENCIES = ("critical", "high", "normal", "low")
FLAGS = ("conduct_referral", "insurer_notification", "third_party", "vulnerability")
SPLITS = ("train", "test")
KEYS = ("id", "text", "date", "category", "secondary", "urgency", "is_complaint", "flags", "split")
ID_RE = re.compile(r"^s\d{4}$")
# voices_*.jsonl: the same format, ids v0001..., training rows only (README.md, "Voices")
VOICES_ID_RE = re.compile(r"^v\d{4}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Primary-label precedence from DOMAIN.md: these outrank any substantive issue.
PRECEDENCE = ("integrity_misconduct", "data_security", "complaint_handling")


def check_record(rec: object, where: str, voices: bool = False) -> list[str]:
    """Return the problems with one parsed line (empty when it is valid). `voices`: a line of a
    voices_*.jsonl file, whose ids start with v and which only trains (never in the test split)."""
    if not isinstance(rec, dict):
        return [f"{where}: not a JSON object"]
    errs: list[str] = []
    if tuple(rec.keys()) != KEYS:
        errs.append(f"{where}: keys {list(rec.keys())} != {list(KEYS)}")
        if set(rec.keys()) != set(KEYS):
            return errs
    if not isinstance(rec["id"], str) or not (VOICES_ID_RE if voices else ID_RE).match(rec["id"]):
        errs.append(f"{where}: bad id {rec['id']!r}")
    if voices and rec["split"] != "train":
        errs.append(f"{where}: a voices record must be \"train\", got {rec['split']!r}")
    if not isinstance(rec["text"], str) or not rec["text"].strip():
        errs.append(f"{where}: empty text")
    elif rec["text"] != rec["text"].strip():
        errs.append(f"{where}: text has leading/trailing whitespace")
    date = rec["date"]
    if not isinstance(date, str) or not DATE_RE.match(date):
        errs.append(f"{where}: bad date {date!r}")
    else:
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            errs.append(f"{where}: impossible date {date!r}")
    cat = rec["category"]
    if cat not in CATEGORIES:
        errs.append(f"{where}: bad category {cat!r}")
    sec = rec["secondary"]
    if not isinstance(sec, list) or any(s not in CATEGORIES for s in sec):
        errs.append(f"{where}: bad secondary {sec!r}")
    else:
        if len(set(sec)) != len(sec):
            errs.append(f"{where}: duplicate secondary labels")
        if cat in sec:
            errs.append(f"{where}: primary {cat!r} repeated in secondary")
        if cat in CATEGORIES:
            outranks = [p for p in PRECEDENCE if p in sec]
            if outranks and (cat not in PRECEDENCE or PRECEDENCE.index(outranks[0]) < PRECEDENCE.index(cat)):
                errs.append(f"{where}: secondary {outranks[0]!r} outranks primary {cat!r}")
    if rec["urgency"] not in URGENCIES:
        errs.append(f"{where}: bad urgency {rec['urgency']!r}")
    if not isinstance(rec["is_complaint"], bool):
        errs.append(f"{where}: is_complaint must be true/false")
    elif not rec["is_complaint"]:
        if cat != "other" or sec:
            errs.append(f"{where}: non-complaint must be category 'other' with no secondary")
        if rec["urgency"] not in ("low", "normal"):
            errs.append(f"{where}: non-complaint urgency must be low or normal")
    flags = rec["flags"]
    if not isinstance(flags, list) or any(f not in FLAGS for f in flags) or len(set(flags)) != len(flags):
        errs.append(f"{where}: bad flags {flags!r}")
    if rec["split"] not in SPLITS:
        errs.append(f"{where}: bad split {rec['split']!r}")
    return errs


def load(directory: Path) -> tuple[list[dict], list[str]]:
    """Read every corpus file in name order; collect records and parse errors."""
    records: list[dict] = []
    errors: list[str] = []
    files = sorted(directory.glob("corpus_*.jsonl")) + sorted(directory.glob("voices_*.jsonl"))
    if not files:
        errors.append(f"no corpus_*.jsonl files in {directory}")
    for path in files:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            errors.append(f"{path.name}: not UTF-8 ({exc})")
            continue
        for n, line in enumerate(text.splitlines(), 1):
            where = f"{path.name}:{n}"
            if not line.strip():
                errors.append(f"{where}: blank line")
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{where}: invalid JSON ({exc})")
                continue
            problems = check_record(rec, where, path.name.startswith("voices_"))
            errors.extend(problems)
            if not problems:
                rec["_where"] = where
                records.append(rec)
    return records, errors


def shingles(text: str, n: int = 6) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z']+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def near_duplicates(records: list[dict], threshold: float = 0.5) -> list[str]:
    """Pairs sharing most of their 6-word runs: a sign of copy-paste or template filling."""
    sh = [(r["id"], shingles(r["text"])) for r in records]
    out = []
    for i in range(len(sh)):
        a_id, a = sh[i]
        if len(a) < 5:
            continue
        for j in range(i + 1, len(sh)):
            b_id, b = sh[j]
            if len(b) < 5:
                continue
            jac = len(a & b) / len(a | b)
            if jac >= threshold:
                out.append(f"{a_id} ~ {b_id} (jaccard {jac:.2f})")
    return out


def consistency_warnings(records: list[dict]) -> list[str]:
    """Labelling-guideline slips that are legal JSON but contradict README.md's rules."""
    out = []
    for r in records:
        if r["category"] == "integrity_misconduct" and "conduct_referral" not in r["flags"]:
            out.append(f"{r['id']}: integrity_misconduct without conduct_referral")
        if r["is_complaint"] and "vulnerability" in r["flags"] and r["urgency"] in ("normal", "low"):
            out.append(f"{r['id']}: vulnerable complainant but urgency {r['urgency']}")
    return out


def summarise(records: list[dict]) -> None:
    """Print the category x urgency table, split shares, flags and text-length spread."""
    by_cat: dict[str, Counter] = defaultdict(Counter)
    for r in records:
        c = by_cat[r["category"]]
        c[r["urgency"]] += 1
        c[r["split"]] += 1
        c["total"] += 1
        c["noncomplaint"] += not r["is_complaint"]
    cols = ("total", *URGENCIES, "train", "test", "noncomplaint")
    print(f"{'category':<22}" + "".join(f"{c:>10}" for c in ("total", *URGENCIES, "train", "test", "non-cmpl")))
    totals: Counter = Counter()
    for cat in CATEGORIES:
        row = by_cat.get(cat, Counter())
        totals.update(row)
        print(f"{cat:<22}" + "".join(f"{row[c]:>10}" for c in cols))
    print(f"{'TOTAL':<22}" + "".join(f"{totals[c]:>10}" for c in cols))
    n = len(records) or 1
    corpus = sum(r["_where"].startswith("corpus_") for r in records) or 1
    print(f"\ntest share: {totals['test'] / corpus:.1%} of the corpus files' records   "
          f"non-complaints: {totals['noncomplaint'] / n:.1%}")
    test_urg = Counter(r["urgency"] for r in records if r["split"] == "test")
    print("test by urgency: " + ", ".join(f"{u}={test_urg[u]}" for u in URGENCIES))
    flags = Counter(f for r in records for f in r["flags"])
    print("flags: " + ", ".join(f"{f}={flags[f]}" for f in FLAGS))
    multi = sum(1 for r in records if r["secondary"])
    print(f"with secondary labels: {multi} ({multi / n:.1%})")
    lengths = sorted(len(r["text"].split()) for r in records)
    if lengths:
        print(f"words per text: min={lengths[0]} median={lengths[len(lengths) // 2]} max={lengths[-1]}"
              f"; one-liners(<=20 words)={sum(1 for x in lengths if x <= 20)}"
              f"; long(>=120 words)={sum(1 for x in lengths if x >= 120)}")
    quoted = sum(1 for r in records if re.search(r"^>|wrote:|Forwarded|Original Message", r["text"], re.M))
    print(f"with quoted/forwarded mail: {quoted}")
    years = Counter(r["date"][:7] for r in records)
    print(f"dates: {min(years)} .. {max(years)} over {len(years)} months")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", nargs="?", default=str(Path(__file__).resolve().parent))
    ap.add_argument("--min-total", type=int, default=650)
    ap.add_argument("--min-per-category", type=int, default=35)
    ap.add_argument("--min-critical", type=int, default=60)
    ap.add_argument("--min-high", type=int, default=120)
    ap.add_argument("--test-share", type=float, nargs=2, default=(0.17, 0.23), metavar=("LO", "HI"))
    args = ap.parse_args(argv)

    records, errors = load(Path(args.directory))
    ids = Counter(r["id"] for r in records)
    errors += [f"duplicate id {i} ({ids[i]}x)" for i in ids if ids[i] > 1]
    texts = Counter(r["text"] for r in records)
    errors += [f"duplicate text: {t[:60]!r}" for t in texts if texts[t] > 1]

    cats = Counter(r["category"] for r in records)
    urg = Counter(r["urgency"] for r in records)
    if len(records) < args.min_total:
        errors.append(f"only {len(records)} records (< {args.min_total})")
    errors += [f"category {c}: {cats[c]} (< {args.min_per_category})"
               for c in CATEGORIES if cats[c] < args.min_per_category]
    if urg["critical"] < args.min_critical:
        errors.append(f"critical: {urg['critical']} (< {args.min_critical})")
    if urg["high"] < args.min_high:
        errors.append(f"high: {urg['high']} (< {args.min_high})")
    test = [r for r in records if r["split"] == "test"]
    # the split's share of the corpus files it was drawn from (voices rows only train)
    share = len(test) / (sum(r["_where"].startswith("corpus_") for r in records) or 1)
    if not args.test_share[0] <= share <= args.test_share[1]:
        errors.append(f"test share {share:.1%} outside {args.test_share[0]:.0%}..{args.test_share[1]:.0%}")
    errors += [f"no {c} in test" for c in CATEGORIES if not any(r["category"] == c for r in test)]
    errors += [f"no {u} urgency in test" for u in URGENCIES if not any(r["urgency"] == u for r in test)]

    if records:
        summarise(records)
    warnings = [f"near-duplicate: {w}" for w in near_duplicates(records)]
    warnings += [f"guideline: {w}" for w in consistency_warnings(records)]
    for w in warnings:
        print(f"WARNING {w}")
    for e in errors:
        print(f"ERROR {e}", file=sys.stderr)
    print(f"\n{len(records)} valid records, {len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
