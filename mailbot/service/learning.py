"""Handlers' corrections become training examples: the case's first complaint, read as triage read
it (triage/reading.py), with the labels the handler settled on (the classifier suggests;
people decide)."""

from __future__ import annotations

from typing import Any

from ..triage.reading import stored_mail_for_triage
from ..store import casebook, corrections
from .context import App


def correction_examples(app: App) -> list[dict[str, Any]]:
    with app.store.transaction() as conn:
        examples = []
        for case_id in corrections.corrected_case_ids(conn):
            case = casebook.case_by_id(conn, case_id)
            assert case is not None  # corrections.case_id is a foreign key
            first = next(
                (m for m in casebook.messages_for_case(conn, case_id) if m.kind == "complaint"),
                None)
            if first is None or not first.body or case.purged_at is not None:
                continue
            examples.append({
                "id": case.ref,
                "text": stored_mail_for_triage(first.subject or "", first.body),
                "category": case.category,
                "urgency": case.urgency,
                "is_complaint": bool(case.is_complaint)
            })
    return examples
