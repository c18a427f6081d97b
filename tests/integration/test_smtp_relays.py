"""The SMTP adapter against relays as firms have them: an internal CA, no login, and a check
that logs in and sends nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest

from mailbot.errors import DeliveryFailed
from mailbot.smtp import SmtpSettings, check, send
from tests.servers.smtp import SMTP_PASSWORD, SMTP_USER, SmtpServer
from tests.servers.tls import make_certificates

SENDER = "complaints+b-7@firm.test"


def letter(to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Complaints <complaints@firm.test>"
    message["To"] = to
    message["Subject"] = "Your complaint"
    message["Message-ID"] = "<letter-7@firm.test>"
    message.set_content("We have received your complaint.\n")
    return message


def deliver(settings: SmtpSettings, to: str) -> None:
    asyncio.run(send(settings, letter(to), sender=SENDER, recipients=[to]))


def test_starttls_with_the_firms_own_ca_needs_ca_file_and_says_so(
    make_smtp_server: Callable[..., SmtpServer], tmp_path: Path
) -> None:
    certificates = make_certificates(tmp_path / "ca")
    server = make_smtp_server(tls=certificates)
    settings = SmtpSettings(
        host=server.host, port=server.port, security="starttls", timeout_seconds=10
    )
    with pytest.raises(DeliveryFailed) as info:
        deliver(settings, "client@example.test")
    assert info.value.connection and info.value.permanent, "the relay's fault, not the letter's"
    assert "smtp.ca_file" in info.value.fix
    trusted = SmtpSettings(
        host=server.host,
        port=server.port,
        security="starttls",
        timeout_seconds=10,
        ca_file=str(certificates.ca_file),
    )
    deliver(trusted, "client@example.test")
    assert [mail.rcpt_tos for mail in server.received] == [("client@example.test",)]



def _plain(server: SmtpServer, password: str) -> SmtpSettings:
    """The test relay over plain loopback, logging in as the test user with `password`."""
    return SmtpSettings(host=server.host, port=server.port, security="none", timeout_seconds=10,
                        username=SMTP_USER, password=password)

def test_a_relay_that_offers_no_login_names_auth_none(smtp_server: SmtpServer) -> None:
    settings = _plain(smtp_server, SMTP_PASSWORD)
    with pytest.raises(DeliveryFailed) as info:
        deliver(settings, "client@example.test")
    assert 'smtp.auth = "none"' in info.value.fix and info.value.connection
    assert smtp_server.received == []


def test_check_logs_in_and_sends_nothing(make_smtp_server: Callable[..., SmtpServer]) -> None:
    server = make_smtp_server(auth=True)
    good = _plain(server, SMTP_PASSWORD)
    extensions = asyncio.run(check(good))
    assert "auth" in extensions and server.auth_attempts == 1 and server.received == []
    bad = _plain(server, "wrong")
    with pytest.raises(DeliveryFailed) as info:
        asyncio.run(check(bad))
    assert getattr(info.value, "auth_failed", False) and "retry-login" in info.value.fix


@pytest.mark.parametrize(
    "recipient", ["client\x0bname@example.test", "client@exam\x00ple.test", "no-at-sign"]
)
def test_an_unusable_address_fails_that_letter_before_any_connection(
    smtp_server: SmtpServer, recipient: str
) -> None:
    settings = SmtpSettings(
        host=smtp_server.host, port=smtp_server.port, security="none", timeout_seconds=10
    )
    with pytest.raises(DeliveryFailed) as info:
        asyncio.run(send(settings, letter("x@example.test"), sender=SENDER, recipients=[recipient]))
    assert (
        info.value.permanent
        and not info.value.connection
        and "not a usable address" in info.value.reason
    )
    assert smtp_server.received == []
