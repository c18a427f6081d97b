"""What the outbox does after a failed send depends on this: retry, give up, or stop the queue."""

from __future__ import annotations

import ssl

import pytest
from aiosmtplib.errors import (
    SMTPAuthenticationError,
    SMTPConnectError,
    SMTPConnectTimeoutError,
    SMTPDataError,
    SMTPException,
    SMTPReadTimeoutError,
    SMTPRecipientRefused,
    SMTPRecipientsRefused,
    SMTPSenderRefused,
    SMTPServerDisconnected,
)

from mailbot.addresses import is_loopback
from mailbot.errors import ConfigError, DeliveryFailed
from mailbot.oauth import TokenUnavailable
from mailbot.smtp import (
    RecipientsRefused,
    SmtpAuthFailed,
    SmtpSettings,
    classify_smtp_error,
    connection_options,
)


@pytest.mark.parametrize(
    "exc",
    [
        SMTPDataError(451, "4.3.0 try later"),
        SMTPSenderRefused(421, "4.7.0 too many connections", "complaints@firm.test"),
        SMTPServerDisconnected("Connection lost"),
        SMTPConnectError("Error connecting to 127.0.0.1 on port 1"),
        SMTPConnectTimeoutError("Timed out connecting"),
        SMTPReadTimeoutError("Timed out waiting for server response"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError(),
        SMTPAuthenticationError(454, "4.7.0 temporary authentication failure"),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_temporary_failures_are_retried(exc: BaseException) -> None:
    failure = classify_smtp_error(exc)
    assert isinstance(failure, DeliveryFailed)
    assert failure.permanent is False
    assert not getattr(failure, "auth_failed", False)


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (SMTPDataError(550, "5.7.1 message rejected as spam"), 550),
        (SMTPSenderRefused(553, "5.7.1 sender not allowed", "complaints@firm.test"), 553),
        (SMTPDataError(552, "5.3.4 message too big"), 552),
    ],
)
def test_5xx_is_permanent_and_keeps_the_code(exc: BaseException, code: int) -> None:
    failure = classify_smtp_error(exc)
    assert failure.permanent is True
    assert failure.code == code
    assert not getattr(failure, "auth_failed", False)


def test_535_is_permanent_and_marked_auth_failed() -> None:
    failure = classify_smtp_error(SMTPAuthenticationError(535, "5.7.8 Authentication credentials invalid"))
    assert isinstance(failure, SmtpAuthFailed)
    assert failure.permanent is True
    assert failure.auth_failed is True
    assert failure.code == 535


def test_missing_oauth_token_stops_the_queue_like_a_refused_login() -> None:
    failure = classify_smtp_error(TokenUnavailable("invalid_grant: refresh token expired"))
    assert isinstance(failure, SmtpAuthFailed)
    assert failure.permanent is True


def test_all_recipients_refused_permanently() -> None:
    exc = SMTPRecipientsRefused([SMTPRecipientRefused(550, "5.1.1 no such user", "a@client.test")])
    failure = classify_smtp_error(exc)
    assert isinstance(failure, RecipientsRefused)
    assert failure.permanent is True
    assert failure.code == 550
    assert failure.refused == {"a@client.test": (550, "5.1.1 no such user")}


def test_any_temporary_refusal_makes_an_undelivered_message_retryable() -> None:
    exc = SMTPRecipientsRefused(
        [
            SMTPRecipientRefused(550, "5.1.1 no such user", "a@client.test"),
            SMTPRecipientRefused(451, "4.3.0 try later", "b@client.test"),
        ]
    )
    failure = classify_smtp_error(exc)
    assert failure.permanent is False
    assert failure.code == 451


def test_untrusted_certificate_needs_a_person() -> None:
    exc = ssl.SSLCertVerificationError(1, "certificate verify failed")
    exc.verify_message = "self-signed certificate"
    assert classify_smtp_error(exc).permanent is True


def test_missing_extension_is_permanent() -> None:
    failure = classify_smtp_error(SMTPException("SMTP STARTTLS extension not supported by server."))
    assert failure.permanent is True


def test_an_already_classified_failure_passes_through() -> None:
    original = DeliveryFailed("x", permanent=True, code=554)
    assert classify_smtp_error(original) is original


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.53", "::1", "[::1]", "mail.localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["smtp.office365.com", "10.0.0.5", "192.168.1.1", "localhost.evil.test", "::2"])
def test_non_loopback_hosts(host: str) -> None:
    assert not is_loopback(host)


def test_plaintext_is_refused_beyond_loopback() -> None:
    with pytest.raises(ConfigError, match="smtp.security"):
        connection_options(SmtpSettings(host="smtp.firm.test", port=25, security="none"))


def test_starttls_is_mandatory_not_opportunistic() -> None:
    options = connection_options(SmtpSettings(host="smtp.firm.test", port=587, security="starttls"))
    assert options["start_tls"] is True
    assert options["use_tls"] is False


def test_ssl_uses_implicit_tls() -> None:
    options = connection_options(SmtpSettings(host="smtp.firm.test", port=465, security="ssl"))
    assert options["use_tls"] is True
    assert options["start_tls"] is False


def test_credentials_need_a_username() -> None:
    with pytest.raises(ConfigError, match="smtp.username"):
        connection_options(SmtpSettings(host="smtp.firm.test", port=587, password="secret"))
