"""mailbot.mailbox against a real Dovecot on loopback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from mailbot.errors import ConfigError
from mailbot.mailbox import (
    Mailbox,
    MailboxError,
    MailboxLoginFailed,
    MailboxSettings,
)
from mailbot.oauth import StaticTokenProvider, TokenUnavailable
from tests.servers.dovecot import DovecotServer, ImapUser, free_port, require_dovecot

pytestmark = pytest.mark.dovecot


def raw(n: int) -> bytes:
    return f"From: client{n}@example.test\r\nSubject: Complaint {n}\r\n\r\nBody {n}.\r\n".encode()


def settings_for(user: ImapUser, **changes: Any) -> MailboxSettings:
    base = MailboxSettings(
        host=user.host,
        port=user.port,
        username=user.username,
        password=user.password,
        security="none",
        timeout_seconds=10,
    )
    return replace(base, **changes)


@pytest.fixture
def mailbox(imap_user: ImapUser) -> Iterator[Mailbox]:
    with Mailbox(settings_for(imap_user)) as box:
        yield box


@pytest.fixture(scope="module")
def old_dovecot() -> Iterator[DovecotServer]:
    """A server that offers neither MOVE nor IDLE, like some older or hosted IMAP servers."""
    server = DovecotServer(binary=require_dovecot(), capability="IMAP4rev1 LITERAL+ UIDPLUS")
    server.start()
    try:
        yield server
    finally:
        server.stop()


# connecting ------------------------------------------------------------------------


def test_connect_creates_the_processed_and_quarantine_folders(dovecot: DovecotServer, imap_user: ImapUser) -> None:
    with Mailbox(settings_for(imap_user)):
        pass
    folders = dovecot.folder_list(imap_user)
    # Configured as "mailbot/processed"; this server separates with ".".
    assert dovecot.folder_name("mailbot/processed") in folders
    assert dovecot.folder_name("mailbot/quarantine") in folders


def test_uidvalidity_is_stable_across_connections(imap_user: ImapUser) -> None:
    with Mailbox(settings_for(imap_user)) as first:
        value = first.uidvalidity()
    with Mailbox(settings_for(imap_user)) as second:
        assert second.uidvalidity() == value
    assert value > 0


def test_oauth2_login_with_a_token_provider(
    dovecot: DovecotServer, imap_user: ImapUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test server's static passdb checks the bearer token like a password.
    monkeypatch.setenv("TEST_IMAP_TOKEN", imap_user.password)
    provider = StaticTokenProvider(env="TEST_IMAP_TOKEN")
    dovecot.append(imap_user, "INBOX", raw(1))
    with Mailbox(settings_for(imap_user, password=None, token_provider=provider)) as box:
        assert [m.raw for m in box.fetch_since(0)] == [raw(1)]


def test_a_refused_login_says_why_and_what_to_do(imap_user: ImapUser) -> None:
    with pytest.raises(MailboxLoginFailed) as info:
        Mailbox(settings_for(imap_user, password="wrong")).connect()
    assert info.value.kind == "login"  # never retried by itself (see tests/unit/test_reconnect.py)
    assert imap_user.username in info.value.reason and "b'" not in info.value.reason
    assert "imap.password_env" in info.value.fix and "mailbot retry-login" in info.value.fix


class RevokedToken:
    expires_at = None

    def access_token(self) -> str:
        raise TokenUnavailable("invalid_grant: the refresh token was revoked")


def test_a_revoked_oauth_token_is_a_refused_login(imap_user: ImapUser) -> None:
    settings = settings_for(imap_user, password=None, token_provider=RevokedToken())
    with pytest.raises(MailboxLoginFailed, match="revoked") as info:
        Mailbox(settings).connect()
    assert info.value.kind == "login"


def test_an_unreachable_server_is_transient_and_names_the_keys(imap_user: ImapUser) -> None:
    closed = settings_for(imap_user, port=free_port())
    with pytest.raises(MailboxError) as info:
        Mailbox(closed).connect()
    assert info.value.kind == "transient"
    assert "imap.host" in info.value.fix and "imap.port" in info.value.fix


def test_a_server_that_never_answers_times_out(imap_user: ImapUser) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings = settings_for(imap_user, port=silent.getsockname()[1], timeout_seconds=0.5)
        with pytest.raises(MailboxError):
            Mailbox(settings).connect()  # without a socket timeout this would hang forever


def test_plaintext_is_refused_beyond_loopback(imap_user: ImapUser) -> None:
    with pytest.raises(ConfigError, match="imap.security"):
        Mailbox(settings_for(imap_user, host="imap.firm.test")).connect()


def test_starttls_is_mandatory(imap_user: ImapUser) -> None:
    # The test server offers no STARTTLS: the password must not be sent in plaintext.
    with pytest.raises(MailboxError, match="STARTTLS") as info:
        Mailbox(settings_for(imap_user, security="starttls")).connect()
    assert info.value.kind == "setup" and "imap.security" in info.value.fix


# fetching --------------------------------------------------------------------------


def test_fetch_since_returns_new_mail_oldest_first(dovecot: DovecotServer, imap_user: ImapUser) -> None:
    arrived = datetime(2026, 3, 2, 9, 15, tzinfo=timezone(timedelta(hours=1)))
    uids = [dovecot.append(imap_user, "INBOX", raw(n), internaldate=arrived + timedelta(minutes=n)) for n in range(3)]
    with Mailbox(settings_for(imap_user)) as box:
        fetched = box.fetch_since(0)
        uidvalidity = box.uidvalidity()
    assert [m.uid for m in fetched] == uids
    assert [m.raw for m in fetched] == [raw(n) for n in range(3)]
    assert {m.uidvalidity for m in fetched} == {uidvalidity}
    assert {m.mailbox for m in fetched} == {"INBOX"}
    assert fetched[0].internaldate == arrived


def test_fetch_since_resumes_after_the_watermark(dovecot: DovecotServer, imap_user: ImapUser, mailbox: Mailbox) -> None:
    first = dovecot.append(imap_user, "INBOX", raw(1))
    second = dovecot.append(imap_user, "INBOX", raw(2))
    assert [m.uid for m in mailbox.fetch_since(first)] == [second]


def test_fetch_since_the_last_uid_returns_nothing_despite_the_star_quirk(
    dovecot: DovecotServer, imap_user: ImapUser, mailbox: Mailbox
) -> None:
    # `UID SEARCH UID n:*` answers with the highest message even when its UID is below n.
    last = dovecot.append(imap_user, "INBOX", raw(1))
    assert mailbox.fetch_since(last) == []
    assert mailbox.fetch_since(last + 100) == []


def test_fetch_since_on_an_empty_folder(mailbox: Mailbox) -> None:
    assert mailbox.fetch_since(0) == []


def test_fetch_in_batches_with_a_limit(dovecot: DovecotServer, imap_user: ImapUser) -> None:
    uids = [dovecot.append(imap_user, "INBOX", raw(n)) for n in range(5)]
    with Mailbox(settings_for(imap_user, batch_size=2)) as box:
        assert [m.uid for m in box.fetch_since(0, limit=3)] == uids[:3]
        assert [m.uid for m in box.fetch_since(uids[2])] == uids[3:]


def test_fetching_does_not_mark_mail_seen(dovecot: DovecotServer, imap_user: ImapUser, mailbox: Mailbox) -> None:
    dovecot.append(imap_user, "INBOX", raw(1))
    mailbox.fetch_since(0)
    assert all(r"\Seen" not in m.flags for m in dovecot.messages(imap_user, "INBOX"))


# moving and appending --------------------------------------------------------------


def test_move_to_processed_deletes_nothing(dovecot: DovecotServer, imap_user: ImapUser, mailbox: Mailbox) -> None:
    uids = [dovecot.append(imap_user, "INBOX", raw(n)) for n in range(3)]
    mailbox.move(uids[:2], "mailbot/processed")

    assert dovecot.fetch_all(imap_user, "mailbot/processed") == [raw(0), raw(1)]
    assert dovecot.fetch_all(imap_user, "INBOX") == [raw(2)]
    for folder in ("INBOX", "mailbot/processed"):
        assert all(r"\Deleted" not in m.flags for m in dovecot.messages(imap_user, folder))


def test_moving_nothing_is_harmless(dovecot: DovecotServer, imap_user: ImapUser, mailbox: Mailbox) -> None:
    dovecot.append(imap_user, "INBOX", raw(1))
    mailbox.move([], "mailbot/processed")
    assert dovecot.fetch_all(imap_user, "INBOX") == [raw(1)]


def test_move_without_the_move_extension_expunges_only_those_uids(old_dovecot: DovecotServer) -> None:
    user = old_dovecot.new_user()
    uids = [old_dovecot.append(user, "INBOX", raw(n)) for n in range(2)]
    # Another client's message, already flagged \Deleted: a plain EXPUNGE would destroy it.
    theirs = old_dovecot.append(user, "INBOX", raw(9), flags=[r"\Deleted"])

    with Mailbox(settings_for(user)) as box:
        box.move(uids, "mailbot/processed")

    processed = old_dovecot.messages(user, "mailbot/processed")
    assert [m.raw for m in processed] == [raw(0), raw(1)]
    assert all(r"\Deleted" not in m.flags for m in processed)
    assert [m.uid for m in old_dovecot.messages(user, "INBOX")] == [theirs]


# waiting ---------------------------------------------------------------------------


def test_idle_wakes_when_mail_arrives_from_another_connection(dovecot: DovecotServer, imap_user: ImapUser) -> None:
    with Mailbox(settings_for(imap_user)) as box:
        sender = threading.Thread(target=dovecot.append, args=(imap_user, "INBOX", raw(1)))
        sender.start()
        try:
            woke = box.idle_wait(30)  # returns as soon as the server reports the new message
        finally:
            sender.join(timeout=30)
        assert woke is True
        assert [m.raw for m in box.fetch_since(0)] == [raw(1)]


def test_idle_without_new_mail_times_out_and_the_connection_still_works(
    dovecot: DovecotServer, imap_user: ImapUser, mailbox: Mailbox
) -> None:
    assert mailbox.idle_wait(0.2) is False
    dovecot.append(imap_user, "INBOX", raw(1))
    assert [m.raw for m in mailbox.fetch_since(0)] == [raw(1)]


def test_without_idle_the_mailbox_polls(old_dovecot: DovecotServer) -> None:
    user = old_dovecot.new_user()
    waits: list[float] = []

    def mail_arrives_while_sleeping(seconds: float) -> None:
        waits.append(seconds)
        old_dovecot.append(user, "INBOX", raw(1))

    with Mailbox(settings_for(user), sleep=mail_arrives_while_sleeping) as box:
        assert box.idle_wait(60) is True
        assert waits == [60]
        assert [m.raw for m in box.fetch_since(0)] == [raw(1)]


def test_polling_reports_no_mail_when_none_came(old_dovecot: DovecotServer) -> None:
    user = old_dovecot.new_user()
    with Mailbox(settings_for(user), sleep=lambda _s: None) as box:
        assert box.idle_wait(60) is False


def test_using_a_closed_mailbox_is_an_error(imap_user: ImapUser) -> None:
    box = Mailbox(settings_for(imap_user)).connect()
    box.close()
    with pytest.raises(MailboxError):
        box.fetch_since(0)


def test_internaldate_is_utc(dovecot: DovecotServer, imap_user: ImapUser, mailbox: Mailbox) -> None:
    dovecot.append(imap_user, "INBOX", raw(1), internaldate=datetime(2026, 7, 1, 23, 30, tzinfo=UTC))
    (message,) = mailbox.fetch_since(0)
    assert message.internaldate == datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    assert message.internaldate.tzinfo is UTC
