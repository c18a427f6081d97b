"""A real SMTP server on loopback (aiosmtpd), with scripted failures and IMAP delivery.

Tests of sending need a server that speaks SMTP for real, refuses the way real servers
refuse (451 then accept, 550, 535), and lets a test read what arrived the way a person
would: in an IMAP mailbox. With `deliver_to`, every accepted message is APPENDed to the
INBOX of each recipient on the Dovecot test server; the Dovecot username is the FULL
recipient address (Dovecot's static passdb accepts any name), so a test sends to
`imap_user.address` and reads `dovecot.fetch_all(imap_user, "INBOX")`.

Use from a script::

    with SmtpServer() as server:
        ...  # send to server.host:server.port, then look at server.received
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.servers.imap import ImapTestServer
from tests.servers.tls import TestCertificates

SMTP_USER = "mailbot"
SMTP_PASSWORD = "smtp-pass"
OAUTH_TOKEN = "test-access-token"
ACCEPTED = "250 2.0.0 OK"


@dataclass(frozen=True)
class ReceivedMail:
    """One envelope the server accepted, as it came off the wire."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes


class _Handler:
    """aiosmtpd hooks: pop scripted replies, record accepted mail, deliver it over IMAP."""

    def __init__(self, server: SmtpServer) -> None:
        self._server = server

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        reply = self._server._next_rcpt_reply(address)
        if reply.startswith("2"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        reply = self._server._next_data_reply()
        if not reply.startswith("2"):
            return reply
        raw = envelope.original_content or b""
        mail = ReceivedMail(str(envelope.mail_from), tuple(envelope.rcpt_tos), raw)
        if self._server.deliver_to is not None:
            # Blocks this server's own loop briefly; the client sees 250 only once
            # the message is readable over IMAP, so tests need no waiting.
            for rcpt in mail.rcpt_tos:
                self._server.deliver_to.append(rcpt, "INBOX", raw)
        self._server._record(mail)
        return reply

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        """XOAUTH2 with the initial response, as aiosmtplib sends it; one fixed token."""
        if len(args) != 2:
            return AuthResult(success=False, handled=False)
        try:
            fields = base64.b64decode(args[1], validate=True).decode().split("\x01")
        except (ValueError, UnicodeDecodeError):
            return AuthResult(success=False, handled=False)
        values = dict(field.split("=", 1) for field in fields if "=" in field)
        ok = values.get("user") == self._server.username and values.get("auth") == f"Bearer {self._server.oauth_token}"
        return AuthResult(success=ok, handled=False, auth_data=values.get("user"))


class _PortZeroController(Controller):
    """Binds port 0 and learns the real port before aiosmtpd's self-connection check."""

    def factory(self) -> SMTP:
        with warnings.catch_warnings():
            # Plaintext AUTH is deliberate here: loopback only, like mailbot's own rule.
            warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
            server: SMTP = super().factory()  # type: ignore[no-untyped-call]
        return server

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


class SmtpServer:
    """aiosmtpd on 127.0.0.1:<free port>; `received` lists every accepted envelope."""

    host = "127.0.0.1"

    def __init__(
        self,
        *,
        auth: bool = False,
        deliver_to: ImapTestServer | None = None,
        username: str = SMTP_USER,
        password: str = SMTP_PASSWORD,
        oauth_token: str = OAUTH_TOKEN,
        tls: TestCertificates | None = None,
    ) -> None:
        """With `auth`, AUTH is required before MAIL and offered in plaintext (loopback
        only): PLAIN and LOGIN check username/password, XOAUTH2 checks `oauth_token`.
        With `tls`, STARTTLS is offered and required, with a certificate from a test CA."""
        self.auth = auth
        self.tls = tls
        self.auth_attempts = 0  # PLAIN/LOGIN attempts, right or wrong: what a lockout counts
        self.deliver_to = deliver_to
        self.username = username
        self.password = password
        self.oauth_token = oauth_token
        self.received: list[ReceivedMail] = []
        self._lock = threading.Lock()
        self._rcpt_replies: dict[str | None, deque[str]] = {}
        self._data_replies: deque[str] = deque()
        self._controller: _PortZeroController | None = None

    @property
    def port(self) -> int:
        if self._controller is None:
            raise RuntimeError("the server has not been started")
        return int(self._controller.port)

    # failure injection ---------------------------------------------------------

    def queue_rcpt(self, *replies: str, address: str | None = None) -> None:
        """Answer the next RCPT TOs with these replies, in order, then accept again.

        With `address`, only RCPTs to that address use them (others are accepted),
        e.g. `queue_rcpt("550 5.1.1 no such user", address="x@example.test")`.
        """
        with self._lock:
            self._rcpt_replies.setdefault(address.lower() if address else None, deque()).extend(replies)

    def queue_data(self, *replies: str) -> None:
        """Answer the next DATA commands with these replies, in order, then accept again."""
        with self._lock:
            self._data_replies.extend(replies)

    def _next_rcpt_reply(self, address: str) -> str:
        with self._lock:
            for key in (address.lower(), None):
                queued = self._rcpt_replies.get(key)
                if queued:
                    return queued.popleft()
        return ACCEPTED

    def _next_data_reply(self) -> str:
        with self._lock:
            return self._data_replies.popleft() if self._data_replies else "250 2.0.0 Message accepted"

    def _record(self, mail: ReceivedMail) -> None:
        with self._lock:
            self.received.append(mail)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        with self._lock:
            self.auth_attempts += 1
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.username
            and auth_data.password.decode() == self.password
        )
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd sends the 535

    # lifecycle -------------------------------------------------------------------

    def start(self) -> SmtpServer:
        options: dict[str, Any] = {}
        if self.auth:
            options = {
                "authenticator": self._authenticate,
                "auth_required": True,
                "auth_require_tls": False,
            }
        if self.tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.tls.cert_file, self.tls.key_file)
            options.update(tls_context=context, require_starttls=True)
        self._controller = _PortZeroController(_Handler(self), hostname=self.host, port=0, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# pytest fixtures ---------------------------------------------------------------


@pytest.fixture
def make_smtp_server() -> Iterator[Callable[..., SmtpServer]]:
    """Start SMTP servers with options (auth=..., deliver_to=dovecot); all stop after the test."""
    started: list[SmtpServer] = []

    def make(**options: Any) -> SmtpServer:
        server = SmtpServer(**options).start()
        started.append(server)
        return server

    try:
        yield make
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def smtp_server(make_smtp_server: Callable[..., SmtpServer]) -> SmtpServer:
    """A plain recording SMTP server: no auth, no delivery, fresh for each test."""
    return make_smtp_server()
