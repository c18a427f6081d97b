"""An embedded mail world on loopback for the demo: a real IMAP server and a real SMTP server.

IMAP is pymap (pure Python, from PyPI) with one mailbox, the firm's complaints inbox. SMTP is
aiosmtpd: mail to the complaints address (and its plus-addresses, as a real MTA would deliver
them) is APPENDed to that mailbox over IMAP; mail to anyone else lands in an in-memory inbox
per address, so the demo can show what each client and handler received.

Like the firm's own mail server, the SMTP side writes a Received header and, above it, the
Authentication-Results it vouches for: staff who log in to send (SMTP AUTH, as at any firm's
submission port) get `dmarc=pass` for their own address; mail claiming the firm's domain
without logging in gets `dmarc=fail`; anyone else `dmarc=none`. mailbot's approval check
reads that header exactly as it reads a real server's.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from imapclient import IMAPClient


def free_port() -> int:
    """A free loopback port, so the demo never collides with a real mail server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ImapServer:
    """pymap's in-memory backend in a child process; stopped (and waited for) on exit."""

    def __init__(self, username: str, password: str) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.username = username
        self.password = password
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> "ImapServer":
        """Start pymap and wait for its greeting, so the demo's first connection cannot race it."""
        exe = shutil.which("pymap", path=str(Path(sys.executable).parent)) or shutil.which("pymap")
        if exe is None:
            raise RuntimeError(
                "the demo needs pymap (pip install 'mailbot[demo]'; scripts/demo does this)")
        self._proc = subprocess.Popen(
            [exe, "--host", self.host, "--port", str(self.port), "dict",
             "--demo-user", self.username, "--demo-password", self.password],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as s:
                    if s.recv(64).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the embedded IMAP server did not start")

    def append(self, raw: bytes) -> None:
        """Deliver into the complaints inbox as the firm's mail server would."""
        with IMAPClient(self.host, self.port, ssl=False, timeout=10) as client:
            client.login(self.username, self.password)
            client.append("INBOX", raw)

    def folder_counts(self) -> dict[str, int]:
        """How many messages each folder holds, for the demo's closing line: mail is moved, never
        deleted."""
        with IMAPClient(self.host, self.port, ssl=False, timeout=10) as client:
            client.login(self.username, self.password)
            counts = {}
            for flags, _sep, name in client.list_folders():
                if b"\\Noselect" in flags:
                    continue
                counts[name] = int(client.folder_status(name, [b"MESSAGES"])[b"MESSAGES"])
            return counts

    def stop(self) -> None:
        """Stop pymap and wait for it, so the demo leaves no process behind."""
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@dataclass
class Delivered:
    to: str
    message: EmailMessage


def _staff_login(server: Any, session: Any, envelope: Any, mechanism: str,
                 auth_data: Any) -> AuthResult:
    """Demo staff log in with their address and the password "demo"."""
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"demo"
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@dataclass
class SmtpWorld:
    """What the SMTP server accepted, by recipient; complaints-address mail goes on to IMAP."""

    complaints_address: str
    imap: ImapServer
    authserv_id: str = "mx.demo"
    inboxes: dict[str, list[EmailMessage]] = field(default_factory=lambda: defaultdict(list))

    def is_complaints(self, address: str) -> bool:
        """Mail to the complaints address and its plus-addresses (approval replies, bounces) goes
        to the IMAP inbox, as a real MTA would deliver it."""
        local, _, domain = address.lower().partition("@")
        base_local, _, domain_c = self.complaints_address.lower().partition("@")
        return domain == domain_c and local.split("+", 1)[0] == base_local

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """aiosmtpd's hook: complaints mail is traced and delivered to IMAP; anyone else's lands
        in their in-memory inbox for the demo to show."""
        raw = envelope.original_content or envelope.content
        for rcpt in envelope.rcpt_tos:
            if self.is_complaints(rcpt):
                self.imap.append(self._trace(session, raw) + raw)
            else:
                parsed = BytesParser(policy=default_policy).parsebytes(raw)
                self.inboxes[rcpt.lower()].append(parsed)
        return "250 2.0.0 OK"


    def _trace(self, session: Any, raw: bytes) -> bytes:
        """The Received header and the verdict this server vouches for, as a real MX writes them."""
        sender = (parseaddr(
            str(
                BytesParser(policy=default_policy).parsebytes(raw, headersonly=True)["From"] or
                ""))[1] or "").lower()
        domain = sender.rpartition("@")[2]
        auth = getattr(session, "auth_data", None)
        login = auth.login.decode() if session.authenticated and isinstance(auth,
                                                                            LoginPassword) else ""
        firm_domain = self.complaints_address.rpartition("@")[2].lower()
        if login and login.lower() == sender:
            verdict = f"auth=pass smtp.auth={login}; dmarc=pass header.from={domain}"
        elif domain == firm_domain:
            verdict = f"dmarc=fail header.from={domain}"
        else:
            verdict = f"dmarc=none header.from={domain or 'unknown'}"
        return (
            f"Authentication-Results: {self.authserv_id}; {verdict}\r\n"
            f"Received: from {session.host_name or 'unknown'} by {self.authserv_id} with ESMTP; "
            f"{format_datetime(datetime.now(UTC))}\r\n").encode()


class SmtpServer:
    def __init__(self, world: SmtpWorld) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self._controller = Controller(world, hostname=self.host, port=self.port,
                                      authenticator=_staff_login, auth_require_tls=False)

    def start(self) -> "SmtpServer":
        """Start listening; returns self so the demo can start and keep it in one line."""
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening, so the demo leaves no thread behind."""
        self._controller.stop()
