"""IMAP adapter (imapclient): fetch above a UID watermark, move handled mail, wait for more.

Thin on purpose: the service decides what to fetch, where to move and when to give up;
this module only speaks IMAP safely. The rules it keeps:
- state is (mailbox, UIDVALIDITY, UID); fetching uses BODY.PEEK[] so \\Seen never changes;
- `UID n:*` also returns the highest message when its UID is below n, so results are filtered;
- nothing is ever deleted: MOVE, or COPY + \\Deleted + UID EXPUNGE of exactly those UIDs;
- every socket has a timeout (imapclient sets none by default);
- folder names use "/" as in the config and are translated to the server's separator.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from .errors import ConfigError, MailbotError
from .oauth import TokenProvider, TokenUnavailable
from .smtp import is_loopback

log = logging.getLogger(__name__)

Security = Literal["ssl", "starttls", "none"]
Sleep = Callable[[float], None]
DELETED = b"\\Deleted"


class MailboxError(MailbotError, ConnectionError):
    """The IMAP server could not be reached or broke off: reconnect with backoff, alert if it lasts."""


class MailboxLoginFailed(MailboxError):
    """The server refused our credentials. Retrying locks accounts: tell a person instead."""


@dataclass(frozen=True)
class MailboxSettings:
    """One mailbox to watch. Authenticates with `token_provider` (XOAUTH2) if set, else `password`."""

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


@dataclass(frozen=True)
class FetchedMessage:
    """Raw bytes plus the coordinates that identify them: (mailbox, uidvalidity, uid)."""

    uid: int
    uidvalidity: int
    raw: bytes = field(repr=False)
    internaldate: datetime  # when the server received it (aware, UTC): clocks start here
    mailbox: str


@contextmanager
def _translated() -> Iterator[None]:
    """Library and socket errors become mailbot's, so callers catch by meaning."""
    try:
        yield
    except LoginError as exc:
        raise MailboxLoginFailed(f"IMAP login refused: {exc}") from exc
    except TokenUnavailable as exc:  # before OSError: it is a PermissionError
        raise MailboxLoginFailed(f"no OAuth token for IMAP: {exc.reason}") from exc
    except (IMAPClientError, IMAPClientAbortError, OSError) as exc:
        raise MailboxError(f"IMAP failure: {exc}") from exc


class Mailbox:
    """One connection to one folder. Not thread-safe; reconnect by making a new one."""

    def __init__(self, settings: MailboxSettings, *, sleep: Sleep = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        self._client: IMAPClient | None = None
        self._uidvalidity = 0
        self._separator: str | None = None

    # connection ----------------------------------------------------------------

    def connect(self) -> Mailbox:
        settings = self.settings
        if settings.security == "none" and not is_loopback(settings.host):
            raise ConfigError([f"imap.security: 'none' is allowed only for loopback hosts, not {settings.host!r}"])
        if settings.password is None and settings.token_provider is None:
            raise ConfigError(["imap: set a password or an OAuth token source"])
        # Verifies the certificate and host name; loading the CA bundle is slow, so only when used.
        tls = ssl.create_default_context() if settings.security != "none" else None
        with _translated():
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
                self._separator = _separator(client)
                for folder in (settings.processed_folder, settings.quarantine_folder):
                    _ensure_folder(client, self._server_name(folder))
                selected = client.select_folder(self._server_name(settings.folder))
            except BaseException:
                with suppress(Exception):
                    client.shutdown()
                raise
        self._client = client
        self._uidvalidity = int(selected[b"UIDVALIDITY"])
        return self

    def _secure_and_login(self, client: IMAPClient, tls: ssl.SSLContext | None) -> None:
        settings = self.settings
        if settings.security == "starttls":
            if not client.has_capability("STARTTLS"):
                where = f"{settings.host}:{settings.port}"
                raise ConfigError([f"imap.security: {where} does not offer STARTTLS (use 'ssl' or check the port)"])
            client.starttls(tls)
        if settings.token_provider is not None:
            client.oauth2_login(settings.username, settings.token_provider.access_token())
        else:
            assert settings.password is not None
            client.login(settings.username, settings.password)

    def close(self) -> None:
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
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _require(self) -> IMAPClient:
        if self._client is None:
            raise MailboxError("the mailbox is not connected")
        return self._client

    def _server_name(self, folder: str) -> str:
        return folder.replace("/", self._separator) if self._separator else folder

    # reading -------------------------------------------------------------------

    def uidvalidity(self) -> int:
        """UIDVALIDITY of the selected folder, as reported when it was selected."""
        self._require()
        return self._uidvalidity

    def fetch_since(self, last_uid: int, limit: int | None = None) -> list[FetchedMessage]:
        """Messages with UID above `last_uid`, oldest first; at most `limit` (None: all)."""
        client = self._require()
        with _translated():
            client.noop()  # some servers (Dovecot) show other sessions' new mail only after a sync
            found = client.search(["UID", f"{last_uid + 1}:*"])
            uids = sorted(uid for uid in found if uid > last_uid)  # `n:*` quirk
            if limit is not None:
                uids = uids[:limit]
            messages: list[FetchedMessage] = []
            for start in range(0, len(uids), self.settings.batch_size):
                batch = uids[start : start + self.settings.batch_size]
                data = client.fetch(batch, ["BODY.PEEK[]", "INTERNALDATE"])
                # A UID missing from the answer was expunged by someone else meanwhile.
                messages.extend(self._message(uid, data[uid]) for uid in batch if uid in data)
        return messages

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
        )

    # changing ------------------------------------------------------------------

    def move(self, uids: Sequence[int], folder: str) -> None:
        """Move messages out of the selected folder without ever losing one."""
        if not uids:
            return
        client = self._require()
        target = self._server_name(folder)
        with _translated():
            client.noop()  # UIDs this session has not seen yet are silently skipped otherwise
            if client.has_capability("MOVE"):
                client.move(list(uids), target)
                return
            client.copy(list(uids), target)
            client.add_flags(list(uids), [DELETED], silent=True)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(list(uids))
            else:
                # A plain EXPUNGE would also remove other clients' \Deleted mail.
                log.warning("IMAP server lacks MOVE and UIDPLUS: moved copies stay flagged \\Deleted in the source")

    def append(self, folder: str, raw: bytes, flags: Sequence[str] = ()) -> None:
        """Store a message we sent (e.g. in a Sent folder), creating the folder if needed."""
        client = self._require()
        target = self._server_name(folder)
        with _translated():
            _ensure_folder(client, target)
            client.append(target, raw, flags=tuple(flags))

    # waiting -------------------------------------------------------------------

    def idle_wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for new mail; True if some may have arrived.

        IDLE only shortens the wait: the caller always sweeps with `fetch_since` afterwards.
        Servers drop IDLE after 29 minutes, so callers pass well under that.
        """
        client = self._require()
        with _translated():
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
            _text, late = client.idle_done()
        return arrived or _has_new_mail(late)

    @staticmethod
    def _idle_until(client: IMAPClient, deadline: float) -> bool:
        while (remaining := deadline - time.monotonic()) > 0:
            if _has_new_mail(client.idle_check(timeout=remaining)):
                return True
        return False


def connect_with_backoff(
    settings: MailboxSettings,
    attempts: int,
    sleep: Sleep = time.sleep,
    *,
    first_delay: float = 1.0,
    max_delay: float = 300.0,
) -> Mailbox:
    """Connect, retrying unreachable servers with exponential backoff.

    A refused login is raised at once: retrying it only locks the account.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    for attempt in range(1, attempts + 1):
        try:
            return Mailbox(settings, sleep=sleep).connect()
        except MailboxLoginFailed:
            raise
        except MailboxError as exc:
            if attempt >= attempts:
                raise
            delay = min(max_delay, first_delay * 2 ** (attempt - 1))
            log.warning("IMAP connect attempt %d of %d failed (%s); retrying in %.0f s", attempt, attempts, exc, delay)
            sleep(delay)
    raise AssertionError("unreachable")


def _separator(client: IMAPClient) -> str | None:
    """The server's hierarchy separator, from LIST "" "" (None for flat servers)."""
    listed = client.list_folders("", "")
    if not listed or listed[0][1] is None:
        return None
    value = listed[0][1]
    return value.decode() if isinstance(value, bytes) else str(value)


def _ensure_folder(client: IMAPClient, name: str) -> None:
    if not client.folder_exists(name):
        client.create_folder(name)
        with suppress(IMAPClientError):
            client.subscribe_folder(name)  # so a person sees it in their mail client


def _highest_uid(client: IMAPClient) -> int:
    client.noop()
    return max(client.search(["UID", "*"]), default=0)  # "*" is the highest UID in use


def _has_new_mail(responses: Sequence[Any]) -> bool:
    return any(isinstance(item, tuple) and len(item) >= 2 and item[1] in (b"EXISTS", b"RECENT") for item in responses)
