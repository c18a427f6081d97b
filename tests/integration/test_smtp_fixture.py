"""The SMTP fixture itself, driven by the standard library's smtplib (not by the code under test)."""

from __future__ import annotations

import smtplib
from collections.abc import Callable

import pytest

from tests.servers.dovecot import DovecotServer, ImapUser
from tests.servers.smtp import SMTP_PASSWORD, SMTP_USER, SmtpServer

RAW = b"From: complaints@firm.test\r\nTo: client@example.test\r\nSubject: Your complaint\r\n\r\nReceived.\r\n"


def _client(server: SmtpServer) -> smtplib.SMTP:
    return smtplib.SMTP(server.host, server.port, timeout=10)


def test_records_the_envelope_and_raw_bytes(smtp_server: SmtpServer) -> None:
    with _client(smtp_server) as client:
        client.sendmail("bounces@firm.test", ["a@example.test", "b@example.test"], RAW)

    assert len(smtp_server.received) == 1
    mail = smtp_server.received[0]
    assert mail.mail_from == "bounces@firm.test"
    assert mail.rcpt_tos == ("a@example.test", "b@example.test")
    assert mail.raw == RAW


def test_a_queued_451_is_answered_once_then_mail_is_accepted(smtp_server: SmtpServer) -> None:
    smtp_server.queue_rcpt("451 4.3.0 try later")
    with _client(smtp_server) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail("bounces@firm.test", ["a@example.test"], RAW)
        assert refused.value.recipients["a@example.test"][0] == 451
        client.sendmail("bounces@firm.test", ["a@example.test"], RAW)
    assert [m.rcpt_tos for m in smtp_server.received] == [("a@example.test",)]


def test_a_refusal_can_target_one_address(smtp_server: SmtpServer) -> None:
    smtp_server.queue_rcpt("550 5.1.1 no such user", address="gone@example.test")
    with _client(smtp_server) as client:
        refused = client.sendmail("bounces@firm.test", ["ok@example.test", "gone@example.test"], RAW)
    assert refused == {"gone@example.test": (550, b"5.1.1 no such user")}
    assert smtp_server.received[0].rcpt_tos == ("ok@example.test",)


def test_a_queued_data_failure_loses_nothing_on_retry(smtp_server: SmtpServer) -> None:
    smtp_server.queue_data("452 4.3.1 insufficient storage")
    with _client(smtp_server) as client:
        with pytest.raises(smtplib.SMTPDataError) as failed:
            client.sendmail("bounces@firm.test", ["a@example.test"], RAW)
        assert failed.value.smtp_code == 452
    assert smtp_server.received == []
    with _client(smtp_server) as client:
        client.sendmail("bounces@firm.test", ["a@example.test"], RAW)
    assert len(smtp_server.received) == 1


def test_auth_is_required_and_checked(make_smtp_server: Callable[..., SmtpServer]) -> None:
    server = make_smtp_server(auth=True)
    with _client(server) as client, pytest.raises(smtplib.SMTPSenderRefused):
        client.sendmail("bounces@firm.test", ["a@example.test"], RAW)
    with _client(server) as client:
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            client.login(SMTP_USER, "wrong")
        assert refused.value.smtp_code == 535
    with _client(server) as client:
        client.login(SMTP_USER, SMTP_PASSWORD)
        client.sendmail("bounces@firm.test", ["a@example.test"], RAW)
    assert len(server.received) == 1


@pytest.mark.dovecot
def test_delivers_into_the_recipients_imap_inbox(
    make_smtp_server: Callable[..., SmtpServer], dovecot: DovecotServer, imap_user: ImapUser
) -> None:
    other = dovecot.new_user()
    server = make_smtp_server(deliver_to=dovecot)
    with _client(server) as client:
        client.sendmail("bounces@firm.test", [imap_user.address, other.address], RAW)
    assert dovecot.fetch_all(imap_user, "INBOX") == [RAW]
    assert dovecot.fetch_all(other, "INBOX") == [RAW]


def test_stopped_server_refuses_connections(make_smtp_server: Callable[..., SmtpServer]) -> None:
    server = make_smtp_server()
    host, port = server.host, server.port
    server.stop()
    with pytest.raises(OSError):
        smtplib.SMTP(host, port, timeout=5)
