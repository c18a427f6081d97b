"""A throwaway Dovecot IMAP server on loopback, for tests and scripts.

Integration tests must talk to a real IMAP server: fakes agree with whatever the adapter
assumes. Each server writes its own config in a fresh temp dir (no system include files),
listens on a free loopback port, logs to a file there, and accepts any username with one
password through a static passdb, so every test can log in as a new user with an empty
mailbox. The system Dovecot service is never touched.

`namespace_prefix="INBOX."` gives the Courier-compatible namespace Dovecot documents for
sites migrated from Courier (every personal folder under `INBOX.`), as Courier and Debian's
Cyrus have it.

Use from a script::

    with DovecotServer() as server:
        user = server.new_user()
        server.append(user, "INBOX", b"Subject: hi\\r\\n\\r\\nhello\\r\\n")
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailbot.folders import Namespace
from tests.servers.imap import (
    DOMAIN,
    PASSWORD,
    ImapTestServer,
    ImapUser,
    StoredMessage,
    free_port,
    require_binary,
    servers_required,
    wait_for_greeting,
)
from tests.servers.tls import TestCertificates

__all__ = ["DOMAIN", "PASSWORD", "SEPARATOR", "DovecotServer", "ImapUser", "StoredMessage",
           "find_dovecot", "free_port", "require_dovecot", "servers_required"]

# Dovecot's maildir default, unlike Gmail's and Exchange's "/": tests then show that
# mailbot's "/"-separated folder names are translated to the server's separator.
SEPARATOR = "."


def find_dovecot() -> str | None:
    """The dovecot binary: $MAILBOT_DOVECOT, then PATH, then Debian's /usr/sbin (not on a user's PATH)."""
    configured = os.environ.get("MAILBOT_DOVECOT")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    found = shutil.which("dovecot")
    if found:
        return found
    return "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None


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


def _config(root: Path, port: int, password: str, capability: str | None, prefix: str,
            tls: TestCertificates | None = None) -> str:
    user, uid, gid = _mail_account()
    as_root = os.geteuid() == 0
    # As root, login processes run as the unprivileged users Debian creates; otherwise
    # everything runs as the current user and nothing can chroot.
    login_user = "dovenull" if as_root and _user_exists("dovenull") else user
    internal_user = "dovecot" if as_root and _user_exists("dovecot") else user
    no_chroot = "" if as_root else "  chroot =\n"
    imap_capability = f"protocol imap {{\n  imap_capability = {capability}\n}}\n" if capability else ""
    ssl = "ssl = no"
    if tls is not None:
        ssl = f"ssl = yes\nssl_cert = <{tls.cert_file}\nssl_key = <{tls.key_file}"
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
{ssl}
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
  prefix = {prefix}
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


class DovecotServer(ImapTestServer):
    """One Dovecot master process with its own config, started and stopped by PID."""

    label = "dovecot"

    def __init__(
        self,
        *,
        password: str = PASSWORD,
        capability: str | None = None,
        binary: str | None = None,
        start_timeout: float = 15.0,
        namespace_prefix: str = "",
        tls: TestCertificates | None = None,
    ) -> None:
        """`capability` replaces the post-login CAPABILITY list, to imitate servers without MOVE
        or IDLE; `namespace_prefix` "INBOX." gives the Courier-compatible namespace; `tls` offers
        STARTTLS with a certificate from a CA the system does not trust (tests of ca_file)."""
        super().__init__(password=password)
        self.capability = capability
        self.binary = binary
        self.start_timeout = start_timeout
        self.namespace = Namespace(namespace_prefix, SEPARATOR)
        self.tls = tls
        if namespace_prefix:
            self.label = "dovecot-inbox-prefix"

    # lifecycle ---------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        return self._root / "dovecot.conf"

    @property
    def log_path(self) -> Path:
        return self._root / "dovecot.log"

    def start(self) -> DovecotServer:
        binary = self.binary or find_dovecot()
        if binary is None:
            raise FileNotFoundError("dovecot is not installed (Debian: apt-get install dovecot-imapd)")
        for _attempt in range(3):
            self._launch(binary)
            try:
                wait_for_greeting(self.host, self.port, self.start_timeout, self._alive)
                return self
            except _PortTaken:
                self.stop()  # another process took the port between probe and bind; try a new one
            except TimeoutError as exc:
                tail = self.log_tail()
                self.stop()
                raise TimeoutError(f"dovecot: {exc}\n{tail}") from None
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
        self.config_path.write_text(
            _config(self.root, self.port, self.password, self.capability, self.namespace.prefix,
                    self.tls),
            encoding="utf-8")
        self._spawn([binary, "-F", "-c", str(self.config_path)], self.root / "dovecot.stdout")

    def _alive(self) -> None:
        status = self._exited()
        if status is not None:
            tail = self.log_tail()
            if "Address already in use" in tail:
                raise _PortTaken(tail)
            raise RuntimeError(f"dovecot exited with status {status}\n{tail}")

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's own log and output, for error messages."""
        parts = []
        for path in (self._root / "dovecot.stdout", self.log_path):
            if path.exists():
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name} ---\n" + "\n".join(text))
        return "\n".join(parts)


# pytest fixtures ---------------------------------------------------------------


def require_dovecot() -> str:
    """The binary, or skip (developer machine) / fail (CI, or MAILBOT_REQUIRE_SERVERS=1)."""
    missing = "dovecot is not installed (Debian: apt-get install dovecot-imapd)"
    return require_binary(find_dovecot, missing)


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
