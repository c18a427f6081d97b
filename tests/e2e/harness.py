"""A firm on loopback: a complaints mailbox, a client and handlers on an IMAP server, an SMTP
server that delivers into it, and mailbot wired exactly as the CLI wires it.

The IMAP server is Dovecot by default; any server in tests/servers/ works the same way (the
`imap_server` fixture runs a test on each set-up). `Firm.dovecot` keeps its old name for the
existing callers; `Firm.server` says what it is."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from unittest import mock

from imapclient import IMAPClient

from mailbot.cli import wiring
from mailbot.compose import Letters
from mailbot.config import Config, parse_config
from mailbot.service.context import App
from mailbot.service.runner import RunReport, run_once
from tests.servers.imap import ImapTestServer, ImapUser
from tests.servers.smtp import SmtpServer


@dataclass
class Firm:
    dovecot: ImapTestServer  # whichever IMAP server the firm's mail is on
    smtp: SmtpServer
    complaints: ImapUser
    client: ImapUser
    handler: ImapUser
    other_handler: ImapUser
    compliance: ImapUser
    config: Config
    app: App
    partner: ImapUser | None = None  # make_firm(with_partner=True): a person with the partner role

    @property
    def server(self) -> ImapTestServer:
        return self.dovecot

    def run(self, now: datetime) -> RunReport:
        mailbox, smtp = wiring.mailbox_source(self.config), wiring.smtp_settings(self.config)
        return run_once(self.app, mailbox, smtp, clock=lambda: now)

    def client_writes(self, subject: str, body: str, *, at: datetime, sender: ImapUser | None = None,
                      in_reply_to: str | None = None, references: str | None = None) -> str:
        """A client's email arrives in the complaints inbox; returns its Message-ID (no brackets)."""
        who = sender or self.client
        msg = EmailMessage()
        msg["From"] = f"Sam Client <{who.address}>"
        msg["To"] = self.complaints.address
        msg["Subject"] = subject
        msg["Date"] = format_datetime(at)
        mid = make_msgid(domain="client.example")
        msg["Message-ID"] = mid
        if in_reply_to:
            msg["In-Reply-To"] = in_reply_to
            msg["References"] = references or in_reply_to
        msg.set_content(body)
        self.dovecot.append(self.complaints, "INBOX", bytes(msg), internaldate=at)
        return mid.strip("<>")

    def inbox(self, user: ImapUser) -> list[EmailMessage]:
        return [BytesParser(policy=default_policy).parsebytes(raw) for raw in self.dovecot.fetch_all(user, "INBOX")]  # type: ignore[misc]

    @property
    def authserv_id(self) -> str:
        return str(self.config.approvals.authserv_id)

    def deliver(self, message: EmailMessage | bytes, *, at: datetime, verdict: str | None = None) -> None:
        """Deliver into the complaints inbox as the firm's MX would: its Received header, and above
        it (when `verdict` is given) the Authentication-Results it wrote after checking DKIM/DMARC."""
        raw = message if isinstance(message, bytes) else bytes(message)
        trace = f"Received: from client.example by {self.authserv_id} with ESMTPS; {format_datetime(at)}\r\n"
        if verdict is not None:
            trace = f"Authentication-Results: {self.authserv_id}; {verdict}\r\n" + trace
        self.dovecot.append(self.complaints, "INBOX", trace.encode() + raw, internaldate=at)

    def reply_as(self, user: ImapUser, to_message: EmailMessage, body: str, *, at: datetime, to: str | None = None,
                 subject: str | None = None, from_addr: str | None = None, verdict: str | None = "pass",
                 change: tuple[str, str] | None = None) -> None:
        """`user` replies (as a mail client would) to a message they received: lands in the complaints inbox.

        The MX's verdict: "pass" when the sender's own domain signed it (what a real handler's
        mail gets), None for no verdict, or any Authentication-Results text to write. `change`
        (old, new) edits the quoted text in place, as a handler edits a draft in the quote.
        """
        reply = EmailMessage()
        reply["From"] = from_addr or user.address
        reply["To"] = to or str(to_message["Reply-To"] or to_message["From"])
        reply["Subject"] = subject or f"Re: {to_message['Subject']}"
        reply["Date"] = format_datetime(at)
        reply["Message-ID"] = make_msgid(domain="handler.example")
        reply["In-Reply-To"] = to_message["Message-ID"]
        reply["References"] = f"{to_message.get('References', '')} {to_message['Message-ID']}".strip()
        original = to_message.get_body(("plain",))
        shown = (original.get_content() if original else "").replace("\r\n", "\n")
        if change:
            assert change[0] in shown, "the text to change is not in the quoted message"
            shown = shown.replace(*change)
        quoted = "\n".join("> " + line for line in shown.splitlines())
        reply.set_content(f"{body}\n\nOn {to_message['Date']}, {to_message['From']} wrote:\n{quoted}\n")
        sender_domain = str(reply["From"]).rpartition("@")[2].strip(">").lower()
        if verdict == "pass":
            verdict = f"dkim=pass header.d={sender_domain}; dmarc=pass header.from={sender_domain}"
        self.deliver(reply, at=at, verdict=verdict)


def confirmation_of(firm: Firm, user: ImapUser) -> EmailMessage:
    """The newest approval request showing a handler's edited letter exactly as it will go out."""
    found = [m for m in firm.inbox(user) if "This is the letter exactly as it will go out"
             in m.get_body(("plain",)).get_content()]  # type: ignore[union-attr]
    assert found, "no edited letter came back for approval"
    return found[-1]


def draft_block(request: EmailMessage) -> str:
    """The approval request's draft, markers included, as the handler's mail program shows it."""
    text = request.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    found = re.search(r"^----- DRAFT START [0-9a-f]{12}.*?^----- DRAFT END [0-9a-f]{12} -----$", text, re.S | re.M)
    assert found, "the approval request has no draft block"
    return found.group(0)


_load_classifier = wiring.load_classifier


@functools.cache
def _shipped_model() -> Any:
    """The shipped triage model, loaded once for all the session's firms rather than 0.3 s for
    each: nothing changes a loaded model (its one cache holds what the model itself implies)."""
    return _load_classifier(wiring.SHIPPED_MODEL_DIR)


@functools.cache
def _shipped_letters(zone: str) -> Letters:
    """The shipped templates, compiled once for all the session's firms in a zone, as the service
    desks share theirs (tests/service/conftest.py); a firm with its own templates gets its own."""
    return Letters(None, zone=zone)


def _model_in(directory: Path) -> Any:
    """wiring.load_classifier, but the shipped model is the session's one copy; a firm's own
    model (or none) is loaded as the service loads it."""
    return _shipped_model() if directory == wiring.SHIPPED_MODEL_DIR else _load_classifier(directory)


def make_firm(dovecot: ImapTestServer, smtp: SmtpServer, tmp_path: Path, *,
              db_url: str | None = None,
              overrides: dict[str, Any] | None = None, with_partner: bool = False) -> Firm:
    complaints = dovecot.new_user("complaints")
    client = dovecot.new_user("client")
    handler = dovecot.new_user("handler")
    other = dovecot.new_user("handler2")
    compliance = dovecot.new_user("compliance")
    partner = dovecot.new_user("partner") if with_partner else None
    raw: dict[str, Any] = {
        "firm": {
            "name": "Harbour & Vale Solicitors",
            "timezone": "Europe/London",
            "country": "GB",
            "subdivision": "ENG",
            "profile": "ew_sra",
            "complaints_address": complaints.address,
            "domain": complaints.address.split("@")[1],
            "phone": "0117 496 0123",  # Ofcom's range for drama, not the example's placeholder
            "postal_address": "12 Quay Street, Bristol BS1 4DJ",
        },
        "imap": {"host": dovecot.host, "port": dovecot.port, "security": "none", "username": complaints.username,
                 "password_file": str(_secret(tmp_path, "imap", complaints.password)), "timeout_seconds": 10},
        # The test relay has no sending limit; tests of the rate set their own.
        "smtp": {"host": smtp.host, "port": smtp.port, "security": "none", "auth": "none",
                 "timeout_seconds": 10, "max_per_minute": 10_000},
        "database": {"url": db_url or f"sqlite:///{tmp_path / 'mailbot.sqlite3'}"},
        "approvals": {"authserv_id": f"mx.{complaints.address.split('@')[1]}"},
        "paths": {"data_dir": str(tmp_path / "var")},
        "handlers": [
            {"name": "Priya Shah", "email": handler.address, "roles": ["handler"]},
            {"name": "Tom Reilly", "email": other.address, "roles": ["handler"]},
            {"name": "Alex Morgan", "email": compliance.address, "roles": ["compliance"]},
        ] + ([{"name": "Jo Partner", "email": partner.address, "roles": ["partner"]}]
             if partner else []),
    }
    for section, values in (overrides or {}).items():
        if isinstance(values, list):  # an array of tables, such as [[regimes]]
            raw[section] = values
        else:
            raw.setdefault(section, {}).update(values)
    config = parse_config(raw)
    with mock.patch.object(wiring, "load_classifier", _model_in):
        app = wiring.build_app(config)
    if not config.paths.templates_dir:
        app.letters = _shipped_letters(config.firm.timezone)
    return Firm(dovecot, smtp, complaints, client, handler, other, compliance, config, app,
                partner)


def mailbot_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`mailbot ARGS` as an admin runs it: a real process; its output as text."""
    return subprocess.run([sys.executable, "-m", "mailbot", *args], capture_output=True, text=True,
                          timeout=120, check=False)


def _secret(tmp_path: Path, name: str, value: str) -> Path:
    path = tmp_path / f"{name}.secret"
    path.write_text(value)
    path.chmod(0o600)
    return path


def complaint_folders(firm: Firm) -> Iterator[tuple[str, IMAPClient]]:
    """Each selectable folder of the complaints mailbox, selected read-only: what a checker walks."""
    with IMAPClient(firm.dovecot.host, firm.dovecot.port, ssl=False, timeout=30) as client:
        client.login(firm.complaints.username, firm.dovecot.password)
        for flags, _sep, name in client.list_folders():
            if b"\\Noselect" in flags:
                continue
            client.select_folder(name, readonly=True)
            yield name, client
