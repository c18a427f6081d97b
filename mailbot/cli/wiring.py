"""The composition root: the one place where config becomes adapters and adapters meet.

No other module reads config files, opens connections or builds adapters on its own.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..compose import Letters
from ..config import Config, load_config
from ..errors import ConfigError, ModelMismatch
from ..mailbox import MailboxSettings
from ..oauth import MsalClientCredentials, MsalRefreshToken, StaticTokenProvider, TokenProvider
from ..service.context import App, Triage, log
from ..shipped_files import shipped_dir
from ..smtp import SmtpSettings
from ..store import Store
from ..store.sealing import Sealer, load_sealer

DEFAULT_CONFIG = "mailbot.toml"
SHIPPED_MODEL_DIR = shipped_dir("models")


def config_path(option: str | None) -> str:
    return option or os.environ.get("MAILBOT_CONFIG") or DEFAULT_CONFIG


def read_config(option: str | None) -> Config:
    return load_config(config_path(option))


def trained_model_dir(config: Config) -> Path:
    """Where `mailbot train` promotes a firm's own model: paths.model_dir, else <data_dir>/models.

    The first retrain starts from a copy of the shipped model, so "does not regress" is
    measured against what the firm was running.
    """
    target = Path(config.paths.model_dir) if config.paths.model_dir else Path(config.paths.data_dir) / "models"
    if not (target / "triage.json").exists() and target.resolve() != SHIPPED_MODEL_DIR.resolve():
        target.mkdir(parents=True, exist_ok=True)
        for item in SHIPPED_MODEL_DIR.iterdir():
            if item.is_file():
                shutil.copy2(item, target / item.name)
    return target


def model_dir(config: Config) -> Path:
    """The model in use: paths.model_dir, else a firm-trained one in <data_dir>/models, else the shipped one."""
    if config.paths.model_dir:
        return Path(config.paths.model_dir)
    own = Path(config.paths.data_dir) / "models"
    return own if (own / "triage.json").exists() else SHIPPED_MODEL_DIR


def load_classifier(directory: Path) -> object | None:
    """The trained model, or None (rules still run) when none is installed there."""
    if not (directory / "triage.json").exists():
        log.warning("triage.no_model", extra={"model_dir": str(directory)})
        return None
    from .. import classifier  # scikit-learn is slow to import; only commands that classify pay for it

    try:
        return classifier.load(directory)
    except ModelMismatch:
        raise
    except Exception as exc:  # a broken artifact must not stop intake: a person triages instead
        log.error("triage.model_unreadable", extra={"model_dir": str(directory), "error": type(exc).__name__})
        return None


def build_sealer(config: Config) -> Sealer:
    db = config.database
    return load_sealer(key_env=db.encryption_key_env, key_file=db.encryption_key_file, data_dir=Path(config.paths.data_dir),
                       shared_database=not config.database_url.startswith("sqlite"))


def build_store(config: Config, *, upgrade: bool = True) -> Store:
    store = Store.from_url(config.database_url, build_sealer(config))
    if upgrade:
        store.upgrade()
    return store


def build_app(config: Config, *, store: Store | None = None, with_classifier: bool = True) -> App:
    firm = config.firm
    templates = Path(config.paths.templates_dir) if config.paths.templates_dir else None
    classifier = load_classifier(model_dir(config)) if with_classifier else None
    # GB without a subdivision: the calendar the firm's profile implies (regimes.calendar_for).
    calendar = config.build_regimes().default.calendar
    return App(
        config=config,
        store=store or build_store(config),
        letters=Letters(templates, zone=firm.timezone),
        triage=Triage(classifier, calendar.country, calendar.subdivision,  # type: ignore[arg-type]
                      firm.timezone),
    )


def token_provider(config: Config) -> TokenProvider:
    """One provider for IMAP and SMTP, so a cached token and a rotated refresh token are shared."""
    oauth = config.oauth
    if oauth.provider == "msal_client_credentials":
        return MsalClientCredentials(oauth.tenant or "", oauth.client_id or "", oauth.client_secret() or "")
    if oauth.provider == "msal_refresh_token":
        return MsalRefreshToken(oauth.tenant or "", oauth.client_id or "", oauth.refresh_token_file or "",
                                client_secret=oauth.client_secret())
    imap = config.imap
    return StaticTokenProvider(env=imap.oauth_token_env if imap else None, file=imap.oauth_token_file if imap else None)


def mailbox_settings(config: Config, provider: TokenProvider | None = None) -> MailboxSettings:
    imap = config.imap
    if imap is None:
        raise ConfigError(["imap: section missing (add [imap] with host, username and password_env)"])
    password = None
    if imap.auth == "oauth2":
        provider = provider or token_provider(config)
    else:
        provider = None
        password = imap.password()
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
    )


def smtp_settings(config: Config, provider: TokenProvider | None = None) -> SmtpSettings:
    smtp = config.smtp
    if smtp is None:
        raise ConfigError(["smtp: section missing (add [smtp] with host and port)"])
    oauth = smtp.auth == "oauth2"
    return SmtpSettings(
        host=smtp.host,
        port=smtp.port,
        security=smtp.security,
        username=smtp.username,
        password=smtp.password() if (smtp.username and not oauth) else None,
        token_provider=(provider or token_provider(config)) if oauth else None,
        timeout_seconds=smtp.timeout_seconds,
    )
