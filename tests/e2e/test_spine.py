"""The spine, through real servers: a complaint in, a threaded acknowledgement and an
approval request out, the handler's emailed decision, and the letter in the client's thread."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from mailbot.store.tables import audit_events, cases, outbox
from tests.e2e.harness import Firm, draft_block, make_firm
from tests.servers.dovecot import DovecotServer

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # a Monday
COMPLAINT = (
    "I instructed you on the sale of my flat in January and nobody has returned my calls for three weeks. "
    "The buyer's solicitors say they are still waiting for replies to their enquiries. I am very unhappy."
)


@pytest.fixture
def firm(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> Firm:  # type: ignore[no-untyped-def]
    smtp = make_smtp_server(deliver_to=dovecot)
    return make_firm(dovecot, smtp, tmp_path)


def _only(messages: list, what: str):  # type: ignore[no-untyped-def]
    assert len(messages) == 1, f"expected exactly one {what}, got {len(messages)}"
    return messages[0]


def test_complaint_gets_threaded_ack_and_approval_request(firm: Firm) -> None:
    complaint_id = firm.client_writes("Sale of 4 Elm Road", COMPLAINT, at=T0)
    report = firm.run(T0 + timedelta(minutes=1))
    assert report.intake.outcomes == {"new_case": 1}

    ack = _only(firm.inbox(firm.client), "acknowledgement")
    assert ack["In-Reply-To"] == f"<{complaint_id}>"
    assert "[C-2026-0001]" in ack["Subject"]
    assert ack["Auto-Submitted"] == "auto-replied"
    body = ack.get_body(("plain",)).get_content()
    assert "C-2026-0001" in body
    assert "free of charge" in body
    assert "returned my calls" not in body, "an automatic letter must never echo the client's words"
    assert "never change our bank details" in body

    request = _only(firm.inbox(firm.handler), "approval request")
    assert "+a-" in request["Reply-To"]
    text = request.get_body(("plain",)).get_content()
    assert "DRAFT START" in text and "returned my calls" in text  # the handler sees the complaint
    assert firm.inbox(firm.other_handler) == []

    # processed mail is moved, never deleted
    assert firm.dovecot.fetch_all(firm.complaints, "INBOX") == []
    assert len(firm.dovecot.fetch_all(firm.complaints, "mailbot/processed")) == 1


def test_handler_approves_and_client_gets_letter_in_thread(firm: Firm) -> None:
    complaint_id = firm.client_writes("Sale of 4 Elm Road", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    request = _only(firm.inbox(firm.handler), "approval request")

    firm.reply_as(firm.handler, request, "approve", at=T0 + timedelta(hours=2))
    firm.run(T0 + timedelta(hours=2, minutes=1))

    letters = firm.inbox(firm.client)
    assert len(letters) == 2, "acknowledgement + the approved letter, nothing else"
    letter = letters[1]
    assert "[C-2026-0001]" in letter["Subject"]
    assert complaint_id in letter["References"]
    assert letter["In-Reply-To"] == letters[0]["Message-ID"], "threaded under our acknowledgement"
    with firm.app.store.transaction() as conn:
        kinds = [r.kind for r in conn.execute(select(audit_events.c.kind))]
        state = conn.execute(select(cases.c.state)).scalar_one()
    assert "letter.approved" in kinds
    assert state == "investigating"


def test_handler_edit_comes_back_as_it_will_go_out_then_sends_exactly_that(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    request = _only(firm.inbox(firm.handler), "approval request")
    firm.reply_as(firm.handler, request, "approve", at=T0 + timedelta(hours=3),
                  change=("is reviewing your file", "has spoken to the buyer's solicitors today and is reviewing your file"))
    firm.run(T0 + timedelta(hours=3, minutes=1))
    assert len(firm.inbox(firm.client)) == 1, "an edited letter is not sent on the strength of the edit"
    confirm = [m for m in firm.inbox(firm.handler) if "Approval needed" in str(m["Subject"])][-1]
    shown = confirm.get_body(("plain",)).get_content()
    assert "This is the letter exactly as it will go out" in shown
    assert "has spoken to the buyer's solicitors today" in draft_block(confirm)
    firm.reply_as(firm.handler, confirm, "approve", at=T0 + timedelta(hours=4))
    firm.run(T0 + timedelta(hours=4, minutes=1))
    letter = firm.inbox(firm.client)[-1]
    assert "has spoken to the buyer's solicitors today" in letter.get_body(("plain",)).get_content()
    with firm.app.store.transaction() as conn:
        edits = [r.detail for r in conn.execute(select(audit_events).where(audit_events.c.kind == "letter.edited"))]
        diff = conn.execute(select(outbox.c.edit_diff).where(outbox.c.id == edits[0]["outbox_id"])).scalar_one()
    assert len(edits) == 1 and "buyer's solicitors today" in diff
    assert edits[0]["diff_sha256"] == hashlib.sha256(diff.encode()).hexdigest(), "the audit trail pins the diff"


def test_handler_reject_sends_nothing(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    request = _only(firm.inbox(firm.handler), "approval request")
    firm.reply_as(firm.handler, request, "reject I will phone the client first", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert len(firm.inbox(firm.client)) == 1  # only the acknowledgement
    with firm.app.store.transaction() as conn:
        statuses = {r.kind: r.status for r in conn.execute(select(outbox)) if r.kind == "progress_update"}
    assert statuses == {"progress_update": "rejected"}


def test_forgeries_change_nothing(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    request = _only(firm.inbox(firm.handler), "approval request")
    at = T0 + timedelta(hours=1)
    # 1. forged From: the handler's address, but no token (sent to the plain complaints address)
    firm.reply_as(firm.handler, request, "approve", at=at, to=firm.complaints.address, subject="Re: approve please")
    # 2. the right token, sent by somebody who is not a handler
    firm.reply_as(firm.client, request, "approve", at=at, from_addr=firm.client.address)
    # 3. the right token from the other handler (not the one it was minted for)
    firm.reply_as(firm.other_handler, request, "approve", at=at)
    firm.run(at + timedelta(minutes=1))
    assert len(firm.inbox(firm.client)) == 1, "nothing but the acknowledgement reached the client"
    # 4. a real approval still works afterwards, once; 5. the reused token is refused
    firm.reply_as(firm.handler, request, "approve", at=at + timedelta(hours=1))
    firm.run(at + timedelta(hours=1, minutes=1))
    firm.reply_as(firm.handler, request, "approve", at=at + timedelta(hours=2))
    firm.run(at + timedelta(hours=2, minutes=1))
    assert len(firm.inbox(firm.client)) == 2
    with firm.app.store.transaction() as conn:
        refusals = [r.detail["reason"] for r in conn.execute(select(audit_events).where(audit_events.c.kind == "approval.refused"))]
    assert refusals == ["no_token", "not_a_handler", "wrong_handler", "token_used"]


def test_expired_token_is_refused(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    request = _only(firm.inbox(firm.handler), "approval request")
    late = T0 + timedelta(hours=firm.config.approvals.token_ttl_hours + 1)
    firm.reply_as(firm.handler, request, "approve", at=late)
    firm.run(late + timedelta(minutes=1))
    assert len(firm.inbox(firm.client)) == 1
    with firm.app.store.transaction() as conn:
        refusals = [r.detail["reason"] for r in conn.execute(select(audit_events).where(audit_events.c.kind == "approval.refused"))]
    assert refusals == ["token_expired"]
    # the real handler is told
    assert any("Not accepted" in str(m["Subject"]) for m in firm.inbox(firm.handler))


def test_second_pass_and_duplicates_change_nothing(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    # the same bytes delivered again (a resync, or a copy in another folder)
    raw = firm.dovecot.fetch_all(firm.complaints, "mailbot/processed")[0]
    firm.dovecot.append(firm.complaints, "INBOX", raw)
    report = firm.run(T0 + timedelta(minutes=2))
    assert report.intake.outcomes == {"duplicate": 1}
    assert len(firm.inbox(firm.client)) == 1
    with firm.app.store.transaction() as conn:
        assert conn.execute(select(cases.c.ref)).scalars().all() == ["C-2026-0001"]


def _reminders(firm: Firm) -> list:  # type: ignore[type-arg]
    return [m for m in firm.inbox(firm.handler) if str(m["Subject"]).startswith("Reminder")]


def test_time_travel_reminders_fire_once_and_escalate(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))  # acknowledgement sent: the client's last letter is today
    firm.run(T0 + timedelta(days=2))
    assert _reminders(firm) == [], "nothing is due two days in"

    # ew_sra: no letter to the client for 10 working days -> one reminder + a progress-update draft.
    stall_day = firm.app.calendar.due(T0 + timedelta(minutes=1), firm.app.profile.stalled_after)
    firm.run(stall_day + timedelta(hours=1))
    assert len(_reminders(firm)) == 1
    for hour in range(2, 12):  # ten more ticks ...
        firm.run(stall_day + timedelta(hours=hour))
    firm.app = make_firm.__globals__["wiring"].build_app(firm.config)  # ... and a restart
    firm.run(stall_day + timedelta(hours=13))
    assert len(_reminders(firm)) == 1, "each reminder level fires exactly once"

    # Week 7 of the 8-week clock: a holding-letter draft reaches the handler.
    week7 = T0 + timedelta(weeks=7, hours=1)
    firm.run(week7)
    requests = [m for m in firm.inbox(firm.handler) if "holding letter" in str(m["Subject"])]
    assert len(requests) == 1
    # After week 8 with no final response: escalation to the compliance officer.
    firm.run(T0 + timedelta(weeks=8, days=1))
    escalations = [m for m in firm.inbox(firm.compliance) if str(m["Subject"]).startswith("Reminder")]
    assert len(escalations) == 1
    assert "regulator deadline passed" in escalations[0].get_body(("plain",)).get_content()
    assert len(firm.inbox(firm.client)) == 1, "still nothing unapproved reached the client"
