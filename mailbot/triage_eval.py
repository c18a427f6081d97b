"""Labelled data in, figures out: loading the seed corpus and measuring a triage model on it.

Kept apart from the classifier adapter so the metrics are the same whether they are
computed for the sidecar at training time or by `mailbot evaluate` later. Figures are
given for the model alone and for the COMBINED suggestion (rules + model), which is what a
handler sees; critical recall is measured on the combined urgency. The per-class report
and confusion matrix are the model's (the per-class view of what training changes).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score, recall_score

from .classifier import Example, TriageModel
from .triage import CATEGORIES, FLAGS, URGENCIES, suggest


@dataclass(frozen=True)
class LabelledRow:
    """One line of a labelled JSONL file (the seed corpus format)."""

    id: str
    text: str
    day: date | None
    category: str
    urgency: str
    is_complaint: bool
    split: str | None
    flags: frozenset[str] = frozenset()

    def example(self, weight: float = 1.0) -> Example:
        return Example(self.text, self.category, self.urgency, self.is_complaint, self.id, weight, self.flags)


def load_rows(path: str | os.PathLike[str]) -> list[LabelledRow]:
    """Rows from one JSONL file, or from every *.jsonl in a directory (sorted by name)."""
    p = Path(path)
    files = sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
    rows: list[LabelledRow] = []
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                rows.append(LabelledRow(
                    id=str(raw.get("id", f"{file.name}:{number}")), text=raw["text"],
                    day=date.fromisoformat(raw["date"]) if raw.get("date") else None,
                    category=raw["category"], urgency=raw["urgency"], is_complaint=bool(raw["is_complaint"]),
                    split=raw.get("split"), flags=frozenset(raw.get("flags") or ())))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{file}:{number}: not a labelled row ({exc})") from None
    return rows


def message_time(day: date | None, fallback: datetime) -> datetime:
    """A labelled row carries only a date; noon UTC keeps it on the same local day in Europe."""
    return datetime.combine(day, time(12), tzinfo=timezone.utc) if day else fallback


def measure(model: TriageModel, rows: Sequence[LabelledRow], *, now: datetime, country: str = "GB",
            subdivision: str | None = None, tz: str = "Europe/London") -> dict[str, Any]:
    """All held-out figures, as a JSON-ready dict (also what goes into the sidecar)."""
    if not rows:
        raise ValueError("no rows to evaluate")
    texts = [r.text for r in rows]
    predictions = model.predict(texts)
    combined = [suggest(r.text, message_time(r.day, now), p, country=country, subdivision=subdivision, timezone=tz)
                for r, p in zip(rows, predictions)]
    gold_cat = [r.category for r in rows]
    pred_cat = [p.category for p in predictions]
    shown_cat = [s.category for s in combined]
    top2 = [r.category in {label for label, _ in p.category_top[:2]} for r, p in zip(rows, predictions)]
    gold_urg = [r.urgency for r in rows]
    model_urg = [p.urgency for p in predictions]
    rules_urg = [s.urgency for s in combined]
    cat_labels = [c for c in CATEGORIES if c in set(gold_cat) | set(pred_cat)]
    urg_labels = [u for u in URGENCIES if u in set(gold_urg) | set(model_urg) | set(rules_urg)]
    n_critical = sum(u == "critical" for u in gold_urg)
    return {
        "n": len(rows),
        "category": {
            "accuracy": _r(accuracy_score(gold_cat, pred_cat)),
            "macro_f1": _r(f1_score(gold_cat, pred_cat, labels=cat_labels, average="macro", zero_division=0)),
            "top2_accuracy": _r(float(np.mean(top2))),
            "combined_accuracy": _r(accuracy_score(gold_cat, shown_cat)),
            "combined_macro_f1": _r(f1_score(gold_cat, shown_cat, labels=cat_labels, average="macro",
                                             zero_division=0)),
            "labels": cat_labels,
            "report": classification_report(gold_cat, pred_cat, labels=cat_labels, zero_division=0,
                                            output_dict=True),
            "confusion": confusion_matrix(gold_cat, pred_cat, labels=cat_labels).tolist(),
        },
        "urgency": {
            "model_accuracy": _r(accuracy_score(gold_urg, model_urg)),
            "model_macro_f1": _r(f1_score(gold_urg, model_urg, labels=urg_labels, average="macro", zero_division=0)),
            "combined_accuracy": _r(accuracy_score(gold_urg, rules_urg)),
            "combined_macro_f1": _r(f1_score(gold_urg, rules_urg, labels=urg_labels, average="macro",
                                             zero_division=0)),
            "critical_recall": _r(recall_score(gold_urg, rules_urg, labels=["critical"], average="macro",
                                               zero_division=0)) if n_critical else None,
            "critical_n": n_critical,
            "labels": urg_labels,
            "confusion": confusion_matrix(gold_urg, rules_urg, labels=urg_labels).tolist(),
        },
        "is_complaint": {
            "accuracy": _r(accuracy_score([r.is_complaint for r in rows], [p.is_complaint for p in predictions])),
        },
        "flags": {flag: _flag_scores(flag, rows, combined) for flag in FLAGS},
    }


def _flag_scores(flag: str, rows: Sequence[LabelledRow], combined: Sequence[Any]) -> dict[str, Any]:
    gold = [flag in r.flags for r in rows]
    shown = [flag in s.flags for s in combined]
    hits = sum(g and s for g, s in zip(gold, shown))
    return {"support": sum(gold), "flagged": sum(shown),
            "precision": _r(hits / sum(shown)) if any(shown) else None,
            "recall": _r(hits / sum(gold)) if any(gold) else None}


def _r(value: float) -> float:
    return round(float(value), 4)


def format_report(metrics: dict[str, Any]) -> str:
    """The figures a person reads: headline numbers, per-class table, confusion matrices."""
    cat, urg = metrics["category"], metrics["urgency"]
    lines = [
        f"held-out examples: {metrics['n']}",
        f"category (model): accuracy {cat['accuracy']:.3f}  macro-F1 {cat['macro_f1']:.3f}  top-2 accuracy "
        f"{cat['top2_accuracy']:.3f}",
        f"category (rules + model): accuracy {cat['combined_accuracy']:.3f}  macro-F1 {cat['combined_macro_f1']:.3f}",
        f"urgency (model): accuracy {urg['model_accuracy']:.3f}  macro-F1 {urg['model_macro_f1']:.3f}",
        f"urgency (rules + model): accuracy {urg['combined_accuracy']:.3f}  macro-F1 {urg['combined_macro_f1']:.3f}"
        + (f"  critical recall {urg['critical_recall']:.3f} (of {urg['critical_n']})"
           if urg["critical_recall"] is not None else "  critical recall n/a (no critical rows)"),
        f"is_complaint: accuracy {metrics['is_complaint']['accuracy']:.3f}",
        "flags (rules + model): " + "  ".join(
            f"{flag} P {_fmt(v['precision'])} R {_fmt(v['recall'])} (n={v['support']})"
            for flag, v in metrics.get("flags", {}).items()),
        "",
        f"{'category':<22}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}",
    ]
    for label in cat["labels"]:
        row = cat["report"][label]
        lines.append(f"{label:<22}{row['precision']:>10.2f}{row['recall']:>8.2f}{row['f1-score']:>7.2f}"
                     f"{int(row['support']):>9}")
    lines += ["", "category confusion (rows = true, columns = predicted):", _matrix(cat["labels"], cat["confusion"]),
              "", "urgency confusion, rules + model (rows = true, columns = predicted):",
              _matrix(urg["labels"], urg["confusion"])]
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _matrix(labels: list[str], matrix: list[list[int]]) -> str:
    short = [label[:6] for label in labels]
    head = " " * 22 + "".join(f"{s:>7}" for s in short)
    body = [f"{label:<22}" + "".join(f"{v:>7}" for v in row) for label, row in zip(labels, matrix)]
    return "\n".join([head, *body])
