"""Handlers' corrections become training examples: the case's first complaint text with the
labels the handler settled on (the classifier suggests; people decide)."""

from __future__ import annotations

from typing import Any

from ..store import casebook, corrections
from ..trimming import trim_reply
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
                "text": trim_reply(first.body) or first.body,
                "category": case.category,
                "urgency": case.urgency,
                "is_complaint": bool(case.is_complaint)
            })
    return examples
