"""Mistakes an admin makes, caught before a client sees them: a second database or key on the same
mailbox, a mailbox that never worked, a config never proved against the servers."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from mailbot.cli import wiring
from mailbot.config import parse_config
from mailbot.errors import ConfigError
from mailbot.mailbox import MailboxError
from mailbot.service.health import check_intake_health
from mailbot.store.tables import cases, outbox
from tests.e2e.harness import Firm, make_firm, mailbot_cli
from tests.e2e.test_service import _write_config
from tests.servers.dovecot import DovecotServer, free_port

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # a Monday
COMPLAINT = (
    "Nobody has called me back about the sale of my flat for three weeks and I am very unhappy."
)


@pytest.fixture
def firm(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> Firm:  # type: ignore
    return make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path)


def refs(firm: Firm) -> list[str]:
    with firm.app.store.transaction() as conn:
        return list(conn.execute(select(cases.c.ref).order_by(cases.c.id)).scalars())


def second_database(firm: Firm, tmp_path: Path) -> Firm:
    """The same firm and mailbox, with a database (and key) somewhere else: the cron mistake."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    raw = firm.config.model_dump(mode="json", by_alias=True)
    raw["database"] = {"url": f"sqlite:///{elsewhere / 'mailbot.sqlite3'}"}
    raw["paths"] = {"data_dir": str(elsewhere / "var")}
    config = parse_config(raw)
    return Firm(
        firm.dovecot,
        firm.smtp,
        firm.complaints,
        firm.client,
        firm.handler,
        firm.other_handler,
        firm.compliance,
        config,
        wiring.build_app(config),
    )


def test_a_second_database_cannot_give_out_a_reference_again(firm: Firm, tmp_path: Path) -> None:
    firm.client_writes("Flat sale", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    assert refs(firm) == ["C-2026-0001"]

    other = second_database(firm, tmp_path)
    newcomer = firm.dovecot.new_user("client")
    firm.client_writes(
        "Another complaint", COMPLAINT, at=T0 + timedelta(minutes=5), sender=newcomer
    )
    with pytest.raises(
        MailboxError, match="another mailbot database has been reading this mailbox"
    ) as info:
        other.run(T0 + timedelta(minutes=6))
    assert "db adopt-mailbox" in info.value.fix
    assert refs(other) == [] and firm.inbox(newcomer) == [], (
        "no client hears C-2026-0001 a second time"
    )
    assert len(firm.dovecot.fetch_all(firm.complaints, "INBOX")) == 1, (
        "the complaint waits, untouched"
    )
    with other.app.store.transaction() as conn:
        alerts = list(
            conn.execute(select(outbox.c.subject).where(outbox.c.kind == "system_alert")).scalars()
        )
    assert alerts == ["Complaints inbox: mailbot has stopped taking mail in"]

    # An admin who means it adopts the mailbox, continuing after the last reference issued.
    config = tmp_path / "elsewhere" / "mailbot.toml"
    _write_config(other, config)
    adopted = mailbot_cli(
        "db", "adopt-mailbox", "--next-reference", "C-2026-0002", "--config", str(config)
    )
    assert adopted.returncode == 0, adopted.stderr
    other.run(T0 + timedelta(minutes=7))
    assert refs(other) == ["C-2026-0002"]
    assert "[C-2026-0002]" in str(firm.inbox(newcomer)[0]["Subject"])


def test_a_database_refuses_another_key_and_another_firm(firm: Firm, tmp_path: Path) -> None:
    firm.client_writes("Flat sale", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    raw = firm.config.model_dump(mode="json", by_alias=True)
    new_key = tmp_path / "new.key"
    new_key.write_text(Fernet.generate_key().decode() + "\n")
    with pytest.raises(ConfigError, match="cannot read this database"):
        wiring.build_store(
            parse_config(
                {**raw, "database": {**raw["database"], "encryption_key_file": str(new_key)}}
            )
        )
    renamed = {
        **raw,
        "firm": {
            **raw["firm"],
            "complaints_address": "complaints@another-firm.test",
            "domain": "another-firm.test",
        },
    }
    with pytest.raises(ConfigError, match="this database belongs to") as info:
        wiring.build_store(parse_config(renamed))
    assert "db set-owner" in str(info.value)


def test_a_mailbox_that_never_worked_alerts_like_one_that_stopped(
    dovecot: DovecotServer,
    make_smtp_server,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    firm = make_firm(
        dovecot,
        make_smtp_server(deliver_to=dovecot),
        tmp_path,
        overrides={"imap": {"port": free_port()}},
    )  # nothing listens there
    for minutes in (0, 31):
        with pytest.raises(MailboxError):
            firm.run(T0 + timedelta(minutes=minutes))
    assert check_intake_health(firm.app, now=T0 + timedelta(minutes=32)) == "stalled"
    assert check_intake_health(firm.app, now=T0 + timedelta(minutes=40)) is None, (
        "once, not every tick"
    )
    with firm.app.store.transaction() as conn:
        (row,) = conn.execute(select(outbox).where(outbox.c.kind == "intake_alert")).all()
    assert row.subject == "Complaints inbox: mailbot has never managed to read it"
    assert "nothing accepts connections" in row.body_text and "imap.port" in row.body_text


def test_check_config_connect_proves_the_servers_and_sends_nothing(
    dovecot_inbox_prefix: DovecotServer, make_smtp_server, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    smtp = make_smtp_server()
    firm = make_firm(dovecot_inbox_prefix, smtp, tmp_path)
    config = tmp_path / "mailbot.toml"
    _write_config(firm, config)
    result = mailbot_cli("check-config", "--connect", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert f"ok    imap: logged in as {firm.complaints.username}" in result.stderr
    assert "personal namespace 'INBOX.', delimiter '.'" in result.stderr
    assert (
        "imap.processed_folder = 'mailbot/processed' is 'INBOX.mailbot.processed' on the server"
        in result.stderr
    )
    assert "ok    smtp: without a login" in result.stderr and "nothing was sent" in result.stderr
    assert smtp.received == []

    Path(str(firm.config.imap.password_file)).write_text("wrong")  # type: ignore[union-attr]
    failed = mailbot_cli("check-config", "--connect", "--config", str(config))
    assert failed.returncode == 1
    assert (
        "FAIL  imap: IMAP login refused" in failed.stderr
        and "fix: check imap.username" in failed.stderr
    )


def test_cases_list_says_when_there_are_more(firm: Firm, tmp_path: Path) -> None:
    for n in range(3):
        firm.client_writes(
            f"Complaint {n}", COMPLAINT, at=T0, sender=firm.dovecot.new_user("client")
        )
    firm.run(T0 + timedelta(minutes=1))
    config = tmp_path / "mailbot.toml"
    _write_config(firm, config)
    shown = mailbot_cli("cases", "list", "--limit", "2", "--config", str(config))
    assert [line.split()[0] for line in shown.stdout.splitlines()] == ["C-2026-0003", "C-2026-0002"]
    assert "there are more: use --limit N" in shown.stderr
    every = mailbot_cli("cases", "list", "--limit", "3", "--json", "--config", str(config))
    assert len(json.loads(every.stdout)) == 3 and "there are more" not in every.stderr


def test_an_alias_is_one_of_the_apps_handler_addresses(firm: Firm) -> None:
    raw = firm.config.model_dump(mode="json", by_alias=True)
    raw["handlers"][0]["aliases"] = ["Priya.Alias@example.test"]
    app = wiring.build_app(parse_config(raw), store=firm.app.store, with_classifier=False)
    assert "priya.alias@example.test" in app.handler_addresses
    handler = app.config.handler("PRIYA.ALIAS@example.test")
    assert handler is not None and handler.email == firm.handler.address
