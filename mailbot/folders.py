"""Folder names as the server wants them, from a name as an admin writes it in the config.

Servers disagree: Courier, Debian's Cyrus and Dovecot set up for Courier compatibility keep
every personal folder under `INBOX.` with `.` between levels; Microsoft 365, Gmail and stock
Dovecot use no prefix and `/`. The config names a folder once, in whichever form the admin
knows (`mailbot/processed`, `INBOX/mailbot/processed`, `INBOX.mailbot.processed`), and this
module turns it into the server's own name from what the server says in NAMESPACE. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

INBOX = "INBOX"


@dataclass(frozen=True)
class Namespace:
    """The personal namespace as the server announces it (RFC 2342): prefix and delimiter.

    `delimiter` is None for a flat server, which has no hierarchy at all.
    """

    prefix: str = ""
    delimiter: str | None = "/"

    def describe(self) -> str:
        """The namespace in words for check-config, so an admin can see why a folder name was
        changed."""
        delimiter = "none (flat)" if self.delimiter is None else repr(self.delimiter)
        return f"personal namespace {self.prefix!r}, delimiter {delimiter}"


def server_name(name: str, namespace: Namespace) -> str:
    """The server's name for a configured folder name.

    A name holding "/" is split on it (the config's own separator); a name without one is
    taken as already written in the server's form. The parts are joined with the server's
    delimiter, `INBOX` is spelt as the protocol requires, and the personal prefix is added
    when the name lacks it.
    """
    cleaned = name.strip()
    delimiter = namespace.delimiter
    if not cleaned or cleaned.upper() == INBOX:
        return INBOX
    if delimiter is None:
        return cleaned
    separator = "/" if "/" in cleaned else delimiter
    parts = [part for part in cleaned.split(separator) if part]
    if parts and parts[0].upper() == INBOX:
        parts[0] = INBOX
    joined = delimiter.join(parts)
    if joined == INBOX:
        return INBOX
    prefix = namespace.prefix
    if prefix and not _has_prefix(joined, prefix):
        joined = prefix + joined
    return joined


def _has_prefix(name: str, prefix: str) -> bool:
    """`INBOX` is case-insensitive by protocol; any other prefix is compared as written."""
    if prefix.upper().startswith(INBOX):
        return name.upper().startswith(prefix.upper())
    return name.startswith(prefix)
