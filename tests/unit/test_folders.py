"""Folder names from the config to the server's own, for every namespace shape seen in the field."""

from __future__ import annotations

import pytest

from mailbot.folders import Namespace, server_name

COURIER = Namespace(
    "INBOX.", "."
)  # Courier, Debian's Cyrus, Dovecot's Courier-compatible namespace
STOCK = Namespace("", "/")  # Microsoft 365, Gmail, GNU imap4d, Cyrus with upstream's defaults
DOVECOT_DOTS = Namespace("", ".")  # Dovecot's maildir default


@pytest.mark.parametrize(
    "written",
    [
        "mailbot/processed",
        "INBOX/mailbot/processed",
        "INBOX.mailbot.processed",
        "inbox/mailbot/processed",
        "/mailbot/processed/",
    ],
)
def test_every_form_an_admin_writes_lands_under_the_inbox_prefix(written: str) -> None:
    assert server_name(written, COURIER) == "INBOX.mailbot.processed"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("mailbot/processed", "mailbot/processed"),
        ("INBOX/mailbot/processed", "INBOX/mailbot/processed"),  # a child of INBOX, as written
        (
            "Réclamations/traitées",
            "Réclamations/traitées",
        ),  # imapclient encodes modified UTF-7 itself
    ],
)
def test_without_a_prefix_names_keep_their_levels(written: str, expected: str) -> None:
    assert server_name(written, STOCK) == expected


def test_the_config_separator_becomes_the_servers() -> None:
    assert server_name("mailbot/processed", DOVECOT_DOTS) == "mailbot.processed"


def test_a_name_without_a_slash_is_taken_in_the_servers_form() -> None:
    assert server_name("Archive.2026", DOVECOT_DOTS) == "Archive.2026"
    assert server_name("Archive.2026", STOCK) == "Archive.2026"  # a dot is just a character here


@pytest.mark.parametrize("namespace", [COURIER, STOCK, DOVECOT_DOTS, Namespace("", None)])
def test_inbox_is_always_inbox(namespace: Namespace) -> None:
    for written in ("INBOX", "inbox", " Inbox "):
        assert server_name(written, namespace) == "INBOX"


def test_a_flat_server_takes_the_name_as_written() -> None:
    assert server_name("mailbot/processed", Namespace("", None)) == "mailbot/processed"


def test_a_prefix_other_than_inbox_is_added_case_sensitively() -> None:
    assert server_name("mailbot/processed", Namespace("#mail/", "/")) == "#mail/mailbot/processed"
    assert (
        server_name("#mail/mailbot/processed", Namespace("#mail/", "/"))
        == "#mail/mailbot/processed"
    )


def test_describe_says_prefix_and_delimiter() -> None:
    assert COURIER.describe() == "personal namespace 'INBOX.', delimiter '.'"
    assert Namespace("", None).describe() == "personal namespace '', delimiter none (flat)"
