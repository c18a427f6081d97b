"""What a greeting and a sign-off do to triage on real texts (not collected by pytest).

Run: .venv/bin/python tests/bench/salutation_probe.py [--off]

Grouped 5-fold cross-validation over models/real, each fold trained as `mailbot train` trains;
every held-out text is predicted as written and inside five wrappers ("Hi," / "Thanks, Jo",
"Dear Sir or Madam," / "Yours faithfully, John Smith", "Many thanks, Sam", "Thanks in advance
for your help.", "Thank you for your time." / "Kind regards, Jo"). `--off` runs the
same recipe with mailbot.triage.salutations switched off (in training and reading), to show what
it buys. Prints category macro-F1, top-2, urgency macro-F1 (rules + model), critical recall,
complaints kept and non-complaints recognised for each. Takes a few minutes.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import mailbot.triage.suggestion as suggestion  # noqa: E402
from tests.bench.probe_table import run_probe  # noqa: E402

WRAPPERS = {
    "as written": ("", ""),
    "Hi, ... Thanks, Jo": ("Hi,\n\n", "\n\nThanks,\nJo"),
    "Dear Sir or Madam, ... Yours faithfully": ("Dear Sir or Madam,\n\n",
                                                "\n\nYours faithfully,\nJohn Smith"),
    "... Many thanks, Sam": ("", "\n\nMany thanks\nSam"),
    "... Thanks in advance for your help.": ("", "\n\nThanks in advance for your help."),
    "... Thank you for your time. / Kind regards, Jo": (
        "", "\n\nThank you for your time.\n\nKind regards,\nJo"),
}


def main() -> None:
    if "--off" in sys.argv:
        suggestion.without_salutations = lambda text: text  # what triage_reading calls
    run_probe(f"salutation stripping {'OFF' if '--off' in sys.argv else 'on'}", "wrapper",
              {name: partial(_wrap, a, b) for name, (a, b) in WRAPPERS.items()})


def _wrap(before: str, after: str, text: str) -> str:
    return f"{before}{text}{after}"

if __name__ == "__main__":
    main()
