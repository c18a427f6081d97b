"""SMTP adapter (aiosmtplib): send one message over TLS, and say whether a failure is worth
retrying.

The outbox decides what to send and when to retry; this module only sends safely and
classifies what went wrong:
- TLS is required unless the server is on loopback: implicit TLS (`ssl`) or MANDATORY
  STARTTLS (aiosmtplib's default upgrade is opportunistic), so credentials never cross
  a network in plaintext;
- 4xx, timeouts and dropped or refused connections are temporary; 5xx are permanent;
  a refused login (535) is permanent AND marked `auth_failed`: retrying locks the account,
  so the caller stops the queue and tells a person;
- aiosmtplib returns normally when at least one recipient was accepted, so refused
  recipients are checked here and raised as `RecipientsRefused`;
- a login is ONE attempt: aiosmtplib tries every AUTH method the server offers after a
  refusal, and each refusal counts towards an account lockout;
- an address that is not a well-formed address (a control character in it) is refused here,
  before any connection, as a permanent failure of that one letter;
- every failure says what to do (`fix`) and whether it is the relay's (`connection`: the rest
  of the queue would fail the same way) or this letter's.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import aiosmtplib
from aiosmtplib import SMTPResponse
from aiosmtplib.errors import (
    SMTPAuthenticationError,
    SMTPException,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPSenderRefused,
    SMTPServerDisconnected,
    SMTPTimeoutError,
)

from .addresses import address_problem, plaintext_problem
from .config import Security
from .errors import ConfigError, DeliveryFailed
from .oauth import TokenProvider, TokenUnavailable

AUTH_FAILED_CODE = 535


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token_provider: TokenProvider | None = field(default=None, repr=False)
    timeout_seconds: float = 60.0
    local_hostname: str | None = None  # EHLO name; None lets aiosmtplib use the host's FQDN
    ca_file: str | None = None  # PEM file of the CA to trust for this relay (a firm's own CA)
    fingerprint: str = field(default="", repr=False)  # of the credentials (see reconnect.py)


class SmtpAuthFailed(DeliveryFailed):
    """The server refused our login (535) or no OAuth token could be had: stop the queue."""

    auth_failed = True

    def __init__(self, reason: str, *, code: int | None = AUTH_FAILED_CODE) -> None:
        super().__init__(reason, permanent=True, code=code, connection=True, fix=_FIX_LOGIN)


class RecipientsRefused(DeliveryFailed):
    """Some or all recipients were refused. `refused` maps each to (code, server text).

    When some were accepted the message has already gone to them, so this is permanent:
    retrying would send it twice. A person decides about the rest.
    """

    def __init__(self, refused: Mapping[str, tuple[int, str]], *, accepted: Sequence[str] = (),
                 permanent: bool) -> None:
        self.refused = dict(refused)
        self.accepted = tuple(accepted)
        code, text = _deciding(self.refused, permanent)
        total = len(self.refused) + len(self.accepted)
        reason = f"{len(self.refused)} of {total} recipients refused: {code} {text}"
        super().__init__(reason, permanent=permanent, code=code)


def _deciding(refused: Mapping[str, tuple[int, str]], permanent: bool) -> tuple[int, str]:
    """The refusal that explains the verdict: a 4xx if any made it temporary, else the first."""
    replies = list(refused.values())
    if not permanent:
        replies = [reply for reply in replies if _is_temporary(reply[0])] or replies
    return replies[0]


def _is_temporary(code: int) -> bool:
    return not 500 <= code < 600


_FIX_LOGIN = ("check smtp.username and the password (smtp.password_env or smtp.password_file) or "
              "the OAuth token; sending stays stopped until the secret changes or you run "
              "`mailbot retry-login`")
_FIX_REACH = "check smtp.host, smtp.port and the firewall; mailbot retries with backoff"


def classify_smtp_error(exc: BaseException) -> DeliveryFailed:
    """Map anything sending raised to DeliveryFailed: temporary (retry with backoff) or permanent.

    The outbox decides from this alone whether to retry, give up on one letter, or stop the
    queue, so no service ever needs to know an aiosmtplib or ssl exception.
    """
    if isinstance(exc, DeliveryFailed):
        return exc
    if isinstance(exc, TokenUnavailable):
        return SmtpAuthFailed(f"auth_failed: no OAuth token: {exc.reason}", code=None)
    if isinstance(exc, SMTPRecipientsRefused):
        refused = {error.recipient: (error.code, error.message) for error in exc.recipients}
        return RecipientsRefused(
            refused, permanent=not any(_is_temporary(code) for code, _ in refused.values()))
    if isinstance(exc, SMTPResponseException):
        return _from_reply(exc)
    return _without_reply(exc)


def _from_reply(exc: SMTPResponseException) -> DeliveryFailed:
    """The relay answered with a code: its first digit says whether trying again can help."""
    code, text = exc.code, exc.message
    if code == AUTH_FAILED_CODE or (isinstance(exc, SMTPAuthenticationError) and
                                    not _is_temporary(code)):
        return SmtpAuthFailed(f"auth_failed: {code} {text}", code=code)
    permanent = not _is_temporary(code)
    if isinstance(exc, SMTPSenderRefused):  # the same envelope sender fails for every letter
        return DeliveryFailed(
            f"envelope sender refused: {code} {text}", permanent=permanent, code=code,
            connection=True, fix="the relay must accept the complaints address with a +b-N "
            "suffix as envelope sender (plus addressing; on Microsoft 365, send-as rights)")
    # 421: the service is closing, for every letter
    return DeliveryFailed(f"{code} {text}", permanent=permanent, code=code,
                          connection=code == 421)


def _without_reply(exc: BaseException) -> DeliveryFailed:
    """No reply code: the connection, TLS or a missing extension failed, so every letter would."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return DeliveryFailed(
            f"TLS certificate not trusted: {exc.verify_message}", permanent=True, connection=True,
            fix="if the firm's own CA signed it, set smtp.ca_file to that CA's PEM file; "
                "otherwise fix the certificate on the relay (its name must match smtp.host)")
    if isinstance(exc, ssl.SSLError):
        return DeliveryFailed(
            f"TLS failed: {exc}", permanent=True, connection=True,
            fix='check that smtp.security matches the port ("ssl" on 465, "starttls" on 587)')
    if isinstance(exc, (SMTPTimeoutError, SMTPServerDisconnected, TimeoutError, OSError)):
        return DeliveryFailed(f"{type(exc).__name__}: {exc}", permanent=False, connection=True,
                              fix=_FIX_REACH)
    if isinstance(exc, SMTPException):
        # A missing extension (STARTTLS, AUTH, XOAUTH2) or a client-side refusal.
        return DeliveryFailed(f"{type(exc).__name__}: {exc}", permanent=True, connection=True,
                              fix=_missing_extension_fix(str(exc)))
    return DeliveryFailed(f"unexpected {type(exc).__name__}: {exc}", permanent=False)


def _missing_extension_fix(text: str) -> str:
    lowered = text.lower()
    if "auth" in lowered:
        return ("the relay offers no login: if it accepts mail without one (an internal relay, or "
                "a connector that trusts this server's address), set smtp.auth = \"none\" and "
                "remove smtp.username")
    if "starttls" in lowered:
        return ('the relay offers no STARTTLS on this port: use smtp.security = "ssl" (port 465) '
                "or check smtp.port")
    return "check [smtp] against what the relay offers (`mailbot check-config --connect` shows it)"


def connection_options(settings: SmtpSettings) -> dict[str, Any]:
    """aiosmtplib keyword arguments for these settings; refuses plaintext beyond loopback."""
    plaintext = plaintext_problem("smtp", settings.security, settings.host)
    if plaintext:
        raise ConfigError([plaintext])
    if settings.password is not None and settings.token_provider is not None:
        raise ConfigError(["smtp: set a password or an OAuth token source, not both"])
    if (settings.password is not None or
            settings.token_provider is not None) and not settings.username:
        raise ConfigError(["smtp.username: required when a password or OAuth token is configured"])
    options: dict[str, Any] = {
        "hostname": settings.host,
        "port": settings.port,
        "timeout": settings.timeout_seconds,
        "use_tls": settings.security == "ssl",
        "start_tls": settings.security == "starttls",  # True = mandatory, never opportunistic
        "local_hostname": settings.local_hostname,
    }
    if settings.ca_file and settings.security != "none":
        options["cert_bundle"] = settings.ca_file
    if settings.username and (settings.password is not None or settings.token_provider is not None):
        options["username"] = settings.username
        if settings.token_provider is not None:
            options["oauth_token_generator"] = _token_generator(settings.token_provider)
        else:
            options["password"] = settings.password
    return options


def _token_generator(provider: TokenProvider) -> Any:
    async def generate() -> str:
        # Providers may block on an HTTP call to the identity provider.
        return await asyncio.to_thread(provider.access_token)

    return generate


class _OneLogin(aiosmtplib.SMTP):
    """aiosmtplib's client, logging in with one AUTH method: PLAIN, else LOGIN, else CRAM-MD5."""

    PREFERENCE = ("plain", "login", "cram-md5")

    async def login(self, username: str | bytes, password: str | bytes, /,
                    timeout: Any = None) -> SMTPResponse:
        await self._ehlo_or_helo_if_needed()
        offered = [name for name in self.PREFERENCE if name in self.server_auth_methods]
        if not offered:  # no AUTH, or only methods we do not speak: aiosmtplib says which
            return await super().login(username, password)
        method = getattr(self, f"auth_{offered[0].replace('-', '')}")
        response: SMTPResponse = await (method(username, password) if timeout is None else
                                        method(username, password, timeout=timeout))
        return response


async def send(settings: SmtpSettings, message: EmailMessage, *, sender: str,
               recipients: list[str]) -> None:
    """Send one message to the envelope recipients; raise DeliveryFailed unless all accepted it."""
    if not recipients:
        raise ValueError("send() needs at least one recipient")
    for address in (sender, *recipients):
        problem = address_problem(address)
        if problem is not None:
            raise DeliveryFailed(f"not a usable address ({problem})", permanent=True,
                                 fix="correct the address on the case, then send the letter again")
    client = _OneLogin(**connection_options(settings))
    try:
        async with client:
            refused, _reply = await client.send_message(message, sender=sender,
                                                        recipients=recipients)
    except (SMTPException, OSError, TimeoutError) as exc:
        raise classify_smtp_error(exc) from exc
    if refused:
        accepted = [rcpt for rcpt in recipients if rcpt not in refused]
        details = {rcpt: (reply.code, reply.message) for rcpt, reply in refused.items()}
        raise RecipientsRefused(details, accepted=accepted, permanent=True)


async def check(settings: SmtpSettings) -> tuple[str, ...]:
    """Connect, secure, log in and leave, sending nothing; the relay's EHLO extensions.

    For `mailbot check-config --connect`: a failure is raised as DeliveryFailed with its fix.
    """
    client = _OneLogin(**connection_options(settings))
    try:
        await client.connect()
        extensions = tuple(sorted(client.esmtp_extensions))
        await client.quit()
    except (SMTPException, OSError, TimeoutError) as exc:
        client.close()
        raise classify_smtp_error(exc) from exc
    return extensions
