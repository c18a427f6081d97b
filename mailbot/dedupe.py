"""The identity of an inbound message, for exactly-once intake.

Message-IDs alone are not enough: some mail has none, and some senders reuse them (one
helpdesk lost a real complaint that way). The key is the Message-ID plus a hash of the
content, where the content leaves out the trace headers that servers add on the way, so the
same message fetched twice, or from a re-synchronised mailbox, is still one message.
"""

from __future__ import annotations

import hashlib
import re

_TRACE_HEADERS = frozenset({
    b"received", b"return-path", b"delivered-to", b"x-original-to", b"envelope-to",
    b"x-delivered-to"
})
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def content_hash(raw: bytes) -> str:
    """sha256 of the message without trace headers and with line endings normalised."""
    match = _HEADER_END.search(raw)
    head, body = (raw[: match.start()], raw[match.end():]) if match else (raw, b"")
    kept: list[bytes] = []
    skipping = False
    for line in head.replace(b"\r\n", b"\n").split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        name = line.split(b":", 1)[0].strip().lower()
        skipping = name in _TRACE_HEADERS
        if not skipping:
            kept.append(line)
    digest = hashlib.sha256()
    digest.update(b"\n".join(kept))
    digest.update(b"\n\n")
    digest.update(body.replace(b"\r\n", b"\n"))
    return digest.hexdigest()


def dedupe_key(message_id: str | None, raw: bytes) -> tuple[str, str]:
    """Return (dedupe key, content hash)."""
    content = content_hash(raw)
    key = hashlib.sha256(f"{message_id or ''}\n{content}".encode()).hexdigest()
    return key, content


_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)


def sniff_message_id(raw: bytes) -> str | None:
    """The Message-ID read straight from the header bytes, for mail too broken to parse."""
    match = _HEADER_END.search(raw)
    head = raw[: match.start()] if match else raw[:65536]
    found = _MESSAGE_ID.search(head)
    if not found:
        return None
    value = re.sub(rb"\s+", b"", found.group(1)).strip(b"<>")
    return value.decode("ascii", "replace") or None
