"""Reads one attached document's text, in a process of its own: `python -m
mailbot.document_worker KIND MAX_PAGES MAX_CHARS` with the file on standard input; prints
{"text": ...} or {"problem": ...} as JSON.

A client's file is hostile input: a PDF or a zipped Word document can be built to take
gigabytes or hours. This process caps its own memory and CPU before reading anything
(document_reader.py also stops it after a wall-clock limit), so a bad file costs only this
process. PDFs are read with pypdf (pure Python, no native parser on hostile bytes); Word and
OpenDocument files are zipped XML, read with the standard library (a library such as
python-docx would add lxml, a native parser, to read the same paragraphs).
"""

from __future__ import annotations

import io
import json
import resource
import sys
import zipfile
from xml.etree import ElementTree

MEMORY_BYTES = 768 * 1024 * 1024
CPU_SECONDS = 10
MAX_XML_BYTES = 20 * 1024 * 1024  # a Word document's text part, unzipped

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


class Unreadable(Exception):
    """The file is not a document this process can read; the message says why, for a handler."""


def limit_self() -> None:
    """Cap this process's address space and CPU time (Linux; elsewhere best effort)."""
    for which, value in ((resource.RLIMIT_AS, MEMORY_BYTES), (resource.RLIMIT_CPU, CPU_SECONDS)):
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def pdf_text(data: bytes, max_pages: int, max_chars: int) -> str:
    """The text of a PDF's first pages, page by page, until `max_chars` are read."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("it is protected by a password")
        total, pages, chars = len(reader.pages), [], 0
        for page in reader.pages[:max_pages]:
            pages.append(page.extract_text() or "")
            chars += len(pages[-1])
            if chars >= max_chars:  # only so much is kept: the rest need not be read
                break
    except LimitReachedError as exc:  # pypdf's own cap on what a stream may expand to
        raise Unreadable("it expands to more than a document may take to read") from exc
    except PyPdfError as exc:
        raise Unreadable("it is not a readable PDF") from exc
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if total > len(pages):
        text += f"\n[... {total - len(pages)} more pages not read]"
    return text


def _zipped_xml(data: bytes, member: str) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        info = archive.getinfo(member)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise Unreadable("it is not a readable document") from exc
    if info.file_size > MAX_XML_BYTES:
        raise Unreadable("its text is too large to read here")
    with archive.open(info) as part:
        xml = part.read(MAX_XML_BYTES + 1)  # the declared size can lie: read no more than this
    if len(xml) > MAX_XML_BYTES:
        raise Unreadable("its text is too large to read here")
    return xml


def word_text(data: bytes) -> str:
    """A .docx file's paragraphs (body and tables; not headers, footers or notes)."""
    xml = _zipped_xml(data, "word/document.xml")
    breaks = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}
    paragraphs: list[str] = []
    words: list[str] = []
    try:  # end events come in document order, and a text element's text is whole by its end
        for _, element in ElementTree.iterparse(io.BytesIO(xml), events=("end",)):
            if element.tag == f"{_W}t":
                words.append(element.text or "")
            elif element.tag in breaks:
                words.append(breaks[element.tag])
            elif element.tag == f"{_W}p":
                paragraphs.append("".join(words))
                words.clear()
                element.clear()
    except ElementTree.ParseError as exc:
        raise Unreadable("it is not a readable document") from exc
    return "\n".join(paragraphs).strip()


def open_document_text(data: bytes) -> str:
    """An .odt file's paragraphs and headings."""
    xml = _zipped_xml(data, "content.xml")
    lines: list[str] = []
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise Unreadable("it is not a readable document") from exc
    for element in root.iter():
        if element.tag in (f"{_TEXT_NS}p", f"{_TEXT_NS}h"):
            lines.append(_odt_line(element))
    return "\n".join(lines).strip()


def _odt_line(element: ElementTree.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{_TEXT_NS}s":
            parts.append(" " * int(child.get(f"{_TEXT_NS}c", "1") or 1))
        elif tag == f"{_TEXT_NS}tab":
            parts.append("\t")
        elif tag == f"{_TEXT_NS}line-break":
            parts.append("\n")
        elif tag not in (f"{_TEXT_NS}p", f"{_TEXT_NS}h"):  # nested paragraphs are read on their own
            parts.append(_odt_line(child))
        parts.append(child.tail or "")
    return "".join(parts)


def plain_text(data: bytes) -> str:
    """A text file, as UTF-8, else Windows-1252, else Latin-1 (which never fails)."""
    for charset in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read(kind: str, data: bytes, max_pages: int, max_chars: int) -> str:
    if kind == "pdf":
        return pdf_text(data, max_pages, max_chars)
    if kind == "docx":
        return word_text(data)
    if kind == "odt":
        return open_document_text(data)
    if kind == "txt":
        return plain_text(data)
    raise Unreadable(f"{kind} files are not read")


def main(argv: list[str]) -> int:
    limit_self()
    kind, max_pages, max_chars = argv[0], int(argv[1]), int(argv[2])
    data = sys.stdin.buffer.read()
    try:
        # One character over the cap tells documents.appended that the text was cut.
        answer = {"text": read(kind, data, max_pages, max_chars)[:max_chars + 1]}
    except Unreadable as exc:
        answer = {"problem": str(exc)}
    except MemoryError:
        answer = {"problem": "it needs more memory to read than a document may take"}
    except Exception as exc:  # noqa: BLE001 - a parser's own bug is this file's problem only
        answer = {"problem": f"it could not be read ({type(exc).__name__})"}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
