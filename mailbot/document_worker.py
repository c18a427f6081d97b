"""Reads one attached document's text, in a process of its own: forked by
document_server.py for each file, or by hand, `python -m mailbot.document_worker KIND MAX_PAGES
MAX_CHARS < FILE`.

Scanned letters and photographs of letters have no text layer: their pictures are read by
tesseract (Debian's tesseract-ocr), the standard open-source text recogniser, as a child of this
process that inherits its limits.

A client's file is hostile input: a PDF or a zipped Word document can be built to take
gigabytes or hours. This process caps its own memory and CPU before reading anything
(document_server.py also stops it when the file's time is up), so a bad file costs only this
process. PDFs are read with pypdf (pure Python, no native parser on hostile bytes); Word and
OpenDocument files are zipped XML, read with the standard library (a library such as
python-docx would add lxml, a native parser, to read the same paragraphs); an Outlook .msg is
an OLE compound file, opened with olefile.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING, Callable
from xml.etree import ElementTree

from .documents import (IMAGE, OLD_WORD, OPEN_DOCUMENT, OUTLOOK_MESSAGE, PDF, RICH_TEXT, TEXT,
                        WORD)

if TYPE_CHECKING:
    import olefile
    from pypdf import PdfReader

MEMORY_BYTES = 768 * 1024 * 1024
CPU_SECONDS = 10
MAX_XML_BYTES = 20 * 1024 * 1024  # a Word document's text part, unzipped
MAX_SCANNED_PAGES = 3  # of a PDF without text, recognised: a letter's first pages
MAX_PIXELS = 40_000_000  # refused above this; an A4 page scanned at 600 dpi is 35 million
RECOGNITION_SECONDS = 5.0  # per picture: three pages fit in document_reader's 20 seconds
# Recognised text counts when it holds at least this many words: a photo of a dented car or a
# logo gives a few stray letters, a letter gives sentences.
MIN_RECOGNISED_WORDS = 5
# A picture whose shorter side is under this many pixels is a logo, a banner or an icon; a page
# scanned at 100 dpi or photographed by a phone is far larger.
MIN_PAGE_PIXELS = 500
_REAL_WORD = re.compile(r"[A-Za-z]{3,}")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


class Unreadable(Exception):
    """The file is not a document this process can read; the message says why, for a handler."""


class NotAPage(Exception):
    """A picture too small to be a page of a letter: passed over without a word."""


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
    if len(text) < 20 * len(pages):  # next to no text ("Scanned by ..."): pictures of pages?
        scanned = _scanned_text(reader, total)
        if scanned:
            return scanned
    if total > len(pages):
        text += f"\n[... {total - len(pages)} more pages not read]"
    return text


def _scanned_text(reader: PdfReader, total: int) -> str:
    """A scanned PDF's first pages, recognised from each page's largest picture."""
    pages = []
    for page in reader.pages[:MAX_SCANNED_PAGES]:
        pictures = sorted(page.images, key=lambda picture: len(picture.data), reverse=True)
        if pictures:
            try:
                pages.append(picture_text(pictures[0].data))
            except NotAPage:
                continue
    text = "\n\n".join(page for page in pages if page)
    if text and total > len(pages):
        text += f"\n[... {total - len(pages)} more pages not recognised]"
    return text


def picture_text(data: bytes) -> str:
    """The words in a picture (a scanned page, a photographed letter), by tesseract; "" when
    it holds no sentences."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as picture:  # reads the header only
            width, height = picture.size
    except Image.DecompressionBombError as exc:
        raise Unreadable("its picture is too large to read here") from exc
    except (OSError, ValueError) as exc:
        raise Unreadable("it is not a readable picture") from exc
    if width * height > MAX_PIXELS:
        raise Unreadable("its picture is too large to read here")
    if min(width, height) < MIN_PAGE_PIXELS:
        raise NotAPage()
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise Unreadable("it is a scan or a picture, and text recognition (Debian's "
                         "tesseract-ocr) is not installed here")
    try:
        # One thread: tesseract's OpenMP threads made a page six times slower here (0.6 s
        # against 3.8 s on two cores), and intake reads one file at a time anyway.
        done = subprocess.run([tesseract, "stdin", "stdout", "-l", "eng"], input=data,
                              capture_output=True, timeout=RECOGNITION_SECONDS, check=False,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except subprocess.TimeoutExpired as exc:
        raise Unreadable("recognising its text took longer than a picture may take") from exc
    text = done.stdout.decode("utf-8", "replace").strip()
    return text if len(_REAL_WORD.findall(text)) >= MIN_RECOGNISED_WORDS else ""


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


# Outlook's .msg: an OLE compound file of MAPI properties (MS-OXMSG). A string property is a
# stream "__substg1.0_" + its tag + 001F (UTF-16) or 001E (the message's code page); fixed-size
# ones sit in "__properties_version1.0" as 16-byte entries after a 32-byte header.
_SUBJECT, _BODY, _HTML = 0x0037, 0x1000, 0x1013
_SENDER_NAMES = (0x0C1A, 0x0042)  # sender, sent representing
_SENDER_ADDRESSES = (0x5D01, 0x5D02, 0x0C1F, 0x0065)  # SMTP ones first; 0C1F may be an X.500 DN
_SENT_TIMES = (0x0039, 0x0E06)  # client submit time, delivery time
_CODEPAGES = (0x3FFD, 0x3FDE)  # message code page, internet code page


def outlook_message_text(data: bytes) -> str:
    """An Outlook .msg file (an email dragged into another) as an attached message reads:
    From, Date and Subject lines, then its text."""
    import olefile

    try:
        ole = olefile.OleFileIO(data)
    except (OSError, ValueError) as exc:  # olefile's own errors derive from these
        raise Unreadable("it is not a readable Outlook message") from exc
    with ole:
        fixed = _fixed_properties(ole)
        codepage = next((f"cp{fixed[t]}" for t in _CODEPAGES if t in fixed), "cp1252")

        def text(tag: int) -> str:
            for kind, charset in (("001F", "utf-16-le"), ("001E", codepage)):
                name = f"__substg1.0_{tag:04X}{kind}"
                if ole.exists(name):
                    raw = ole.openstream(name).read(MAX_XML_BYTES)
                    try:  # a declared code page can be wrong ("65001" over Windows-1252)
                        decoded = raw.decode(charset)
                    except (LookupError, UnicodeDecodeError):
                        decoded = raw.decode("cp1252", "replace")
                    return decoded.rstrip("\x00").strip()
            return ""

        body = text(_BODY)
        if not body and ole.exists(f"__substg1.0_{_HTML:04X}0102"):
            from .mime_text import decode_bytes, html_to_text

            html = ole.openstream(f"__substg1.0_{_HTML:04X}0102").read(MAX_XML_BYTES)
            body = html_to_text(decode_bytes(html, codepage))
        name = next((v for t in _SENDER_NAMES if (v := text(t))), "")
        address = next((v for t in _SENDER_ADDRESSES if "@" in (v := text(t))
                        and not v.upper().startswith("/O=")), "")
        sent = next((fixed[t] for t in _SENT_TIMES if t in fixed), None)
        heading = []
        if address or name:
            named = name and address and name.lower() != address.lower()
            heading.append(f"From: {name} <{address}>" if named else f"From: {address or name}")
        if isinstance(sent, datetime):
            heading.append(f"Date: {format_datetime(sent)}")
        if subject := text(_SUBJECT):
            heading.append(f"Subject: {subject}")
    return "\n".join([*heading, "", body]).strip()


def _fixed_properties(ole: "olefile.OleFileIO") -> dict[int, int | datetime]:
    """The top-level message's code pages (ints) and times (UTC datetimes), by property id."""
    if not ole.exists("__properties_version1.0"):
        return {}
    raw = ole.openstream("__properties_version1.0").read(64 * 1024)
    found: dict[int, int | datetime] = {}
    for offset in range(32, len(raw) - 15, 16):
        tag, value = struct.unpack_from("<I4xQ", raw, offset)
        prop, kind = tag >> 16, tag & 0xFFFF
        if kind == 0x0003 and prop in _CODEPAGES:
            found[prop] = value & 0xFFFFFFFF
        elif kind == 0x0040 and prop in _SENT_TIMES and value:
            try:
                found[prop] = datetime(1601, 1, 1, tzinfo=timezone.utc) + timedelta(
                    microseconds=value // 10)
            except OverflowError:
                continue
    return found


def old_word_text(data: bytes) -> str:
    """A Word 97-2003 (.doc) file's text, by antiword (Debian's `antiword`), a child of this
    process that inherits its limits."""
    antiword = shutil.which("antiword")
    if antiword is None:
        raise Unreadable("it is an old Word (.doc) file, and its reader (Debian's antiword) is "
                         "not installed here")
    try:
        done = subprocess.run([antiword, "-m", "UTF-8.txt", "-w", "0", "-"], input=data,
                              capture_output=True, timeout=RECOGNITION_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise Unreadable("reading it took longer than a file may take") from exc
    text = done.stdout.decode("utf-8", "replace").strip()
    if done.returncode != 0 and not text:
        raise Unreadable("it is not a readable Word document")
    return text


def rich_text(data: bytes) -> str:
    """An RTF file's text, by striprtf. A backslash at a line's end is a paragraph break in RTF
    (TextEdit writes one per line) that striprtf drops, running sentences together: made an
    explicit \\par first."""
    from striprtf.striprtf import rtf_to_text

    source = data[:MAX_XML_BYTES].decode("latin-1")  # RTF is 7-bit; escapes carry the rest
    if not source.lstrip().startswith("{\\rtf"):
        raise Unreadable("it is not a readable RTF document")
    return str(rtf_to_text(re.sub(r"\\\r?\n", r"\\par ", source), errors="replace")).strip()


def plain_text(data: bytes) -> str:
    """A text file, as UTF-8, else Windows-1252, else Latin-1 (which never fails)."""
    for charset in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read(kind: str, data: bytes, max_pages: int, max_chars: int) -> str:
    """The text of a file of this kind (documents.py's kinds)."""
    if kind == PDF:
        return pdf_text(data, max_pages, max_chars)
    reader = _READERS.get(kind)
    if reader is None:
        raise Unreadable(f"{kind} files are not read")
    return reader(data)


_READERS: dict[str, Callable[[bytes], str]] = {
    WORD: word_text, OPEN_DOCUMENT: open_document_text, TEXT: plain_text, IMAGE: picture_text,
    OUTLOOK_MESSAGE: outlook_message_text, OLD_WORD: old_word_text, RICH_TEXT: rich_text,
}


def main(argv: list[str]) -> int:
    """`python -m mailbot.document_worker KIND MAX_PAGES MAX_CHARS < FILE`: the same reading
    by hand, limits included, for an admin looking at a file that was not read."""
    limit_self()
    answer = answer_for(argv[0], sys.stdin.buffer.read(), int(argv[1]), int(argv[2]))
    sys.stdout.write(json.dumps(answer))
    return 0


def answer_for(kind: str, data: bytes, max_pages: int, max_chars: int) -> dict[str, str | bool]:
    """{"text": ...}, {"problem": ...} or {"picture_only": True}: never raises for a bad file."""
    answer: dict[str, str | bool]
    try:
        # One character over the cap tells documents.appended that the text was cut.
        answer = {"text": read(kind, data, max_pages, max_chars)[:max_chars + 1]}
    except Unreadable as exc:
        answer = {"problem": str(exc)}
    except NotAPage:
        answer = {"picture_only": True}
    except MemoryError:
        answer = {"problem": "it needs more memory to read than a document may take"}
    except Exception as exc:  # noqa: BLE001 - a parser's own bug is this file's problem only
        answer = {"problem": f"it could not be read ({type(exc).__name__})"}
    return answer


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
