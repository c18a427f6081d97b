"""What the way people type does to triage on real texts (not collected by pytest).

Run: .venv/bin/python tests/bench/case_probe.py

Grouped 5-fold cross-validation over models/real, each fold trained as `mailbot train` trains;
every held-out text read as written, all in lower case, all in capitals, and in lower case with
no punctuation or apostrophes (as typed on a phone). Prints the table of probe_table.py.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.probe_table import run_probe  # noqa: E402

_PUNCTUATION = re.compile(r"[.,;:!?'’\"()]")


def main() -> None:
    run_probe("typing styles", "style", {
        "as written": lambda text: text,
        "all lower case": str.lower,
        "ALL CAPITALS": str.upper,
        "lower case, no punctuation or apostrophes": lambda text: _PUNCTUATION.sub(
            "", text.lower()),
    })


if __name__ == "__main__":
    main()
