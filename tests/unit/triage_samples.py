"""A tiny labelled corpus for classifier tests, written to a temp dir in the seed format.

Small and deterministic so tests train in well under a second; it does not try to be
realistic, only to give every head at least two labels and a held-out split.
"""

from __future__ import annotations

import json
from pathlib import Path

TOPICS = {
    "delay": ("The sale has stalled for months and nothing is moving on my file",
              "Weeks go by and my probate still is not done, everything is so slow"),
    "communication": ("Nobody returns my calls or answers my emails",
                      "I have left five voicemails and had no reply to any of them"),
    "costs_excessive": ("Your bill is far too high for the work done, the invoice is excessive",
                        "I dispute the invoice, the fees charged are outrageous for a simple lease"),
    "data_security": ("You sent my documents to the wrong person, a data breach",
                      "I received someone else's passport and bank statements by email"),
    "other": ("Thank you for your help, just a quick question about parking at your office",
              "Could you tell me your opening hours over the holiday period please"),
}
URGENCY = {"delay": "normal", "communication": "low", "costs_excessive": "normal", "data_security": "critical",
           "other": "low"}
SUFFIXES = ("", " Please reply.", " This is not good enough.", " I am very unhappy.", " Regards, Sam",
            " Thanks.")


def tiny_rows() -> list[dict[str, object]]:
    """30 rows: 6 per category, the last of each category held out as "test"."""
    rows: list[dict[str, object]] = []
    number = 0
    for category, texts in TOPICS.items():
        for i, suffix in enumerate(SUFFIXES):
            number += 1
            rows.append({"id": f"s{number:04d}", "text": texts[i % 2] + suffix, "date": "2026-03-02",
                         "category": category, "secondary": [], "urgency": URGENCY[category],
                         "is_complaint": category != "other",
                         "flags": ["insurer_notification"] if category == "data_security" else [],
                         "split": "test" if i == len(SUFFIXES) - 1 else "train"})
    return rows


def write_seed(directory: Path, rows: list[dict[str, object]] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r) for r in (rows if rows is not None else tiny_rows())]
    (directory / "corpus_01.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory
