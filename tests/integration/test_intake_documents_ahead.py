"""A pass reads each batch's attached letters while it files the batch away and takes the next
one in, and decides the batch after that (service/intake_pass.py). What a firm would check:
every client's letter lands on that client's own case, the last batch of a pass is decided in
the same pass, and a pass stopped by a mailbox fault leaves the batch it held for the next pass
to decide, letter and all, exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from mailbot.cli import wiring
from mailbot.mailbox import Mailbox, MailboxError
from mailbot.service.intake_pass import intake_pass
from mailbot.store.tables import case_messages, cases, raw_messages
from tests.bench import genmail
from tests.document_samples import make_pdf
from tests.e2e.harness import Firm
from tests.integration.test_intake_exactly_once import build_firm, deliver
from tests.servers.dovecot import DovecotServer
from tests.servers.smtp import SmtpServer

pytestmark = pytest.mark.dovecot

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
BATCH = 4
CLIENTS = 11  # three batches, the last one short


@pytest.fixture
def firm(dovecot: DovecotServer, smtp_server: SmtpServer, tmp_path: Path) -> Iterator[Firm]:
    built = build_firm(dovecot, smtp_server, tmp_path, f"sqlite:///{tmp_path / 'm.sqlite3'}",
                       batch_size=BATCH)
    yield built
    built.app.store.dispose()


def letter_mail(n: int, to: str) -> genmail.Generated:
    """Client n's covering note, with the complaint itself only in the attached PDF."""
    sender = f"client{n}@clients.test"
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, "Complaint"
    msg["Date"], msg["Message-ID"] = format_datetime(T0), make_msgid(domain="clients.test")
    msg.set_content("Hello,\n\nPlease find my complaint attached.\n\nRegards")
    words = [f"Dear Sirs, my reference is LETTER-{n:03d}.",
             "Nobody has answered my calls about my sale for a month."]
    msg.add_attachment(make_pdf([words]), maintype="application", subtype="pdf",
                       filename=f"complaint {n}.pdf")
    return genmail.Generated(msg.as_bytes(), "complaint", sender, f"letter-{n}", "unique", T0)


def letters_by_client(firm: Firm) -> dict[str, list[str]]:
    """Each case's client and the letter references its stored messages hold."""
    with firm.app.store.transaction() as conn:
        rows = conn.execute(select(cases.c.client_address, case_messages.c.body)
                            .join(case_messages, case_messages.c.case_id == cases.c.id)).all()
    found: dict[str, list[str]] = {}
    for client, body in rows:
        refs = [w.strip(".") for w in body.split() if w.startswith("LETTER-")]
        found.setdefault(client, []).extend(refs)
    return found


def expected() -> dict[str, list[str]]:
    return {f"client{n}@clients.test": [f"LETTER-{n:03d}"] for n in range(CLIENTS)}


def test_every_batch_is_decided_in_the_pass_with_each_clients_own_letter(firm: Firm) -> None:
    deliver(firm, "INBOX", [letter_mail(n, firm.complaints.address) for n in range(CLIENTS)])
    with Mailbox(wiring.mailbox_settings(firm.config)) as mailbox:
        report = intake_pass(firm.app, mailbox, now=lambda: T0 + timedelta(minutes=5))
    assert report.fetched == CLIENTS
    assert report.outcomes == {"new_case": CLIENTS}, "the last batch is decided in the same pass"
    assert letters_by_client(firm) == expected()


class FailingSecondFetch:
    """The firm's mailbox, whose connection drops when the pass asks for its second batch."""

    def __init__(self, mailbox: Mailbox) -> None:
        self._mailbox, self._fetches = mailbox, 0

    def fetch_since(self, uid: int, limit: int) -> Any:
        self._fetches += 1
        if self._fetches == 2:
            raise MailboxError("connection reset by the server")
        return self._mailbox.fetch_since(uid, limit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._mailbox, name)


def test_a_batch_held_when_the_mailbox_fails_is_decided_by_the_next_pass(firm: Firm) -> None:
    deliver(firm, "INBOX", [letter_mail(n, firm.complaints.address) for n in range(CLIENTS)])
    with Mailbox(wiring.mailbox_settings(firm.config)) as mailbox:
        with pytest.raises(MailboxError):
            intake_pass(firm.app, FailingSecondFetch(mailbox),  # type: ignore[arg-type]
                        now=lambda: T0 + timedelta(minutes=5))
    with firm.app.store.transaction() as conn:
        recorded = conn.execute(select(func.count()).select_from(raw_messages)).scalar_one()
    assert recorded == BATCH, "the first batch is safe in the database before the fault"

    with Mailbox(wiring.mailbox_settings(firm.config)) as mailbox:
        report = intake_pass(firm.app, mailbox, now=lambda: T0 + timedelta(minutes=10))
    assert report.fetched == CLIENTS - BATCH
    assert report.outcomes == {"new_case": CLIENTS}, "the held batch first, then the rest"
    assert letters_by_client(firm) == expected(), "each letter read once, on its own case"
