"""Labelled data in, figures out: loading the corpora and measuring a triage model on them.

Kept apart from the classifier adapter so the metrics are the same whether they are
computed for the sidecar at training time or by `mailbot evaluate` later. Figures are
given for the model alone and for the COMBINED suggestion (rules + model), which is what a
handler sees; critical recall and the complaint signal are measured on the combined
suggestion. The per-class report and confusion matrix are the model's.

Two corpora: the synthetic seed (`models/seed`, a fixed held-out split) and the real texts
(`models/real`), which are too few for a fixed split and are measured by cross-validation
grouped by source, so that no site's wording is in both the training and the test side.
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
from sklearn.metrics import (accuracy_score, classification_report, confusion_matrix, f1_score,
                             recall_score)
from sklearn.model_selection import GroupKFold

from .classifier import PARAMS, SECOND_HEAD, Example, TriageModel, data_fingerprint, train_model
from .framing import framed_copies
from .suggestion import CATEGORIES, FLAGS, URGENCIES, Prediction, Suggestion, suggest
from .voice import retold_copies


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
    group: str | None = None  # the source, for grouped splits (real texts)
    alt_category: str | None = None  # a second acceptable category where the primary is ambiguous

    def example(self, weight: float = 1.0) -> Example:
        """The row as a training example, with a weight (real texts may count more than seed
        ones)."""
        return Example(self.text, self.category, self.urgency, self.is_complaint, self.id, weight,
                       self.flags)


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
                rows.append(
                    LabelledRow(id=str(raw.get("id", f"{file.name}:{number}")), text=raw["text"],
                                day=date.fromisoformat(raw["date"]) if raw.get("date") else None,
                                category=raw["category"], urgency=raw["urgency"],
                                is_complaint=bool(raw["is_complaint"]), split=raw.get("split"),
                                flags=frozenset(raw.get("flags") or ()), group=raw.get("group"),
                                alt_category=raw.get("alt_category")))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{file}:{number}: not a labelled row ({exc})") from None
    return rows


def message_time(day: date | None, fallback: datetime) -> datetime:
    """A labelled row carries only a date; noon UTC keeps it on the same local day in Europe."""
    return datetime.combine(day, time(12), tzinfo=timezone.utc) if day else fallback


# The seed's voices_*.jsonl rows (ids v0001...): synthetic, written in the registers real
# complainants use (models/seed/README.md, "Voices"), weighed PARAMS["voices_weight"].
VOICES_PREFIX = "v"


def training_examples(seed_rows: Sequence[LabelledRow], real_rows: Sequence[LabelledRow] = (),
                      params: dict[str, Any] = PARAMS) -> list[Example]:
    """What `mailbot train` learns from: the seed's training split (its voices rows weighted more
    than the tidy emails) and every real text (weighted: real wording is scarcer and closer to
    what the model will read), plus a framed copy of each
    complaint for the category and urgency heads (mailbot.triage.framing), a copy of each real
    text told in the third person for the same heads (mailbot.triage.voice), and a copy of each
    real complaint with a second acceptable category for the second category head, when the
    recipe asks for them."""
    real = [r.example(float(params["real_weight"])) for r in real_rows]
    voices = float(params.get("voices_weight") or 1.0)
    examples = [r.example(voices if r.id.startswith(VOICES_PREFIX) else 1.0)
                for r in seed_rows if r.split != "test"] + real
    # The voices add no frames of their own: with framed copies they scored 0.346, without 0.351
    # (models/seed/README.md, "Voices").
    framed = (framed_copies(e for e in examples if not e.id.startswith(VOICES_PREFIX))
              if params.get("framing") else [])
    share = float(params.get("second_category_head") or 0.0)
    return (examples + framed + (retold_copies(real) if params.get("retold") else [])
            + (second_category_copies(real_rows, share * float(params["real_weight"]))
               if share else []))


SECOND_SUFFIX = "-second"


def second_category_copies(rows: Sequence[LabelledRow], weight: float) -> list[Example]:
    """A copy of each complaint that has a second acceptable category, labelled with it at
    `weight`, for the second category head alone (classifier.SECOND_HEAD): a complaint about a
    bill nobody explained is costs information and communication at once, and that head learns
    to rank the other one next."""
    return [Example(r.text, r.alt_category, r.urgency, r.is_complaint, r.id + SECOND_SUFFIX,
                    weight, None, frozenset({SECOND_HEAD}))
            for r in rows if r.is_complaint and r.alt_category
            and r.alt_category != r.category]


def grouped_cross_validation(seed_rows: Sequence[LabelledRow], real_rows: Sequence[LabelledRow], *,
                             folds: int = 5, params: dict[str, Any] = PARAMS,
                             extra: Sequence[Example] = (),
                             framed: list[list[Prediction]] | None = None) -> list[Prediction]:
    """Out-of-fold predictions for every real row, each from a model that never saw its source.

    Each fold trains as `mailbot train` does (seed training split + the other folds' real
    texts + `extra`, the handlers' corrections), so the figures say how the recipe does on real
    wording from unseen sites. With `framed` (an empty list), it is filled with one list per
    FRAMING_PROBES wording: each fold's model on its rows inside that frame.
    """
    if not real_rows:
        raise ValueError("no real rows to cross-validate")
    predictions: list[Prediction | None] = [None] * len(real_rows)
    in_frames: list[list[Prediction | None]] = [[None] * len(real_rows) for _ in FRAMING_PROBES]
    for train_idx, test_idx in group_folds(real_rows, folds):
        fold_real = [real_rows[i] for i in train_idx]
        examples = training_examples(seed_rows, fold_real, params) + list(extra)
        model = train_model(examples, params)
        texts = [real_rows[i].text for i in test_idx]
        for i, prediction in zip(test_idx, model.predict(texts)):
            predictions[i] = prediction
        if framed is not None:
            for probe, out in zip(FRAMING_PROBES, in_frames):
                for i, prediction in zip(test_idx,
                                         model.predict([framed_text(t, probe) for t in texts])):
                    out[i] = prediction
    if framed is not None:
        framed.extend([p for p in out if p is not None] for out in in_frames)
    return [p for p in predictions if p is not None]


def real_text_score(seed_rows: Sequence[LabelledRow], real_rows: Sequence[LabelledRow], *,
                    folds: int = 5, params: dict[str, Any] = PARAMS,
                    extra: Sequence[Example] = ()) -> dict[str, Any]:
    """The grouped real-text score of a training recipe, as the promotion gate records it: category
    macro-F1 of out-of-fold predictions, with what it was measured on (a fingerprint of the real
    rows' texts and labels, and the number of folds) so that only like is compared with like."""
    predictions = grouped_cross_validation(seed_rows, real_rows, folds=folds, params=params,
                                           extra=extra)
    gold = [r.category for r in real_rows]
    pred = [p.category for p in predictions]
    labels = [c for c in CATEGORIES if c in set(gold) | set(pred)]
    macro_f1 = f1_score(gold, pred, labels=labels, average="macro", zero_division=0)
    return {"category_macro_f1": _r(macro_f1),
            "real_sha256": data_fingerprint([r.example() for r in real_rows]),
            "folds": len(group_folds(real_rows, folds)), "n": len(real_rows)}


# How a complaint says it is one, in wordings that mailbot.triage.framing does NOT train on
# (a test keeps the two apart): put before or after a held-out complaint, they should move it
# to no other category, least of all complaint_handling.
FRAMING_PROBES: tuple[tuple[str, str], ...] = (
    ("I am making a formal complaint about your firm.", ""),
    ("Re: complaint.", ""),
    ("I have a serious complaint.", ""),
    ("Ms C complained that", ""),
    ("", "I want this treated as a complaint."),
    ("This letter is a complaint.", ""),
)


def framed_text(text: str, probe: tuple[str, str]) -> str:
    """`text` inside one probe frame."""
    return " ".join(part for part in (probe[0], text, probe[1]) if part)


def framing_probe(model: TriageModel, rows: Sequence[LabelledRow]) -> dict[str, Any]:
    """`framing_scores` for one model's predictions on `rows`, as written and in each frame."""
    texts = [r.text for r in rows]
    return framing_scores(rows, model.predict(texts),
                          [model.predict([framed_text(t, p) for t in texts])
                           for p in FRAMING_PROBES])


def framing_scores(rows: Sequence[LabelledRow], as_written: Sequence[Prediction],
                   framed: Sequence[Sequence[Prediction]]) -> dict[str, Any]:
    """Category macro-F1 over `rows`' complaints as written and in each frame, how many each
    puts in complaint_handling (against how many are), and the model's urgency macro-F1."""
    keep = [i for i, r in enumerate(rows) if r.is_complaint]
    if not keep:
        raise ValueError("no complaints to probe")
    gold = [rows[i].category for i in keep]
    gold_urgency = [rows[i].urgency for i in keep]

    def scored(predictions: Sequence[Prediction]) -> tuple[float, int, float]:
        predicted = [predictions[i].category for i in keep]
        labels = sorted(set(gold) | set(predicted))
        urgency = [predictions[i].urgency for i in keep]
        return (_r(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
                predicted.count("complaint_handling"),
                _r(f1_score(gold_urgency, urgency, labels=list(URGENCIES), average="macro",
                            zero_division=0)))

    return {"complaints": len(keep), "handling_true": gold.count("complaint_handling"),
            "as_written": scored(as_written), "framed": [scored(p) for p in framed]}


def format_framing_probe(name: str, probe: dict[str, Any]) -> str:
    """One line: what saying "this is a complaint" does to the category."""
    f1s = [f1 for f1, _n, _u in probe["framed"]]
    handling = [n for _f1, n, _u in probe["framed"]]
    urgency = [u for _f1, _n, u in probe["framed"]]
    written = probe["as_written"]
    return (f"framed as a complaint, {name} ({probe['complaints']} complaints, "
            f"{len(probe['framed'])} wordings not trained on): category macro-F1 "
            f"{min(f1s):.2f}-{max(f1s):.2f} (as written {written[0]:.2f}); put in "
            f"complaint_handling {min(handling)}-{max(handling)} (as written {written[1]}; "
            f"{probe['handling_true']} are); urgency macro-F1 (model) "
            f"{min(urgency):.2f}-{max(urgency):.2f} (as written {written[2]:.2f})")


def group_folds(rows: Sequence[LabelledRow], folds: int) -> list[tuple[list[int], list[int]]]:
    """(train, test) index lists; all rows of a source group fall on one side of each fold."""
    groups = [r.group or r.id for r in rows]
    splitter = GroupKFold(n_splits=min(folds, len(set(groups))))
    return [(list(a), list(b)) for a, b in splitter.split(list(rows), groups=groups)]


def measure(model: TriageModel, rows: Sequence[LabelledRow], *, now: datetime, country: str = "GB",
            subdivision: str | None = None, tz: str = "Europe/London") -> dict[str, Any]:
    """All held-out figures, as a JSON-ready dict (also what goes into the sidecar)."""
    if not rows:
        raise ValueError("no rows to evaluate")
    predictions = model.predict([r.text for r in rows])
    return measure_predictions(rows, predictions, now=now, country=country,
                               subdivision=subdivision, tz=tz)


def measure_predictions(rows: Sequence[LabelledRow], predictions: Sequence[Prediction], *,
                        now: datetime, country: str = "GB", subdivision: str | None = None,
                        tz: str = "Europe/London") -> dict[str, Any]:
    """The figures for predictions already made (by one model, or out-of-fold by several)."""
    if not rows or len(rows) != len(predictions):
        raise ValueError("need one prediction per row")
    combined = [
        suggest(r.text, message_time(r.day, now), p, country=country, subdivision=subdivision,
                timezone=tz) for r, p in zip(rows, predictions)
    ]
    gold_cat = [r.category for r in rows]
    pred_cat = [p.category for p in predictions]
    shown_cat = [s.category for s in combined]
    top2 = [
        r.category in {label
                       for label, _ in p.category_top2} for r, p in zip(rows, predictions)
    ]
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
            "macro_f1": _r(
                f1_score(gold_cat, pred_cat, labels=cat_labels, average="macro", zero_division=0)),
            "top2_accuracy": _r(float(np.mean(top2))),
            "combined_accuracy": _r(accuracy_score(gold_cat, shown_cat)),
            "combined_macro_f1": _r(
                f1_score(gold_cat, shown_cat, labels=cat_labels, average="macro",
                         zero_division=0)),
            "labels": cat_labels,
            "report": classification_report(gold_cat, pred_cat, labels=cat_labels, zero_division=0,
                                            output_dict=True),
            "confusion": confusion_matrix(gold_cat, pred_cat, labels=cat_labels).tolist(),
        },
        "urgency": {
            "model_accuracy": _r(accuracy_score(gold_urg, model_urg)),
            "model_macro_f1": _r(
                f1_score(gold_urg, model_urg, labels=urg_labels, average="macro",
                         zero_division=0)),
            "combined_accuracy": _r(accuracy_score(gold_urg, rules_urg)),
            "combined_macro_f1": _r(
                f1_score(gold_urg, rules_urg, labels=urg_labels, average="macro",
                         zero_division=0)),
            "critical_recall": _r(
                recall_score(gold_urg, rules_urg, labels=["critical"], average="macro",
                             zero_division=0)) if n_critical else None,
            "critical_n": n_critical,
            "labels": urg_labels,
            "confusion": confusion_matrix(gold_urg, rules_urg, labels=urg_labels).tolist(),
        },
        "is_complaint": {
            "accuracy": _r(
                accuracy_score([r.is_complaint for r in rows],
                               [p.is_complaint for p in predictions])),
            **_complaint_signal_scores(rows, combined),
        },
        "uncertain": _uncertainty(rows, combined),
        "flags": {
            flag: _flag_scores(flag, rows, combined)
            for flag in FLAGS
        },
    }


INTERVAL_ROUNDS = 1000


def intervals(rows: Sequence[LabelledRow], predictions: Sequence[Prediction], *, now: datetime,
              rounds: int = INTERVAL_ROUNDS, country: str = "GB",
              tz: str = "Europe/London") -> dict[str, tuple[float, float] | None]:
    """95% intervals of the headline figures, by resampling whole sources with replacement.

    A few hundred texts from a few hundred sites give figures that move by several points from
    one sample to the next; a difference inside these intervals is not evidence of a better
    model. Texts from one source are alike, so a source is resampled as a whole (a row without
    a source is its own). Deterministic: the same rows and predictions give the same intervals.
    """
    combined = [suggest(r.text, message_time(r.day, now), p, country=country, timezone=tz)
                for r, p in zip(rows, predictions)]
    gold = np.array([r.category for r in rows])
    pred = np.array([p.category for p in predictions])
    top2 = np.array([r.category in {c for c, _ in p.category_top2}
                     for r, p in zip(rows, predictions)])
    critical = np.array([r.urgency == "critical" for r in rows])
    raised = np.array([s.urgency == "critical" for s in combined])
    complaint = np.array([r.is_complaint for r in rows])
    called_not = np.array([s.complaint_signal == "not_complaint" for s in combined])
    members: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        members.setdefault(r.group or r.id, []).append(i)
    sources = list(members.values())
    rng = np.random.default_rng(0)
    samples: dict[str, list[float]] = {name: [] for name in _INTERVAL_NAMES}
    for _ in range(rounds):
        picked = rng.integers(0, len(sources), len(sources))
        idx = np.concatenate([sources[k] for k in picked])
        labels = sorted(set(gold[idx]) | set(pred[idx]))
        samples["category_macro_f1"].append(
            f1_score(gold[idx], pred[idx], labels=labels, average="macro", zero_division=0))
        samples["top2_accuracy"].append(float(top2[idx].mean()))
        for name, among, hit in (("critical_recall", critical, raised),
                                 ("complaints_kept", complaint, ~called_not),
                                 ("non_complaints_recognised", ~complaint, called_not)):
            chosen = among[idx]
            if chosen.any():
                samples[name].append(float(hit[idx][chosen].mean()))
    return {name: (_r(np.percentile(v, 2.5)), _r(np.percentile(v, 97.5))) if v else None
            for name, v in samples.items()}


_INTERVAL_NAMES = {
    "category_macro_f1": "category macro-F1",
    "top2_accuracy": "top-2",
    "critical_recall": "critical recall",
    "complaints_kept": "complaints kept",
    "non_complaints_recognised": "non-complaints recognised",
}


def format_intervals(name: str, found: dict[str, tuple[float, float] | None], sources: int) -> str:
    """One line: each headline figure's 95% interval."""
    parts = [f"{label} {bounds[0]:.2f}-{bounds[1]:.2f}"
             for key, label in _INTERVAL_NAMES.items() if (bounds := found.get(key)) is not None]
    return (f"95% intervals, {name} (bootstrap over {sources} source groups, {INTERVAL_ROUNDS} "
            f"resamples): " + ", ".join(parts))


def _complaint_signal_scores(rows: Sequence[LabelledRow],
                             combined: Sequence[Suggestion]) -> dict[str, Any]:
    """How the three-way signal treats real complaints and non-complaints.

    "complaints kept" counts complaints NOT signalled not_complaint (uncertain ones go to a
    person, which keeps them safe); "non-complaints recognised" counts non-complaints signalled
    not_complaint. Precision of not_complaint: of what was called not a complaint, how much was.
    """
    complaints = [s.complaint_signal for r, s in zip(rows, combined) if r.is_complaint]
    others = [s.complaint_signal for r, s in zip(rows, combined) if not r.is_complaint]
    recognised = sum(s == "not_complaint" for s in others)
    called_not = recognised + sum(s == "not_complaint" for s in complaints)
    return {
        "complaints": len(complaints), "non_complaints": len(others),
        "complaints_kept": _ratio(sum(s != "not_complaint" for s in complaints), len(complaints)),
        "complaints_called_complaint": _ratio(sum(s == "complaint" for s in complaints),
                                              len(complaints)),
        "non_complaints_recognised": _ratio(recognised, len(others)),
        "non_complaints_recognised_or_uncertain": _ratio(sum(s != "complaint" for s in others),
                                                         len(others)),
        "not_complaint_precision": _ratio(recognised, called_not),
        "signals": {signal: sum(s.complaint_signal == signal for s in combined)
                    for signal in ("complaint", "uncertain", "not_complaint")},
    }


def _uncertainty(rows: Sequence[LabelledRow], combined: Sequence[Suggestion]) -> dict[str, Any]:
    """Where the model says it is unsure, and whether it is right to be (lenient: a second
    acceptable category counts as right)."""
    def right(r: LabelledRow, s: Suggestion) -> bool:
        return s.category in {r.category, r.alt_category}

    sure = [right(r, s) for r, s in zip(rows, combined) if not s.category_uncertain]
    unsure = [right(r, s) for r, s in zip(rows, combined) if s.category_uncertain]
    unsure_top2 = [bool({r.category, r.alt_category} & {c for c, _ in s.category_top2})
                   for r, s in zip(rows, combined) if s.category_uncertain]
    return {"share": _ratio(len(unsure), len(rows)),
            "accuracy_when_sure": _ratio(sum(sure), len(sure)),
            "accuracy_when_uncertain": _ratio(sum(unsure), len(unsure)),
            "top2_when_uncertain": _ratio(sum(unsure_top2), len(unsure_top2)),
            "lenient_accuracy": _ratio(sum(sure) + sum(unsure), len(rows))}


def _ratio(part: int, whole: int) -> float | None:
    return _r(part / whole) if whole else None


COMPARISON_ROWS = (
    ("category macro-F1 (model)", ("category", "macro_f1")),
    ("category top-2 accuracy", ("category", "top2_accuracy")),
    ("category accuracy, second acceptable counts", ("uncertain", "lenient_accuracy")),
    ("urgency macro-F1 (rules + model)", ("urgency", "combined_macro_f1")),
    ("critical recall (rules + model)", ("urgency", "critical_recall")),
    ("complaints kept (not called not_complaint)", ("is_complaint", "complaints_kept")),
    ("non-complaints recognised (not_complaint)", ("is_complaint", "non_complaints_recognised")),
    ("category marked uncertain", ("uncertain", "share")),
)


def format_comparison(columns: Sequence[tuple[str, dict[str, Any]]]) -> str:
    """Headline figures of several measurements side by side (a Markdown table)."""
    lines = ["| figure | " + " | ".join(name for name, _ in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for label, (section, key) in COMPARISON_ROWS:
        values = [_fmt(metrics.get(section, {}).get(key)) for _, metrics in columns]
        lines.append(f"| {label} | " + " | ".join(values) + " |")
    return "\n".join(lines)


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
        f"category (model): accuracy {cat['accuracy']:.3f}  macro-F1 {cat['macro_f1']:.3f}  top-2 "
        "accuracy "
        f"{cat['top2_accuracy']:.3f}",
        f"category (rules + model): accuracy {cat['combined_accuracy']:.3f}  macro-F1 "
        f"{cat['combined_macro_f1']:.3f}",
        f"urgency (model): accuracy {urg['model_accuracy']:.3f}  macro-F1 "
        f"{urg['model_macro_f1']:.3f}",
        f"urgency (rules + model): accuracy {urg['combined_accuracy']:.3f}  macro-F1 "
        f"{urg['combined_macro_f1']:.3f}"
        + (f"  critical recall {urg['critical_recall']:.3f} (of {urg['critical_n']})"
           if urg["critical_recall"] is not None else "  critical recall n/a (no critical rows)"),
        f"is_complaint: accuracy {metrics['is_complaint']['accuracy']:.3f}",
        _signal_line(metrics["is_complaint"]),
        _uncertain_line(metrics.get("uncertain", {})), "flags (rules + model): " +
        "  ".join(f"{flag} P {_fmt(v['precision'])} R {_fmt(v['recall'])} (n={v['support']})"
                  for flag, v in metrics.get("flags", {}).items()), "",
        f"{'category':<22}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}",
    ]
    for label in cat["labels"]:
        row = cat["report"][label]
        lines.append(f"{label:<22}{row['precision']:>10.2f}{row['recall']:>8.2f}{row['f1-score']:>7.2f}"
                     f"{int(row['support']):>9}")
    lines += [
        "", "category confusion (rows = true, columns = predicted):",
        _matrix(cat["labels"], cat["confusion"]), "",
        "urgency confusion, rules + model (rows = true, columns = predicted):",
        _matrix(urg["labels"], urg["confusion"])
    ]
    return "\n".join(lines)


def _signal_line(c: dict[str, Any]) -> str:
    if "signals" not in c:
        return "complaint signal: n/a"
    return (f"complaint signal: complaints kept {_fmt(c['complaints_kept'])} "
            f"(of {c['complaints']}; called "
            f"complaint {_fmt(c['complaints_called_complaint'])}), non-complaints recognised "
            f"{_fmt(c['non_complaints_recognised'])} (of {c['non_complaints']}; with uncertain "
            f"{_fmt(c['non_complaints_recognised_or_uncertain'])}), not_complaint precision "
            f"{_fmt(c['not_complaint_precision'])}; signals {c['signals']}")


def _uncertain_line(u: dict[str, Any]) -> str:
    if not u:
        return "category uncertain: n/a"
    return (f"category uncertain on {_fmt(u['share'])} of messages: accuracy when sure "
            f"{_fmt(u['accuracy_when_sure'])}, when uncertain "
            f"{_fmt(u['accuracy_when_uncertain'])} "
            f"(right one in the top two {_fmt(u['top2_when_uncertain'])}); lenient accuracy "
            f"(second acceptable category counts) {_fmt(u['lenient_accuracy'])}")


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _matrix(labels: list[str], matrix: list[list[int]]) -> str:
    short = [label[:6] for label in labels]
    head = " " * 22 + "".join(f"{s:>7}" for s in short)
    body = [f"{label:<22}" + "".join(f"{v:>7}" for v in row) for label, row in zip(labels, matrix)]
    return "\n".join([head, *body])
