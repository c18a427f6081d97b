"""Records a firm hands to others: the complaints register, regulator returns, the trend report,
an evidence pack for one case and a subject access export for one person.

Each module reads the store through named columns and writes files; none of them changes the
record. The vocabulary below is shared so the register, the returns and the charts name a
category the same way and draw it in the same colour.
"""

from __future__ import annotations

from ..triage import CATEGORIES

CATEGORY_LABELS: dict[str, str] = {
    "delay": "Delay",
    "communication": "Communication",
    "advice_quality": "Quality of advice",
    "instructions": "Instructions",
    "costs_information": "Costs information",
    "costs_excessive": "Excessive costs",
    "documents_funds": "Documents / funds",
    "staff_conduct": "Staff conduct",
    "integrity_misconduct": "Integrity / misconduct",
    "data_security": "Data security",
    "complaint_handling": "Complaint handling",
    "other": "Other",
}

# Outcomes a handler can record (commands.py). Like the FCA's returns, a complaint upheld in
# part counts as upheld.
UPHELD_OUTCOMES = frozenset({"upheld", "partly"})


def category_label(category: str | None) -> str:
    return CATEGORY_LABELS.get(category or "", category or "Not categorised")


__all__ = ["CATEGORIES", "CATEGORY_LABELS", "UPHELD_OUTCOMES", "category_label"]
