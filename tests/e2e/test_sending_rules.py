"""Sending as a firm on a provider's limits needs it: everything due goes in one pass, no faster
than smtp.max_per_minute, clients first; one bad letter never holds up the rest; a letter staff
never receive is reported; a relay that refuses our login is tried once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mailbot.cli import wiring
from mailbot.cli.operations import status_report
from mailbot.service.runner import run_once
from mailbot.service.sending import flush_outbox
from mailbot.store import outbox as outbox_q
from mailbot.store.tables import cases, outbox, quarantine
from tests.e2e.harness import Firm, make_firm
from tests.servers.dovecot import DovecotServer
from tests.servers.smtp import SMTP_USER, ReceivedMail, SmtpServer

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # a Monday
COMPLAINT = (
    "Nobody has called me back about the sale of my flat for three weeks and I am very unhappy."
)


@pytest.fixture
def firm(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> Firm:  # type: ignore
    return make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path)


def complaints_from_new_clients(firm: Firm, count: int) -> list[str]:
    senders = [firm.dovecot.new_user("client") for _ in range(count)]
    for n, sender in enumerate(senders):
        firm.client_writes(f"Complaint {n}", COMPLAINT, at=T0, sender=sender)
    return [s.address for s in senders]


def letters(firm: Firm, **where: Any) -> list[Any]:
    with firm.app.store.transaction() as conn:
        q = select(outbox).order_by(outbox.c.id)
        for column, value in where.items():
            q = q.where(outbox.c[column] == value)
        return list(conn.execute(q))


# everything due, at the provider's rate, clients first -------------------------------------


def test_one_pass_sends_everything_that_is_due_not_fifty(firm: Firm) -> None:
    complaints_from_new_clients(firm, 26)
    report = firm.run(T0 + timedelta(minutes=1))
    assert report.intake.outcomes == {"new_case": 26}
    assert len(report.sending.sent) == 52, (
        "26 acknowledgements and 26 approval requests, all in one pass"
    )
    assert letters(firm, status="approved") == []


class ClockedSmtp(SmtpServer):
    """Notes the (fake) time of each letter it receives."""

    def __init__(self, clock: list[float], **options: Any) -> None:
        super().__init__(**options)
        self.clock = clock
        self.times: list[float] = []

    def _record(self, mail: ReceivedMail) -> None:
        self.times.append(self.clock[0])
        super()._record(mail)


def test_letters_go_at_the_configured_rate_clients_first(
    dovecot: DovecotServer, tmp_path: Path
) -> None:
    now = [1000.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    with ClockedSmtp(now, deliver_to=dovecot) as smtp:
        firm = make_firm(dovecot, smtp, tmp_path, overrides={"smtp": {"max_per_minute": 2}})
        clients = complaints_from_new_clients(firm, 3)
        run_once(
            firm.app, wiring.mailbox_source(firm.config), None, clock=lambda: T0
        )  # intake only
        report = asyncio.run(
            flush_outbox(
                firm.app,
                wiring.smtp_settings(firm.config),
                now=T0,
                sleep=sleep,
                clock=lambda: now[0],
            )
        )
    assert len(report.sent) == 6
    order = [mail.rcpt_tos[0] for mail in smtp.received]
    assert order[:3] == clients, "the three clients' acknowledgements before any approval request"
    assert set(order[3:]) <= {firm.handler.address, firm.other_handler.address}
    times = smtp.times
    assert all(later - earlier >= 60 for earlier, later in zip(times, times[2:])), (
        f"never more than 2 letters in any minute: {times}"
    )


# one letter never holds up the rest ----------------------------------------------------------


def _add_broken_letter(firm: Firm, case_id: int, **changes: Any) -> int:
    values: dict[str, Any] = {
        "case_id": case_id,
        "kind": "progress_update",
        "status": "approved",
        "requires_approval": True,
        "handler_email": firm.handler.address,
        "sender": firm.complaints.address,
        "recipients": [firm.client.address],
        "message_id": f"mb.broken.{case_id}@{firm.config.firm.domain}",
        "subject": "An update on your complaint",
        "body_text": "Dear Sam,\n\nWe are looking into it.\n",
        "reply_to": firm.complaints.address,
        "auto_submitted": "no",
        "created_at": T0,
        **changes,
    }
    with firm.app.store.transaction() as conn:
        return outbox_q.add_letter(conn, **values)


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(
            {"recipients": ["sam\x0bclient@example.test"]}, id="a-vertical-tab-in-the-address"
        ),
        pytest.param(
            {"subject": "An update\nBcc: someone@example.test"}, id="a-letter-that-cannot-be-built"
        ),
    ],
)
def test_a_letter_that_cannot_be_sent_fails_alone_and_its_handler_is_told(
    firm: Firm, broken: dict[str, Any]
) -> None:
    firm.client_writes("Flat sale", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    with firm.app.store.transaction() as conn:
        case_id = conn.execute(select(cases.c.id)).scalar_one()
    bad = _add_broken_letter(firm, case_id, **broken)
    newcomer = firm.dovecot.new_user("client")
    firm.client_writes(
        "Another complaint", COMPLAINT, at=T0 + timedelta(minutes=2), sender=newcomer
    )

    report = firm.run(T0 + timedelta(minutes=3))
    assert report.sending.failed == [bad], "the broken letter is failed, with nothing else"
    (row,) = letters(firm, id=bad)
    assert row.status == "failed" and row.last_error
    assert len(firm.inbox(newcomer)) == 1, "the queue went on: the next client was acknowledged"
    firm.run(T0 + timedelta(minutes=4))
    assert any(str(m["Subject"]).startswith("Undelivered") for m in firm.inbox(firm.handler))


def test_a_complaint_from_an_unusable_address_is_held_and_a_person_told(firm: Firm) -> None:
    raw = (
        b"From: Sam Client <sam\x0bclient@example.test>\r\nTo: "
        + firm.complaints.address.encode()
        + b"\r\nSubject: My complaint\r\nMessage-ID: <vt-1@client.example>\r\n\r\n"
        + COMPLAINT.encode()
        + b"\r\n"
    )
    firm.dovecot.append(firm.complaints, "INBOX", raw, internaldate=T0)
    firm.client_writes("Flat sale", COMPLAINT, at=T0)

    report = firm.run(T0 + timedelta(minutes=1))
    assert report.intake.outcomes == {"quarantined": 1, "new_case": 1}
    with firm.app.store.transaction() as conn:
        clients = list(conn.execute(select(cases.c.client_address)).scalars())
        (held,) = list(conn.execute(select(quarantine.c.reason)).scalars())
    assert clients == [firm.client.address], "the unusable address never became a case's client"
    assert "sender's address cannot be used" in held
    assert firm.dovecot.fetch_all(firm.complaints, "mailbot/quarantine") == [raw], (
        "kept, byte for byte"
    )
    assert len(firm.inbox(firm.client)) == 1
    firm.run(T0 + timedelta(minutes=2))
    notices = [str(m["Subject"]) for m in firm.inbox(firm.compliance)]
    assert notices == ["Complaints inbox: 1 message(s) held in quarantine"]


def test_an_approval_request_that_cannot_be_delivered_alerts_compliance(firm: Firm) -> None:
    firm.smtp.queue_rcpt("550 5.1.1 mailbox unavailable", address=firm.handler.address)
    firm.client_writes("Flat sale", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    (request,) = letters(firm, kind="approval_request")
    assert request.status == "failed"
    firm.run(T0 + timedelta(minutes=2))
    alerts = [
        m
        for m in firm.inbox(firm.compliance)
        if "Undelivered: approval request" in str(m["Subject"])
    ]
    assert len(alerts) == 1 and "C-2026-0001" in str(alerts[0]["Subject"])
    assert "draft waits unseen" in alerts[0].get_body(("plain",)).get_content()


# a relay that refuses our login ---------------------------------------------------------------


def test_a_relay_refusing_the_login_is_tried_once_and_status_says_why(
    dovecot: DovecotServer, make_smtp_server, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    relay = make_smtp_server(auth=True, deliver_to=dovecot)
    secret = tmp_path / "smtp.secret"
    secret.write_text("not-the-password")
    firm = make_firm(
        dovecot,
        relay,
        tmp_path,
        overrides={
            "smtp": {"auth": "password", "username": SMTP_USER, "password_file": str(secret)}
        },
    )
    firm.client_writes("Flat sale", COMPLAINT, at=T0)
    for minutes in (1, 2, 30, 60):
        firm.run(T0 + timedelta(minutes=minutes))
    assert relay.auth_attempts == 1, "one refused login, never a retry loop"
    waiting = letters(firm, status="approved")
    assert len(waiting) == 3 and all(row.attempts == 0 for row in waiting), (
        "no letter is blamed for the relay"
    )
    alerts = [row.subject for row in letters(firm, kind="system_alert")]
    assert alerts == ["Outgoing mail stopped: the mail relay refused mailbot's login"]
    (link,) = [
        entry
        for entry in status_report(firm.config, T0)["links"]
        if entry["link"].startswith("smtp:")
    ]
    assert (
        link["status"] == "blocked" and "535" in link["last_error"] and "retry-login" in link["fix"]
    )
