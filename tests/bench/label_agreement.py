"""How far do careful human readers agree on the real corpus's labels?

A measurement, not part of mailbot. Issue 15 asks for category macro-F1 0.70 on real texts, and
the grouped CV has stayed near 0.34 as the corpus grew from 431 to 1,132 texts. A model cannot be
expected to agree with a label more often than another careful reader does, so this compares the
shipped labels of `models/real/corpus.jsonl` with two independent, blind readings of every text
(`label_agreement.jsonl` beside this file: annotators "A" and "B", each given only DOMAIN.md's
tables, the seed's labelling guidelines and the text; see models/real/README.md) and prints:

- for each pair of readers: complaint / non-complaint agreement and Cohen's kappa, and the
  share of one reader's complaints the other keeps as complaints and of its non-complaints the
  other recognises (issue 15's "complaints kept" and "non-complaints recognised"); category
  agreement, kappa and macro-F1 (scored exactly as `mailbot evaluate` scores the model: over all
  rows, non-complaints as `other`, primary against primary) and "acceptable" agreement (one
  reader's primary among the other's primary and second choice); urgency macro-F1; how many
  texts each calls critical, and what share of one's critical texts the other calls critical;
- the majority reading (two readers of three agree) and how many shipped labels it would change.

With `--retrain`, the recipe of `mailbot train` is cross-validated (grouped by source, as
`mailbot evaluate` does) once on the shipped labels and once on the majority labels, and each
run's out-of-fold suggestions are scored against both label sets (the shipped-taught run against
each reader's labels too): does a model taught the majority reading do better on it, what does it
cost on the shipped reading, and how does the shipped model do as another reader would score it?

With `--unsure`, the shipped recipe's out-of-fold suggestions (the same grouped CV) are split by
whether the three readings agree on a text's category: is the model marked unsure more often
where careful readers disagree, and is it right less often there?

    python tests/bench/label_agreement.py [--rows ids.txt] [--retrain] [--unsure]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

from sklearn.metrics import cohen_kappa_score, f1_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailbot.triage.suggestion import CATEGORIES, URGENCIES  # noqa: E402

CORPUS = ROOT / "models" / "real" / "corpus.jsonl"
INDEPENDENT = Path(__file__).with_name("label_agreement.jsonl")


def readings(corpus: Path = CORPUS, independent: Path = INDEPENDENT) -> dict[str, dict[str, dict]]:
    """{reader: {id: labels}}, the shipped labels as reader "S"."""
    found: dict[str, dict[str, dict]] = {"S": {}}
    for line in corpus.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        found["S"][row["id"]] = row
    for line in independent.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        found.setdefault(row["annotator"], {})[row["id"]] = row
    return found


def _category(row: dict) -> str:
    return row["category"] if row["is_complaint"] else "other"


def _accepted(row: dict) -> set[str]:
    return {_category(row), row.get("alt_category") or _category(row)}


def compare(first: dict[str, dict], second: dict[str, dict],
            ids: list[str]) -> dict[str, float | tuple[int, int]]:
    """Agreement of `second` with `first` (first taken as the reference for F1)."""
    a = [first[i] for i in ids]
    b = [second[i] for i in ids]
    both = [k for k in range(len(ids)) if a[k]["is_complaint"] and b[k]["is_complaint"]]
    cat_a, cat_b = [_category(r) for r in a], [_category(r) for r in b]
    urg_a, urg_b = [r["urgency"] for r in a], [r["urgency"] for r in b]
    crit_a = [k for k, u in enumerate(urg_a) if u == "critical"]
    crit_b = [k for k, u in enumerate(urg_b) if u == "critical"]
    return {
        "complaint agreement": _mean(a[k]["is_complaint"] == b[k]["is_complaint"]
                                     for k in range(len(ids))),
        "complaint kappa": cohen_kappa_score([r["is_complaint"] for r in a],
                                             [r["is_complaint"] for r in b]),
        "second keeps first's complaints": _mean(
            b[k]["is_complaint"] for k in range(len(ids)) if a[k]["is_complaint"]),
        "second recognises first's non-complaints": _mean(
            not b[k]["is_complaint"] for k in range(len(ids)) if not a[k]["is_complaint"]),
        "first keeps second's complaints": _mean(
            a[k]["is_complaint"] for k in range(len(ids)) if b[k]["is_complaint"]),
        "first recognises second's non-complaints": _mean(
            not a[k]["is_complaint"] for k in range(len(ids)) if not b[k]["is_complaint"]),
        "category agreement (both complaints)": _mean(cat_a[k] == cat_b[k] for k in both),
        "category kappa (both complaints)": cohen_kappa_score([cat_a[k] for k in both],
                                                              [cat_b[k] for k in both]),
        "category acceptable (both complaints)": _mean(
            bool(_accepted(a[k]) & _accepted(b[k])) for k in both),
        "category macro-F1 (all rows, as evaluate)": f1_score(
            cat_a, cat_b, labels=[c for c in CATEGORIES if c in set(cat_a) | set(cat_b)],
            average="macro", zero_division=0),
        "urgency macro-F1": f1_score(urg_a, urg_b, labels=list(URGENCIES), average="macro",
                                     zero_division=0),
        "critical texts (first, second)": (len(crit_a), len(crit_b)),
        "second finds first's critical texts": _mean(urg_b[k] == "critical" for k in crit_a),
        "first finds second's critical texts": _mean(urg_a[k] == "critical" for k in crit_b),
    }


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def majority(readers: dict[str, dict[str, dict]], ids: list[str]) -> dict[str, dict]:
    """Per text, each label two of the three readers agree on (the shipped one where all
    differ). A non-complaint's category counts as `other`."""
    found = {}
    for i in ids:
        rows = [readers[r][i] for r in ("S", "A", "B")]
        labels = {}
        for key, read in (("is_complaint", lambda r: r["is_complaint"]),
                          ("category", _category), ("urgency", lambda r: r["urgency"])):
            votes = Counter(read(r) for r in rows)
            value, count = votes.most_common(1)[0]
            labels[key] = value if count >= 2 else read(rows[0])
        found[i] = labels
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=Path, help="only the ids listed in this file")
    parser.add_argument("--retrain", action="store_true",
                        help="cross-validate the recipe on the shipped and the majority labels")
    parser.add_argument("--unsure", action="store_true",
                        help="the model's uncertainty where the readers agree and where not")
    args = parser.parse_args(argv)
    readers = readings()
    ids = [i for i in readers["S"] if all(i in readers[r] for r in readers)]
    if args.rows:
        wanted = set(args.rows.read_text().split())
        ids = [i for i in ids if i in wanted]
    print(f"{len(ids)} texts read by {', '.join(sorted(readers))}")
    names = sorted(readers)
    results = {f"{x} vs {y}": compare(readers[x], readers[y], ids)
               for x, y in combinations(names, 2)}
    keys = list(next(iter(results.values())))
    print("| measure | " + " | ".join(results) + " |")
    print("|---|" + "---|" * len(results))
    for key in keys:
        cells = [v[key] for v in results.values()]
        shown = [f"{c[0]}, {c[1]}" if isinstance(c, tuple) else f"{c:.3f}" for c in cells]
        print(f"| {key} | " + " | ".join(shown) + " |")
    if {"A", "B"} <= set(readers):
        voted = majority(readers, ids)
        for key in ("is_complaint", "category", "urgency"):
            read = _category if key == "category" else (lambda r, k=key: r[k])
            changed = sum(voted[i][key] != read(readers["S"][i]) for i in ids)
            print(f"majority of three changes {key} on {changed} of {len(ids)} texts")
        unanimous = sum(len({_category(readers[r][i]) for r in ("S", "A", "B")}) == 1
                        for i in ids)
        print(f"all three agree on the category of {unanimous} of {len(ids)} texts")
        if args.retrain:
            retrain(readers, voted)
        if args.unsure:
            unsure(readers, ids)
    return 0


SCORES = (("category macro-F1", ("category", "macro_f1")),
          ("top-2", ("category", "top2_accuracy")),
          ("urgency macro-F1 (rules + model)", ("urgency", "combined_macro_f1")),
          ("critical recall", ("urgency", "critical_recall")),
          ("complaints kept", ("is_complaint", "complaints_kept")),
          ("non-complaints recognised", ("is_complaint", "non_complaints_recognised")))


def _relabelled(rows: list, labels: dict[str, dict]) -> list:
    """`rows` (LabelledRow) with each text's category, urgency and complaint label replaced."""
    from dataclasses import replace

    found = []
    for row in rows:
        new = labels.get(row.id)
        if new is None:
            found.append(row)
            continue
        category = new["category"] if new["is_complaint"] else "other"
        alt = row.alt_category if row.alt_category != category else row.category
        found.append(replace(row, category=category, urgency=new["urgency"],
                             is_complaint=new["is_complaint"],
                             alt_category=alt if new["is_complaint"] else None))
    return found


def retrain(readers: dict[str, dict[str, dict]], voted: dict[str, dict]) -> None:
    """Grouped CV of the shipped recipe taught the shipped and the majority labels, each scored
    against both (and the shipped-taught one against each reader's labels too)."""
    from mailbot.cli.triage_tools import EVALUATION_TIME, real_rows
    from mailbot.triage.evaluation import (grouped_cross_validation, load_rows,
                                           measure_predictions)

    seed = load_rows(ROOT / "models" / "seed")
    shipped = real_rows(ROOT / "models" / "real")
    sets = {"shipped labels": shipped, "majority labels": _relabelled(shipped, voted),
            "reader A's labels": _relabelled(shipped, readers["A"]),
            "reader B's labels": _relabelled(shipped, readers["B"])}
    taught = {name: grouped_cross_validation(seed, sets[name])
              for name in ("shipped labels", "majority labels")}
    runs = [("shipped labels", scored) for scored in sets] + [
        ("majority labels", "shipped labels"), ("majority labels", "majority labels")]
    cells = {run: measure_predictions(sets[run[1]], taught[run[0]], now=EVALUATION_TIME)
             for run in runs}
    print("| grouped CV: taught on / scored against | " + " | ".join(
        f"{t} / {s}" for t, s in cells) + " |")
    print("|---|" + "---|" * len(cells))
    for name, (part, key) in SCORES:
        print(f"| {name} | " + " | ".join(
            f"{m[part][key]:.3f}" if m[part][key] is not None else "-"
            for m in cells.values()) + " |")


def unsure(readers: dict[str, dict[str, dict]], ids: list[str]) -> None:
    """How often the model is marked unsure, and right, where the readers agree and where not."""
    from mailbot.cli.triage_tools import EVALUATION_TIME, real_rows
    from mailbot.triage.evaluation import grouped_cross_validation, load_rows, message_time
    from mailbot.triage.suggestion import suggest

    seed = load_rows(ROOT / "models" / "seed")
    rows = real_rows(ROOT / "models" / "real")
    predictions = grouped_cross_validation(seed, rows)
    wanted = set(ids)
    groups: dict[str, list[tuple[bool, bool, bool]]] = {"all three agree": [],
                                                       "readers differ": []}
    for row, prediction in zip(rows, predictions):
        if row.id not in wanted or not row.is_complaint:
            continue
        shown = suggest(row.text, message_time(row.day, EVALUATION_TIME), prediction)
        agree = len({_category(readers[r][row.id]) for r in ("S", "A", "B")}) == 1
        groups["all three agree" if agree else "readers differ"].append(
            (shown.category_uncertain, shown.category == row.category,
             row.category in {c for c, _ in prediction.category_top2}))
    print("| S's complaints | texts | marked unsure | first choice right | top-2 right |")
    print("|---|---|---|---|---|")
    for name, found in groups.items():
        print(f"| {name} | {len(found)} | {_mean(u for u, _, _ in found):.3f} "
              f"| {_mean(r for _, r, _ in found):.3f} | {_mean(t for _, _, t in found):.3f} |")


if __name__ == "__main__":
    sys.exit(main())
