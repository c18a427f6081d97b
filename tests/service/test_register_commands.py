"""The register commands a handler writes in a reply reach the case record."""

from __future__ import annotations

from sqlalchemy import select

from mailbot.store.tables import audit_events, cases
from tests.service.conftest import HOUR, T0, Desk

COMPLAINT = "You sent my deeds to the wrong address and nobody has answered my calls. I want a refund."


def test_cause_outcome_redress_and_learning_fill_the_register(desk: Desk) -> None:
    assert desk.complaint(COMPLAINT).status == "new_case"
    result = desk.reply("cause deeds posted without checking the address\noutcome partly\n"
                        "redress £250 goodwill payment\nlearning check addresses before posting originals",
                        at=T0 + HOUR)
    assert result.status == "handler_reply", result
    with desk.app.store.transaction() as conn:
        case = conn.execute(select(cases)).one()
        kinds = [r.kind for r in conn.execute(select(audit_events.c.kind))]
    assert case.root_cause == "deeds posted without checking the address"
    assert case.outcome == "partly" and case.redress == "GBP 250 goodwill payment"
    assert case.learning == "check addresses before posting originals"
    assert {"case.root_cause_set", "case.outcome_set", "case.redress_set", "case.learning_set"} <= set(kinds)
