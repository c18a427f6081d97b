"""XOAUTH2 access tokens for IMAP and SMTP.

Microsoft 365 and Gmail no longer take passwords, so the mailbox and the sender ask a
provider for a current access token on every (re)connect. Access tokens live about an
hour: providers refresh a few minutes early, and report `expires_at` so that a token
that cannot be renewed reaches a person before intake goes silent. Refresh tokens rotate;
the new one is written back to its file (mode 0600) before it is used.

`msal` is optional (pip install msal); it is imported only when a Microsoft provider
first needs a token.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from .errors import ConfigError, MailbotError, SecretMissing

Clock = Callable[[], datetime]
AUTHORITY = "https://login.microsoftonline.com/{tenant}"
# App-only (client credentials) tokens for Exchange Online IMAP and SMTP.
APP_SCOPES = ("https://outlook.office365.com/.default",)
# Delegated tokens for a signed-in mailbox; msal adds offline_access itself.
DELEGATED_SCOPES = (
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
)
REFRESH_MARGIN = timedelta(minutes=5)


class TokenUnavailable(MailbotError, PermissionError):
    """The identity provider gave no access token (revoked consent, expired refresh token,
    wrong secret). Retrying will not help; a person must re-authorise."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class TokenProvider(Protocol):
    """What the IMAP and SMTP adapters need: a token that is valid now."""

    def access_token(self) -> str:
        """A token valid now; a provider refreshes it itself, so the adapters never handle
        expiry."""

    @property
    def expires_at(self) -> datetime | None:
        """When the current token stops working; None when the provider cannot know (an opaque
        token)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StaticTokenProvider:
    """A token someone else keeps fresh, read from an environment variable or a file.

    Read on every call, so an external refresher can rewrite the file between reconnects.
    """

    def __init__(self, *, env: str | None = None, file: str | Path | None = None,
                 key: str = "oauth_token") -> None:
        if (env is None) == (file is None):
            raise ConfigError([f"{key}: name exactly one of an environment variable or a file"])
        self._env = env
        self._file = Path(file) if file is not None else None
        self._key = key

    @property
    def expires_at(self) -> datetime | None:
        """Unknown: the token is opaque to mailbot."""
        return None

    def access_token(self) -> str:
        """The token as it is now in the environment or the file, re-read on every call so an
        external refresher's new token is used."""
        if self._env is not None:
            token = os.environ.get(self._env, "").strip()
            if not token:
                raise SecretMissing(self._key,
                                    f"environment variable {self._env} is not set or empty")
            return token
        assert self._file is not None
        try:
            token = self._file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SecretMissing(self._key,
                                f"cannot read token file {self._file}: {exc.strerror}") from None
        if not token:
            raise SecretMissing(self._key, f"token file {self._file} is empty")
        return token


class _CachedToken:
    """Shared by the msal providers: keep the token until shortly before it expires."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._token: str | None = None
        self._expires_at: datetime | None = None

    @property
    def expires_at(self) -> datetime | None:
        return self._expires_at

    def access_token(self) -> str:
        now = self._clock()
        if (self._token is None or self._expires_at is None
                or now >= self._expires_at - REFRESH_MARGIN):
            result = self._acquire()
            if "access_token" not in result:
                error = result.get("error", "unknown_error")
                detail = result.get("error_description", "no description")
                raise TokenUnavailable(f"{error}: {detail}")
            self._after_acquire(result)
            self._token = str(result["access_token"])
            self._expires_at = now + timedelta(seconds=int(result.get("expires_in", 0)))
        return self._token

    def _acquire(self) -> dict[str, Any]:
        raise NotImplementedError

    def _after_acquire(self, result: dict[str, Any]) -> None:
        """Hook for providers that must persist something the response carries."""


def _msal() -> Any:
    try:
        import msal
    except ImportError:
        raise ConfigError([
            "auth = 'oauth2' with Microsoft 365 needs the msal package (pip install msal)"
        ]) from None
    return msal


class _MsalToken(_CachedToken):
    """What both Microsoft flows share: the tenant, the app registration, and one MSAL
    application made on first use (msal is imported only then: it is an optional extra)."""

    def __init__(self, tenant: str, client_id: str, scopes: Sequence[str], app: Any,
                 clock: Clock) -> None:
        super().__init__(clock)
        self._tenant = tenant
        self._client_id = client_id
        self._scopes = list(scopes)
        self._app = app

    def _application(self, secret: str | None) -> Any:
        """A confidential client with `secret`, else (None) a public one."""
        if self._app is None:
            msal = _msal()
            authority = AUTHORITY.format(tenant=self._tenant)
            if secret is None:
                self._app = msal.PublicClientApplication(self._client_id, authority=authority)
            else:
                self._app = msal.ConfidentialClientApplication(
                    self._client_id, authority=authority, client_credential=secret)
        return self._app


class MsalClientCredentials(_MsalToken):
    """App-only tokens (client id + secret) for an Exchange Online mailbox the app may access."""

    def __init__(
        self,
        tenant: str,
        client_id: str,
        secret: str,
        scopes: Sequence[str] = APP_SCOPES,
        *,
        app: Any = None,
        clock: Clock = _utc_now,
    ) -> None:
        super().__init__(tenant, client_id, scopes, app, clock)
        self._secret = secret

    def _acquire(self) -> dict[str, Any]:
        app = self._application(self._secret)
        return dict(app.acquire_token_for_client(scopes=self._scopes))


class MsalRefreshToken(_MsalToken):
    """Delegated tokens from a refresh token kept in a file; rotated tokens are saved back."""

    def __init__(
        self,
        tenant: str,
        client_id: str,
        refresh_token_file: str | Path,
        scopes: Sequence[str] = DELEGATED_SCOPES,
        *,
        client_secret: str | None = None,
        app: Any = None,
        clock: Clock = _utc_now,
    ) -> None:
        super().__init__(tenant, client_id, scopes, app, clock)
        self._file = Path(refresh_token_file)
        self._client_secret = client_secret

    def _acquire(self) -> dict[str, Any]:
        try:
            refresh_token = self._file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SecretMissing("oauth refresh token",
                                f"cannot read {self._file}: {exc.strerror}") from None
        if not refresh_token:
            raise SecretMissing("oauth refresh token", f"{self._file} is empty")
        app = self._application(self._client_secret or None)
        return dict(app.acquire_token_by_refresh_token(refresh_token, scopes=self._scopes))

    def _after_acquire(self, result: dict[str, Any]) -> None:
        rotated = result.get("refresh_token")
        if rotated:
            write_secret(self._file, str(rotated))


def write_secret(path: Path, value: str) -> None:
    """Replace a secret file atomically, readable by its owner only (0600) from the start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(value + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
