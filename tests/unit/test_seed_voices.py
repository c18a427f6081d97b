"""The seed's voices files (models/seed/README.md, "Voices"): valid, training only, weighed as
the recipe says, and written, not copied from the real texts the grouped CV scores on."""

from __future__ import annotations

import json
import re
from pathlib import Path

from mailbot.triage import framing
from mailbot.triage.classifier import PARAMS
from mailbot.triage.evaluation import VOICES_PREFIX, load_rows, training_examples

MODELS = Path(__file__).resolve().parents[2] / "models"
SEED = MODELS / "seed"
RUN = 12  # words in a row that two independent writers would not share by chance


def _load_checker():
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_corpus", SEED / "check_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def test_the_seed_with_its_voices_passes_its_checker(capsys) -> None:
    assert _load_checker().main([str(SEED)]) == 0, capsys.readouterr().err


def test_voices_rows_only_train_and_weigh_what_the_recipe_says() -> None:
    rows = load_rows(SEED)
    voices = [r for r in rows if r.id.startswith(VOICES_PREFIX)]
    assert len(voices) == 900 and all(r.split == "train" for r in voices)
    weights = {e.id: e.weight for e in training_examples(rows, (), PARAMS)}
    assert {weights[r.id] for r in voices} == {PARAMS["voices_weight"]} != {1.0}
    # no framed copies of them (the seed's own complaints keep theirs)
    assert not any(r.id + framing.SUFFIX in weights for r in voices)
    assert any(r.id + framing.SUFFIX in weights for r in rows if r.id.startswith("s"))
    assert {weights[r.id] for r in rows if r.split == "train" and r not in voices} == {1.0}


def test_no_voices_text_is_copied_from_a_real_text() -> None:
    real: set[tuple[str, ...]] = set()
    for line in (MODELS / "real" / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        real |= _runs(json.loads(line)["text"])
    copied = [r.id for r in load_rows(SEED) if r.id.startswith(VOICES_PREFIX)
              and _runs(r.text) & real]
    assert copied == []
