"""mailbot.smtp.send against a real SMTP server on loopback, reading results back over IMAP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest

from mailbot.errors import DeliveryFailed
from mailbot.oauth import StaticTokenProvider
from mailbot.smtp import RecipientsRefused, SmtpAuthFailed, SmtpSettings, send
from tests.servers.dovecot import DovecotServer, ImapUser, free_port
from tests.servers.smtp import OAUTH_TOKEN, SMTP_PASSWORD, SMTP_USER, SmtpServer

SENDER = "complaints+b-42@firm.test"


def letter(to: str = "client@example.test", subject: str = "Your complaint [CMP-0042]") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Complaints <complaints@firm.test>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = "<letter-42@firm.test>"
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("We have received your complaint.\n")
    return message


def settings_for(server: SmtpServer, **changes: Any) -> SmtpSettings:
    return SmtpSettings(host=server.host, port=server.port, security="none", timeout_seconds=10, **changes)


def deliver(settings: SmtpSettings, message: EmailMessage, recipients: list[str]) -> None:
    asyncio.run(send(settings, message, sender=SENDER, recipients=recipients))


@pytest.mark.dovecot
def test_a_sent_letter_arrives_in_the_recipients_mailbox(
    make_smtp_server: Callable[..., SmtpServer], dovecot: DovecotServer, imap_user: ImapUser
) -> None:
    server = make_smtp_server(deliver_to=dovecot)
    deliver(settings_for(server), letter(to=imap_user.address), [imap_user.address])

    (raw,) = dovecot.fetch_all(imap_user, "INBOX")
    arrived = BytesParser(policy=default_policy).parsebytes(raw)
    assert arrived["Subject"] == "Your complaint [CMP-0042]"
    assert arrived["Message-ID"] == "<letter-42@firm.test>"
    assert arrived.get_content().splitlines() == ["We have received your complaint."]
    assert server.received[0].mail_from == SENDER  # the VERP envelope sender, not From:


def test_451_is_temporary_and_the_retry_goes_through(smtp_server: SmtpServer) -> None:
    smtp_server.queue_rcpt("451 4.3.0 try later")
    with pytest.raises(DeliveryFailed) as failed:
        deliver(settings_for(smtp_server), letter(), ["client@example.test"])
    assert failed.value.permanent is False
    assert failed.value.code == 451
    assert smtp_server.received == []

    deliver(settings_for(smtp_server), letter(), ["client@example.test"])
    assert [m.rcpt_tos for m in smtp_server.received] == [("client@example.test",)]


def test_550_is_permanent(smtp_server: SmtpServer) -> None:
    smtp_server.queue_rcpt("550 5.1.1 no such user")
    with pytest.raises(DeliveryFailed) as failed:
        deliver(settings_for(smtp_server), letter(), ["gone@example.test"])
    assert failed.value.permanent is True
    assert failed.value.code == 550
    assert smtp_server.received == []


def test_a_refused_message_body_is_classified_by_its_code(smtp_server: SmtpServer) -> None:
    smtp_server.queue_data("452 4.3.1 insufficient storage", "554 5.7.1 rejected by policy")
    outcomes = []
    for _ in range(2):
        with pytest.raises(DeliveryFailed) as failed:
            deliver(settings_for(smtp_server), letter(), ["client@example.test"])
        outcomes.append((failed.value.code, failed.value.permanent))
    assert outcomes == [(452, False), (554, True)]


@pytest.mark.dovecot
def test_partial_refusal_is_detected_and_not_retried(
    make_smtp_server: Callable[..., SmtpServer], dovecot: DovecotServer, imap_user: ImapUser
) -> None:
    server = make_smtp_server(deliver_to=dovecot)
    server.queue_rcpt("550 5.1.1 no such user", address="gone@example.test")
    with pytest.raises(RecipientsRefused) as failed:
        deliver(settings_for(server), letter(to=imap_user.address), [imap_user.address, "gone@example.test"])

    assert failed.value.refused == {"gone@example.test": (550, "5.1.1 no such user")}
    assert failed.value.accepted == (imap_user.address,)
    assert failed.value.permanent is True  # the accepted recipient already has it
    assert len(dovecot.fetch_all(imap_user, "INBOX")) == 1


def test_wrong_password_is_auth_failed(make_smtp_server: Callable[..., SmtpServer]) -> None:
    server = make_smtp_server(auth=True)
    with pytest.raises(SmtpAuthFailed) as failed:
        deliver(settings_for(server, username=SMTP_USER, password="wrong"), letter(), ["client@example.test"])
    assert failed.value.auth_failed is True
    assert failed.value.permanent is True
    assert failed.value.code == 535
    assert server.received == []


def test_password_login_on_loopback(make_smtp_server: Callable[..., SmtpServer]) -> None:
    server = make_smtp_server(auth=True)
    deliver(settings_for(server, username=SMTP_USER, password=SMTP_PASSWORD), letter(), ["client@example.test"])
    assert len(server.received) == 1


def test_xoauth2_login_with_a_token_file(make_smtp_server: Callable[..., SmtpServer], tmp_path: Path) -> None:
    server = make_smtp_server(auth=True)
    token_file = tmp_path / "token"
    token_file.write_text(OAUTH_TOKEN + "\n")
    provider = StaticTokenProvider(file=token_file)
    deliver(settings_for(server, username=SMTP_USER, token_provider=provider), letter(), ["client@example.test"])
    assert len(server.received) == 1

    token_file.write_text("expired-token\n")  # read again on every connection
    with pytest.raises(SmtpAuthFailed):
        deliver(settings_for(server, username=SMTP_USER, token_provider=provider), letter(), ["client@example.test"])


def test_connection_refused_is_temporary() -> None:
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), security="none", timeout_seconds=5)
    with pytest.raises(DeliveryFailed) as failed:
        deliver(settings, letter(), ["client@example.test"])
    assert failed.value.permanent is False


def test_a_server_that_never_answers_is_a_temporary_failure() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings = SmtpSettings(host="127.0.0.1", port=silent.getsockname()[1], security="none", timeout_seconds=0.5)
        with pytest.raises(DeliveryFailed) as failed:
            deliver(settings, letter(), ["client@example.test"])
    assert failed.value.permanent is False


def test_starttls_is_mandatory(smtp_server: SmtpServer) -> None:
    # The test server offers no STARTTLS: aiosmtplib's opportunistic default would send anyway.
    settings = SmtpSettings(host=smtp_server.host, port=smtp_server.port, security="starttls", timeout_seconds=5)
    with pytest.raises(DeliveryFailed) as failed:
        deliver(settings, letter(), ["client@example.test"])
    assert failed.value.permanent is True
    assert smtp_server.received == []
