"""The service tier driven directly through `service.decide.receive`: real SQLite store, real
templates, no IMAP server. Fast tests for the branch-heavy paths (commands, routing outcomes).

A test that needs a letter really sent (a client's reply or a bounce names its Message-ID and
envelope) sends it through the loopback SMTP server of tests/servers/smtp.py (`Desk.send`)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Row

from mailbot.cli import wiring
from mailbot.compose import Letters
from mailbot.config import Config, parse_config
from mailbot.service.context import App
from mailbot.service.decide import Received, receive
from mailbot.service.sending import flush_outbox
from mailbot.smtp import SmtpSettings
from mailbot.store.tables import (audit_events, case_messages, cases, outbox, quarantine,
                                  raw_messages)
from tests.servers.smtp import ReceivedMail, SmtpServer

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday
FIRM = "firm.test"
HANDLER = f"priya@{FIRM}"
COMPLIANCE = f"alex@{FIRM}"
CLIENT = "sam@clients.test"
COMPLAINTS = f"complaints@{FIRM}"
# A complaint that raises no flag and no alarm: the plain path.
COMPLAINT = ("Nobody has returned my calls about my house purchase for three weeks. I am very "
             "unhappy with the service.")


def mail(body: str, *, at: datetime = T0, sender: str | None = CLIENT,
         subject: str = "My complaint", headers: Mapping[str, str] | None = None,
         **more: str) -> EmailMessage:
    """A message to the complaints address; `headers` and `more` are set as given
    (`In_Reply_To="<id>"` becomes In-Reply-To; `Subject` replaces the subject), and
    `sender=None` leaves out From."""
    msg = EmailMessage()
    if sender is not None:
        msg["From"] = sender
    msg["To"], msg["Subject"] = COMPLAINTS, subject
    msg["Date"], msg["Message-ID"] = format_datetime(at), make_msgid(domain="clients.test")
    for name, value in {**(headers or {}), **more}.items():
        del msg[name.replace("_", "-")]
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


@dataclass
class Desk:
    """A firm's complaints desk with nothing but its database: mail is handed in as bytes."""

    app: App

    def take(self, msg: EmailMessage | bytes, *, at: datetime = T0,
             server_time: bool = True) -> Received:
        """Any message handed in as a mailbox would, its INTERNALDATE `at` (or none)."""
        raw = msg if isinstance(msg, bytes) else bytes(msg)
        return receive(self.app, raw, now=at, internaldate=at if server_time else None)

    def complaint(self, body: str, *, at: datetime = T0, sender: str = CLIENT) -> Received:
        return self.take(mail(body, at=at, sender=sender), at=at)

    def request(self) -> Any:
        """The newest approval request written for the handler."""
        with self.app.store.transaction() as conn:
            return conn.execute(select(outbox).where(outbox.c.kind == "approval_request")
                                .order_by(outbox.c.id.desc())).first()

    def send(self, server: SmtpServer, *, at: datetime) -> list[ReceivedMail]:
        """Send what is due at `at` through a real SMTP server on loopback: the letters as their
        recipients get them (a reply or a bounce needs the Message-ID and envelope sent)."""
        before = len(server.received)
        settings = SmtpSettings(server.host, server.port, security="none", timeout_seconds=10)
        asyncio.run(flush_outbox(self.app, settings, now=at))
        return server.received[before:]

    # What a person sees, read through the tables: the cases, the mail queued, the audit trail.

    def rows(self, table: Any, *where: Any) -> list[Row[Any]]:
        with self.app.store.transaction() as conn:
            return list(conn.execute(select(table).where(*where).order_by(table.c.id)))

    def cases(self) -> list[Row[Any]]:
        return self.rows(cases)

    def letters(self, kind: str | None = None) -> list[Row[Any]]:
        """Letters in the outbox, oldest first: `kind` only, or all."""
        return self.rows(outbox, *([outbox.c.kind == kind] if kind else []))

    def events(self, kind: str) -> list[dict[str, Any]]:
        """The details of each audit event of `kind`, oldest first."""
        return [dict(r.detail) for r in self.rows(audit_events, audit_events.c.kind == kind)]

    def filed(self, case_id: int) -> list[str]:
        """The kinds of the messages filed on a case, in order ('complaint', 'follow_up'...)."""
        return [r.kind for r in self.rows(case_messages, case_messages.c.case_id == case_id)]

    def records(self) -> list[Row[Any]]:
        """Every message taken in, as recorded (status, kind, case_id)."""
        return self.rows(raw_messages)

    def kept(self) -> list[str]:
        """The reasons of the quarantine list, where a person finds mail to look at."""
        return [r.reason for r in self.rows(quarantine)]

    def reply(self, text: str, *, at: datetime, request: Any = None) -> Received:
        """The handler answers the newest request, vouched for by the firm's server."""
        request = request or self.request()
        msg = EmailMessage()
        msg["From"], msg["To"] = HANDLER, request.reply_to
        msg["Subject"] = f"Re: {request.subject}"
        msg["Message-ID"] = make_msgid(domain=FIRM)
        msg["In-Reply-To"] = msg["References"] = f"<{request.message_id}>"
        msg.set_content(text)
        trace = (f"Authentication-Results: mx.{FIRM}; dmarc=pass header.from={FIRM}\r\n"
                 f"Received: from pc by mx.{FIRM}; {format_datetime(at)}\r\n")
        return receive(self.app, trace.encode() + bytes(msg), now=at, internaldate=at)


def desk_config(data_dir: Path, **sections: Any) -> Config:
    """The desk's firm; `sections` replace or add keys section by section
    (`intake={"auto_reply_period_hours": 0}`); a list (`handlers=[...]`) replaces the section."""
    data: dict[str, Any] = {
        "firm": {"name": "Harbour & Vale", "complaints_address": COMPLAINTS, "domain": FIRM,
                 "subdivision": "ENG"},
        "approvals": {"authserv_id": f"mx.{FIRM}"},
        "database": {"url": f"sqlite:///{data_dir / 'mailbot.sqlite3'}"},
        "paths": {"data_dir": str(data_dir)},
        "handlers": [{"name": "Priya Shah", "email": HANDLER, "roles": ["handler"]},
                     {"name": "Alex Morgan", "email": COMPLIANCE,
                      "roles": ["compliance", "partner"]}],
    }
    for name, values in sections.items():
        data[name] = values if isinstance(values, list) else {**data.get(name, {}), **values}
    return parse_config(data)


@pytest.fixture(scope="session")
def blank_desk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Letters]:
    """A migrated database with its key, and the compiled templates, made once per session:
    migrating (0.2 s) and compiling the templates (0.3 s) for every test would double the time
    this folder takes. Each test copies the files, so none sees another's data."""
    where = tmp_path_factory.mktemp("blank-desk")
    app = wiring.build_app(desk_config(where), with_classifier=False)
    app.store.dispose()
    return where, app.letters


MakeDesk = Callable[..., Desk]


@pytest.fixture
def make_desk(blank_desk: tuple[Path, Letters], tmp_path: Path) -> Iterator[MakeDesk]:
    """Desks on a fresh copy of the blank database, configured by `desk_config`'s sections."""
    built: list[App] = []

    def make(**sections: Any) -> Desk:
        where = tmp_path / f"desk{len(built)}"
        shutil.copytree(blank_desk[0], where)
        config = desk_config(where, **sections)
        app = wiring.build_app(config, store=wiring.build_store(config, upgrade=False),
                               with_classifier=False)
        app.letters = blank_desk[1]
        built.append(app)
        return Desk(app)

    yield make
    for app in built:
        app.store.dispose()


@pytest.fixture
def desk(make_desk: MakeDesk) -> Desk:
    return make_desk()


MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
