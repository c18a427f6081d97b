"""What every throwaway IMAP test server offers tests: users, APPEND, a person's view of folders.

Dovecot (tests/servers/dovecot.py, in two namespace set-ups) and GNU Mailutils imap4d
(tests/servers/imap4d.py) differ in how users are made and how they start; once running,
tests read and write them the same way, through IMAP only. Folder names are written as in
mailbot's config ("mailbot/processed") and translated with the server's own namespace, by
the same function mailbot uses.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from imapclient import IMAPClient

from mailbot.folders import Namespace, server_name
from mailbot.mailbox import list_uids

PASSWORD = "pass"
DOMAIN = "example.test"
_APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")


@dataclass(frozen=True)
class ImapUser:
    """Credentials for one mailbox; the username is also a deliverable address."""

    host: str
    port: int
    username: str
    password: str

    @property
    def address(self) -> str:
        return self.username


@dataclass(frozen=True)
class StoredMessage:
    """One message as the server holds it, for assertions on folders and flags."""

    uid: int
    raw: bytes
    flags: tuple[str, ...]
    internaldate: datetime


def servers_required() -> bool:
    """In CI (or when asked) a missing server is a failure: a skipped suite proves nothing."""
    return (
        os.environ.get("CI", "").lower() == "true"
        or os.environ.get("MAILBOT_REQUIRE_SERVERS") == "1"
    )


def require_binary(find: Callable[[], str | None], reason: str) -> str:
    """The binary, or skip (developer machine) / fail (CI, or MAILBOT_REQUIRE_SERVERS=1)."""
    binary = find()
    if binary is None:
        if servers_required():
            pytest.fail(
                f"{reason}; required because CI=true or MAILBOT_REQUIRE_SERVERS=1", pytrace=False
            )
        pytest.skip(reason)
    return binary


def free_port(host: str = "127.0.0.1") -> int:
    """Ask the kernel for a free port; the servers cannot bind port 0 and report it back."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_for_greeting(host: str, port: int, timeout: float, alive: Callable[[], None]) -> None:
    """Until the server says `* OK`; `alive` raises if the server process has died."""
    deadline = time.monotonic() + timeout
    last_error = "no attempt made"
    while time.monotonic() < deadline:
        alive()
        try:
            with socket.create_connection((host, port), timeout=2) as sock:
                greeting = sock.makefile("rb").readline()
            if greeting.startswith(b"* OK"):
                return
            last_error = f"unexpected greeting {greeting!r}"
        except OSError as exc:
            last_error = str(exc)
        time.sleep(0.05)
    raise TimeoutError(f"no IMAP greeting on {host}:{port} within {timeout}s ({last_error})")


class ImapTestServer:
    """The shared half: subclasses start and stop the process and may register users."""

    host = "127.0.0.1"
    label = "imap"
    namespace = Namespace("", "/")

    def __init__(self, *, password: str = PASSWORD) -> None:
        self.password = password
        self.port = 0
        self.root: Path | None = None  # the server's own temp dir: config, mail, log
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def _root(self) -> Path:
        if self.root is None:
            raise RuntimeError("the server has not been started")
        return self.root

    # users -------------------------------------------------------------------

    def new_user(self, prefix: str = "user") -> ImapUser:
        """A username nobody has used yet, so its mailbox is empty; it is also its address."""
        user = ImapUser(
            self.host, self.port, f"{prefix}-{uuid.uuid4().hex[:12]}@{DOMAIN}", self.password
        )
        self._add_user(user)
        return user

    def _add_user(self, user: ImapUser) -> None:
        """Servers with a static password database need nothing here."""

    # a person's view -----------------------------------------------------------

    def folder_name(self, folder: str) -> str:
        """The server's name for a "/"-separated folder path, as mailbot's config writes them."""
        return server_name(folder, self.namespace)

    def _login(self, user: ImapUser | str) -> IMAPClient:
        username = user.username if isinstance(user, ImapUser) else user
        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        client.normalise_times = False
        client.login(username, self.password)
        return client

    def append(
        self,
        user: ImapUser | str,
        folder: str,
        raw: bytes,
        flags: Sequence[str] = (),
        internaldate: datetime | None = None,
    ) -> int:
        """Store one message (creating the folder if needed) and return its UID."""
        folder = self.folder_name(folder)
        with self._login(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            response = client.append(folder, raw, flags=tuple(flags), msg_time=internaldate)
            found = _APPENDUID.search(
                response if isinstance(response, bytes) else str(response).encode()
            )
            if found is not None:
                return int(found.group(1))
            # No UIDPLUS (imap4d): the newest message is this one (tests append one at a time).
            # Read-write: imap4d gives maildir mail its lasting UID only in a read-write session.
            client.select_folder(folder)
            uids = list_uids(client, "1:*", above=0)
        if not uids:
            raise RuntimeError(f"APPEND to {folder!r} gave no APPENDUID and the folder is empty")
        return max(uids)

    def messages(self, user: ImapUser | str, folder: str) -> list[StoredMessage]:
        """Every message in a folder by UID, without setting \\Seen; [] if there is no folder."""
        with self._login(user) as client:
            if not client.folder_exists(self.folder_name(folder)):
                return []
            # Read-write: imap4d numbers new maildir mail for good only then (PEEK keeps \Seen).
            selected = client.select_folder(self.folder_name(folder))
            # The form every server here answers right (imap4d's UID SEARCH does not).
            uids = list_uids(client, "1:*", above=0) if selected[b"EXISTS"] else []
            data = client.fetch(uids, ["BODY.PEEK[]", "FLAGS", "INTERNALDATE"]) if uids else {}
        return [
            StoredMessage(
                uid=uid,
                raw=data[uid][b"BODY[]"],
                flags=tuple(_text(flag) for flag in data[uid][b"FLAGS"]),
                internaldate=data[uid][b"INTERNALDATE"],
            )
            for uid in sorted(data)
        ]

    def fetch_all(self, user: ImapUser | str, folder: str) -> list[bytes]:
        return [message.raw for message in self.messages(user, folder)]

    def folder_list(self, user: ImapUser | str) -> list[str]:
        """Folder names exactly as the server lists them (with its own separator)."""
        with self._login(user) as client:
            return sorted(name for _flags, _delimiter, name in client.list_folders())

    # lifecycle (subclasses) ----------------------------------------------------

    def start(self) -> ImapTestServer:
        raise NotImplementedError

    def _spawn(self, argv: list[str], output: Path) -> None:
        """Start the server in a session of its own, so stop() can end it and all its children."""
        with output.open("wb") as sink:
            self._process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=sink,
                                             stderr=subprocess.STDOUT, start_new_session=True)

    def _exited(self) -> int | None:
        """The server's exit status if it has died (for start-up checks), else None."""
        assert self._process is not None
        return self._process.poll()

    def stop(self) -> None:
        """Terminate by PID, then kill; any stray child in the process group goes too."""
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> ImapTestServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
