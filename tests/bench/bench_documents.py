"""Attached documents: what reading one costs (the child process included), for letters of
1, 5 and 60 pages, Word and OpenDocument letters, a scan and a photo (tesseract), and a hostile
file, and pypdf beside pdfminer.six on the same PDFs.

    python -m tests.bench.bench_documents [--rounds 5]

Prints medians; pdfminer.six is measured only when it is installed (it is not a dependency:
`pip install pdfminer.six` to compare). Synthetic files (tests/document_samples.py): text-layer
PDFs as office programs write them, a .docx, an .odt, and pages rendered by Pillow as a scanner
or a phone gives them.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from typing import Callable

from mailbot.document_reader import read_documents
from mailbot.document_worker import pdf_text
from mailbot.documents import MAX_PAGES, ToRead
from tests.document_samples import letter_picture, make_docx, make_odt, make_pdf
from tests.integration.test_document_reader import _deflated_spaces, _pdf_with_stream

LINE = "I instructed your firm on the purchase of my flat and completion has slipped twice now."


def _letter(pages: int) -> list[list[str]]:
    return [[f"Page {n}"] + [LINE] * 40 for n in range(1, pages + 1)]


def _median(call: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    files = {
        "PDF, 1 page": ToRead("a.pdf", "pdf", make_pdf(_letter(1))),
        "PDF, 5 pages": ToRead("b.pdf", "pdf", make_pdf(_letter(5))),
        f"PDF, 60 pages (first {MAX_PAGES} read)": ToRead("c.pdf", "pdf", make_pdf(_letter(60))),
        "Word .docx, 2 pages": ToRead("d.docx", "docx", make_docx([LINE] * 80)),
        "OpenDocument .odt, 2 pages": ToRead("e.odt", "odt", make_odt(["Complaint"] + [LINE] * 80)),
        "scanned PDF, 1 page (150 dpi)": ToRead("g.pdf", "pdf", letter_picture(
            [LINE[:45], LINE[45:]] * 12, fmt="PDF")),
        "phone photo of a letter (JPEG)": ToRead("h.jpg", "image", letter_picture(
            [LINE[:45], LINE[45:]] * 12)),
        "PDF, 800 MB deflated into 0.8 MB": ToRead("f.pdf", "pdf", _pdf_with_stream(
            _deflated_spaces(b"BT /F1 11 Tf 72 760 Td (x) Tj ET\n", 800))),
    }
    print(f"{'file':<40} {'bytes':>9} {'read, child process incl.':>26}  result")
    for label, doc in files.items():
        (reading,) = read_documents([doc])
        seconds = _median(lambda: read_documents([doc]), rounds)
        result = reading.problem or f"{len(reading.text):,} characters"
        print(f"{label:<40} {len(doc.data):>9,} {seconds * 1000:>23.0f} ms  {result}")
    try:
        from pdfminer.high_level import extract_text
    except ImportError:
        print("pdfminer.six not installed: no comparison")
        return
    print(f"\n{'in-process text extraction':<40} {'pypdf':>9} {'pdfminer.six':>13}")
    for label in ("PDF, 1 page", "PDF, 5 pages"):
        data = files[label].data
        ours = _median(lambda: pdf_text(data, MAX_PAGES, 10**9), rounds)
        theirs = _median(lambda: extract_text(io.BytesIO(data)), rounds)
        print(f"{label:<40} {ours * 1000:>6.1f} ms {theirs * 1000:>10.1f} ms")


if __name__ == "__main__":
    main()
