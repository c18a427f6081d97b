"""Handlers' corrections become training examples: the case's first complaint text with the
labels the handler settled on (the classifier suggests; people decide)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..store import casebook
from ..store.tables import cases, corrections
from ..trimming import trim_reply
from .context import App


def correction_examples(app: App) -> list[dict[str, Any]]:
    with app.store.transaction() as conn:
        corrected = [r[0] for r in conn.execute(select(corrections.c.case_id).distinct())]
        examples = []
        for case_id in corrected:
            case = conn.execute(select(cases).where(cases.c.id == case_id)).one()
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
