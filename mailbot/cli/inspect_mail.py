"""`mailbot inspect FILE...`: how mailbot reads a saved email, as a JSON-ready dict.

For an admin asking "why was this filed as a bounce?", "what did triage read of it?" or "why was
its attached letter not read?" (`documents=True` reads the attachments as intake does), or a
developer adding a fixture. It never raises: an unreadable file or a malformed message is
reported as kind "malformed".
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path
from typing import Any

from ..document_reader import read_documents
from ..documents import appended, to_read
from ..errors import MalformedMessage
from ..message import DEFAULT_MAX_ATTACHMENT_BYTES, Inbound, MailKind, parse_message
from ..triage.reading import mail_for_triage

log = logging.getLogger(__name__)


def inspect_file(path: str | Path, *, own_addresses: Collection[str] = (),
                 own_domain: str | None = None,
                 max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
                 documents: bool = False) -> dict[str, Any]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return _malformed(str(path), f"cannot read file: {exc.strerror or exc}")
    return inspect_bytes(raw, file=str(path), own_addresses=own_addresses, own_domain=own_domain,
                         max_attachment_bytes=max_attachment_bytes, documents=documents)


def inspect_bytes(raw: bytes, *, file: str = "-", own_addresses: Collection[str] = (),
                  own_domain: str | None = None,
                  max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
                  documents: bool = False) -> dict[str, Any]:
    try:
        inbound = parse_message(raw, own_addresses=own_addresses, own_domain=own_domain,
                                max_attachment_bytes=max_attachment_bytes)
    except MalformedMessage as exc:
        return _malformed(file, exc.reason)
    except Exception as exc:  # a tool run over many files reports a bad one and goes on
        log.warning("inspect could not read %s", file, exc_info=True)
        return _malformed(file, f"unreadable: {type(exc).__name__}")
    record = as_dict(inbound, file)
    if documents:
        chosen, passed = to_read(inbound.attachments)
        readings = [*read_documents(chosen), *passed]
        record["documents"] = [{"name": r.name, "characters": len(r.text), "problem": r.problem}
                               for r in readings if not r.picture_only]
        record["text"] = appended(inbound.text, readings)
    record["triage_text"] = mail_for_triage(inbound.subject, inbound.reply_text, record["text"])
    return record


def as_dict(inbound: Inbound, file: str) -> dict[str, Any]:
    return {
        "file": file,
        "kind": str(inbound.kind),
        "reason": inbound.reason,
        "message_id": inbound.message_id,
        "in_reply_to": inbound.in_reply_to,
        "references": list(inbound.references),
        "case_ref": inbound.case_ref,
        "from": inbound.from_addr,
        "subject": inbound.subject,
        "date": inbound.date.isoformat() if inbound.date else None,
        "text": inbound.text,
        "reply_text": inbound.reply_text,
        "attachments": [{
            "filename": a.filename,
            "content_type": a.content_type,
            "size": a.size,
            "sha256": a.sha256
        } for a in inbound.attachments],
        "bounced_message_id": inbound.bounced_message_id,
        "bounce_status": inbound.bounce_status,
        "is_own": inbound.is_own,
    }


def _malformed(file: str, reason: str) -> dict[str, Any]:
    return {
        "file": file,
        "kind": str(MailKind.MALFORMED),
        "reason": reason,
        "message_id": None,
        "in_reply_to": None,
        "references": [],
        "case_ref": None,
        "from": "",
        "subject": "",
        "date": None,
        "text": "",
        "reply_text": "",
        "triage_text": "",
        "attachments": [],
        "bounced_message_id": None,
        "bounce_status": None,
        "is_own": False,
    }
