"""The service tier driven directly through `service.decide.receive`: real SQLite store, real
templates, no mail servers. Fast tests for the branch-heavy paths (commands, routing outcomes)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mailbot.cli import wiring
from mailbot.config import parse_config
from mailbot.service.context import App
from mailbot.service.decide import Received, receive
from mailbot.store.tables import outbox

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday
FIRM = "firm.test"
HANDLER = f"priya@{FIRM}"
CLIENT = "sam@clients.test"


@dataclass
class Desk:
    """A firm's complaints desk with nothing but its database: mail is handed in as bytes."""

    app: App

    def complaint(self, body: str, *, at: datetime = T0, sender: str = CLIENT) -> Received:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, f"complaints@{FIRM}", "My complaint"
        msg["Date"], msg["Message-ID"] = format_datetime(at), make_msgid(domain="clients.test")
        msg.set_content(body)
        return receive(self.app, bytes(msg), now=at, internaldate=at)

    def request(self) -> Any:
        """The newest approval request written for the handler."""
        with self.app.store.transaction() as conn:
            return conn.execute(select(outbox).where(outbox.c.kind == "approval_request")
                                .order_by(outbox.c.id.desc())).first()

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


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    config = parse_config({
        "firm": {"name": "Harbour & Vale", "complaints_address": f"complaints@{FIRM}", "domain": FIRM,
                 "subdivision": "ENG"},
        "approvals": {"authserv_id": f"mx.{FIRM}"},
        "database": {"url": f"sqlite:///{tmp_path / 'mailbot.sqlite3'}"},
        "paths": {"data_dir": str(tmp_path)},
        "handlers": [{"name": "Priya Shah", "email": HANDLER, "roles": ["handler"]},
                     {"name": "Alex Morgan", "email": f"alex@{FIRM}", "roles": ["compliance", "partner"]}],
    })
    app = wiring.build_app(config, with_classifier=False)
    yield Desk(app)
    app.store.dispose()


HOUR = timedelta(hours=1)
