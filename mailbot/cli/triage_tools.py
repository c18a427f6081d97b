"""Plain functions behind `mailbot classify`, `mailbot train` and `mailbot evaluate`.

The CLI module wires these into typer; keeping them free of typer makes them easy to test
and to call from a scheduled job. This is the shell: it may read the clock when the
caller passes no `now`, and it does file I/O. Logs never contain complaint text.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timezone as dt_timezone
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from ..triage import classifier
from ..triage.classifier import Example, TriageModel
from ..errors import ModelMismatch
from ..triage import CATEGORIES, URGENCIES, Prediction, suggest, suggestion_record
from ..triage.evaluation import (LabelledRow, format_comparison, format_framing_probe,
                                 format_intervals, format_report, framing_probe, framing_scores,
                                 grouped_cross_validation, intervals, load_rows, measure,
                                 measure_predictions, real_text_score, training_examples)

log = logging.getLogger(__name__)
BATCH = 256
# Undated real texts are read as written on this day, so evaluation figures are the same every
# time they are measured (a mid-January Thursday: no bank holiday within ten working days).
EVALUATION_TIME = datetime(2026, 1, 15, 12, 0, tzinfo=dt_timezone.utc)


def classify_stream(lines_in: Iterable[str], out: TextIO, model_dir: str | os.PathLike[str] | None,
                    *, now: datetime | None = None, country: str = "GB",
                    subdivision: str | None = None, timezone: str = "Europe/London") -> int:
    """Read JSON lines {"text": ..., "date": optional ISO} and write one JSON line per input.

    A line that cannot be read yields {"error": ...} and the stream goes on. With
    `model_dir=None` only the rules run. Returns the number of lines answered.
    """
    model = classifier.load(model_dir) if model_dir is not None else None
    now = now or datetime.now(dt_timezone.utc)
    zone = ZoneInfo(timezone)
    answered = 0
    for batch in _batches(lines_in, BATCH):
        parsed = [_parse_line(line, now, zone) for line in batch]
        texts = [p[0] for p in parsed if not isinstance(p, str)]
        predictions = iter(model.predict(texts)) if model is not None and texts else iter(())
        for item in parsed:
            if isinstance(item, str):
                record: dict[str, Any] = {"error": item}
            else:
                text, when, extra = item
                prediction = next(predictions) if model is not None else None
                record = {
                    **extra,
                    **suggestion_record(
                        suggest(text, when, prediction, country=country,
                                subdivision=subdivision, timezone=timezone))
                }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            answered += 1
        out.flush()
    return answered


def _batches(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        batch.append(line)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parse_line(line: str, now: datetime,
                zone: ZoneInfo) -> tuple[str, datetime, dict[str, Any]] | str:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not JSON: {exc.msg} at column {exc.colno}"
    except ValueError as exc:  # e.g. a number too long to convert
        return f"not JSON: {exc}"
    if not isinstance(raw, dict):
        return "each line must be a JSON object"
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        return "missing or empty \"text\""
    extra = {"id": raw["id"]} if "id" in raw else {}
    value = raw.get("date")
    if value in (None, ""):
        return text, now, extra
    if not isinstance(value, str):
        return "\"date\" must be an ISO date or date-time string"
    try:
        return text, parse_message_date(value, zone), extra
    except ValueError:
        return f"\"date\" is not an ISO date or date-time: {value!r}"


def parse_message_date(value: str, zone: ZoneInfo) -> datetime:
    """ISO date or date-time -> aware datetime; a bare date is noon in the firm's zone, a naive
    time is local."""
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(12), tzinfo=zone)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


@dataclass(frozen=True)
class TrainReport:
    """What `mailbot train` did: the scores it compared, and whether the new model replaced the old.

    With real texts present the gate is their grouped score (`new_real_f1` against the installed
    model's recorded `current_real_f1`); without them it is the synthetic held-out split.
    """

    promoted: bool
    new_macro_f1: float
    current_macro_f1: float | None
    n_seed: int
    n_corrections: int
    n_skipped_corrections: int
    n_test: int
    metrics: Mapping[str, Any]
    model_dir: str
    n_real: int = 0
    new_real_f1: float | None = None
    current_real_f1: float | None = None
    forced: bool = False  # installed by --force although the comparison said keep the old one

    @property
    def gate(self) -> str:
        """Which score decided promotion: the firm's real texts when there are any, since the
        synthetic split flatters a model."""
        return "real" if self.new_real_f1 is not None else "synthetic"

    @property
    def text(self) -> str:
        """The report as the admin reads it after `mailbot train`: what it trained on, the
        scores, and whether the new model went in."""
        current = (f"{self.current_macro_f1:.3f}" if self.current_macro_f1 is not None
                   else "none (no usable model)")
        verdict = ("promoted by --force: the new model is installed although it scores lower"
                   if self.forced else "promoted: the new model is installed" if self.promoted
                   else "kept the current model: the new one scores lower")
        lines = [
            f"trained on {self.n_seed} seed examples + {self.n_real} real texts + "
            f"{self.n_corrections} corrections" +
            (f" ({self.n_skipped_corrections} corrections skipped: bad labels)"
             if self.n_skipped_corrections else ""),
            f"held-out category macro-F1: new {self.new_macro_f1:.3f}, current {current} "
            f"({self.n_test} examples)"
        ]
        if self.new_real_f1 is not None:
            real_current = (f"{self.current_real_f1:.3f}" if self.current_real_f1 is not None
                            else "none (the installed model has no score on these real texts)")
            lines.append("grouped real-text category macro-F1 (the gate): "
                         f"new {self.new_real_f1:.3f}, current {real_current} "
                         f"({self.n_real} real texts)")
        else:
            lines.append("no real texts: the gate is the synthetic held-out split")
        lines += [verdict, "", format_report(dict(self.metrics))]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text


def train(model_dir: str | os.PathLike[str], seed_dir: str | os.PathLike[str],
          corrections: Sequence[Mapping[str, Any]] = (), *, now: datetime | None = None,
          real_dir: str | os.PathLike[str] | None = None, force: bool = False) -> TrainReport:
    """Train on the seed train split + the real texts + corrections, and promote only if the new
    model does not score lower than the installed one.

    The score that decides is the one that says how the model does on real people's words: with
    real texts present, the grouped real-text category macro-F1 of the training recipe
    (cross-validation over the real texts grouped by source, corrections in every fold), compared
    with the score recorded in the installed model's sidecar for the same real texts; an installed
    model with no such record (none, or measured on other real texts) is replaced. Without real
    texts it is category macro-F1 on the seed's fixed test split. Both are reported. `force`
    installs the new model whatever the comparison says: for a change of recipe whose cost a
    developer has measured, never for routine retraining.
    """
    now = now or datetime.now(dt_timezone.utc)
    rows = load_rows(seed_dir)
    real = real_rows(real_dir)
    seed_train = [r for r in rows if r.split != "test"]
    held_out = [r for r in rows if r.split == "test"]
    if not held_out:
        raise ValueError(f"{seed_dir} has no rows with \"split\": \"test\" to measure the model on")
    extra, skipped = _corrections(corrections)
    examples = training_examples(rows, real) + extra
    candidate = classifier.train_model(examples)
    new_metrics = measure(candidate, held_out, now=now)
    current_f1 = _current_score(model_dir, held_out, now)
    new_f1 = new_metrics["category"]["macro_f1"]
    real_score = real_text_score(rows, real, extra=extra) if real else None
    current_real = _current_real_score(model_dir, real_score) if real_score else None
    if real_score is not None:
        promoted = current_real is None or real_score["category_macro_f1"] >= current_real
    else:
        promoted = current_f1 is None or new_f1 >= current_f1
    forced = force and not promoted
    promoted = promoted or force
    if promoted:
        classifier.save(candidate, model_dir, metrics=new_metrics,
                        trained_at=now.isoformat(timespec="seconds"), real_score=real_score)
    log.info("trained triage model: new macro-F1 %.3f, current %s, real %s (current %s), "
             "promoted=%s forced=%s", new_f1, current_f1,
             real_score and real_score["category_macro_f1"],
             current_real, promoted, forced)
    return TrainReport(promoted, new_f1, current_f1, len(seed_train), len(extra), skipped,
                       len(held_out), new_metrics, str(model_dir), len(real),
                       real_score["category_macro_f1"] if real_score else None, current_real,
                       forced)


def real_rows(real_dir: str | os.PathLike[str] | None) -> list[LabelledRow]:
    """The real texts, or none when there is no such directory (a firm may ship without them)."""
    if real_dir is None or not Path(real_dir).is_dir() or not any(Path(real_dir).glob("*.jsonl")):
        return []
    return load_rows(real_dir)


def _corrections(corrections: Sequence[Mapping[str, Any]]) -> tuple[list[Example], int]:
    weight = float(classifier.PARAMS["correction_weight"])
    good: list[Example] = []
    skipped = 0
    for item in corrections:
        text, category, urgency = item.get("text"), item.get("category"), item.get("urgency")
        if not isinstance(
                text,
                str) or not text.strip() or category not in CATEGORIES or urgency not in URGENCIES:
            skipped += 1
            continue
        is_complaint = item.get("is_complaint", True)
        good.append(
            Example(text, str(category), str(urgency), bool(is_complaint), str(item.get("id", "")),
                    weight))
    return good, skipped


def _current_score(model_dir: str | os.PathLike[str], held_out: list[LabelledRow],
                   now: datetime) -> float | None:
    try:
        current: TriageModel = classifier.load(model_dir)
    except ModelMismatch as exc:
        log.info("no usable current model (%s); the new one will be installed", exc)
        return None
    return measure(current, held_out, now=now)["category"]["macro_f1"]


def _current_real_score(model_dir: str | os.PathLike[str], new: Mapping[str, Any]) -> float | None:
    """The installed model's recorded grouped real-text score, if it was measured on the same real
    texts with the same folds; None when there is nothing comparable."""
    try:
        recorded = classifier.read_sidecar(model_dir).get("real_score")
    except ModelMismatch:
        return None
    if not isinstance(recorded, dict):
        return None
    if any(recorded.get(key) != new[key] for key in ("real_sha256", "folds")):
        return None
    score = recorded.get("category_macro_f1")
    return float(score) if isinstance(score, (int, float)) else None


def evaluate_standard(model_dir: str | os.PathLike[str], seed_dir: str | os.PathLike[str],
                      real_dir: str | os.PathLike[str], *, folds: int = 5,
                      now: datetime | None = None) -> str:
    """The two views side by side: the installed model on the synthetic held-out split, and the
    training recipe on real texts by cross-validation grouped by source (no site on both sides)."""
    now = now or EVALUATION_TIME
    seed = load_rows(seed_dir)
    held_out = [r for r in seed if r.split == "test"]
    model = classifier.load(model_dir)
    synthetic = measure(model, held_out, now=now)
    real = real_rows(real_dir)
    if not real:
        raise ValueError(f"no real texts in {real_dir}")
    framed: list[list[Prediction]] = []
    out_of_fold = grouped_cross_validation(seed, real, folds=folds, framed=framed)
    cross = measure_predictions(real, out_of_fold, now=now)
    groups = len({r.group or r.id for r in real})
    trained = model.sidecar.get("trained_at", "?")
    real_name = f"real, {min(folds, groups)}-fold grouped CV ({len(real)}, {groups} sources)"
    return "\n".join([
        f"model: {Path(model_dir) / classifier.MODEL_FILE} (trained {trained})", "",
        format_comparison([(f"synthetic held-out ({len(held_out)})", synthetic),
                           (real_name, cross)]), "",
        format_intervals("synthetic held-out", intervals(
            held_out, model.predict([r.text for r in held_out]), now=now), len(held_out)),
        format_intervals("real texts, grouped CV", intervals(real, out_of_fold, now=now), groups),
        format_framing_probe("synthetic held-out", framing_probe(model, held_out)),
        format_framing_probe("real texts, grouped CV", framing_scores(real, out_of_fold, framed)),
        "", "== synthetic held-out split, installed model ==", format_report(synthetic),
        "", "== real texts, cross-validated by source group (each fold trained on the seed "
            "training split and the other folds' real texts) ==", format_report(cross)])


def evaluate(path: str | os.PathLike[str], model_dir: str | os.PathLike[str], *,
             now: datetime | None = None) -> str:
    """Figures for the model on labelled rows at `path` (a JSONL file or a directory of them).

    Rows marked "split": "train" are skipped: the model has seen them.
    """
    rows = load_rows(path)
    usable = [r for r in rows if r.split != "train"]
    if not usable:
        raise ValueError(f"{path} has no labelled rows outside the training split")
    model = classifier.load(model_dir)
    now = now or datetime.now(dt_timezone.utc)
    predictions = model.predict([r.text for r in usable])
    metrics = measure_predictions(usable, predictions, now=now)
    skipped = len(rows) - len(usable)
    trained_at = model.sidecar.get('trained_at', '?')
    header = f"model: {Path(model_dir) / classifier.MODEL_FILE} (trained {trained_at})"
    sources = len({r.group or r.id for r in usable})
    return "\n".join([header] + ([f"skipped {skipped} training rows"] if skipped else []) +
                     [format_report(metrics), "",
                      format_intervals(str(path), intervals(usable, predictions, now=now),
                                       sources)])
