"""The Dovecot fixture itself: every IMAP test trusts it, so it is tested too."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime

import pytest

from tests.servers.dovecot import DovecotServer, ImapUser, require_dovecot

pytestmark = pytest.mark.dovecot

RAW = b"From: client@example.test\r\nSubject: Complaint\r\n\r\nMy bill is wrong.\r\n"


def test_a_fresh_user_has_an_empty_inbox(dovecot: DovecotServer, imap_user: ImapUser) -> None:
    assert (imap_user.host, imap_user.port) == (dovecot.host, dovecot.port)
    assert dovecot.folder_list(imap_user) == ["INBOX"]
    assert dovecot.fetch_all(imap_user, "INBOX") == []


def test_append_then_fetch_keeps_bytes_flags_and_date(dovecot: DovecotServer, imap_user: ImapUser) -> None:
    received = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    first = dovecot.append(imap_user, "INBOX", RAW, flags=[r"\Flagged"], internaldate=received)
    second = dovecot.append(imap_user, "INBOX", RAW.replace(b"wrong", b"late"))

    stored = dovecot.messages(imap_user, "INBOX")
    assert [m.uid for m in stored] == [first, second]
    assert [m.raw for m in stored] == [RAW, RAW.replace(b"wrong", b"late")]
    assert r"\Flagged" in stored[0].flags
    assert stored[0].internaldate == received


def test_append_creates_nested_folders(dovecot: DovecotServer, imap_user: ImapUser) -> None:
    dovecot.append(imap_user, "mailbot/processed", RAW)
    assert dovecot.folder_name("mailbot/processed") in dovecot.folder_list(imap_user)
    assert dovecot.fetch_all(imap_user, "mailbot/processed") == [RAW]


def test_users_do_not_see_each_other(dovecot: DovecotServer) -> None:
    alice, bob = dovecot.new_user(), dovecot.new_user()
    dovecot.append(alice, "INBOX", RAW)
    assert alice.username != bob.username
    assert dovecot.fetch_all(bob, "INBOX") == []


def _running(pattern: str) -> bool:
    return subprocess.run(["pgrep", "-f", pattern], capture_output=True).returncode == 0


def test_stop_leaves_no_process_and_no_files() -> None:
    server = DovecotServer(binary=require_dovecot()).start()
    assert server.root is not None
    root = server.root
    # The master's command line names the config; children's titles carry the instance
    # name, which includes the temp dir's name.
    assert _running(str(server.config_path))
    assert _running(f"{root.name}/imap-login")
    server.stop()

    assert not _running(root.name)
    assert not root.exists()


def test_a_server_that_dies_at_start_reports_why() -> None:
    server = DovecotServer(binary="/bin/false", start_timeout=5)
    with pytest.raises(RuntimeError, match="dovecot exited with status 1"):
        server.start()
    assert server.root is None and server.pid is None


def test_missing_dovecot_skips_on_a_developer_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILBOT_DOVECOT", "/nonexistent/dovecot")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("MAILBOT_REQUIRE_SERVERS", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_dovecot()


@pytest.mark.parametrize(("name", "value"), [("CI", "true"), ("MAILBOT_REQUIRE_SERVERS", "1")])
def test_missing_dovecot_fails_where_servers_are_required(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("MAILBOT_DOVECOT", "/nonexistent/dovecot")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("MAILBOT_REQUIRE_SERVERS", raising=False)
    monkeypatch.setenv(name, value)
    with pytest.raises(pytest.fail.Exception):
        require_dovecot()


@pytest.mark.skipif(os.geteuid() != 0, reason="checks the root-only account mapping")
def test_as_root_mail_files_belong_to_an_unprivileged_user(dovecot: DovecotServer, imap_user: ImapUser) -> None:
    dovecot.append(imap_user, "INBOX", RAW)
    assert dovecot.root is not None
    home = dovecot.root / "home" / imap_user.username
    assert home.stat().st_uid != 0
