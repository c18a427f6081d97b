"""Named queries for case notes: people's free text about a case, purgeable with it (review F15).

The audit event that records a note carries only the note's id and the SHA-256 of its text, so
the permanent trail proves what was written and when, while the words themselves can go.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update

from .tables import case_notes


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_note(conn: Connection, *, case_id: int, kind: str, text: str, by: str,
             at: datetime) -> tuple[int, str]:
    """Keep a note; returns its id and the hash the audit event records in its place."""
    digest = text_sha256(text)
    note_id = conn.execute(case_notes.insert().values(
        case_id=case_id, kind=kind, body=text, body_sha256=digest, by=by, at=at,
    ).returning(case_notes.c.id)).scalar_one()
    return note_id, digest


def notes_for_case(conn: Connection, case_id: int, kind: str | None = None) -> list[Row[Any]]:
    q = select(case_notes).where(case_notes.c.case_id == case_id).order_by(case_notes.c.id)
    if kind is not None:
        q = q.where(case_notes.c.kind == kind)
    return list(conn.execute(q))


def note_by_id(conn: Connection, note_id: int) -> Row[Any] | None:
    return conn.execute(select(case_notes).where(case_notes.c.id == note_id)).first()


def purge_notes(conn: Connection, case_id: int) -> int:
    """Remove the words of every note on a case (the hash stays); returns how many."""
    return conn.execute(update(case_notes).where(case_notes.c.case_id == case_id,
                                                 case_notes.c.body.is_not(None))
                        .values(body=None)).rowcount
