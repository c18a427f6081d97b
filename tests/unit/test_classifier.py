"""The classifier artifact: trains deterministically, round-trips through skops, refuses what it should."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
import skops.io as sio
from sklearn.feature_extraction.text import HashingVectorizer

from mailbot.triage import classifier, features
from mailbot.triage.classifier import Example, train_model
from mailbot.triage.features import WORD_TOKEN, char_wb_ngrams, word_ngrams
from mailbot.errors import ModelMismatch
from mailbot.triage import framing, voice
from mailbot.triage.evaluation import (FRAMING_PROBES, SECOND_SUFFIX, LabelledRow, framing_probe,
                                       load_rows, measure, second_category_copies,
                                       training_examples)
from mailbot.triage.framing import framed_copies
from mailbot.triage.prefilter import GatedPattern

from .triage_samples import tiny_rows

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "models"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def examples() -> list[Example]:
    return [Example(str(r["text"]), str(r["category"]), str(r["urgency"]), bool(r["is_complaint"]), str(r["id"]),
                    flags=frozenset(r["flags"])) for r in tiny_rows()]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("model")
    classifier.save(train_model(examples()), directory, metrics={"note": "test"}, trained_at="2026-03-02T10:00:00")
    return directory


def test_the_file_keeps_single_precision_weights_and_the_loaded_model_predicts_as_trained(
        tmp_path: Path) -> None:
    import numpy as np

    trained = train_model(examples())
    classifier.save(trained, tmp_path, metrics={"note": "test"}, trained_at="2026-03-02T10:00:00")
    with zipfile.ZipFile(tmp_path / classifier.MODEL_FILE) as archive:  # half the file
        dtypes = {np.load(io.BytesIO(archive.read(name))).dtype for name in archive.namelist()
                  if name.endswith(".npy") and np.load(io.BytesIO(archive.read(name))).ndim == 2}
    assert np.dtype(np.float64) not in dtypes and np.dtype(np.float32) in dtypes
    loaded = classifier.load(tmp_path)
    assert {p[-1].coef_.dtype for p in loaded.pipelines.values()} == {np.dtype(np.float64)}
    assert {p[-1].coef_.dtype for p in trained.pipelines.values()} == {np.dtype(np.float64)}
    texts = [str(r["text"]) for r in tiny_rows()]
    ours, theirs = loaded.predict(texts), trained.predict(texts)
    assert [(p.category, p.urgency, p.is_complaint) for p in ours] == \
        [(p.category, p.urgency, p.is_complaint) for p in theirs]
    assert [p.category_confidence for p in ours] == \
        pytest.approx([p.category_confidence for p in theirs], abs=1e-4)


def test_predictions_carry_ranked_probabilities(model_dir: Path) -> None:
    model = classifier.load(model_dir)
    [pred] = model.predict(["You sent my bank statements to the wrong person, a data breach"])
    assert pred.category == "data_security"
    assert pred.category_top[0] == (pred.category, pred.category_confidence)
    probabilities = [p for _, p in pred.category_top]
    assert probabilities == sorted(probabilities, reverse=True)
    assert 0.0 < sum(probabilities) <= 1.0 + 1e-6
    assert pred.urgency in {"critical", "normal", "low"}
    assert pred.is_complaint == (pred.complaint_probability >= 0.5)
    flags = dict(pred.flag_probabilities)
    assert set(flags) == {"insurer_notification"}  # the only flag the tiny corpus has examples of
    assert flags["insurer_notification"] > 0.5


def test_corrections_without_flag_labels_do_not_train_the_flag_heads() -> None:
    unlabelled = [Example(e.text, e.category, e.urgency, e.is_complaint, e.id) for e in examples()]
    model = train_model(unlabelled)
    assert not any(head.startswith(classifier.FLAG_HEAD) for head in model.pipelines)
    assert model.predict(["anything"])[0].flag_probabilities == ()


def test_sidecar_records_versions_labels_data_hash_and_metrics(model_dir: Path) -> None:
    sidecar = json.loads((model_dir / classifier.SIDECAR_FILE).read_text())
    import sklearn
    import skops
    assert sidecar["sklearn_version"] == sklearn.__version__
    assert sidecar["skops_version"] == skops.__version__
    assert sidecar["labels"]["category"] == sorted({str(r["category"]) for r in tiny_rows()})
    assert sidecar["training_data_sha256"] == classifier.data_fingerprint(examples())
    assert sidecar["metrics"] == {"note": "test"}
    assert sidecar["trained_at"] == "2026-03-02T10:00:00"


def test_data_hash_ignores_order_but_not_labels() -> None:
    data = examples()
    assert classifier.data_fingerprint(data) == classifier.data_fingerprint(list(reversed(data)))
    changed = [Example(data[0].text, "other", data[0].urgency, data[0].is_complaint, data[0].id)] + data[1:]
    assert classifier.data_fingerprint(changed) != classifier.data_fingerprint(data)


def test_training_is_deterministic() -> None:
    texts = ["Nobody calls me back", "Your invoice is outrageous", "Thanks, what are your hours?"]
    first = train_model(examples()).predict(texts)
    second = train_model(list(reversed(examples()))).predict(texts)
    assert first == second


def test_version_mismatch_asks_for_retraining(model_dir: Path, tmp_path: Path) -> None:
    for name in (classifier.MODEL_FILE, classifier.SIDECAR_FILE):
        (tmp_path / name).write_bytes((model_dir / name).read_bytes())
    sidecar = json.loads((tmp_path / classifier.SIDECAR_FILE).read_text())
    sidecar["sklearn_version"] = "0.0.1"
    (tmp_path / classifier.SIDECAR_FILE).write_text(json.dumps(sidecar))
    with pytest.raises(ModelMismatch, match="retrain with `mailbot train`"):
        classifier.load(tmp_path)


def copied(model_dir: Path, to: Path, **sidecar_changes: object) -> Path:
    for name in (classifier.MODEL_FILE, classifier.SIDECAR_FILE):
        (to / name).write_bytes((model_dir / name).read_bytes())
    sidecar = json.loads((to / classifier.SIDECAR_FILE).read_text())
    sidecar.update(sidecar_changes)
    (to / classifier.SIDECAR_FILE).write_text(json.dumps({k: v for k, v in sidecar.items() if v != "drop"}))
    return to


def test_a_model_trained_with_other_lexicons_asks_for_retraining(model_dir: Path, tmp_path: Path) -> None:
    # An upgrade that rewords a lexicon: the old model's lexicon columns would mean other words.
    with pytest.raises(ModelMismatch, match="lexicons.*retrain with `mailbot train`"):
        classifier.load(copied(model_dir, tmp_path, lexicons="0123456789abcdef"))


def test_a_model_whose_feature_count_no_longer_matches_asks_for_retraining(
        model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A model saved before the sidecar named its lexicons, loaded by a version with one more:
    # it once loaded and then failed on the first message with a numpy error.
    older = copied(model_dir, tmp_path, lexicons="drop")
    assert classifier.load(older).predict(["my lawyer never calls me back"])
    monkeypatch.setattr(features, "_LEXICON_PATTERNS",
                        [*features._LEXICON_PATTERNS, GatedPattern("x", at_word_start=False)])
    with pytest.raises(ModelMismatch, match="features.*retrain with `mailbot train`"):
        classifier.load(older)


def test_missing_model_asks_for_training(tmp_path: Path) -> None:
    with pytest.raises(ModelMismatch, match="mailbot train"):
        classifier.load(tmp_path)


class Unexpected:
    """A type no model file should contain."""


def test_file_with_untrusted_types_is_refused(model_dir: Path, tmp_path: Path) -> None:
    (tmp_path / classifier.SIDECAR_FILE).write_bytes((model_dir / classifier.SIDECAR_FILE).read_bytes())
    sio.dump({"category": Unexpected()}, tmp_path / classifier.MODEL_FILE)
    with pytest.raises(ModelMismatch, match="trusted"):
        classifier.load(tmp_path)


def test_features_match_scikit_learns_analyzers() -> None:
    text = "Completion on 12 December, the buyers' solicitor hasn't replied!  Twice."
    char = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    word = HashingVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=WORD_TOKEN).build_analyzer()
    assert char_wb_ngrams(text) == char(text)
    assert word_ngrams(text) == word(text)


@pytest.mark.skipif(not (SHIPPED / classifier.SIDECAR_FILE).exists(), reason="no shipped model yet")
def test_shipped_model_is_what_training_on_the_shipped_seed_produces() -> None:
    shipped = classifier.load(SHIPPED)
    rows = load_rows(SHIPPED / "seed")
    held_out = [r for r in rows if r.split == "test"]
    retrained = train_model(training_examples(rows, load_rows(SHIPPED / "real")))  # what `mailbot train` uses
    assert shipped.sidecar["training_data_sha256"] == retrained.sidecar["training_data_sha256"]
    texts = [r.text for r in held_out]
    ours, theirs = retrained.predict(texts), shipped.predict(texts)
    assert [(p.category, p.urgency, p.is_complaint) for p in ours] == \
        [(p.category, p.urgency, p.is_complaint) for p in theirs]
    assert [p.category_confidence for p in ours] == pytest.approx([p.category_confidence for p in theirs], abs=1e-3)
    metrics = measure(retrained, held_out, now=NOW)
    for head, key in (("category", "macro_f1"), ("urgency", "model_macro_f1")):
        assert metrics[head][key] == pytest.approx(shipped.sidecar["metrics"][head][key], abs=1e-3)
    # The runner-up comes from the second category head, whose two best other categories can be
    # all but tied: on another CPU (other BLAS kernels, other rounding) one held-out text's
    # runner-up flipped (0.8521 trained, 0.8451 retrained on the 2026-12-07 evening machine).
    # Everything above is exact; the top-2 may differ by one text.
    assert metrics["category"]["top2_accuracy"] == pytest.approx(
        shipped.sidecar["metrics"]["category"]["top2_accuracy"], abs=1.5 / len(held_out))


def test_hashers_count_every_ngram_once_and_never_across_texts() -> None:
    from mailbot.triage.features import CharNgramHasher, WordNgramHasher
    texts = ["Nobody rang back", "", "back Nobody", "Nobody rang back"]
    for hasher, grams in ((WordNgramHasher(2 ** 12), word_ngrams), (CharNgramHasher(2 ** 12), char_wb_ngrams)):
        matrix = hasher.transform(texts)
        assert matrix.shape == (4, 2 ** 12)
        assert [int(row.sum()) for row in matrix] == [len(grams(t)) for t in texts]
        assert (matrix[0] != matrix[3]).nnz == 0  # the same text always gives the same row
        assert (matrix[0] != matrix[2]).nnz > 0    # "back nobody" is a different bigram


def test_a_batch_reads_each_text_as_it_would_be_read_alone() -> None:
    """Intake classifies a fetched batch in one call; no message may be read differently for it."""
    shipped = classifier.load(SHIPPED)
    texts = [r.text for r in load_rows(SHIPPED / "seed") if r.split == "test"][:40]
    together = shipped.predict(texts)
    alone = [shipped.predict([t])[0] for t in texts]
    assert [(p.category, p.urgency, p.is_complaint) for p in together] == \
        [(p.category, p.urgency, p.is_complaint) for p in alone]
    assert [p.category_confidence for p in together] == pytest.approx([p.category_confidence for p in alone], abs=1e-9)


def test_a_giant_word_is_read_as_its_first_fifty_characters(model_dir: Path) -> None:
    """A 200 KB 'word' (a base64 blob, say) must cost what its first 50 characters cost."""
    model = classifier.load(model_dir)
    blob = "QUJD" * 50_000
    giant, head = model.probabilities([blob]), model.probabilities([blob[:50]])
    for name in giant:
        assert giant[name][1] == pytest.approx(head[name][1])


def test_a_model_saved_before_the_triage_package_still_loads(model_dir: Path, tmp_path: Path) -> None:
    """A firm's retrained model names the feature classes by their old module; an upgrade must
    not leave it without triage."""
    archive = (model_dir / classifier.MODEL_FILE).read_bytes()
    old = _rename_in_schema(archive, b'"mailbot.triage.features"', b'"mailbot.classifier_features"')
    assert sio.get_untrusted_types(data=old) != sio.get_untrusted_types(data=archive)
    (tmp_path / classifier.MODEL_FILE).write_bytes(old)
    (tmp_path / classifier.SIDECAR_FILE).write_bytes((model_dir / classifier.SIDECAR_FILE).read_bytes())
    text = ["You sent my bank statements to the wrong person, a data breach"]
    assert classifier.load(tmp_path).predict(text) == classifier.load(model_dir).predict(text)


def _rename_in_schema(archive: bytes, before: bytes, after: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                data = source.read(item)
                target.writestr(item, data.replace(before, after) if item.filename == "schema.json"
                                else data)
    return out.getvalue()


def test_the_category_head_learns_kinds_of_complaint_and_the_complaint_head_says_whether() -> None:
    """The label hierarchy: 'other' takes what the complaint head leaves over, so a message the
    model reads as no complaint has 'other' first."""
    model = train_model(examples(), dict(classifier.PARAMS, category_hierarchy=True))
    assert "other" not in model.pipelines["category"][-1].classes_  # learnt from complaints only
    thanks, breach = model.predict(["Thank you so much for all your help with the house, lovely",
                                    "You sent my bank statements to the wrong person, a data breach"])
    assert thanks.category == "other" and thanks.complaint_probability < 0.5
    assert dict(thanks.category_top)["other"] >= 1.0 - thanks.complaint_probability - 1e-4
    assert breach.category == "data_security" and breach.complaint_probability > 0.5


def test_framed_copies_never_reach_the_complaint_head() -> None:
    """A framed copy says "complaint" around a complaint: the category and urgency heads must
    learn that the frame changes neither, but the complaint head must not unlearn that such words
    do mean a complaint, so copies that teach only some heads never reach it."""
    thanks = "Thank you so much for all your help with the house, lovely"
    # copies that would teach the complaint head that thanks are complaints, if they reached it
    copies = [Example(f"{thanks} {n}", "delay", "normal", True, f"copy{n}", 3.0) for n in range(6)]
    marked = [dataclasses.replace(e, heads=framing.HEADS) for e in copies]
    plain = train_model(examples()).predict([thanks])[0].complaint_probability
    leaked = train_model(examples() + copies).predict([thanks])[0].complaint_probability
    kept_out = train_model(examples() + marked).predict([thanks])[0].complaint_probability
    assert leaked > plain + 0.2  # the copies would move the complaint head a long way
    assert kept_out == pytest.approx(plain, abs=1e-6)


def test_framed_copies_are_made_for_complaints_only_and_the_same_every_time() -> None:
    originals = examples()
    copies = framed_copies(originals)
    assert len(copies) == sum(e.is_complaint for e in originals)
    assert all(c.heads == framing.HEADS and c.flags is None for c in copies)
    assert all(c.id.endswith(framing.SUFFIX) for c in copies)
    assert copies == framed_copies(originals)
    first = next(e for e in originals if e.is_complaint)
    assert first.text in copies[0].text and copies[0].text != first.text


def test_retold_copies_tell_the_real_texts_in_the_third_person_for_two_heads_only() -> None:
    real = [Example("You lost my deeds and I'm still waiting; we told your clerk.", "delay",
                    "high", True, "r1", 6.0),
            Example("Thank you for all your help with our house.", "other", "low", False, "r2",
                    6.0)]
    copies = voice.retold_copies(real)
    assert [c.text for c in copies] == [
        "The firm lost her deeds and she's still waiting; they told the firm's clerk.",
        "Thank the firm for all the firm's help with their house."]
    assert all(c.heads == voice.HEADS == {"category", "urgency"} and c.flags is None
               for c in copies)
    assert [c.id for c in copies] == ["r1-retold", "r2-retold"]
    assert [(c.category, c.urgency, c.is_complaint, c.weight) for c in copies] == [
        (e.category, e.urgency, e.is_complaint, e.weight) for e in real]
    assert not any(c.teaches("is_complaint") for c in copies)


def test_training_retells_the_real_texts_and_not_the_seed() -> None:
    seed = load_rows(SHIPPED / "seed")[:40]
    real = load_rows(SHIPPED / "real")[:10]
    made = training_examples(seed, real)
    retold = [e for e in made if e.id.endswith(voice.SUFFIX)]
    assert sorted(e.id for e in retold) == sorted(r.id + voice.SUFFIX for r in real)
    assert not any(e.id.endswith(voice.SUFFIX) for e in training_examples(seed, []))
    without = training_examples(seed, real, params={**classifier.PARAMS, "retold": False})
    assert len(made) - len(without) == len(real)


def test_an_example_for_the_critical_head_alone_teaches_no_other_head() -> None:
    """A probe's sentence can teach the critical head (critical_probe.py --teach) while the
    urgency head, whose examples the critical head otherwise shares, never sees it."""
    only = classifier.Example("He has a knife.", "other", "critical", True, "p1", 1.0, None,
                              frozenset({classifier.CRITICAL_HEAD}))
    assert only.teaches(classifier.CRITICAL_HEAD) and only.label(classifier.CRITICAL_HEAD) == "yes"
    assert not any(only.teaches(head) for head in ("category", "urgency", "is_complaint",
                                                   classifier.SECOND_HEAD))
    urgency_only = dataclasses.replace(only, heads=frozenset({"urgency"}))
    assert urgency_only.teaches(classifier.CRITICAL_HEAD)


def test_a_second_acceptable_category_teaches_only_the_second_category_head() -> None:
    rows = [LabelledRow("r1", "You never told me the fees and never answer my calls.", None,
                        "costs_information", "normal", True, None, alt_category="communication"),
            LabelledRow("r2", "You lost my deeds.", None, "documents_funds", "high", True, None),
            LabelledRow("r3", "Thanks, that answers it.", None, "other", "low", False, None,
                        alt_category="communication"),
            LabelledRow("r4", "Still waiting.", None, "delay", "normal", True, None,
                        alt_category="delay")]
    (copy,) = second_category_copies(rows, 3.0)
    assert (copy.id, copy.text, copy.category, copy.weight) == (
        "r1-second", rows[0].text, "communication", 3.0)
    assert copy.teaches(classifier.SECOND_HEAD) and copy.label(classifier.SECOND_HEAD) == (
        "communication")
    assert not any(copy.teaches(head) for head in ("category", "urgency", "is_complaint",
                                                   "critical"))
    original = rows[0].example()
    framed = framing.framed(original)
    assert original.teaches(classifier.SECOND_HEAD) and framed.teaches(classifier.SECOND_HEAD)
    made = training_examples([], rows)
    share = classifier.PARAMS["second_category_head"]
    assert [e for e in made if e.id.endswith(SECOND_SUFFIX)] == [
        dataclasses.replace(copy, weight=classifier.PARAMS["real_weight"] * share)]
    off = training_examples([], rows, params={**classifier.PARAMS, "second_category_head": 0})
    assert not any(e.id.endswith(SECOND_SUFFIX) for e in off)


def test_the_second_category_head_changes_no_other_head_and_names_a_different_category() -> None:
    seed = load_rows(SHIPPED / "seed")[:60]
    real = [r for r in load_rows(SHIPPED / "real") if r.alt_category][:15]
    params = {**classifier.PARAMS, "framing": False, "retold": False}
    with_head = train_model(training_examples(seed, real, params), params)
    without = {**params, "second_category_head": 0}
    plain = train_model(training_examples(seed, real, without), without)
    assert classifier.SECOND_HEAD in with_head.pipelines
    assert classifier.SECOND_HEAD not in plain.pipelines
    for head in ("category", "urgency", "is_complaint"):
        assert (with_head.pipelines[head][-1].coef_ == plain.pipelines[head][-1].coef_).all()
    texts = [r.text for r in real]
    for a, b in zip(with_head.predict(texts), plain.predict(texts)):
        assert a.category_top == b.category_top, "the first choice is the category head's alone"
        assert b.category_second is None
        assert a.category_second is not None and a.category_second[0] != a.category
        assert a.category_top2[1] == a.category_second


def test_the_framing_probes_are_worded_unlike_the_training_frames() -> None:
    """The probe measures wording the model was not trained on; a shared sentence would flatter
    it."""
    trained = {part.lower().strip(" .:") for frame in framing.FRAMES for part in frame if part}
    probes = {part.lower().strip(" .:") for probe in FRAMING_PROBES for part in probe if part}
    assert not trained & probes


@pytest.mark.skipif(not (SHIPPED / classifier.SIDECAR_FILE).exists(), reason="no shipped model yet")
def test_saying_it_is_a_complaint_names_no_category_and_no_urgency() -> None:
    """"I am making a formal complaint" opens many real complaints and "Ms C complained that"
    every ombudsman narrative; neither says the complaint is about how an earlier one was handled.
    Before framed copies, the shipped model put 23-75 of the 124 held-out complaints (11 of them
    about handling) in complaint_handling inside such frames."""
    held_out = [r for r in load_rows(SHIPPED / "seed") if r.split == "test"]
    probe = framing_probe(classifier.load(SHIPPED), held_out)
    allowed = probe["handling_true"] + round(0.05 * probe["complaints"])
    assert all(handling <= allowed for _f1, handling, _u in probe["framed"]), probe
    assert all(f1 >= probe["as_written"][0] - 0.05 for f1, _n, _u in probe["framed"]), probe
    # nor does it make the complaint more urgent: urgency is how soon a person must act
    assert all(u >= probe["as_written"][2] - 0.05 for _f1, _n, u in probe["framed"]), probe


@pytest.mark.skipif(not (SHIPPED / classifier.SIDECAR_FILE).exists(), reason="no shipped model yet")
def test_a_greeting_and_a_sign_off_change_nothing() -> None:
    """People end complaints "Thanks, Jo". Read as a thank-you note, a complaint with an emergency
    in it was signalled no complaint, so no rule raised it: on the held-out split, "Hi," and
    "Thanks, Jo" around each message had cut complaints kept from 0.94 to 0.75 and critical recall
    from 0.96 to 0.78."""
    from mailbot.triage.evaluation import measure_predictions

    held_out = [r for r in load_rows(SHIPPED / "seed") if r.split == "test"]
    model = classifier.load(SHIPPED)
    wrapped = [dataclasses.replace(r, text=f"Hi,\n\n{r.text}\n\nThanks,\nJo") for r in held_out]
    as_written = measure_predictions(held_out, model.predict([r.text for r in held_out]), now=NOW)
    signed = measure_predictions(wrapped, model.predict([r.text for r in wrapped]), now=NOW)
    for head, key in (("is_complaint", "complaints_kept"), ("urgency", "critical_recall"),
                      ("category", "macro_f1")):
        assert signed[head][key] == pytest.approx(as_written[head][key], abs=0.02), (head, key)


def test_the_critical_head_asks_one_question_and_an_older_model_has_none() -> None:
    # The binary head learns critical-or-not from the urgency labels (the same examples as the
    # urgency head); a model trained without it (as before this head existed) says None.
    rows = examples()
    assert {e.label(classifier.CRITICAL_HEAD) for e in rows} == {"yes", "no"}
    assert all((e.label(classifier.CRITICAL_HEAD) == "yes") == (e.urgency == "critical") for e in rows)
    model = train_model(rows)
    assert classifier.CRITICAL_HEAD in model.pipelines
    critical = [e.text for e in rows if e.urgency == "critical"]
    calm = [e.text for e in rows if e.urgency == "low"]
    p_critical = [p.critical_probability for p in model.predict(critical)]
    p_calm = [p.critical_probability for p in model.predict(calm)]
    assert min(p_critical) > max(p_calm)  # on its own training texts, at least
    without = train_model(rows, {**classifier.PARAMS, "critical_head": False})
    assert classifier.CRITICAL_HEAD not in without.pipelines
    assert without.predict(["anything"])[0].critical_probability is None
    framed = dataclasses.replace(rows[0], heads=framing.HEADS)
    assert framed.teaches(classifier.CRITICAL_HEAD)  # a framed copy teaches urgency, so this too
    # A firm's own data with no critical example trains, without the head (the rules still raise).
    calm_only = [dataclasses.replace(e, urgency="high") if e.urgency == "critical" else e
                 for e in rows]
    assert classifier.CRITICAL_HEAD not in train_model(calm_only).pipelines


def test_a_model_with_the_critical_head_saves_and_loads(model_dir: Path) -> None:
    model = classifier.load(model_dir)
    assert classifier.CRITICAL_HEAD in model.pipelines
    [pred] = model.predict(["The completion money has vanished from the client account today"])
    assert pred.critical_probability is not None and 0.0 <= pred.critical_probability <= 1.0


def test_a_fault_told_before_your_office_is_a_fault_of_our_service() -> None:
    # s0464 (the synthetic held-out split): "the bank tells me ... that they have never received a
    # request from your office" read as a routine request; the lexicon had only "your office ...
    # never", not the fault first.
    from mailbot.triage.lexicon import LEXICONS

    ours = re.compile(LEXICONS["fault_of_our_service"])
    assert ours.search("the bank tells me they have never received a request from your office")
    assert ours.search("your office never sent the request to the bank")
    assert not ours.search("the bank tells me they have never received a request from my brother")
    assert not ours.search("we never heard from the bank. your office has been very helpful")
