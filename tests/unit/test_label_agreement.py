"""The second and third readings of the real corpus (tests/bench/label_agreement.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "bench"))

import label_agreement as la  # noqa: E402

from mailbot.triage.suggestion import CATEGORIES, URGENCIES  # noqa: E402


def test_each_reader_read_every_real_text_once_with_valid_labels() -> None:
    corpus = [json.loads(line)["id"]
              for line in la.CORPUS.read_text(encoding="utf-8").splitlines()]
    rows = [json.loads(line) for line in la.INDEPENDENT.read_text(encoding="utf-8").splitlines()]
    for reader in ("A", "B"):
        ids = [r["id"] for r in rows if r["annotator"] == reader]
        assert sorted(ids) == sorted(corpus), reader
    for row in rows:
        assert set(row) == {"id", "annotator", "is_complaint", "category", "alt_category",
                            "urgency"}
        assert row["category"] in CATEGORIES and row["urgency"] in URGENCIES
        assert row["alt_category"] in (None, *CATEGORIES)
        if not row["is_complaint"]:
            assert row["category"] == "other" and row["alt_category"] is None


def _row(category: str, urgency: str, complaint: bool = True) -> dict:
    return {"category": category, "urgency": urgency, "is_complaint": complaint,
            "alt_category": None}


def test_two_readers_of_three_outvote_the_shipped_label_and_a_three_way_split_keeps_it() -> None:
    readers = {"S": {"x": _row("delay", "high"), "y": _row("delay", "high")},
               "A": {"x": _row("communication", "critical"), "y": _row("costs_excessive", "low")},
               "B": {"x": _row("communication", "high"), "y": _row("advice_quality", "normal")}}
    voted = la.majority(readers, ["x", "y"])
    assert voted["x"] == {"is_complaint": True, "category": "communication", "urgency": "high"}
    assert voted["y"] == {"is_complaint": True, "category": "delay", "urgency": "high"}


def test_a_non_complaint_counts_as_other_whatever_category_it_carries() -> None:
    readers = {"S": {"x": _row("delay", "normal")},
               "A": {"x": _row("delay", "low", complaint=False)},
               "B": {"x": _row("costs_excessive", "low", complaint=False)}}
    assert la.majority(readers, ["x"])["x"] == {"is_complaint": False, "category": "other",
                                                "urgency": "low"}
