"""A throwaway Dovecot IMAP server on loopback, for tests and scripts.

Integration tests must talk to a real IMAP server: fakes agree with whatever the adapter
assumes. Each server writes its own config in a fresh temp dir (no system include files),
listens on a free loopback port, logs to a file there, and accepts any username with one
password through a static passdb, so every test can log in as a new user with an empty
mailbox. The system Dovecot service is never touched.

Use from a script::

    with DovecotServer() as server:
        user = server.new_user()
        server.append(user, "INBOX", b"Subject: hi\\r\\n\\r\\nhello\\r\\n")
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from imapclient import IMAPClient

PASSWORD = "pass"
# Dovecot's maildir default, unlike Gmail's and Exchange's "/": tests then show that
# mailbot's "/"-separated folder names are translated to the server's separator.
SEPARATOR = "."
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


def find_dovecot() -> str | None:
    """The dovecot binary: $MAILBOT_DOVECOT, then PATH, then Debian's /usr/sbin (not on a user's PATH)."""
    configured = os.environ.get("MAILBOT_DOVECOT")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    found = shutil.which("dovecot")
    if found:
        return found
    return "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None


def servers_required() -> bool:
    """In CI (or when asked) a missing server is a failure: a skipped suite proves nothing."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("MAILBOT_REQUIRE_SERVERS") == "1"


def free_port(host: str = "127.0.0.1") -> int:
    """Ask the kernel for a free port; Dovecot cannot bind port 0 and report it back."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _mail_account() -> tuple[str, int, int]:
    """Who owns the mail files. Dovecot refuses uid 0 for mail, so root lends them to a system user."""
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return entry.pw_name, entry.pw_uid, entry.pw_gid
    for name in ("dovecot", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_name, entry.pw_uid, entry.pw_gid
    raise RuntimeError("running as root but neither a 'dovecot' nor a 'nobody' user exists for mail_uid")


def _config(root: Path, port: int, password: str, capability: str | None) -> str:
    user, uid, gid = _mail_account()
    as_root = os.geteuid() == 0
    # As root, login processes run as the unprivileged users Debian creates; otherwise
    # everything runs as the current user and nothing can chroot.
    login_user = "dovenull" if as_root and _user_exists("dovenull") else user
    internal_user = "dovecot" if as_root and _user_exists("dovecot") else user
    no_chroot = "" if as_root else "  chroot =\n"
    imap_capability = f"protocol imap {{\n  imap_capability = {capability}\n}}\n" if capability else ""
    unprivileged = ""
    if not as_root:
        unprivileged = (
            f"default_internal_group = {grp.getgrgid(gid).gr_name}\n"
            "service auth-worker {\n  user = $default_internal_user\n}\n"
        )
    return f"""# Written by tests/servers/dovecot.py for one test run; includes no system files.
instance_name = mailbot-test-{root.name}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
auth_failure_delay = 0
default_internal_user = {internal_user}
default_login_user = {login_user}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_uid = {uid}
mail_gid = {gid}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = {SEPARATOR}
}}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  # Keep login processes warm: tests open many short connections.
  service_count = 0
  process_min_avail = 1
{no_chroot}}}
# Every test logs in from 127.0.0.1, so one test's wrong password would slow the next
# logins by seconds: no anvil-auth-penalty socket means no auth penalty.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
{no_chroot}}}
service imap {{
  process_min_avail = 2
}}
{unprivileged}{imap_capability}"""


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class _PortTaken(RuntimeError):
    pass


class DovecotServer:
    """One Dovecot master process with its own config, started and stopped by PID."""

    host = "127.0.0.1"

    def __init__(
        self,
        *,
        password: str = PASSWORD,
        capability: str | None = None,
        binary: str | None = None,
        start_timeout: float = 15.0,
    ) -> None:
        """`capability` replaces the post-login CAPABILITY list, to imitate servers without MOVE or IDLE."""
        self.password = password
        self.capability = capability
        self.binary = binary
        self.start_timeout = start_timeout
        self.root: Path | None = None
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    # lifecycle ---------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        return self._root / "dovecot.conf"

    @property
    def log_path(self) -> Path:
        return self._root / "dovecot.log"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def _root(self) -> Path:
        if self.root is None:
            raise RuntimeError("the server has not been started")
        return self.root

    def start(self) -> DovecotServer:
        binary = self.binary or find_dovecot()
        if binary is None:
            raise FileNotFoundError("dovecot is not installed (Debian: apt-get install dovecot-imapd)")
        for _attempt in range(3):
            self._launch(binary)
            try:
                self._wait_for_greeting()
                return self
            except _PortTaken:
                self.stop()  # another process took the port between probe and bind; try a new one
            except BaseException:
                self.stop()
                raise
        raise RuntimeError("dovecot could not bind a free port in 3 attempts")

    def _launch(self, binary: str) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="mailbot-dovecot-"))
        # Mail processes run unprivileged and must traverse the (0700) temp dir.
        self.root.chmod(0o711)
        home = self.root / "home"
        home.mkdir()
        _, uid, gid = _mail_account()
        if os.geteuid() == 0:
            os.chown(home, uid, gid)
        self.port = free_port(self.host)
        self.config_path.write_text(_config(self.root, self.port, self.password, self.capability), encoding="utf-8")
        with (self.root / "dovecot.stdout").open("wb") as output:
            # A new session makes the master and its children one process group to clean up.
            self._process = subprocess.Popen(
                [binary, "-F", "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _wait_for_greeting(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        last_error = "no attempt made"
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                tail = self.log_tail()
                if "Address already in use" in tail:
                    raise _PortTaken(tail)
                raise RuntimeError(f"dovecot exited with status {self._process.returncode}\n{tail}")
            try:
                with socket.create_connection((self.host, self.port), timeout=2) as sock:
                    greeting = sock.makefile("rb").readline()
                if greeting.startswith(b"* OK"):
                    return
                last_error = f"unexpected greeting {greeting!r}"
            except OSError as exc:
                last_error = str(exc)
            time.sleep(0.05)
        raise TimeoutError(
            f"dovecot did not greet on {self.host}:{self.port} within {self.start_timeout}s "
            f"({last_error})\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's own log and output, for error messages."""
        parts = []
        for path in (self._root / "dovecot.stdout", self.log_path):
            if path.exists():
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name} ---\n" + "\n".join(text))
        return "\n".join(parts)

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

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # test helpers ------------------------------------------------------------

    def new_user(self, prefix: str = "user") -> ImapUser:
        """A username nobody has used yet, so its mailbox is empty; it is also its address."""
        return ImapUser(self.host, self.port, f"{prefix}-{uuid.uuid4().hex[:12]}@{DOMAIN}", self.password)

    @staticmethod
    def folder_name(folder: str) -> str:
        """The server's name for a "/"-separated folder path, as mailbot's config writes them."""
        return folder.replace("/", SEPARATOR)

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
        found = _APPENDUID.search(response if isinstance(response, bytes) else str(response).encode())
        if found is None:
            raise RuntimeError(f"APPEND gave no APPENDUID: {response!r}")
        return int(found.group(1))

    def messages(self, user: ImapUser | str, folder: str) -> list[StoredMessage]:
        """Every message in a folder, by UID, without setting \\Seen; [] if there is no such folder."""
        with self._login(user) as client:
            if not client.folder_exists(self.folder_name(folder)):
                return []
            client.select_folder(self.folder_name(folder), readonly=True)
            uids = client.search(["ALL"])
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


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


# pytest fixtures ---------------------------------------------------------------


def require_dovecot() -> str:
    """The binary, or skip (developer machine) / fail (CI, or MAILBOT_REQUIRE_SERVERS=1)."""
    binary = find_dovecot()
    if binary is None:
        reason = "dovecot is not installed (Debian: apt-get install dovecot-imapd)"
        if servers_required():
            pytest.fail(f"{reason}; required because CI=true or MAILBOT_REQUIRE_SERVERS=1", pytrace=False)
        pytest.skip(reason)
    return binary


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """One Dovecot for the whole session; tests stay apart by using fresh users."""
    server = DovecotServer(binary=require_dovecot())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap_user(dovecot: DovecotServer) -> ImapUser:
    """A fresh, empty mailbox with its credentials (host, port, username, password)."""
    return dovecot.new_user()
