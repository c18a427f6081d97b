"""Sending as a client would notice it: retried exactly once on 451, failed and reported on 550,
and a final response without the ombudsman's details never leaves."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from mailbot.store.tables import audit_events, outbox
from tests.e2e.harness import Firm, draft_block, make_firm
from tests.servers.dovecot import DovecotServer

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
COMPLAINT = "Nobody has called me back about the sale of my flat for three weeks and I am very unhappy."


@pytest.fixture
def firm(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> Firm:  # type: ignore[no-untyped-def]
    return make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path)


def _ack_rows(firm: Firm) -> list:  # type: ignore[type-arg]
    with firm.app.store.transaction() as conn:
        return list(conn.execute(select(outbox).where(outbox.c.kind == "acknowledgement")))


def test_451_then_accept_delivers_exactly_once_with_the_same_message_id(firm: Firm) -> None:
    firm.smtp.queue_rcpt("451 4.3.0 try again later", address=firm.client.address)
    firm.client_writes("Flat sale", COMPLAINT, at=T0)
    report = firm.run(T0 + timedelta(minutes=1))
    assert firm.inbox(firm.client) == []
    (row,) = _ack_rows(firm)
    assert row.status == "approved" and row.attempts == 1 and row.next_attempt_at > T0
    assert report.sending.retrying == [row.id]
    firm.run(row.next_attempt_at - timedelta(seconds=20))  # before the backoff is over: nothing
    assert firm.inbox(firm.client) == []
    firm.run(row.next_attempt_at + timedelta(seconds=1))
    firm.run(row.next_attempt_at + timedelta(minutes=30))
    (ack,) = firm.inbox(firm.client)
    assert ack["Message-ID"] == f"<{row.message_id}>"
    assert _ack_rows(firm)[0].status == "sent"


def test_550_marks_the_letter_failed_and_alerts_the_handler(firm: Firm) -> None:
    firm.client_writes("Flat sale", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    request = next(m for m in firm.inbox(firm.handler) if "Approval needed" in str(m["Subject"]))
    firm.smtp.queue_rcpt("550 5.1.1 mailbox unavailable", address=firm.client.address)
    firm.reply_as(firm.handler, request, "approve", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    firm.run(T0 + timedelta(hours=1, minutes=2))  # the alert itself goes out
    with firm.app.store.transaction() as conn:
        update = conn.execute(select(outbox).where(outbox.c.kind == "progress_update")).one()
        failed = [r.detail for r in conn.execute(select(audit_events).where(audit_events.c.kind == "letter.failed"))]
    assert update.status == "failed" and update.attempts == 1, "a 5xx is never retried"
    assert failed and failed[0]["code"] == 550
    alerts = [m for m in firm.inbox(firm.handler) if str(m["Subject"]).startswith("Undelivered")]
    assert len(alerts) == 1
    assert len(firm.inbox(firm.client)) == 1  # only the acknowledgement arrived


def test_final_response_without_the_ombudsman_block_is_refused(firm: Firm) -> None:
    firm.client_writes("Flat sale", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    request = next(m for m in firm.inbox(firm.handler) if "Approval needed" in str(m["Subject"]))
    firm.reply_as(firm.handler, request, "draft final", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    final_request = next(m for m in firm.inbox(firm.handler) if "final response" in str(m["Subject"]))
    draft = draft_block(final_request)
    # The handler completes the findings but deletes the ombudsman box.
    box = draft[draft.index("=" * 70):draft.rindex("=" * 70) + 70]
    placeholder = draft[draft.index("[[TO COMPLETE"):draft.index("]]") + 2]
    edited = draft.replace(box, "").replace(placeholder, "1. Delay in answering enquiries. Our finding: upheld; "
                                                          "we apologise.")
    firm.reply_as(firm.handler, final_request, "approve", at=T0 + timedelta(hours=2), change=(draft, edited))
    firm.run(T0 + timedelta(hours=2, minutes=1))
    firm.run(T0 + timedelta(hours=2, minutes=2))
    assert len(firm.inbox(firm.client)) == 1, "nothing but the acknowledgement"
    with firm.app.store.transaction() as conn:
        refused = [r.detail for r in conn.execute(select(audit_events).where(audit_events.c.kind == "letter.gate_refused"))]
        final = conn.execute(select(outbox).where(outbox.c.kind == "final_response")).one()
    assert final.status == "draft"
    assert refused and any("ombudsman" in m.lower() or "legal ombudsman" in m.lower() for m in refused[0]["missing"])
    helps = [m for m in firm.inbox(firm.handler) if "could not act" in str(m["Subject"]).lower()]
    assert helps, "the handler is told why"
