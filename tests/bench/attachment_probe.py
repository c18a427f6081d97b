"""What attaching the complaint as a letter does to triage on real texts (not collected by
pytest).

Run: .venv/bin/python tests/bench/attachment_probe.py [--off | --letterhead]

Clients often complain by attaching a letter under a covering note. Grouped 5-fold
cross-validation over models/real, each fold trained as `mailbot train` trains; every held-out
text is put into a PDF (lines wrapped at 80 characters, as a word processor's "Save as PDF"
leaves them) and a Word .docx (a paragraph per line of the text), read back by
document_worker.py's readers, joined to the email as intake joins them (documents.appended) and
read as triage reads an email (triage/reading.py), under "Please see my letter attached."
`--off` reads the same emails without their documents, as before 2026-12-06; `--letterhead`
reads a letter's addresses, date and reference as its words too. Takes a few minutes.
"""

from __future__ import annotations

import sys
import textwrap
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailbot.document_worker import pdf_text, word_text  # noqa: E402
from mailbot.documents import MAX_CHARS, MAX_PAGES, Reading, appended  # noqa: E402
import mailbot.triage.reading as reading  # noqa: E402
from mailbot.triage.reading import mail_for_triage  # noqa: E402
from mailbot.trimming import trim_reply  # noqa: E402
from tests.bench.probe_table import run_probe  # noqa: E402
from tests.document_samples import make_docx, make_pdf  # noqa: E402

STREETS = ["12 Mill Lane", "Flat 3, 41 Victoria Road", "The Old Rectory, Church Street",
           "88 Kingsway", "7 Orchard Close"]
TOWNS = ["Leeds LS6 2AB", "Bristol BS8 1QU", "Norwich NR2 4PD", "Cardiff CF10 3AT",
         "Stockport SK4 1HE"]
NAMES = ["Jo Bloggs", "Mr A. Khan", "Mrs Patricia Doyle", "S. Okafor", "David Lloyd-Evans"]


def _letter(text: str) -> str:
    """The text laid out as a posted letter: sender's address, date, the firm's address, a
    reference, "Dear Sirs," and "Yours faithfully" (varied per text, as real letters vary)."""
    k = sum(map(ord, text[:40]))
    return (f"{NAMES[k % 5]}\n{STREETS[k % 5]}\n{TOWNS[(k // 5) % 5]}\n\n{1 + k % 28} "
            f"{['March', 'June', 'October', 'December'][k % 4]} 2026\n\nHarbour & Vale LLP\n"
            f"{STREETS[(k + 2) % 5]}\n{TOWNS[(k + 3) % 5]}\n\nYour ref: HV/{k % 9000}\n\n"
            f"Dear Sirs,\n\n{text}\n\nYours faithfully,\n\n{NAMES[k % 5]}")


NOTE = "Hello,\n\nPlease see my letter attached.\n\nKind regards\nSam"  # neutral, as any letter
ON = "--off" not in sys.argv


def _as_pdf(text: str) -> str:
    lines = [wrapped for line in text.splitlines()
             for wrapped in (textwrap.wrap(line, 80) or [""])]
    pages = [lines[i:i + 50] for i in range(0, max(len(lines), 1), 50)]
    safe = [[line.encode("cp1252", "replace").decode("cp1252") for line in page]
            for page in pages]  # what Helvetica's WinAnsi encoding can print
    return pdf_text(make_pdf(safe), MAX_PAGES, MAX_CHARS)


def _as_docx(text: str) -> str:
    return word_text(make_docx(text.splitlines()))


def _email(name: str, extract: object, text: str, layout: object = str) -> str:
    read = [Reading(name, extract(layout(text)))] if ON else []  # type: ignore[operator]
    body = appended(NOTE, read)
    return mail_for_triage("My matter", NOTE, body)


def main() -> None:
    if "--letterhead" in sys.argv:  # read letters with their letterhead, as before 2026-12-06
        reading.without_letterhead = lambda text: text
    run_probe(f"attached documents read: {'on' if ON else 'OFF'}"
              f"{', letterhead read' if '--letterhead' in sys.argv else ''}", "email", {
        "as written": lambda text: mail_for_triage("", trim_reply(text), text),
        "PDF under \"Please see my letter attached.\"": partial(_email, "complaint.pdf",
                                                                    _as_pdf),
        "Word .docx under the same note": partial(_email, "complaint.docx", _as_docx),
        "PDF laid out as a letter (addresses, date, reference), same note": partial(
            _email, "complaint.pdf", _as_pdf, layout=_letter),
    })


if __name__ == "__main__":
    main()
