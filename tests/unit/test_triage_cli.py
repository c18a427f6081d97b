"""The functions behind `mailbot classify`, `mailbot train` and `mailbot evaluate`."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from mailbot.triage import classifier
from mailbot.cli.triage_tools import classify_stream, evaluate, train

from .triage_samples import tiny_rows, write_seed

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)  # a Thursday


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("triage")
    seed = write_seed(base / "seed")
    train(base / "model", seed, [], now=NOW)
    return base


def run(lines: list[str], model_dir: Path | None) -> list[dict[str, object]]:
    out = io.StringIO()
    count = classify_stream(lines, out, model_dir, now=NOW)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(records)
    return records


def test_each_line_gets_one_answer_and_bad_lines_do_not_stop_the_stream(trained: Path) -> None:
    lines = [json.dumps({"text": "Nobody returns my calls or answers my emails"}),
             "{not json",
             json.dumps({"date": "2026-11-26"}),
             json.dumps({"text": "hello", "date": "the day after"}),
             json.dumps(["a list"]),
             json.dumps({"id": "m7", "text": "You sent my documents to the wrong person", "date": "2026-11-26"})]
    records = run(lines, trained / "model")
    assert len(records) == 6
    assert [("error" in r) for r in records] == [False, True, True, True, True, False]
    first = records[0]
    assert set(first) == {"category", "category_confidence", "category_top", "urgency", "urgency_confidence",
                          "is_complaint", "flags", "reasons", "category_top2", "category_uncertain",
                          "complaint_probability", "complaint_signal", "secondary_categories",
                          "area_of_law"}
    # the first choice, and the runner-up the second category head names beside it
    assert first["category_top2"][0] == first["category_top"][0]
    assert len(first["category_top2"]) == 2 and first["category_top2"][1][0] != first["category"]
    assert isinstance(first["category_uncertain"], bool)
    assert 0.0 <= first["complaint_probability"] <= 1.0
    assert first["complaint_signal"] in {"complaint", "not_complaint", "uncertain"}
    assert first["category"] == "communication"
    assert first["category_top"][0] == [first["category"], first["category_confidence"]]
    last = records[-1]
    assert last["id"] == "m7"
    assert last["urgency"] == "critical"
    assert last["flags"] == sorted(last["flags"])


def test_relative_dates_use_the_lines_own_date(trained: Path) -> None:
    text = "The hearing is on Monday and my file is still not ready, this is not good enough."
    [early] = run([json.dumps({"text": text, "date": "2026-11-26"})], trained / "model")
    assert "mentions a hearing on 2026-11-30, 2 working days away" in early["reasons"]
    [later] = run([json.dumps({"text": text, "date": "2026-12-03T09:00:00+00:00"})], trained / "model")
    assert "mentions a hearing on 2026-12-07, 2 working days away" in later["reasons"]


def test_without_a_model_only_rules_run() -> None:
    [record] = run([json.dumps({"text": "Your new bank details email looked odd, I paid it anyway."})], None)
    assert record["urgency"] == "critical"
    assert record["category"] == "other"


def test_train_promotes_a_first_model_and_writes_the_sidecar(trained: Path) -> None:
    sidecar = json.loads((trained / "model" / classifier.SIDECAR_FILE).read_text())
    assert sidecar["metrics"]["n"] == sum(1 for r in tiny_rows() if r["split"] == "test")
    assert 0.0 <= sidecar["metrics"]["category"]["macro_f1"] <= 1.0
    assert sidecar["trained_at"] == NOW.isoformat(timespec="seconds")


def _a_better_model_installed(tmp_path: Path) -> tuple[Path, bytes, list[dict[str, object]]]:
    """An installed model that has seen the held-out rows (so it scores perfectly on them), and
    corrections that make a poorer candidate (every communication text relabelled
    costs_excessive)."""
    rows = tiny_rows()
    everything = write_seed(tmp_path / "all", [dict(r, split="train") for r in rows] + rows[-1:])
    model_dir = tmp_path / "model"
    classifier.save(classifier.train_model([r.example() for r in _rows(everything)]), model_dir, metrics={},
                    trained_at="before")
    bad: list[dict[str, object]] = [
        {"text": str(r["text"]), "category": "costs_excessive", "urgency": "normal", "is_complaint": True}
        for r in rows if r["category"] == "communication"] * 3
    return model_dir, (model_dir / classifier.MODEL_FILE).read_bytes(), bad


def test_train_keeps_the_current_model_when_the_new_one_scores_lower(tmp_path: Path) -> None:
    model_dir, before, bad = _a_better_model_installed(tmp_path)
    report = train(model_dir, write_seed(tmp_path / "seed"), bad, now=NOW)
    assert not report.promoted
    assert report.current_macro_f1 is not None and report.new_macro_f1 < report.current_macro_f1
    assert (model_dir / classifier.MODEL_FILE).read_bytes() == before
    assert "kept the current model" in report.text
    assert f"new {report.new_macro_f1:.3f}, current {report.current_macro_f1:.3f}" in report.text


def test_force_installs_a_lower_scoring_model_and_says_so(tmp_path: Path) -> None:
    model_dir, before, bad = _a_better_model_installed(tmp_path)
    report = train(model_dir, write_seed(tmp_path / "seed"), bad, now=NOW, force=True)
    assert report.promoted and report.forced
    assert (model_dir / classifier.MODEL_FILE).read_bytes() != before
    assert "promoted by --force" in report.text and "scores lower" in report.text


def test_corrections_with_unknown_labels_are_skipped(tmp_path: Path) -> None:
    corrections = [{"text": "fine", "category": "not-a-category", "urgency": "normal", "is_complaint": True},
                   {"text": "Nobody rings back", "category": "communication", "urgency": "low", "is_complaint": True}]
    report = train(tmp_path / "model", write_seed(tmp_path / "seed"), corrections, now=NOW)
    assert (report.n_corrections, report.n_skipped_corrections) == (1, 1)


def test_evaluate_reports_the_figures_a_reviewer_needs(trained: Path) -> None:
    text = evaluate(trained / "seed", trained / "model", now=NOW)
    for needle in ("macro-F1", "top-2 accuracy", "critical recall", "category confusion", "data_security",
                   "skipped 25 training rows", "95% intervals"):
        assert needle in text


def _rows(directory: Path) -> list:
    from mailbot.triage.evaluation import load_rows
    return [r for r in load_rows(directory) if r.split != "test"]


def _real_dir(base: Path) -> Path:
    """A few 'real' rows in three source groups (the tiny corpus's texts, reworded by group)."""
    rows = []
    for number, row in enumerate(r for r in tiny_rows() if r["split"] == "train"):
        group = ("site-a", "site-b", "site-c")[number % 3]
        rows.append(dict(row, id=f"r{number:04d}", text=f"{row['text']} ({group})", split=None, group=group,
                         alt_category=None))
    return write_seed(base / "real", rows)


def test_grouped_folds_never_put_one_source_on_both_sides(tmp_path: Path) -> None:
    from mailbot.triage.evaluation import group_folds, load_rows

    rows = load_rows(_real_dir(tmp_path))
    folds = group_folds(rows, 5)
    assert len(folds) == 3  # no more folds than groups
    for train_idx, test_idx in folds:
        assert {rows[i].group for i in train_idx}.isdisjoint({rows[i].group for i in test_idx})
    assert sorted(i for _, test in folds for i in test) == list(range(len(rows)))


def test_standard_evaluation_sets_synthetic_and_grouped_real_figures_side_by_side(trained: Path) -> None:
    from mailbot.cli.triage_tools import evaluate_standard

    text = evaluate_standard(trained / "model", trained / "seed", _real_dir(trained), folds=5)
    assert "| figure | synthetic held-out (5) | real, 3-fold grouped CV (25, 3 sources) |" in text
    for needle in ("| category macro-F1 (model) |", "| category top-2 accuracy |", "| critical recall (rules + model) |",
                   "| non-complaints recognised (not_complaint) |", "complaint signal: complaints kept",
                   "category uncertain on", "== real texts, cross-validated by source group",
                   "95% intervals, real texts, grouped CV (bootstrap over 3 source groups"):
        assert needle in text


def test_train_learns_from_the_real_texts_too(tmp_path: Path) -> None:
    report = train(tmp_path / "model", write_seed(tmp_path / "seed"), [], now=NOW, real_dir=_real_dir(tmp_path))
    assert report.n_real == 25
    assert "+ 25 real texts" in report.text
    sidecar = json.loads((tmp_path / "model" / classifier.SIDECAR_FILE).read_text())
    complaints = sum(1 for r in tiny_rows() if r["split"] == "train" and r["is_complaint"])
    # the seed's 25, the real 25, a framed copy of every complaint among them, and a retold copy
    # of every real text
    assert sidecar["n_training_examples"] == 25 + 25 + 2 * complaints + 25


SWAPS = {"communication": "delay", "delay": "communication", "costs_excessive": "data_security",
         "data_security": "costs_excessive"}


def _swapped(categories: tuple[str, ...], split: str = "train") -> list[dict[str, object]]:
    """Bad corrections: every `split` text of `categories` relabelled as its partner in SWAPS
    (swapping keeps the class sizes, so balanced class weights cannot hide the damage)."""
    return [{"text": str(r["text"]), "category": SWAPS[str(r["category"])], "urgency": "normal",
             "is_complaint": True}
            for r in tiny_rows() if r["category"] in categories and r["split"] == split]


def test_with_real_texts_their_grouped_score_is_the_gate(tmp_path: Path) -> None:
    from mailbot.triage.evaluation import load_rows, real_text_score

    seed, real_dir = write_seed(tmp_path / "seed"), _real_dir(tmp_path)
    seen = [dict(r, split="train") for r in tiny_rows()] + tiny_rows()[-1:]
    everything = write_seed(tmp_path / "all", seen)
    # Installed: a model that has seen the held-out rows (perfect on the synthetic split), whose
    # recorded grouped real-text score is that of a recipe taught four categories back to front.
    poor = real_text_score(load_rows(seed), load_rows(real_dir), extra=[
        classifier.Example(str(c["text"]), str(c["category"]), "normal", True, weight=2.0) for c in
        _swapped(tuple(SWAPS))])
    model_dir = tmp_path / "model"
    installed = classifier.train_model([r.example() for r in _rows(everything)])
    classifier.save(installed, model_dir, metrics={}, trained_at="before", real_score=poor)
    # Candidate: worse on the synthetic split (corrections swap two held-out texts' categories)
    # but better on the real texts than the installed model's record.
    bad = _swapped(("communication", "delay"), "test") * 3
    report = train(model_dir, seed, bad, now=NOW, real_dir=real_dir)
    assert report.current_macro_f1 is not None and report.new_macro_f1 < report.current_macro_f1
    assert report.current_real_f1 == poor["category_macro_f1"]
    assert report.new_real_f1 is not None and report.new_real_f1 > report.current_real_f1
    assert report.promoted and report.gate == "real"
    sidecar = json.loads((model_dir / classifier.SIDECAR_FILE).read_text())
    assert sidecar["real_score"]["category_macro_f1"] == report.new_real_f1
    assert "grouped real-text category macro-F1 (the gate): new" in report.text


def test_a_lower_grouped_real_score_keeps_the_installed_model(tmp_path: Path) -> None:
    seed, real_dir = write_seed(tmp_path / "seed"), _real_dir(tmp_path)
    model_dir = tmp_path / "model"
    first = train(model_dir, seed, [], now=NOW, real_dir=real_dir)
    assert first.promoted and first.current_real_f1 is None  # nothing installed yet
    before = (model_dir / classifier.MODEL_FILE).read_bytes()
    bad = _swapped(("communication", "delay"))
    second = train(model_dir, seed, bad, now=NOW, real_dir=real_dir)
    assert second.current_real_f1 == first.new_real_f1
    assert second.new_real_f1 is not None and second.new_real_f1 < second.current_real_f1
    assert not second.promoted and (model_dir / classifier.MODEL_FILE).read_bytes() == before


def test_a_score_recorded_on_other_real_texts_is_not_compared(tmp_path: Path) -> None:
    seed, model_dir = write_seed(tmp_path / "seed"), tmp_path / "model"
    train(model_dir, seed, [], now=NOW, real_dir=_real_dir(tmp_path / "a"))
    other = _real_dir(tmp_path / "b")
    lines = (other / "corpus_01.jsonl").read_text().splitlines()[:-1]  # one real text fewer
    (other / "corpus_01.jsonl").write_text("\n".join(lines) + "\n")
    report = train(model_dir, seed, _swapped(tuple(SWAPS)), now=NOW, real_dir=other)
    assert report.current_real_f1 is None and report.promoted
    assert "none (the installed model has no score on these real texts)" in report.text


def _labelled(n_groups: int, right_groups: int) -> tuple[list, list]:
    """Rows in `n_groups` sources of four texts each; the model is right on every text of the
    first `right_groups` sources and wrong on every text of the rest."""
    from mailbot.triage import Prediction
    from mailbot.triage.evaluation import LabelledRow

    rows, predictions = [], []
    for g in range(n_groups):
        for k in range(4):
            gold = ("delay", "costs_excessive")[k % 2]
            guess = gold if g < right_groups else ("communication" if k % 2 else "advice_quality")
            rows.append(LabelledRow(id=f"r{g}-{k}", text="I have waited months for an answer.", day=None,
                                    category=gold, urgency="normal", is_complaint=True, split=None,
                                    group=f"site-{g}"))
            predictions.append(Prediction(category=guess, category_confidence=0.8,
                                          category_top=((guess, 0.8), ("other", 0.1)), urgency="normal",
                                          urgency_confidence=0.7, is_complaint=True, complaint_probability=0.9))
    return rows, predictions


def test_intervals_say_how_far_a_figure_can_move_with_other_sources() -> None:
    """A reviewer comparing two models needs to know whether the difference is noise: each
    headline figure comes with a 95% interval from resampling whole sources."""
    from mailbot.triage.evaluation import format_intervals, intervals

    perfect = intervals(*_labelled(6, 6), now=NOW, rounds=200)
    assert perfect["category_macro_f1"] == perfect["top2_accuracy"] == (1.0, 1.0)
    rows, predictions = _labelled(12, 6)
    half = intervals(rows, predictions, now=NOW, rounds=200)
    low, high = half["top2_accuracy"]
    assert low < 0.5 < high and high - low > 0.2  # half the sources right: it could be either way
    assert intervals(rows, predictions, now=NOW, rounds=200) == half  # the same rows, the same answer
    assert half["non_complaints_recognised"] is None  # no non-complaint among them: no figure
    line = format_intervals("real", half, 12)
    assert "over 12 source groups" in line and f"top-2 {low:.2f}-{high:.2f}" in line


def test_intervals_resample_a_source_as_a_whole() -> None:
    """Four texts of one site are one piece of evidence, not four: with every text of a source
    right or wrong together, the interval is as wide as the sources' count says, not narrower."""
    from mailbot.triage.evaluation import intervals

    rows, predictions = _labelled(12, 6)
    by_source = intervals(rows, predictions, now=NOW, rounds=400)["top2_accuracy"]
    assert by_source is not None
    as_rows = intervals([r.__class__(**{**r.__dict__, "group": None}) for r in rows], predictions,
                        now=NOW, rounds=400)["top2_accuracy"]
    assert as_rows is not None
    assert by_source[1] - by_source[0] > as_rows[1] - as_rows[0]
