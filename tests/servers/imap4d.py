"""A throwaway GNU Mailutils imap4d on loopback: a second IMAP implementation for the tests.

imap4d (Debian's `mailutils-imap4d`, installed beside Dovecot by scripts/test) behaves unlike
Dovecot where mailbot has been caught out: it has neither MOVE nor UIDPLUS, its INBOX has no
children, and it answers `UID SEARCH UID 1:*` with nothing. Each server gets its own config
in a fresh temp dir (no site-wide config), maildir storage, and virtual-domain users kept in
a passwd file there: `new_user` adds a line, so every test can have an empty mailbox. The
system service the package installs is never started or touched.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from mailbot.folders import Namespace
from tests.servers.imap import (
    DOMAIN,
    PASSWORD,
    ImapTestServer,
    ImapUser,
    free_port,
    require_binary,
    wait_for_greeting,
)


def find_imap4d() -> str | None:
    """$MAILBOT_IMAP4D, then PATH, then Debian's /usr/sbin."""
    configured = os.environ.get("MAILBOT_IMAP4D")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("imap4d") or (
        "/usr/sbin/imap4d" if os.access("/usr/sbin/imap4d", os.X_OK) else None
    )


def require_imap4d() -> str:
    return require_binary(
        find_imap4d, "GNU imap4d is not installed (Debian: apt-get install mailutils-imap4d)"
    )


def _sha512_crypt(password: str) -> str:
    """The passwd-file hash imap4d checks with crypt(3)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import crypt  # noqa: PLC0415 - deprecated, present up to Python 3.12
        except ImportError:
            crypt = None  # type: ignore[assignment]
    if crypt is not None:
        return crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))
    return subprocess.run(
        ["openssl", "passwd", "-6", "-stdin"],
        input=password,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def _mail_owner() -> tuple[int, int]:
    """Who owns the mail files: as root, an unprivileged system user (imap4d switches to it)."""
    if os.geteuid() != 0:
        return os.geteuid(), os.getegid()
    for name in ("mail", "nobody"):
        with suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    raise RuntimeError("running as root but neither a 'mail' nor a 'nobody' user exists")


class Imap4dServer(ImapTestServer):
    """One imap4d daemon in the foreground, started and stopped by PID."""

    label = "imap4d"
    namespace = Namespace("", "/")

    def __init__(
        self, *, password: str = PASSWORD, binary: str | None = None, start_timeout: float = 15.0
    ) -> None:
        super().__init__(password=password)
        self.binary = binary
        self.start_timeout = start_timeout
        self._hash = ""

    def start(self) -> Imap4dServer:
        binary = self.binary or find_imap4d()
        if binary is None:
            raise FileNotFoundError(
                "imap4d is not installed (Debian: apt-get install mailutils-imap4d)"
            )
        self._hash = _sha512_crypt(self.password)
        for _attempt in range(3):
            self._launch(binary)
            try:
                wait_for_greeting(self.host, self.port, self.start_timeout, self._alive)
                return self
            except BaseException:
                tail = self.log_tail()
                self.stop()
                if "Address already in use" in tail:
                    continue
                raise RuntimeError(f"imap4d did not start\n{tail}") from None
        raise RuntimeError("imap4d could not bind a free port in 3 attempts")

    def _launch(self, binary: str) -> None:
        root = self.root = Path(tempfile.mkdtemp(prefix="mailbot-imap4d-"))
        root.chmod(0o711)  # the mail user must traverse it
        (root / "passwd.d").mkdir()
        (root / "passwd.d" / DOMAIN).write_text("")
        (root / "home").mkdir()
        (root / "home").chmod(0o711)
        self.port = free_port(self.host)
        (root / "imap4d.conf").write_text(
            f"""# Written by tests/servers/imap4d.py for one test run.
mode daemon;
foreground yes;
pidfile {root}/imap4d.pid;
server {self.host}:{self.port} {{}};
auth {{ authorization virtdomain; authentication generic; }};
virtdomain {{ passwd-dir {root}/passwd.d; }};
mailbox {{ mailbox-type maildir; }};
logging {{ syslog no; }};
tcp-wrappers {{ enable no; }};
namespace personal {{ prefix "" {{ directory "$home"; delimiter "/"; }}; }};
""",
            encoding="utf-8",
        )
        argv = [binary, "--no-site-config", f"--config-file={root / 'imap4d.conf'}"]
        self._spawn(argv, root / "imap4d.log")

    def _alive(self) -> None:
        status = self._exited()
        if status is not None:
            raise RuntimeError(f"imap4d exited with status {status}")

    def _add_user(self, user: ImapUser) -> None:
        local = user.username.split("@", 1)[0]
        uid, gid = _mail_owner()
        home = self._root / "home" / local
        # imap4d makes an INBOX only when one is selected; a delivery (APPEND) needs it there.
        made = [home, home / "INBOX", *(home / "INBOX" / part for part in ("cur", "new", "tmp"))]
        for directory in made:
            directory.mkdir()
            if os.geteuid() == 0:
                os.chown(directory, uid, gid)
        with (self._root / "passwd.d" / DOMAIN).open("a", encoding="utf-8") as passwd:
            passwd.write(f"{local}:{self._hash}:{uid}:{gid}::{home}:/bin/false\n")

    def log_tail(self, lines: int = 30) -> str:
        path = self._root / "imap4d.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def imap4d() -> Iterator[Imap4dServer]:
    """One imap4d for the whole session; tests stay apart by using fresh users."""
    server = Imap4dServer(binary=require_imap4d())
    server.start()
    try:
        yield server
    finally:
        server.stop()
