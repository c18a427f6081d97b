"""Intake is exactly-once against a real Dovecot, on SQLite and on PostgreSQL.

What a person running the firm would check after the fact: every email became exactly one
record (and one case, when it was a complaint), nothing was deleted from the mailbox,
each client was acknowledged once, and a crash, a half-finished pass or a renumbered
mailbox changed none of that.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from imapclient import IMAPClient
from sqlalchemy import func, select

from mailbot.cli import wiring
from mailbot.mailbox import Mailbox
from mailbot.service.decide import receive
from mailbot.service.intake_pass import PassReport, intake_pass
from mailbot.service.sending import flush_outbox
from mailbot.store.raw_mail import MailboxCoordinates
from mailbot.store.tables import (audit_events, case_messages, cases, outbox, quarantine,
                                  raw_messages)
from tests.bench import genmail
from tests.e2e.harness import Firm, complaint_folders, make_firm
from tests.servers.dovecot import DovecotServer
from tests.servers.smtp import SmtpServer

pytestmark = pytest.mark.dovecot

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
REPO = Path(__file__).resolve().parents[2]
PROCESSED = "mailbot/processed"
QUARANTINE = "mailbot/quarantine"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mailbot.sqlite3'}"
    return str(request.getfixturevalue("pg_schema").url_with_schema())


def build_firm(dovecot: DovecotServer, smtp: SmtpServer, tmp_path: Path, db_url: str, **imap: object) -> Firm:
    """A firm whose every complainant is acknowledged: no rate limit in the way, no model to load."""
    models = tmp_path / "no-model"
    models.mkdir(exist_ok=True)
    key = tmp_path / "data.key"
    if not key.exists():
        key.write_text(Fernet.generate_key().decode() + "\n")
    overrides = {
        "database": {"encryption_key_file": str(key)},
        "intake": {"auto_reply_limit_per_hour": 100_000},
        "paths": {"model_dir": str(models)},
        "imap": {"batch_size": 40, **imap},
    }
    return make_firm(dovecot, smtp, tmp_path, db_url=db_url, overrides=overrides)


@pytest.fixture
def firm(dovecot: DovecotServer, smtp_server: SmtpServer, tmp_path: Path, db_url: str) -> Iterator[Firm]:
    built = build_firm(dovecot, smtp_server, tmp_path, db_url)
    yield built
    built.app.store.dispose()


def deliver(firm: Firm, folder: str, mail: list[genmail.Generated]) -> None:
    genmail.deliver(firm.dovecot.host, firm.dovecot.port, firm.complaints.username, firm.dovecot.password,
                    firm.dovecot.folder_name(folder), mail)


def intake(firm: Firm, now: datetime) -> PassReport:
    with Mailbox(wiring.mailbox_settings(firm.config)) as mailbox:
        return intake_pass(firm.app, mailbox, now=lambda: now)


def flush_all(firm: Firm, now: datetime) -> None:
    settings = wiring.smtp_settings(firm.config)
    while asyncio.run(flush_outbox(firm.app, settings, now=now, limit=500)).sent:
        pass


@dataclass(frozen=True)
class Records:
    raw: int
    cases: int
    quarantined: int
    case_clients: tuple[str, ...]
    ack_recipients: tuple[str, ...]


def records(firm: Firm) -> Records:
    with firm.app.store.transaction() as conn:
        acks = conn.execute(select(outbox.c.recipients).where(outbox.c.kind == "acknowledgement")).scalars()
        return Records(
            raw=conn.execute(select(func.count()).select_from(raw_messages)).scalar_one(),
            cases=conn.execute(select(func.count()).select_from(cases)).scalar_one(),
            quarantined=conn.execute(select(func.count()).select_from(quarantine)).scalar_one(),
            case_clients=tuple(sorted(conn.execute(select(cases.c.client_address)).scalars())),
            ack_recipients=tuple(sorted(r for rows in acks for r in rows)),
        )


def folders(firm: Firm) -> dict[str, list[bytes]]:
    """Every folder of the complaints mailbox with the bytes it holds; fails on a \\Deleted flag."""
    found: dict[str, list[bytes]] = {}
    for name, client in complaint_folders(firm):
        uids = client.search(["ALL"])
        data = client.fetch(uids, ["BODY.PEEK[]", "FLAGS"]) if uids else {}
        assert not [u for u in data if b"\\Deleted" in data[u][b"FLAGS"]], f"{name}: mail flagged for deletion"
        found[name.replace(".", "/")] = [data[u][b"BODY[]"] for u in sorted(data)]
    return found


def check_mailbox(firm: Firm, mix: list[genmail.Generated]) -> None:
    """INBOX empty; the processed and quarantine folders hold exactly the mail delivered, byte for byte."""
    want = genmail.expect(mix)
    held = folders(firm)
    assert held.get("INBOX") == []
    assert len(held.get(PROCESSED, [])) == want.processed_folder
    assert len(held.get(QUARANTINE, [])) == want.quarantined
    everything = [raw for folder in held.values() for raw in folder]
    assert Counter(everything) == Counter(g.raw for g in mix), "a message was lost, doubled or altered"


def check_records(firm: Firm, mix: list[genmail.Generated]) -> None:
    want = genmail.expect(mix)
    got = records(firm)
    assert got.raw == want.records
    assert got.cases == want.cases
    assert got.quarantined == want.quarantined
    assert got.case_clients == want.complainants, "each complainant has exactly one case"
    assert got.ack_recipients == want.complainants, "each complainant has exactly one acknowledgement queued"


# 1. a big varied mailbox ------------------------------------------------------------


def test_500_varied_messages_are_recorded_exactly_once(firm: Firm) -> None:
    mix = genmail.mailbox_mix(500, seed=20260302, to=firm.complaints.address, start=T0)
    kinds = genmail.notes(mix)
    for kind in ("unique", "no_message_id", "reused_message_id", "byte_copy", "redelivered", "auto_reply", "garbage"):
        assert kinds.get(kind, 0) > 0, f"the generated mix lacks {kind}"
    deliver(firm, "INBOX", mix)

    report = intake(firm, T0 + timedelta(hours=5))
    assert report.fetched == 500
    check_records(firm, mix)
    check_mailbox(firm, mix)

    # One Message-ID shared by different senders' different complaints: one case each.
    shared = Counter(g.raw.split(b"Message-ID: <", 1)[1].split(b">", 1)[0].decode()
                     for g in {g.identity: g for g in mix if g.note == "reused_message_id"}.values())
    with firm.app.store.transaction() as conn:
        for mid, senders in shared.items():
            filed = conn.execute(select(func.count()).select_from(case_messages)
                                 .where(case_messages.c.message_id == mid, case_messages.c.direction == "in")).scalar_one()
            assert filed == senders, f"Message-ID {mid} was used by {senders} complaints"

    again = intake(firm, T0 + timedelta(hours=6))
    assert again.fetched == 0
    check_records(firm, mix)
    check_mailbox(firm, mix)


# 2. a crash in the middle of a batch -------------------------------------------------

CHILD = """
import json, sys
from datetime import datetime
from mailbot.cli import wiring
from mailbot.config import parse_config
from mailbot.mailbox import Mailbox
from mailbot.service.intake_pass import intake_pass

config = parse_config(json.loads(open(sys.argv[1]).read()))
now = datetime.fromisoformat(sys.argv[2])
app = wiring.build_app(config, with_classifier=False)  # no model is configured; spare the import
with Mailbox(wiring.mailbox_settings(config)) as mailbox:
    intake_pass(app, mailbox, now=lambda: now)
"""


def raw_count(firm: Firm) -> int:
    with firm.app.store.transaction() as conn:
        return int(conn.execute(select(func.count()).select_from(raw_messages)).scalar_one())


def kill_after_records(firm: Firm, tmp_path: Path, now: datetime, at_least: int, *, timeout: float = 180) -> int:
    """Run intake in a child process and SIGKILL it once `at_least` records are committed."""
    config = tmp_path / "child-config.json"
    config.write_text(json.dumps(firm.config.model_dump(by_alias=True, exclude_none=True, mode="json")))
    with (tmp_path / "child.log").open("wb") as log:
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(config), now.isoformat()],
                                 cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while raw_count(firm) < at_least:
                assert child.poll() is None, "intake ended before it could be killed:\n" + (tmp_path / "child.log").read_text()
                assert time.monotonic() < deadline, f"intake recorded fewer than {at_least} messages in {timeout}s"
                time.sleep(0.005)
            child.send_signal(signal.SIGKILL)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return raw_count(firm)


def test_crash_mid_batch_loses_and_doubles_nothing(firm: Firm, smtp_server: SmtpServer, tmp_path: Path) -> None:
    mix = genmail.mailbox_mix(120, seed=7, to=firm.complaints.address, start=T0)
    want = genmail.expect(mix)
    deliver(firm, "INBOX", mix)
    now = T0 + timedelta(hours=2)

    done = kill_after_records(firm, tmp_path, now, at_least=want.records // 3)
    assert 0 < done < want.records, "the kill must land mid-way for this test to mean anything"
    assert folders(firm)["INBOX"], "unprocessed mail waits in INBOX"

    intake(firm, now + timedelta(minutes=5))
    check_records(firm, mix)
    check_mailbox(firm, mix)

    flush_all(firm, now + timedelta(minutes=6))
    letters = [(rcpt, BytesParser(policy=default_policy).parsebytes(mail.raw))
               for mail in smtp_server.received for rcpt in mail.rcpt_tos]
    to_clients = Counter(rcpt for rcpt, _ in letters if rcpt in want.complainants)
    assert sorted(to_clients) == list(want.complainants), "every complainant was acknowledged"
    assert set(to_clients.values()) == {1}, "no complainant got two letters"
    assert all(msg["Auto-Submitted"] == "auto-replied" for rcpt, msg in letters if rcpt in want.complainants)
    staff = {firm.handler.address, firm.other_handler.address, firm.compliance.address}
    strangers = {rcpt for rcpt, _ in letters} - set(want.complainants) - staff
    assert strangers == set(), "mail went only to complainants and staff"
    notices = [str(msg["Subject"]) for rcpt, msg in letters if rcpt == firm.compliance.address]
    # Critical cases are escalated to compliance at once (issue 19): each once, crash or not.
    alerts = [subject for subject in notices if subject.startswith("Act today: ")]
    notices = [subject for subject in notices if subject not in alerts]
    assert len(alerts) == len(set(alerts)), "no case escalated twice"
    assert bool(notices) == bool(want.quarantined), "compliance hears of quarantine, only that"
    assert all("held in quarantine" in subject for subject in notices), notices
    requests = sum(1 for rcpt, _ in letters if rcpt in (firm.handler.address, firm.other_handler.address))
    assert requests == want.cases, "one approval request per case"


# 3. a crash between the commit and the move ----------------------------------------------


def test_commit_without_move_is_recognised_and_moved(firm: Firm) -> None:
    mix = genmail.complaints(3, seed=11, to=firm.complaints.address, start=T0)
    deliver(firm, "INBOX", mix)
    now = T0 + timedelta(hours=1)
    settings = wiring.mailbox_settings(firm.config)
    with Mailbox(settings) as mailbox:  # the first message is committed, then the process "dies"
        first = mailbox.fetch_since(0, 1)[0]
        name = f"{settings.username}@{settings.host}/{settings.folder}"
        done = receive(firm.app, first.raw, now=now, where=MailboxCoordinates(name, first.uidvalidity, first.uid))
    assert done.status == "new_case"
    assert folders(firm)["INBOX"] == [g.raw for g in mix], "nothing moved yet"

    report = intake(firm, now + timedelta(minutes=1))
    assert report.outcomes == {"duplicate": 1, "new_case": 2}
    check_records(firm, mix)
    check_mailbox(firm, mix)


# 4. the server renumbers the mailbox (UIDVALIDITY changes) -------------------------------


def test_uidvalidity_change_rereads_without_duplicates(
    dovecot: DovecotServer, smtp_server: SmtpServer, tmp_path: Path, db_url: str
) -> None:
    firm = build_firm(dovecot, smtp_server, tmp_path, db_url, folder="intake")
    try:
        old = genmail.complaints(5, seed=21, to=firm.complaints.address, start=T0)
        deliver(firm, "intake", old)
        assert intake(firm, T0 + timedelta(hours=1)).outcomes == {"new_case": 5}
        before = uidvalidity(firm, "intake")

        # The folder is rebuilt (as after a server migration): two new complaints get the
        # lowest UIDs, then the five already handled come back. A watermark read without
        # its UIDVALIDITY would skip the new ones.
        with IMAPClient(dovecot.host, dovecot.port, ssl=False, timeout=30) as client:
            client.login(firm.complaints.username, dovecot.password)
            client.delete_folder("intake")
        new = genmail.complaints(2, seed=22, to=firm.complaints.address, start=T0 + timedelta(hours=2),
                                 prefix="newclient")
        deliver(firm, "intake", new + old)
        after = uidvalidity(firm, "intake")
        assert after != before, "Dovecot did not renumber the folder; the test proves nothing"

        report = intake(firm, T0 + timedelta(hours=3))
        assert report.uidvalidity_changed
        assert report.outcomes == {"new_case": 2, "duplicate": 5}
        check_records(firm, old + new)
        held = folders(firm)
        assert held["intake"] == []
        assert Counter(held[PROCESSED]) == Counter(g.raw for g in old * 2 + new)
        with firm.app.store.transaction() as conn:
            events = [r.detail for r in conn.execute(select(audit_events)
                                                     .where(audit_events.c.kind == "intake.uidvalidity_changed"))]
        assert [(e["old"], e["new"]) for e in events] == [(before, after)]
    finally:
        firm.app.store.dispose()


def uidvalidity(firm: Firm, folder: str) -> int:
    with IMAPClient(firm.dovecot.host, firm.dovecot.port, ssl=False, timeout=30) as client:
        client.login(firm.complaints.username, firm.dovecot.password)
        return int(client.folder_status(firm.dovecot.folder_name(folder), [b"UIDVALIDITY"])[b"UIDVALIDITY"])
