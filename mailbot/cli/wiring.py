"""The composition root: the one place where config becomes adapters and adapters meet.

No other module reads config files, opens connections or builds adapters on its own.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ..compose import Letters
from ..config import Config, load_config, placeholder_problems
from ..errors import ConfigError, MailbotError, ModelMismatch
from ..mailbox import MailboxSettings, mailbox_name
from ..oauth import MsalClientCredentials, MsalRefreshToken, StaticTokenProvider, TokenProvider
from ..service.context import App, Classifier, Triage, log
from ..shipped_files import shipped_dir
from ..smtp import SmtpSettings
from ..store import Store, audit
from ..store import links as links_q
from ..store.sealing import Sealer, load_sealer

DEFAULT_CONFIG = "mailbot.toml"
SHIPPED_MODEL_DIR = shipped_dir("models")
KEY_CHECK = b"mailbot: this database's own key"
NO_IMAP = "imap: section missing (add [imap] with host, username and password_env)"


def config_path(option: str | None) -> str:
    """The config file a command reads: --config, else $MAILBOT_CONFIG, else ./mailbot.toml, so
    cron and a shell find the same one."""
    return option or os.environ.get("MAILBOT_CONFIG") or DEFAULT_CONFIG


def read_config(option: str | None) -> Config:
    """The validated config for a command; a bad key stops it before anything is touched."""
    return load_config(config_path(option))


def trained_model_dir(config: Config) -> Path:
    """Where `mailbot train` promotes a firm's own model: paths.model_dir, else <data_dir>/models.

    The first retrain starts from a copy of the shipped model, so "does not regress" is
    measured against what the firm was running.
    """
    target = Path(config.paths.model_dir) if config.paths.model_dir else Path(
        config.paths.data_dir) / "models"
    if not (target / "triage.json").exists() and target.resolve() != SHIPPED_MODEL_DIR.resolve():
        target.mkdir(parents=True, exist_ok=True)
        for item in SHIPPED_MODEL_DIR.iterdir():
            if item.is_file():
                shutil.copy2(item, target / item.name)
    return target


def model_dir(config: Config) -> Path:
    """The model in use: paths.model_dir, else a firm-trained one in <data_dir>/models, else the
    shipped one."""
    if config.paths.model_dir:
        return Path(config.paths.model_dir)
    own = Path(config.paths.data_dir) / "models"
    return own if (own / "triage.json").exists() else SHIPPED_MODEL_DIR


def load_classifier(directory: Path) -> Classifier | None:
    """The trained model, or None (rules still run) when none is installed there."""
    if not (directory / "triage.json").exists():
        log.warning("triage.no_model", extra={"model_dir": str(directory)})
        return None
    # scikit-learn is slow to import; only commands that classify pay for it
    from ..triage import classifier

    try:
        return classifier.load(directory)
    except ModelMismatch:
        raise
    except Exception as exc:  # a broken artifact must not stop intake: a person triages instead
        log.error("triage.model_unreadable", extra={
            "model_dir": str(directory),
            "error": type(exc).__name__
        })
        return None


def build_sealer(config: Config) -> Sealer:
    """The encryption key for sealed columns; a database other machines share must name its key
    rather than get one made beside it."""
    db = config.database
    return load_sealer(key_env=db.encryption_key_env, key_file=db.encryption_key_file,
                       data_dir=Path(config.paths.data_dir),
                       shared_database=not config.database_url.startswith("sqlite"))


def build_store(config: Config, *, upgrade: bool = True) -> Store:
    """The firm's store, migrated and checked to be the firm's own before any command uses it."""
    store = Store.from_url(config.database_url, build_sealer(config))
    if upgrade:
        store.upgrade()
        check_owner(store, config)
    return store


def check_owner(store: Store, config: Config, now: datetime | None = None) -> None:
    """Refuse a database that another key or another firm's address created; adopt a new one.

    A second database or key made by mistake (a relative path run from elsewhere, a lost key
    file) would start case references again at 0001 or leave the mail unreadable: both are
    refused here, before anything is read or written.
    """
    address = config.firm.complaints_address.lower()
    with store.transaction() as conn:
        try:
            row = links_q.owner(conn)
            if row is None:
                # New, or made before owners were recorded: the key must read what is there.
                audit.read_newest(conn)  # decrypted as it is read: a wrong key raises here
                links_q.set_owner(conn, complaints_address=address, key_check=KEY_CHECK,
                                  now=now or datetime.now(UTC))
                return
        except ConfigError:
            row = None
        if row is None or row.key_check != KEY_CHECK:
            raise ConfigError([
                "database encryption key: the key in use cannot read this database, so it is not "
                "the key the database was made with. Use that key (database.encryption_key_env or "
                "_file, or the mailbot.key file made beside the database); key in use: "
                f"{_key_source(config)}"])
        if row.complaints_address != address:
            raise ConfigError([
                f"firm.complaints_address: this database belongs to {row.complaints_address}, not "
                f"{address}. Point database.url (or paths.data_dir) at the firm's own database; if "
                "the complaints address really changed, run `mailbot db set-owner`"])


def _key_source(config: Config) -> str:
    db = config.database
    if db.encryption_key_env:
        return f"environment variable {db.encryption_key_env}"
    if db.encryption_key_file:
        return db.encryption_key_file
    return str(Path(config.paths.data_dir) / "mailbot.key")


def refuse_placeholders(config: Config) -> None:
    """`run` and `check-config` refuse the example's placeholder values (they reach clients)."""
    problems = placeholder_problems(config)
    if problems:
        raise ConfigError(problems)


def build_app(config: Config, *, store: Store | None = None, with_classifier: bool = True) -> App:
    """The composition root: everything a service needs, built once from the config and passed
    explicitly (there is no global)."""
    firm = config.firm
    templates = Path(config.paths.templates_dir) if config.paths.templates_dir else None
    classifier = load_classifier(model_dir(config)) if with_classifier else None
    # GB without a subdivision: the calendar the firm's profile implies (regimes.calendar_for).
    calendar = config.build_regimes().default.calendar
    return App(
        config=config,
        store=store or build_store(config),
        letters=Letters(templates, zone=firm.timezone),
        triage=Triage(classifier, calendar.country, calendar.subdivision, firm.timezone),
    )


def token_provider(config: Config) -> TokenProvider:
    """One provider for IMAP and SMTP, so a cached token and a rotated refresh token are shared."""
    oauth = config.oauth
    if oauth.provider == "msal_client_credentials":
        return MsalClientCredentials(oauth.tenant or "", oauth.client_id or "",
                                     oauth.client_secret() or "")
    if oauth.provider == "msal_refresh_token":
        return MsalRefreshToken(oauth.tenant or "", oauth.client_id or "",
                                oauth.refresh_token_file or "",
                                client_secret=oauth.client_secret())
    imap = config.imap
    return StaticTokenProvider(env=imap.oauth_token_env if imap else None,
                               file=imap.oauth_token_file if imap else None)


def _fingerprint(*values: object) -> str:
    """Identifies credentials without keeping them: a refused login waits until this changes."""
    return hashlib.sha256("\x00".join(str(v) for v in values).encode()).hexdigest()


def _token_identity(config: Config, provider: TokenProvider) -> str:
    """What makes a new OAuth login worth trying: a new static token, or a new app secret."""
    if isinstance(provider, StaticTokenProvider):
        try:
            return provider.access_token()
        except MailbotError:
            return ""
    oauth = config.oauth
    return f"{oauth.provider}|{oauth.tenant}|{oauth.client_id}|{oauth.client_secret() or ''}"


def mailbox_name_of(config: Config) -> str:
    """The watched mailbox's name in logs, status and the watermark, without reading any secret."""
    imap = config.imap
    if imap is None:
        raise ConfigError([NO_IMAP])
    return mailbox_name(imap.username, imap.host, imap.folder)


def mailbox_settings(config: Config, provider: TokenProvider | None = None) -> MailboxSettings:
    """Settings with the secrets as they are now (a *_file secret is read again on every call)."""
    imap = config.imap
    if imap is None:
        raise ConfigError(
            ["imap: section missing (add [imap] with host, username and password_env)"])
    password: str | None = None
    if imap.auth == "oauth2":
        provider = provider or token_provider(config)
        secret = _token_identity(config, provider)
    else:
        provider = None
        password = imap.password()
        secret = password or ""
    return MailboxSettings(
        host=imap.host,
        port=imap.port,
        username=imap.username,
        security=imap.security,
        password=password,
        token_provider=provider,
        folder=imap.folder,
        processed_folder=imap.processed_folder,
        quarantine_folder=imap.quarantine_folder,
        timeout_seconds=imap.timeout_seconds,
        batch_size=imap.batch_size,
        ca_file=imap.ca_file,
        max_message_bytes=config.intake.max_message_bytes,
        fingerprint=_fingerprint(imap.host, imap.port, imap.username, imap.auth, secret),
    )


def mailbox_source(config: Config) -> Callable[[], MailboxSettings]:
    """Settings made afresh for every connection (secrets re-read), sharing one OAuth provider
    so its cached and rotated tokens survive between connections."""
    imap = config.imap
    provider = token_provider(config) if imap is not None and imap.auth == "oauth2" else None
    mailbox_settings(config, provider)  # a missing secret or section stops `run` at once, not later
    return lambda: mailbox_settings(config, provider)


def smtp_settings(config: Config, provider: TokenProvider | None = None) -> SmtpSettings:
    """SMTP settings with the secrets as they are now, and a fingerprint of them, so a refused
    login is retried only once the secret changes."""
    smtp = config.smtp
    if smtp is None:
        raise ConfigError(["smtp: section missing (add [smtp] with host and port)"])
    oauth = smtp.auth == "oauth2"
    login = smtp.auth != "none"
    password = smtp.password() if (login and smtp.username and not oauth) else None
    tokens = (provider or token_provider(config)) if oauth else None
    secret = _token_identity(config, tokens) if tokens is not None else password
    return SmtpSettings(
        host=smtp.host,
        port=smtp.port,
        security=smtp.security,
        username=smtp.username if login else None,
        password=password,
        token_provider=tokens,
        timeout_seconds=smtp.timeout_seconds,
        ca_file=smtp.ca_file,
        fingerprint=_fingerprint(smtp.host, smtp.port, smtp.username, smtp.auth, secret),
    )
