"""The real-text corpus: every item keeps its provenance, and no reserved source is ever used."""

from __future__ import annotations

import json
from datetime import date
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from mailbot.triage import CATEGORIES, FLAGS, URGENCIES

REAL = Path(__file__).resolve().parents[2] / "models" / "real"
KEYS = ["id", "text", "date", "category", "alt_category", "secondary", "urgency", "is_complaint", "flags",
        "group", "source", "licence", "kind", "retrieved", "note"]
# Reserved by issue 15 for independent evaluation: never a source of training or tuning data.
RESERVED_DOMAINS = ("legalombudsman.org.uk", "sra.org.uk", "scottishlegalcomplaints.org.uk", "lsra.ie",
                    "clc-uk.org", "financial-ombudsman.org.uk", "fos.org.uk", "legalcomplaints.org.uk",
                    "olso.org")
RESERVED_REPOS = ("hazyresearch/legalbench", "ghostof0days/reddit-data-scraper")
# The Law Society Gazette's "Conduct and service" casebook retells regulators' (OSS/LCS) cases.
RESERVED_PATHS = ("lawgazette.co.uk/news/conduct-and-service/",
                  "lawgazette.co.uk/law/conduct-and-service/")
PRECEDENCE = ("integrity_misconduct", "data_security", "complaint_handling")


def items() -> list[dict[str, object]]:
    return [json.loads(line) for line in (REAL / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def test_every_real_item_has_provenance_a_licence_note_and_a_group() -> None:
    rows = items()
    assert rows, "the real corpus is empty"
    for row in rows:
        assert list(row) == KEYS, row["id"]
        source = str(row["source"])
        is_url = urlparse(source).scheme in ("http", "https") and urlparse(source).netloc
        is_repo = re.fullmatch(r"[\w.-]+/[\w.-]+ \S+ [0-9a-f]{40}", source)  # owner/name path commit
        assert is_url or is_repo, f"{row['id']}: source must be a URL or 'owner/repo path commit'"
        assert len(str(row["licence"])) >= 20, f"{row['id']}: licence note missing"
        assert str(row["group"]).strip(), f"{row['id']}: no source group"
        assert str(row["text"]).strip() and str(row["retrieved"]).strip()
        # `mailbot evaluate` reads the date to place relative dates ("next Tuesday")
        assert row["date"] is None or date.fromisoformat(str(row["date"])), row["id"]


@pytest.mark.parametrize("row", items(), ids=lambda r: str(r["id"]))
def test_no_reserved_source_appears(row: dict[str, object]) -> None:
    source = str(row["source"]).lower()
    host = urlparse(source).netloc
    assert not any(host == d or host.endswith("." + d) for d in RESERVED_DOMAINS), source
    assert not any(repo in source for repo in RESERVED_REPOS), source
    assert not any(path in source for path in RESERVED_PATHS), source


def test_labels_follow_domain_md() -> None:
    rows = items()
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["text"] for r in rows}) == len(rows), "duplicate text"
    for row in rows:
        assert row["category"] in CATEGORIES and row["urgency"] in URGENCIES, row["id"]
        assert row["alt_category"] is None or row["alt_category"] in CATEGORIES
        assert set(row["flags"]) <= set(FLAGS), row["id"]  # type: ignore[arg-type]
        secondary = list(row["secondary"])  # type: ignore[call-overload]
        assert row["category"] not in secondary and len(set(secondary)) == len(secondary)
        if not row["is_complaint"]:
            assert row["category"] == "other" and not secondary and row["urgency"] in ("low", "normal")
        for label in secondary:  # the primary drives handling: nothing listed may outrank it
            if label in PRECEDENCE:
                primary = str(row["category"])
                assert primary in PRECEDENCE and PRECEDENCE.index(primary) < PRECEDENCE.index(label), row["id"]
