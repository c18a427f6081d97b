"""mailbot.mailbox on every IMAP server set-up: namespaces, listing, moves, TLS with a firm's CA."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from mailbot.mailbox import IntakeBlind, Mailbox, MailboxError
from tests.integration.test_mailbox import raw, settings_for
from tests.servers.dovecot import DovecotServer, require_dovecot
from tests.servers.imap import ImapTestServer
from tests.servers.imap4d import Imap4dServer
from tests.servers.tls import make_certificates


@pytest.mark.parametrize(
    "written", ["mailbot/processed", "INBOX/mailbot/processed", "INBOX.mailbot.processed"]
)
def test_any_written_form_works_on_an_inbox_prefix_server(
    dovecot_inbox_prefix: DovecotServer, written: str
) -> None:
    """Courier, Debian's Cyrus and this Dovecot refuse a top-level `mailbot.processed`."""
    user = dovecot_inbox_prefix.new_user()
    uid = dovecot_inbox_prefix.append(user, "INBOX", raw(1))
    with Mailbox(settings_for(user, processed_folder=written)) as box:
        assert box.info is not None and box.info.namespace.prefix == "INBOX."
        box.move([uid], written)
    folders = dovecot_inbox_prefix.folder_list(user)
    assert "INBOX.mailbot.processed" in folders and "INBOX.mailbot.quarantine" in folders
    assert dovecot_inbox_prefix.fetch_all(user, "mailbot/processed") == [raw(1)]


def test_new_mail_is_found_on_every_server(imap_server: ImapTestServer) -> None:
    """GNU imap4d answers `UID SEARCH UID 1:*` with nothing: mailbot once fetched 0 there."""
    user = imap_server.new_user()
    uids = [imap_server.append(user, "INBOX", raw(n)) for n in range(3)]
    with Mailbox(settings_for(user)) as box:
        assert [m.uid for m in box.fetch_since(0)] == uids
        assert [m.uid for m in box.fetch_since(uids[0])] == uids[1:]
        assert box.fetch_since(uids[-1]) == []
        assert box.fetch_since(uids[-1] + 100) == []


class SearchListing(Mailbox):
    """mailbot's old way to find new mail (`UID SEARCH UID n:*`), to show the count check catches
    a server that answers a listing with nothing."""

    def fetch_since(self, last_uid: int, limit: int | None = None) -> list:  # type: ignore
        client = self._require()
        found = client.search(["UID", f"{last_uid + 1}:*"])
        if not found:
            self._listing_with(client, lambda: client.search(["UID", "1:*"]))
        return []

    def _listing_with(self, client: IMAPClient, lister: Any) -> None:
        import mailbot.mailbox as module

        original = module.list_uids
        module.list_uids = lambda _client, _set, *, above: sorted(u for u in lister() if u > above)
        try:
            self._listing(client)
        finally:
            module.list_uids = original


def test_a_server_that_lists_less_than_it_holds_is_an_alarm_not_silence(
    imap4d: Imap4dServer,
) -> None:
    user = imap4d.new_user()
    imap4d.append(user, "INBOX", raw(1))
    with SearchListing(settings_for(user)) as box, pytest.raises(IntakeBlind) as info:
        box.fetch_since(0)
    assert "holds 1 message(s) but lists 0" in info.value.reason
    assert info.value.kind == "setup" and info.value.fix


def test_without_move_or_uidplus_the_inbox_is_expunged_when_nothing_else_is_deleted(
    imap4d: Imap4dServer,
) -> None:
    user = imap4d.new_user()
    uids = [imap4d.append(user, "INBOX", raw(n)) for n in range(2)]
    keep = imap4d.append(user, "INBOX", raw(2))
    with Mailbox(settings_for(user)) as box:
        assert (
            box.info is not None
            and "MOVE" not in box.info.capabilities
            and "UIDPLUS" not in box.info.capabilities
        )
        box.move(uids, "mailbot/processed")
    assert imap4d.fetch_all(user, "mailbot/processed") == [raw(0), raw(1)]
    assert [m.uid for m in imap4d.messages(user, "INBOX")] == [keep], (
        "no struck-through originals left"
    )


def test_without_uidplus_someone_elses_deleted_mail_is_never_expunged(
    imap4d: Imap4dServer, caplog: pytest.LogCaptureFixture
) -> None:
    user = imap4d.new_user()
    ours = imap4d.append(user, "INBOX", raw(0))
    theirs = imap4d.append(user, "INBOX", raw(9))
    with IMAPClient(
        imap4d.host, imap4d.port, ssl=False, timeout=10
    ) as person:  # imap4d drops APPEND's flags
        person.login(user.username, user.password)
        person.select_folder("INBOX")
        person.add_flags([theirs], [r"\Deleted"])  # deleted in a mail client, not yet expunged
    with caplog.at_level(logging.WARNING), Mailbox(settings_for(user)) as box:
        box.move([ours], "mailbot/processed")
    assert imap4d.fetch_all(user, "mailbot/processed") == [raw(0)]
    inbox = imap4d.messages(user, "INBOX")
    assert [m.uid for m in inbox] == [ours, theirs], "both stay: an EXPUNGE would take theirs too"
    assert all(r"\Deleted" in m.flags for m in inbox)
    (kept,) = [r for r in caplog.records if r.getMessage() == "imap.originals_kept"]
    assert "stay in the inbox flagged" in kept.what_happens  # type: ignore[attr-defined]


def test_a_folder_the_server_refuses_is_named_with_the_key_and_the_namespace(
    dovecot_inbox_prefix: DovecotServer,
) -> None:
    user = dovecot_inbox_prefix.new_user()
    with pytest.raises(MailboxError) as info:
        Mailbox(settings_for(user, quarantine_folder=f"mailbot/{'q' * 300}")).connect()
    error = info.value
    assert error.kind == "setup"
    assert (
        f"'INBOX.mailbot.{'q' * 300}'" in error.reason and "imap.quarantine_folder" in error.reason
    )
    assert "personal namespace 'INBOX.'" in error.fix


@pytest.fixture(scope="module")
def tls_dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DovecotServer, Path]]:
    certificates = make_certificates(tmp_path_factory.mktemp("ca"))
    server = DovecotServer(binary=require_dovecot(), tls=certificates)
    server.start()
    try:
        yield server, certificates.ca_file
    finally:
        server.stop()


def test_tls_with_the_firms_own_ca_needs_ca_file_and_says_so(
    tls_dovecot: tuple[DovecotServer, Path],
) -> None:
    server, ca_file = tls_dovecot
    user = server.new_user()
    with pytest.raises(MailboxError) as info:
        Mailbox(settings_for(user, security="starttls")).connect()
    assert info.value.kind == "setup" and "not trusted" in info.value.reason
    assert "imap.ca_file" in info.value.fix
    with Mailbox(settings_for(user, security="starttls", ca_file=str(ca_file))) as box:
        assert box.fetch_since(0) == []
