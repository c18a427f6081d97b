"""What forwarding does to triage on real texts (not collected by pytest).

Run: .venv/bin/python tests/bench/forward_probe.py [--off]

A client often complains by forwarding what they wrote to their solicitor, with a line or
nothing above it. Grouped 5-fold cross-validation over models/real, each fold trained as
`mailbot train` trains; every held-out text is read as mailbot reads an email
(triage/reading.py) as written and forwarded the way Gmail, Outlook and Apple Mail forward,
under a neutral note ("Please see below.", "FYI") or none. `--off` reads the same emails without
the forwarded mail (only the subject and the new words, as before 2026-12-06). Prints category
macro-F1, top-2, urgency macro-F1 (rules + model), critical recall, complaints kept and
non-complaints recognised for each. Takes a few minutes.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import mailbot.triage.reading as reading  # noqa: E402
from mailbot.trimming import trim_reply  # noqa: E402
from tests.bench.probe_table import run_probe  # noqa: E402

_HEADERS = "From: Sam Client <sam@example.org>\n{date}Subject: My matter\nTo: {to}\n\n"
WRAPPERS = {
    "as written": ("", "{text}"),
    "Gmail forward under \"Please see below.\"": (
        "Fwd: My matter",
        "Please see below.\n\n---------- Forwarded message ---------\n"
        + _HEADERS.format(date="Date: Tue, 1 Dec 2026 at 09:12\n",
                          to="Alex Law <alex@firm.example>") + "{text}"),
    "Outlook forward under \"FYI\"": (
        "FW: My matter",
        "FYI\n\n________________________________\n"
        + _HEADERS.replace("{date}", "Sent: 01 December 2026 09:12\n").format(
            to="Alex Law <alex@firm.example>") + "{text}"),
    "Apple Mail forward, no note": (
        "Fwd: My matter",
        "\n\nBegin forwarded message:\n\n"
        + _HEADERS.format(date="Date: 1 December 2026 at 09:12:00 GMT\n",
                          to="Alex Law <alex@firm.example>") + "{text}"),
}


def read(subject: str, body: str) -> str:
    """The text triage reads of an email with this subject and plain-text body."""
    return reading.mail_for_triage(subject, trim_reply(body), body)


def main() -> None:
    if "--off" in sys.argv:
        reading.forwards = lambda subject, text: False  # what mail_for_triage asks
    run_probe(f"forwarded mail read: {'OFF' if '--off' in sys.argv else 'on'}", "email",
              {name: partial(_as_email, *email) for name, email in WRAPPERS.items()})


def _as_email(subject: str, body: str, text: str) -> str:
    return read(subject, body.replace("{text}", text))


if __name__ == "__main__":
    main()
