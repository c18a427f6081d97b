"""What attaching the complaint as a letter does to triage on real texts (not collected by
pytest).

Run: .venv/bin/python tests/bench/attachment_probe.py [--off]

Clients often complain by attaching a letter under a covering note. Grouped 5-fold
cross-validation over models/real, each fold trained as `mailbot train` trains; every held-out
text is put into a PDF (lines wrapped at 80 characters, as a word processor's "Save as PDF"
leaves them) and a Word .docx (a paragraph per line of the text), read back by
document_worker.py's readers, joined to the email as intake joins them (documents.appended) and
read as triage reads an email (triage/reading.py), under "Please find my complaint attached."
`--off` reads the same emails without their documents, as before 2026-12-06. Takes a few
minutes.
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
from mailbot.triage.reading import mail_for_triage  # noqa: E402
from mailbot.trimming import trim_reply  # noqa: E402
from tests.bench.probe_table import run_probe  # noqa: E402
from tests.document_samples import make_docx, make_pdf  # noqa: E402

NOTE = "Hello,\n\nPlease find my complaint attached.\n\nKind regards\nSam"
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


def _email(name: str, extract: object, text: str) -> str:
    read = [Reading(name, extract(text))] if ON else []  # type: ignore[operator]
    body = appended(NOTE, read)
    return mail_for_triage("Complaint", NOTE, body)


def main() -> None:
    run_probe(f"attached documents read: {'on' if ON else 'OFF'}", "email", {
        "as written": lambda text: mail_for_triage("", trim_reply(text), text),
        "PDF under \"Please find my complaint attached.\"": partial(_email, "complaint.pdf",
                                                                    _as_pdf),
        "Word .docx under the same note": partial(_email, "complaint.docx", _as_docx),
    })


if __name__ == "__main__":
    main()
