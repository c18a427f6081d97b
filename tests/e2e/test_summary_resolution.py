"""The FCA's summary resolution communication (DISP 1.5.4R), as the client and the handler see
it, on Dovecot and SMTP: a complaint resolved within three business days is answered with one
in place of a final response; after that day mailbot refuses it; a firm outside the FCA's rules
never gets one drafted."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from mailbot.store.tables import audit_events, case_messages, cases, outbox
from tests.e2e.harness import Firm, confirmation_of, draft_block, make_firm
from tests.servers.dovecot import DovecotServer

MON = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # window: close of business Thu 5 March (17:30 GMT)
COMPLAINT = "You charged me twice for the search fees on my house purchase and I want the money back."
DONE = "We have refunded the duplicated search fee of £300 to your account."


@pytest.fixture
def fca_firm(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> Firm:  # type: ignore[no-untyped-def]
    return make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path, overrides={"firm": {
        "profile": "fca_disp", "complaints_procedure_url": "https://firm.example/complaints",
        "fos_leaflet_url": "https://firm.example/fos-leaflet.pdf"}})


def _ask_for_summary(firm: Firm, at: datetime) -> EmailMessage | None:
    """The client complains on Monday; the handler asks for a summary resolution; returns its approval request."""
    firm.client_writes("Search fees", COMPLAINT, at=MON)
    firm.run(MON + timedelta(minutes=1))
    request = next(m for m in firm.inbox(firm.handler) if "Approval needed" in str(m["Subject"]))
    firm.reply_as(firm.handler, request, "draft summary", at=at)
    firm.run(at + timedelta(minutes=1))
    return next((m for m in firm.inbox(firm.handler) if "summary resolution" in str(m["Subject"])), None)


def _approve_completed(firm: Firm, request: EmailMessage, at: datetime) -> None:
    """The handler fills in the placeholder and approves; then approves the letter shown back."""
    draft = draft_block(request)
    placeholder = draft[draft.index("[[TO COMPLETE"):draft.index("]]") + 2]
    firm.reply_as(firm.handler, request, "edit", at=at, change=(placeholder, DONE))
    firm.run(at + timedelta(minutes=1))
    firm.reply_as(firm.handler, confirmation_of(firm, firm.handler), "approve", at=at + timedelta(minutes=2))
    firm.run(at + timedelta(minutes=3))
    firm.run(at + timedelta(minutes=4))


def test_resolved_within_three_business_days_the_client_gets_a_summary_resolution(fca_firm: Firm) -> None:
    request = _ask_for_summary(fca_firm, MON + timedelta(days=2))
    assert request is not None
    first = next(m for m in fca_firm.inbox(fca_firm.handler) if "Approval needed" in str(m["Subject"]))
    offer = first.get_body(("plain",)).get_content()
    assert "Summary resolution (FCA; reply 'draft summary' if resolved) by: Thursday 5 March 2026" in offer  # the handler is told
    _approve_completed(fca_firm, request, MON + timedelta(days=3, hours=7))  # Thu 16:30 GMT

    ack, letter = fca_firm.inbox(fca_firm.client)
    body = letter.get_body(("plain",)).get_content()
    assert "Your complaint is resolved" in str(letter["Subject"]) and letter["In-Reply-To"]
    assert "We now consider your complaint to have been resolved." in body and DONE in body
    assert "you may be able to refer it to the Financial Ombudsman Service" in body
    # DISP 1 Annex 3R(1):
    assert "the Ombudsman will not have our permission to consider your complaint" in body
    assert "www.financial-ombudsman.org.uk" in body
    assert body.startswith("Thursday 5 March 2026"), "dated the day it was approved, not drafted"
    with fca_firm.app.store.transaction() as conn:
        case = conn.execute(select(cases)).one()
        sent = conn.execute(select(outbox).where(outbox.c.kind == "summary_resolution")).one()
    assert sent.status == "sent" and case.state == "responded" and case.responded_at is not None

    # Not satisfied after all: the client's reply to it is filed on the same case, no new one.
    later = MON + timedelta(days=10)
    reply_id = fca_firm.client_writes(f"Re: {letter['Subject']}", "The refund has not arrived.", at=later,
                                      in_reply_to=letter["Message-ID"],
                                      references=f"{ack['Message-ID']} {letter['Message-ID']}")
    fca_firm.run(later + timedelta(minutes=1))
    with fca_firm.app.store.transaction() as conn:
        (only,) = conn.execute(select(cases.c.id)).scalars().all()
        filed = conn.execute(select(case_messages.c.case_id, case_messages.c.kind)
                             .where(case_messages.c.message_id == reply_id)).one()
    assert tuple(filed) == (only, "follow_up")


def test_after_the_third_business_day_it_is_refused_and_the_handler_told_why(fca_firm: Firm) -> None:
    request = _ask_for_summary(fca_firm, MON + timedelta(days=2))
    assert request is not None
    _approve_completed(fca_firm, request, MON + timedelta(days=3, hours=9))  # Thu 18:30 GMT: too late

    assert len(fca_firm.inbox(fca_firm.client)) == 1, "nothing but the acknowledgement"
    with fca_firm.app.store.transaction() as conn:
        letter = conn.execute(select(outbox).where(outbox.c.kind == "summary_resolution")).one()
        refused = [r.detail for r in conn.execute(select(audit_events).where(audit_events.c.kind == "letter.gate_refused"))]
    assert letter.status == "draft" and {"outbox_id": letter.id, "missing": ["summary_resolution_window"]} in refused
    help_mail = [m for m in fca_firm.inbox(fca_firm.handler) if "could not act" in str(m["Subject"]).lower()]
    assert help_mail and "send a final response instead" in help_mail[-1].get_body(("plain",)).get_content()


def test_a_firm_outside_the_fcas_rules_gets_no_summary_resolution_draft(dovecot: DovecotServer, make_smtp_server,  # type: ignore[no-untyped-def]
                                                                       tmp_path: Path) -> None:
    firm = make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path)  # ew_sra
    assert _ask_for_summary(firm, MON + timedelta(hours=2)) is None
    with firm.app.store.transaction() as conn:
        assert conn.execute(select(outbox).where(outbox.c.kind == "summary_resolution")).all() == []
    help_mail = [m for m in firm.inbox(firm.handler) if "could not act" in str(m["Subject"]).lower()]
    assert help_mail and "fca_disp" in help_mail[-1].get_body(("plain",)).get_content()
