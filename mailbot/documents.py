"""Attached letters: which attachments are read as the client's words, and how their text is
kept with the message's.

Clients often complain by attaching a letter ("Please find my formal complaint attached") as
a PDF or a Word document, a scan of it, or a phone's photograph of it; the email's own words
then say almost nothing, and triage and the handler approving the acknowledgement must read
the letter. What is read, and how much, is bounded here (hostile files are input too); the
reading itself happens in a separate, resource-limited process (document_reader.py). Pure.

A document's text follows the message's text under a ruler of its own, so the stored body
of the case's message carries it (the handler's views, the record, subject access exports)
and `split` can tell it from the client's email again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable, Protocol

from .quote_markers import ATTACHED_MESSAGE_RULER

MAX_DOCUMENTS = 3  # read per message; more are listed as not read
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # a larger file is listed, not read
MAX_PAGES = 30  # of a PDF: a complaint letter is a few pages; the rest is evidence
MAX_CHARS = 12_000  # of text kept from all of a message's documents
# A message whose own words are this short is a covering note: triage reads its documents.
COVERING_NOTE_WORDS = 60

# A picture file smaller than this is an icon or a logo, never a page: not even looked at.
# (document_worker.py also passes over pictures too small to be a page, by their pixels.)
MIN_IMAGE_BYTES = 8_000

PDF, WORD, OPEN_DOCUMENT, TEXT, IMAGE = "pdf", "docx", "odt", "txt", "image"
OUTLOOK_MESSAGE = "msg"  # an email dragged into another in Outlook: read as an attached email
OLD_WORD = "doc"  # Word 97-2003, which older clients and offices still send
RICH_TEXT = "rtf"  # what a Mac's TextEdit saves by default
_BY_TYPE = {
    "application/pdf": PDF,
    "application/x-pdf": PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": WORD,
    "application/vnd.oasis.opendocument.text": OPEN_DOCUMENT,
    "text/plain": TEXT,
    "image/jpeg": IMAGE,
    "image/pjpeg": IMAGE,
    "image/png": IMAGE,
    "image/tiff": IMAGE,
    "application/vnd.ms-outlook": OUTLOOK_MESSAGE,
    "application/msword": OLD_WORD,
    "application/rtf": RICH_TEXT,
    "text/rtf": RICH_TEXT,
}
_BY_SUFFIX = {".pdf": PDF, ".docx": WORD, ".odt": OPEN_DOCUMENT, ".txt": TEXT, ".jpg": IMAGE,
              ".jpeg": IMAGE, ".png": IMAGE, ".tif": IMAGE, ".tiff": IMAGE, ".msg": OUTLOOK_MESSAGE,
              ".doc": OLD_WORD, ".rtf": RICH_TEXT}
# Mail programs send many files as a generic type; the name then says what it is.
_GENERIC = {"application/octet-stream", "application/binary", "application/x-download",
            "application/force-download", "binary/octet-stream"}

_RULER = "---------- Attached document: {name} ----------"
_RULER_LINE = re.compile(r"^---------- Attached document: (?P<name>.*) ----------$", re.M)
_WORD = re.compile(r"\w+")
_SAVE = "`mailbot cases files REF` saves the file from the case's original email"


class AttachedFile(Protocol):
    """What this module needs of mime_text.Attachment."""

    @property
    def filename(self) -> str: ...
    @property
    def content_type(self) -> str: ...
    @property
    def content(self) -> bytes | None: ...


@dataclass(frozen=True)
class ToRead:
    """One document to read: its name as sent, its format and its bytes."""

    name: str
    kind: str  # PDF, WORD, OPEN_DOCUMENT, TEXT, IMAGE, OUTLOOK_MESSAGE, OLD_WORD, RICH_TEXT
    data: bytes


@dataclass(frozen=True)
class Reading:
    """A document's text, or why there is none (a password, a broken file, too big)."""

    name: str
    text: str = ""
    problem: str | None = None
    picture_only: bool = False  # a picture too small to be a page (a logo): not listed
    # An Outlook .msg: its text (From, Date, Subject lines, then its body) joins the message's
    # own, as an email attached whole does (mime_text.py), so it is read as forwarded mail.
    as_message: bool = False


def kind_of(filename: str, content_type: str) -> str | None:
    """The document format this attachment is, or None when it is not one that is read."""
    ctype = content_type.lower()
    suffix = PurePosixPath(filename.lower()).suffix
    if ctype in _BY_TYPE:
        kind = _BY_TYPE[ctype]
        # A text/plain attachment without a name is a body part, read already (mime_text).
        return None if kind == TEXT and suffix not in ("", ".txt") else kind
    if ctype in _GENERIC or not ctype:
        return _BY_SUFFIX.get(suffix)
    return None


def to_read(attachments: Iterable[AttachedFile]) -> tuple[list[ToRead], list[Reading]]:
    """The documents to read, in the order attached, and the files listed but not read (why):
    too large, one too many, or of a kind mailbot does not read."""
    chosen: list[ToRead] = []
    passed: list[Reading] = []
    for item in attachments:
        kind = kind_of(item.filename, item.content_type)
        small = item.content is not None and len(item.content) < MIN_IMAGE_BYTES
        if kind is None and _worth_naming(item.content_type, small):
            # Named for the handler all the same: a spreadsheet, a zip of evidence, a video.
            passed.append(Reading(_clean_name(item.filename),
                                  problem=f"mailbot does not read {item.content_type} files"))
        if kind is None or kind == IMAGE and small:
            continue
        name = _clean_name(item.filename)
        if item.content is None or len(item.content) > MAX_DOCUMENT_BYTES:
            passed.append(Reading(name, problem="too large to read here"))
        elif len(chosen) >= MAX_DOCUMENTS:
            passed.append(Reading(name, problem=f"only a message's first {MAX_DOCUMENTS} are read"))
        else:
            chosen.append(ToRead(name, kind, item.content))
    return chosen, passed


# Files that say nothing to a handler: a signature, a contact card, an email shown as text
# already (mime_text.py), a report's machine part.
_UNNAMED = {"application/pkcs7-signature", "application/x-pkcs7-signature",
            "application/pgp-signature", "application/pgp-keys", "text/vcard", "text/x-vcard",
            "text/directory", "message/rfc822", "message/delivery-status",
            "message/disposition-notification", "text/rfc822-headers", "application/ms-tnef"}


def _worth_naming(content_type: str, small: bool) -> bool:
    ctype = content_type.lower()
    return ctype not in _UNNAMED and not (ctype.startswith("image/") and small)


def appended(text: str, readings: Iterable[Reading]) -> str:
    """The message's text with each document's section after it, all documents together at
    most MAX_CHARS characters of text."""
    sections, left = [], MAX_CHARS
    readings = list(readings)
    messages = [f"{ATTACHED_MESSAGE_RULER}\n{r.text[:MAX_CHARS].strip()}" for r in readings
                if r.as_message and not r.problem and r.text.strip()]
    text = "\n\n".join([text.rstrip(), *messages]) if messages else text
    for reading in readings:
        if reading.picture_only or reading.as_message and not reading.problem:
            continue
        body = reading.text.strip()
        if reading.problem:
            body = f"[Not read: {reading.problem}. {_SAVE}]"
        elif not body:
            body = f"[No text could be read: it holds no words, or it is a picture. {_SAVE}]"
        elif len(body) > left:
            body = body[:left].rstrip() + f"\n[... shortened. {_SAVE}]"
        left -= min(len(reading.text.strip()), left)
        sections.append(f"{_RULER.format(name=reading.name)}\n{body}")
    return "\n\n".join([text.rstrip(), *sections]) if sections else text


def split(text: str) -> tuple[str, str]:
    """(the message's own text, its documents' sections): what `appended` joined."""
    found = _RULER_LINE.search(text)
    if found is None:
        return text, ""
    return text[:found.start()].rstrip(), text[found.start():]


def letters(sections: str) -> list[str]:
    """Each document's words without its ruler and notes: what triage reads of them."""
    found: list[str] = []
    for part in _RULER_LINE.split(sections)[2::2]:  # split keeps each ruler's name between
        lines = [line for line in part.splitlines()
                 if not line.startswith(("[Not read:", "[No text", "[... shortened"))]
        if text := "\n".join(lines).strip():
            found.append(text)
    return found


def is_covering_note(words: str) -> bool:
    """Whether a message's own words are only a note covering its attached letter."""
    return len(_WORD.findall(words)) < COVERING_NOTE_WORDS


def _clean_name(filename: str) -> str:
    """The file's name on one line, without a path, at most 100 characters."""
    name = PurePosixPath(filename.replace("\\", "/")).name or "document"
    name = " ".join(name.split())
    return name[:100]
