"""The files a client sent with a case's emails, saved for a person (`mailbot cases files`).

Triage and the handler's approval request carry the text of the letters clients attach
(documents.py), not the files: a scan the recogniser could not read, a password-protected PDF
or a photograph of damage must still reach whoever deals with the case, and handlers seldom have
the complaints mailbox open. Every file comes from the stored original email (sealed at rest),
so nothing needs the mail server; saving them is recorded in the audit trail, since it takes
client data out of the system.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from ..cases import AuditEvent
from ..errors import MalformedMessage
from ..message import parse_message
from ..records import Case
from ..store import audit, casebook, raw_mail


@dataclass(frozen=True)
class CaseFile:
    """One file as the client sent it, with the time of the email that carried it."""

    received_at: datetime
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class CaseFiles:
    """What `cases files` saves, and how many emails had nothing left to save."""

    files: list[CaseFile]
    purged: int  # emails whose original is gone under the retention policy


def case_files(conn: Connection, case: Case, *, by: str, now: datetime) -> CaseFiles:
    """Every file attached to the case's incoming emails, oldest first; the export audited."""
    files: list[CaseFile] = []
    purged = 0
    for message in casebook.messages_for_case(conn, case.id):
        if message.direction != "in" or message.raw_message_id is None:
            continue
        row = raw_mail.raw_by_id(conn, message.raw_message_id)
        if row is None or row.raw is None:
            purged += 1
            continue
        try:  # every file whole: intake's size cap only spares the reading of huge ones
            attachments = parse_message(row.raw, max_attachment_bytes=len(row.raw)).attachments
        except MalformedMessage:
            continue
        files += [CaseFile(message.at, item.filename, item.content_type, item.content)
                  for item in attachments if item.content is not None]
    audit.append(conn, [AuditEvent("case.files_exported", case.ref, by, now, {
        "files": len(files),
        "sha256": [hashlib.sha256(f.data).hexdigest() for f in files]})])
    return CaseFiles(files, purged)
