"""IMAP adapter (imapclient): fetch above a UID watermark, move handled mail, wait for more.

Thin on purpose: the service decides what to fetch, where to move and when to give up;
this module only speaks IMAP safely, on any server. The rules it keeps:
- state is (mailbox, UIDVALIDITY, UID); fetching uses BODY.PEEK[] so \\Seen never changes;
- new mail is found with `UID FETCH n:* (UID)`, a form every server tested answers (GNU
  imap4d answers `UID SEARCH UID n:*` with nothing); `n:*` also returns the highest message
  when its UID is below n, so results are filtered;
- when it finds nothing new, what the server lists is checked against the message count of
  a fresh SELECT: a server that hides mail from the listing raises `IntakeBlind`, loudly,
  instead of reporting "0 fetched" for ever;
- folder names come from the server's NAMESPACE (prefix and delimiter; see folders.py);
- nothing is ever deleted: MOVE, or COPY + \\Deleted + UID EXPUNGE of exactly those UIDs, or
  (no UIDPLUS) COPY + \\Deleted + EXPUNGE only while no other message is flagged \\Deleted;
- every socket has a timeout (imapclient sets none by default);
- every failure becomes a MailboxError that says its cause and the fix, and its `kind`:
  "login" (never retry by itself), "setup" (a person must change something) or "transient".
"""

from __future__ import annotations

import logging
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError
from imapclient.response_parser import parse_fetch_response

from .errors import ConfigError, MailbotError
from .folders import INBOX, Namespace, server_name
from .oauth import TokenProvider, TokenUnavailable
from .addresses import plaintext_problem
from .config import Security
from .reconnect import FailureKind

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]
DELETED = b"\\Deleted"
LISTING_TRIES = 3  # a fresh SELECT and the listing disagree while mail is arriving; ask again


class MailboxError(MailbotError, ConnectionError):
    """The IMAP server could not be used. `fix` says what to do; `kind` how to retry."""

    kind: FailureKind = "transient"

    def __init__(self, reason: str, *, fix: str = "", kind: FailureKind | None = None) -> None:
        self.reason = reason
        self.fix = fix
        if kind is not None:
            self.kind = kind
        super().__init__(reason)


class MailboxLoginFailed(MailboxError):
    """The server refused our credentials. Retrying locks accounts: tell a person instead."""

    kind: FailureKind = "login"


class IntakeBlind(MailboxError):
    """The server holds more mail than it lists: intake would report nothing while mail waits."""

    kind: FailureKind = "setup"


@dataclass(frozen=True)
class MailboxSettings:
    """One mailbox to watch. Authenticates with `token_provider` (XOAUTH2) if set, else `password`.

    `fingerprint` identifies the credentials (see cli/wiring.py): a login refused with one
    fingerprint is not tried again until it changes or an admin asks.
    """

    host: str
    port: int
    username: str
    security: Security = "ssl"
    password: str | None = field(default=None, repr=False)
    token_provider: TokenProvider | None = field(default=None, repr=False)
    folder: str = "INBOX"
    processed_folder: str = "mailbot/processed"
    quarantine_folder: str = "mailbot/quarantine"
    timeout_seconds: float = 60.0
    batch_size: int = 100
    ca_file: str | None = None
    fingerprint: str = field(default="", repr=False)
    max_message_bytes: int | None = None  # larger mail is not downloaded: only its headers are

    @property
    def name(self) -> str:
        """How logs, status and the watermark name this mailbox (no secret in it)."""
        return mailbox_name(self.username, self.host, self.folder)


def mailbox_name(username: str, host: str, folder: str) -> str:
    """How logs, status and the watermark name a mailbox: user, host and folder, never a secret."""
    return f"{username}@{host}/{folder}"


@dataclass(frozen=True)
class ServerInfo:
    """What the server told us at login: for the start-up log line, status and check-config."""

    capabilities: tuple[str, ...]
    namespace: Namespace
    folders: dict[str, str]  # config key -> the server's name for it
    created: tuple[str, ...]  # folders this connection had to create
    exists: int  # messages in the watched folder when it was selected
    uidnext: int | None

    @property
    def idle(self) -> bool:
        """Whether new mail can be waited for (IDLE) rather than polled for."""
        return "IDLE" in self.capabilities

    @property
    def move_method(self) -> str:
        """How handled mail leaves the inbox on this server, for check-config: without MOVE or
        UIDPLUS only an EXPUNGE remains, and it is used only when it cannot delete anyone
        else's mail."""
        if "MOVE" in self.capabilities:
            return "MOVE"
        if "UIDPLUS" in self.capabilities:
            return "COPY + UID EXPUNGE"
        return "COPY + EXPUNGE when no other message is flagged \\Deleted"


@dataclass(frozen=True)
class FetchedMessage:
    """Raw bytes plus the coordinates that identify them: (mailbox, uidvalidity, uid)."""

    uid: int
    uidvalidity: int
    raw: bytes = field(repr=False)
    internaldate: datetime  # when the server received it (aware, UTC): clocks start here
    mailbox: str
    size: int | None = None  # RFC822.SIZE, when the message was too large to download


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Verifies the certificate and host name; `ca_file` adds the firm's own CA (PEM)."""
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError([f"ca_file: cannot read {ca_file} as PEM certificates ({exc})"]) from None


# What each cause of failure means and what a person should do about it, in the order the causes
# are tried (a subclass before its base: TokenUnavailable is a PermissionError, the certificate
# error an SSLError). A row: the exceptions, the error to raise, its kind (None: that error's
# own), the cause in words (exc, settings, host:port) and the fix. The last row catches the rest.
_Describe = Callable[[Any, "MailboxSettings", str], str]
_CAUSES: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], type[MailboxError],
                     FailureKind | None, _Describe, str], ...] = (
    (LoginError, MailboxLoginFailed, None,
     lambda exc, s, where: f"IMAP login refused for {s.username} at {where}: {_text(exc)}",
     "check imap.username and the password (imap.password_env or imap.password_file) "
     "or the OAuth token; mailbot will not log in again until the secret changes or you "
     "run `mailbot retry-login`"),
    (TokenUnavailable, MailboxLoginFailed, None,
     lambda exc, s, where: f"no OAuth token for IMAP: {exc.reason}",
     "re-authorise the app for the mailbox ([oauth] settings), then run `mailbot retry-login`"),
    (ssl.SSLCertVerificationError, MailboxError, "setup",
     lambda exc, s, where: (f"the IMAP server's TLS certificate at {where} is not trusted: "
                            f"{exc.verify_message}"),
     "if the firm's own CA signed it, set imap.ca_file to that CA's PEM file; otherwise "
     "fix the certificate on the server (its name must match imap.host)"),
    (ssl.SSLError, MailboxError, "setup",
     lambda exc, s, where: f"TLS with the IMAP server at {where} failed: {exc}",
     'check that imap.security matches the port ("ssl" on 993, "starttls" on 143)'),
    (socket.gaierror, MailboxError, None,
     lambda exc, s, where: f"cannot resolve the IMAP host {s.host!r}: {exc.strerror}",
     "check imap.host and the DNS"),
    (ConnectionRefusedError, MailboxError, None,
     lambda exc, s, where: f"nothing accepts connections at {where}",
     "check imap.host, imap.port and the firewall; mailbot retries with backoff"),
    ((TimeoutError, socket.timeout), MailboxError, None,
     lambda exc, s, where: (f"the IMAP server at {where} did not answer within "
                            f"{s.timeout_seconds:g} s"),
     "check imap.host, imap.port and the firewall, or raise imap.timeout_seconds; "
     "mailbot retries with backoff"),
    ((IMAPClientAbortError, OSError), MailboxError, None,
     lambda exc, s, where: f"the connection to the IMAP server at {where} broke off: {_text(exc)}",
     "none needed if it passes: mailbot reconnects with backoff"),
    (BaseException, MailboxError, None,
     lambda exc, s, where: f"the IMAP server at {where} refused a command: {_text(exc)}",
     "see the server's answer; `mailbot check-config --connect` shows what it supports"),
)


def explain(exc: BaseException, settings: MailboxSettings) -> MailboxError:
    """A library or socket error as a MailboxError naming its cause and the fix (`_CAUSES`)."""
    if isinstance(exc, MailboxError):
        return exc
    where = f"{settings.host}:{settings.port}"
    for causes, error, kind, describe, fix in _CAUSES:
        if isinstance(exc, causes):
            return error(describe(exc, settings, where), fix=fix, kind=kind)
    raise AssertionError("unreachable: the last row of _CAUSES matches every exception")


def _text(exc: BaseException) -> str:
    """Server answers arrive as bytes reprs (b'Login failed.'): show them as text."""
    text = str(exc)
    if len(text) > 3 and text[:2] in ("b'", 'b"') and text[-1] == text[1]:
        text = text[2:-1]
    return text


class Mailbox:
    """One connection to one folder. Not thread-safe; reconnect by making a new one."""

    def __init__(self, settings: MailboxSettings, *, sleep: Sleep = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        self._client: IMAPClient | None = None
        self._uidvalidity = 0
        self._namespace = Namespace()
        self.info: ServerInfo | None = None

    # connection ----------------------------------------------------------------

    def connect(self) -> Mailbox:
        """Log in and prepare the folders; plain text beyond loopback and a missing secret are
        refused before any connection is made."""
        settings = self.settings
        plaintext = plaintext_problem("imap", settings.security, settings.host)
        if plaintext:
            raise ConfigError([plaintext])
        if settings.password is None and settings.token_provider is None:
            raise ConfigError(["imap: set a password or an OAuth token source"])
        # Loading the CA bundle is slow, so only when TLS is used.
        tls = tls_context(settings.ca_file) if settings.security != "none" else None
        with self._translated():
            client = IMAPClient(
                settings.host,
                settings.port,
                ssl=settings.security == "ssl",
                ssl_context=tls,
                timeout=settings.timeout_seconds,
            )
            try:
                self._secure_and_login(client, tls)
                client.normalise_times = False  # keep INTERNALDATE's zone; we convert to UTC
                self._namespace = _namespace(client)
                folders = self._folders()
                created = tuple(
                    name
                    for key, name in folders.items()
                    if key != "folder"
                    and _ensure_folder(
                        client, name, key, self._folder_setting(key), self._namespace
                    )
                )
                selected = self._select(client, folders["folder"])
                capabilities = tuple(sorted(_text_value(c) for c in client.capabilities()))
            except BaseException:
                with suppress(Exception):
                    client.shutdown()
                raise
        self._client = client
        self._uidvalidity = int(selected[b"UIDVALIDITY"])
        uidnext = selected.get(b"UIDNEXT")
        self.info = ServerInfo(
            capabilities,
            self._namespace,
            folders,
            created,
            int(selected[b"EXISTS"]),
            int(uidnext) if uidnext is not None else None,
        )
        return self

    def _folders(self) -> dict[str, str]:
        return {
            key: self.server_name(self._folder_setting(key))
            for key in ("folder", "processed_folder", "quarantine_folder")
        }

    def _folder_setting(self, key: str) -> str:
        return str(getattr(self.settings, key))

    def _select(self, client: IMAPClient, name: str) -> dict[bytes, Any]:
        try:
            return client.select_folder(name)
        except IMAPClientError as exc:
            raise MailboxError(
                f"cannot open the folder {name!r} (imap.folder = {self.settings.folder!r}): "
                f"{_text(exc)}",
                kind="setup",
                fix=f"check imap.folder; the server's {self._namespace.describe()}",
            ) from exc

    def _secure_and_login(self, client: IMAPClient, tls: ssl.SSLContext | None) -> None:
        settings = self.settings
        if settings.security == "starttls":
            if not client.has_capability("STARTTLS"):
                raise MailboxError(
                    f"{settings.host}:{settings.port} does not offer STARTTLS",
                    kind="setup",
                    fix='imap.security: use "ssl" (port 993) or check imap.port; mailbot never '
                    "sends a password without TLS",
                )
            client.starttls(tls)
        if settings.token_provider is not None:
            client.oauth2_login(settings.username, settings.token_provider.access_token())
        else:
            assert settings.password is not None
            client.login(settings.username, settings.password)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Library and socket errors become mailbot's, so callers catch by meaning."""
        try:
            yield
        except MailboxError:
            raise
        except (IMAPClientError, IMAPClientAbortError, TokenUnavailable, OSError) as exc:
            raise explain(exc, self.settings) from exc

    def close(self) -> None:
        """Log out, and drop the connection even when logging out fails: a broken connection must
        never stop the next one."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:
            with suppress(Exception):
                client.shutdown()

    def __enter__(self) -> Mailbox:
        return self.connect() if self._client is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _require(self) -> IMAPClient:
        if self._client is None:
            raise MailboxError("the mailbox is not connected")
        return self._client

    def server_name(self, folder: str) -> str:
        """The server's name for a folder written as in the config."""
        return server_name(folder, self._namespace)

    # reading -------------------------------------------------------------------

    def uidvalidity(self) -> int:
        """UIDVALIDITY of the selected folder, as reported when it was selected."""
        self._require()
        return self._uidvalidity

    def fetch_since(self, last_uid: int, limit: int | None = None) -> list[FetchedMessage]:
        """Messages with UID above `last_uid`, oldest first; at most `limit` (None: all).

        Finding nothing is verified against the folder's message count (see `_listing`).
        """
        client = self._require()
        with self._translated():
            client.noop()  # some servers (Dovecot) show other sessions' new mail only after a sync
            uids = list_uids(client, f"{last_uid + 1}:*", above=last_uid)
            if not uids:
                uids = [uid for uid in self._listing(client) if uid > last_uid]
            if limit is not None:
                uids = uids[:limit]
            messages: list[FetchedMessage] = []
            for start in range(0, len(uids), self.settings.batch_size):
                messages.extend(self._fetch(client, uids[start : start + self.settings.batch_size]))
        return messages

    def _fetch(self, client: IMAPClient, batch: list[int]) -> list[FetchedMessage]:
        """The batch's messages; one over `max_message_bytes` comes as its headers and its size
        only, so a hostile or runaway message never has to fit in memory (it stays on the server
        and is filed to quarantine with the rest of the batch)."""
        limit = self.settings.max_message_bytes
        big: set[int] = set()
        if limit is not None:
            sizes = client.fetch(batch, ["RFC822.SIZE"])
            big = {
                uid
                for uid in batch if uid in sizes and int(sizes[uid].get(b"RFC822.SIZE", 0)) > limit
            }
        small = [uid for uid in batch if uid not in big]
        data = client.fetch(small, ["BODY.PEEK[]", "INTERNALDATE"]) if small else {}
        if big:
            heads = client.fetch(sorted(big), ["BODY.PEEK[HEADER]", "INTERNALDATE", "RFC822.SIZE"])
            for uid, item in heads.items():
                data[uid] = {
                    b"BODY[]": item[b"BODY[HEADER]"],
                    b"INTERNALDATE": item[b"INTERNALDATE"],
                    b"RFC822.SIZE": item[b"RFC822.SIZE"]
                }
        # A UID missing from the answer was expunged by someone else meanwhile.
        return [self._message(uid, data[uid]) for uid in batch if uid in data]

    def _listing(self, client: IMAPClient) -> list[int]:
        """Every UID in the folder, checked against a fresh SELECT's message count.

        A server that answers the listing with fewer messages than it says it holds would
        leave mail unread for ever while each pass reports success: that is raised instead.
        """
        folder = self.server_name(self.settings.folder)
        listed: list[int] = []
        exists = 0
        for _attempt in range(LISTING_TRIES):
            selected = client.select_folder(folder)
            exists = int(selected[b"EXISTS"])
            if not exists:
                return []
            renumbered = int(selected[b"UIDVALIDITY"])
            if renumbered != self._uidvalidity:
                # imap4d renumbers a maildir that was emptied; what is fetched now carries the new
                # value, and the next pass reads the folder again (the dedupe skips what it has).
                log.warning("imap.uidvalidity_changed", extra={"mailbox": self.settings.name})
                self._uidvalidity = renumbered
            listed = list_uids(client, "1:*", above=0)
            if len(listed) == exists:
                return listed
        raise IntakeBlind(
            f"the server says {folder!r} holds {exists} message(s) but lists {len(listed)} with "
            f"`UID FETCH 1:* (UID)`: mailbot cannot see all of the mail there",
            fix="nothing is lost (mail stays in the folder); check the server's logs and index "
            "(for Dovecot `doveadm force-resync`), and report the server's name and version",
        )

    def _message(self, uid: int, item: dict[bytes, Any]) -> FetchedMessage:
        received: datetime = item[b"INTERNALDATE"]
        if received.tzinfo is None:  # cannot happen with normalise_times off; be explicit anyway
            received = received.replace(tzinfo=UTC)
        return FetchedMessage(
            uid=uid,
            uidvalidity=self._uidvalidity,
            raw=bytes(item[b"BODY[]"]),
            internaldate=received.astimezone(UTC),
            mailbox=self.settings.folder,
            size=int(item[b"RFC822.SIZE"]) if b"RFC822.SIZE" in item else None,
        )

    def count(self, folder: str) -> int:
        """Messages in another folder (STATUS), 0 when it does not exist."""
        client = self._require()
        name = self.server_name(folder)
        with self._translated():
            if not client.folder_exists(name):
                return 0
            return int(client.folder_status(name, ["MESSAGES"])[b"MESSAGES"])

    # changing ------------------------------------------------------------------

    def move(self, uids: Sequence[int], folder: str) -> None:
        """Move messages out of the selected folder without ever losing one."""
        if not uids:
            return
        client = self._require()
        target = self.server_name(folder)
        ours = list(uids)
        with self._translated():
            client.noop()  # UIDs this session has not seen yet are silently skipped otherwise
            if client.has_capability("MOVE"):
                client.move(ours, target)
                return
            client.copy(ours, target)
            client.add_flags(ours, [DELETED], silent=True)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(ours)
                return
            # A plain EXPUNGE removes every \Deleted message: only when the rest are ours.
            others = [uid for uid in _deleted_uids(client) if uid not in ours]
            if not others:
                client.expunge()
                return
        log.warning(
            "imap.originals_kept",
            extra={
                "mailbox": self.settings.name,
                "folder": target,
                "count": len(ours),
                "why": f"the server has neither MOVE nor UIDPLUS and {len(others)} other "
                "message(s) are flagged \\Deleted: an EXPUNGE would remove them too",
                "what_happens": "the copies are in the target folder; the originals stay in the "
                "inbox flagged \\Deleted until a mail client expunges the folder",
            },
        )

    # waiting -------------------------------------------------------------------

    def idle_wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for new mail; True if some may have arrived.

        IDLE only shortens the wait: the caller always sweeps with `fetch_since` afterwards.
        Servers drop IDLE after 29 minutes, so callers pass well under that.
        """
        client = self._require()
        with self._translated():
            if not client.has_capability("IDLE"):
                # Polling fallback. Untagged EXISTS may be swallowed by any command, so
                # compare the highest UID before and after instead.
                before = _highest_uid(client)
                self._sleep(seconds)
                return _highest_uid(client) > before
            client.idle()
            try:
                arrived = self._idle_until(client, time.monotonic() + seconds)
            except BaseException:
                with suppress(Exception):
                    client.idle_done()
                raise
            _done, late = client.idle_done()
        return arrived or _has_new_mail(late)

    @staticmethod
    def _idle_until(client: IMAPClient, deadline: float) -> bool:
        while (remaining := deadline - time.monotonic()) > 0:
            if _has_new_mail(client.idle_check(timeout=remaining)):
                return True
        return False


def _namespace(client: IMAPClient) -> Namespace:
    """The personal namespace from NAMESPACE, else the delimiter from LIST "" "" and no prefix."""
    if client.has_capability("NAMESPACE"):
        personal = client.namespace().personal
        if personal:
            prefix, delimiter = personal[0]
            return Namespace(_text_value(prefix), _text_value(delimiter) if delimiter else None)
    listed = client.list_folders("", "")
    if not listed or listed[0][1] is None:
        return Namespace("", None)
    return Namespace("", _text_value(listed[0][1]))


def _text_value(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _ensure_folder(
    client: IMAPClient, name: str, key: str, configured: str, namespace: Namespace
) -> bool:
    """Create the folder if it is missing; True if it was created. A refusal names the fix."""
    if name == INBOX or client.folder_exists(name):
        return False
    try:
        client.create_folder(name)
    except IMAPClientError as exc:
        raise MailboxError(
            f"cannot create the folder {name!r} (imap.{key} = {configured!r}): the server said: "
            f"{_text(exc)}",
            kind="setup",
            fix=f"the server's {namespace.describe()}; set imap.{key} to a folder this account may "
            "create (e.g. under INBOX), or create it by hand; `mailbot check-config --connect` "
            "tests it",
        ) from exc
    with suppress(IMAPClientError):
        client.subscribe_folder(name)  # so a person sees it in their mail client
    log.info("imap.folder_created", extra={"folder": name, "key": f"imap.{key}"})
    return True


def list_uids(client: IMAPClient, message_set: str, *, above: int) -> list[int]:
    """UIDs in a `UID FETCH <set> (UID)` answer above `above`, ascending."""
    return sorted(uid for uid in _fetch_range(client, message_set, "UID") if uid > above)


def _deleted_uids(client: IMAPClient) -> list[int]:
    """UIDs flagged \\Deleted, by FETCH: imap4d's SEARCH cannot be trusted with every key."""
    return [
        uid
        for uid, item in _fetch_range(client, "1:*", "FLAGS").items()
        if DELETED in item.get(b"FLAGS", ())
    ]


def _fetch_range(client: IMAPClient, message_set: str, items: str) -> dict[int, dict[bytes, Any]]:
    """`UID FETCH <set> (<items>)` by UID. imapclient's own fetch keeps only UIDs it was given one
    by one, so a range goes through its imaplib connection; answers without a UID are skipped."""
    status, data = client._imap.uid("FETCH", message_set, f"({items})")
    if status != "OK":
        raise IMAPClientError(
            f"UID FETCH {message_set} ({items}) failed: {_text_value(data[0] or b'')}"
        )
    parsed = parse_fetch_response(
        [item for item in data if item is not None], False, False
    )  # keyed by seq
    return {int(item[b"UID"]): item for item in parsed.values() if b"UID" in item}


def _highest_uid(client: IMAPClient) -> int:
    client.noop()
    return max(list_uids(client, "1:*", above=0), default=0)


def _has_new_mail(responses: Sequence[Any]) -> bool:
    return any(
        isinstance(item, tuple) and len(item) >= 2 and item[1] in (b"EXISTS", b"RECENT")
        for item in responses
    )
