"""The service tier driven directly through `service.decide.receive`: real SQLite store, real
templates, no mail servers. Fast tests for the branch-heavy paths (commands, routing outcomes)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mailbot.cli import wiring
from mailbot.compose import Letters
from mailbot.config import Config, parse_config
from mailbot.service.context import App
from mailbot.service.decide import Received, receive
from mailbot.store.tables import outbox

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday
FIRM = "firm.test"
HANDLER = f"priya@{FIRM}"
COMPLIANCE = f"alex@{FIRM}"
CLIENT = "sam@clients.test"
COMPLAINTS = f"complaints@{FIRM}"


@dataclass
class Desk:
    """A firm's complaints desk with nothing but its database: mail is handed in as bytes."""

    app: App

    def complaint(self, body: str, *, at: datetime = T0, sender: str = CLIENT) -> Received:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, COMPLAINTS, "My complaint"
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


def desk_config(data_dir: Path, **sections: dict[str, Any]) -> Config:
    """The desk's firm; `sections` replace or add keys section by section
    (`intake={"auto_reply_period_hours": 0}`)."""
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
        data[name] = {**data.get(name, {}), **values}
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

    def make(**sections: dict[str, Any]) -> Desk:
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


HOUR = timedelta(hours=1)
