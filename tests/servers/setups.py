"""IMAP server set-ups that tests run against, each started once per session.

`imap_server` runs a test once per set-up: Dovecot as the suite always had it (no prefix,
"." between levels), Dovecot with the Courier-compatible `INBOX.` namespace, and GNU
Mailutils imap4d (no prefix, "/", neither MOVE nor UIDPLUS). Under CI a missing server fails.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.dovecot import DovecotServer, require_dovecot
from tests.servers.imap import ImapTestServer

SETUPS = ("dovecot", "dovecot_inbox_prefix", "imap4d")


@pytest.fixture(scope="session")
def dovecot_inbox_prefix() -> Iterator[DovecotServer]:
    """Dovecot with `prefix = INBOX.` and `separator = .`, as Courier and Debian's Cyrus have it."""
    server = DovecotServer(binary=require_dovecot(), namespace_prefix="INBOX.")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=SETUPS)
def imap_server(request: pytest.FixtureRequest) -> ImapTestServer:
    """The test runs once against each server set-up."""
    server: ImapTestServer = request.getfixturevalue(request.param)
    return server
