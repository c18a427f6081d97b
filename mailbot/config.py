"""TOML -> validated, frozen configuration.

pydantic v2 does the type checking; this module turns its errors into lines that name the
key and the fix, because the reader is usually an IT admin editing a file at a console.
Secrets never live in the file: a key names an environment variable or a file instead.
Relative paths in a config file are read from the file's own folder, never from wherever
mailbot happens to be started (cron starts it in $HOME): one config, one database.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .addresses import plaintext_problem
from .errors import ConfigError, SecretMissing
from .profiles import PROFILES as SHIPPED_PROFILES

Security = Literal["ssl", "starttls", "none"]
# The policy profiles a firm or a regime may name (mailbot/profiles.py defines each; a test
# checks the two lists agree).
ProfileName = Literal["ew_sra", "ew_clc", "scot_slcc", "ie_lsra", "fca_disp", "generic"]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SecretRef(_Section):
    """Where a secret comes from: `<name>_env` (an environment variable) or `<name>_file`."""

    env: str | None = None
    file: str | None = None

    def resolve(self, key: str) -> str | None:
        """The secret's value, read at the moment of use so a rotated secret is picked up; a
        secret that is named but missing raises, naming `key`."""
        if self.env:
            value = os.environ.get(self.env)
            if value is None:
                raise SecretMissing(
                    key,
                    f"environment variable {self.env} is not set (export it, or use a *_file key)")
            return value
        if self.file:
            try:
                return Path(self.file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise SecretMissing(
                    key, f"cannot read secret file {self.file}: {exc.strerror}") from None
        return None


def _secret(key: str, env: str | None, file: str | None) -> str | None:
    """The secret `key` names through `<key>_env` or `<key>_file`; a problem names the one the
    admin set (the environment variable wins when both are)."""
    which = "file" if file and not env else "env"
    return SecretRef(env=env, file=file).resolve(f"{key}_{which}")


def connection_problems(config: "Config") -> list[str]:
    """Settings that validate one by one but can never connect; found now rather than at `run`."""
    return [*_imap_login_problems(config), *_oauth_problems(config.oauth),
            *_smtp_login_problems(config.smtp), *_plaintext_problems(config)]


def _imap_login_problems(config: "Config") -> list[str]:
    """IMAP always logs in, so it needs the secret its auth method names."""
    imap = config.imap
    if imap is None:
        return []
    if imap.auth == "password" and not (imap.password_env or imap.password_file):
        return ['imap.password_env: required for auth = "password" (or set imap.password_file)']
    if imap.auth == "oauth2" and config.oauth.provider == "token" and not (
            imap.oauth_token_env or imap.oauth_token_file):
        return ['imap.oauth_token_env: required for auth = "oauth2" (or set '
                'imap.oauth_token_file, or an [oauth] provider)']
    return []


def _oauth_problems(oauth: "OAuthConfig") -> list[str]:
    """An MSAL provider fetches its own tokens, so it needs the app registration's keys."""
    if oauth.provider == "token":
        return []
    problems = [f"oauth.{key}: required for provider = {oauth.provider!r}"
                for key in ("tenant", "client_id") if not getattr(oauth, key)]
    if oauth.provider == "msal_client_credentials" and not (oauth.client_secret_env or
                                                            oauth.client_secret_file):
        problems.append(
            "oauth.client_secret_env: required for provider = 'msal_client_credentials'")
    if oauth.provider == "msal_refresh_token" and not oauth.refresh_token_file:
        problems.append(
            "oauth.refresh_token_file: required for provider = 'msal_refresh_token'")
    return problems


def _smtp_login_problems(smtp: "SmtpConfig | None") -> list[str]:
    """A relay either takes a login with all its parts or none at all: half a login is a typo."""
    if smtp is None:
        return []
    problems = []
    if smtp.auth == "oauth2" and not smtp.username:
        problems.append(
            'smtp.username: required for auth = "oauth2" (the mailbox the token is for)')
    if smtp.auth == "password" and not smtp.username:
        problems.append('smtp.username: required for auth = "password" (for a relay that takes '
                        'mail without a login, set auth = "none")')
    if smtp.auth == "password" and smtp.username and not (smtp.password_env or
                                                          smtp.password_file):
        problems.append(
            "smtp.password_env: required when smtp.username is set (or set smtp.password_file)")
    if smtp.auth == "none" and (smtp.username or smtp.password_env or smtp.password_file):
        problems.append('smtp.auth: "none" sends without logging in: remove smtp.username and the '
                        'password keys, or set auth = "password"')
    return problems


def _plaintext_problems(config: "Config") -> list[str]:
    sections = (("imap", config.imap), ("smtp", config.smtp))
    found = (plaintext_problem(name, section.security, section.host)
             for name, section in sections if section is not None)
    return [problem for problem in found if problem]


class FirmConfig(_Section):
    name: str
    timezone: str = "Europe/London"
    country: str = "GB"
    subdivision: str | None = None
    profile: ProfileName = "ew_sra"
    complaints_address: Email
    domain: str
    phone: str = ""
    postal_address: str = ""
    website: str = ""
    auto_acknowledge: bool = True
    # Printed in every acknowledgement ("Our complaints procedure: URL"); required when any regime
    # is fca_disp (DISP 1.2.1R(3)(b): the procedure goes with the acknowledgement).
    complaints_procedure_url: str = ""
    # The firm's privacy notice, linked from every acknowledgement and enquiry reply (UK GDPR
    # Art 13: how complaint data is used, including software triage; README "Data protection").
    privacy_notice_url: str = ""
    # When the firm last checked its own contact details and complaints procedure (issue 19): the
    # monthly report says when the next review is due (review.every_months).
    details_reviewed_on: date | None = None
    # The Financial Ombudsman Service's leaflet "Your complaint and the ombudsman", linked from
    # FCA final, holding and summary resolution letters (DISP 1.6.2R); required for fca_disp.
    fos_leaflet_url: str = ""
    closed_days: list[date] = []  # days the firm is closed beyond public holidays (no working day)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as 'Europe/London')"
            ) from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The firm's time zone: local dates in letters and reports are the firm's, whatever the
        server's zone."""
        return ZoneInfo(self.timezone)


class RegimeConfig(_Section):
    """Another regime the firm's cases can fall under (regimes.py): when a new case is put under
    it (mail to one of `recipients`, else a case assigned to one of `handlers`), the calendar its
    clocks count on when it is not the firm's, and its own [deadlines]-style overrides."""

    profile: ProfileName
    recipients: list[Email] = []
    handlers: list[Email] = []
    country: str | None = None
    subdivision: str | None = None
    deadlines: dict[str, Any] = Field(default_factory=dict)


class ImapConfig(_Section):
    host: str
    port: int = Field(993, ge=1, le=65535)
    security: Security = "ssl"
    username: str
    auth: Literal["password", "oauth2"] = "password"
    password_env: str | None = None
    password_file: str | None = None
    oauth_token_env: str | None = None
    oauth_token_file: str | None = None
    folder: str = "INBOX"
    processed_folder: str = "mailbot/processed"
    quarantine_folder: str = "mailbot/quarantine"
    timeout_seconds: float = Field(60.0, gt=0)
    idle_seconds: int = Field(30, ge=10, le=1740)
    poll_seconds: int = Field(60, ge=5)
    batch_size: int = Field(100, ge=1, le=5000)
    ca_file: str | None = None

    def password(self) -> str | None:
        """The login password, read now: a secret file may be replaced while mailbot runs."""
        return _secret("imap.password", self.password_env, self.password_file)


class SmtpConfig(_Section):
    host: str
    port: int = Field(587, ge=1, le=65535)
    security: Security = "starttls"
    auth: Literal["password", "oauth2", "none"] = "password"
    username: str | None = None
    password_env: str | None = None
    password_file: str | None = None
    timeout_seconds: float = Field(60.0, gt=0)
    max_attempts: int = Field(8, ge=1)
    max_per_minute: int = Field(30, ge=1, le=10000)  # Microsoft 365: 30 a minute per mailbox
    ca_file: str | None = None

    def password(self) -> str | None:
        """The login password, read now: a secret file may be replaced while mailbot runs."""
        return _secret("smtp.password", self.password_env, self.password_file)


class OAuthConfig(_Section):
    """Where XOAUTH2 access tokens come from, for IMAP and SMTP alike (Microsoft 365, Gmail)."""

    provider: Literal["token", "msal_client_credentials", "msal_refresh_token"] = "token"
    tenant: str | None = None
    client_id: str | None = None
    client_secret_env: str | None = None
    client_secret_file: str | None = None
    refresh_token_file: str | None = None

    def client_secret(self) -> str | None:
        """The app registration's secret, read now: it may be rotated while mailbot runs."""
        return _secret("oauth.client_secret", self.client_secret_env, self.client_secret_file)


class DatabaseConfig(_Section):
    url: str | None = None
    encryption_key_env: str | None = None
    encryption_key_file: str | None = None


class HandlerConfig(_Section):
    name: str
    email: Email
    aliases: list[Email] = []  # other addresses the same person sends from (Microsoft 365 aliases)
    roles: list[Literal["handler", "compliance", "partner"]] = ["handler"]
    categories: list[str] = []

    @property
    def addresses(self) -> tuple[str, ...]:
        """Every address this person sends from, lower-cased, the primary one first."""
        return tuple(dict.fromkeys(a.lower() for a in (self.email, *self.aliases)))


class ApprovalsConfig(_Section):
    """How an emailed approval is trusted (README: Security). Sender authentication is on by
    default: a firm without it must say so here, and accepts that a forged From can approve."""

    token_ttl_hours: int = Field(72, ge=1, le=24 * 30)
    require_dkim: bool = True  # the firm's server must record an aligned DKIM or a DMARC pass
    authserv_id: str | None = None
    max_received_above: int = Field(0, ge=0, le=20)
    confirm_edits: bool = True  # an edited letter comes back once, as it will go out, for "approve"
    notice_period_minutes: int = Field(60, ge=1, le=24 * 60)

    def problem(self) -> str | None:
        """Why these settings would let a forged From approve a draft without the firm having
        said so, or None."""
        if self.require_dkim and not (self.authserv_id or "").strip():
            return (
                "approvals.authserv_id: required while approvals.require_dkim = true (the "
                "default): the "
                "host name your mail server writes first in Authentication-Results (see README: "
                "Security). "
                "A firm whose server records no DKIM/DMARC result must set require_dkim = false, "
                "and then a "
                "forged From with a leaked approval token can approve a draft")
        return None


class IntakeConfig(_Section):
    # larger mail is kept unread, quarantined
    max_message_bytes: int = Field(40 * 1024 * 1024, ge=1024 * 1024)
    max_attachment_bytes: int = Field(25 * 1024 * 1024, ge=0)
    auto_reply_period_hours: int = Field(24, ge=0)
    auto_reply_limit_per_hour: int = Field(200, ge=1)
    flood_window_hours: int = Field(24, ge=0)
    stall_alert_minutes: int = Field(30, ge=5)
    # The addresses the firm's website forms send from ("website@firm.co.uk"): their mail is the
    # client's, from its Reply-To or its "Email:" field (message.py); else kept for a person.
    form_senders: list[Email] = []
    # Read the text of letters clients attach (PDF, Word .docx, OpenDocument .odt, .txt), each in
    # a process with memory, CPU and time limits, for triage and the handler (documents.py).
    read_documents: bool = True


class RetentionConfig(_Section):
    years_after_closure: int = Field(6, ge=1, le=100)
    unlinked_mail_days: int = Field(365, ge=30)


class ReviewConfig(_Section):
    """Training and policy review (issue 19): how often the profiles' rules and the firm's own
    contact details must be checked, and who gets the monthly report's lessons for training."""

    every_months: int = Field(12, ge=1, le=60)
    training_lead: Email | None = None


class PathsConfig(_Section):
    data_dir: str = "./var"
    templates_dir: str | None = None
    model_dir: str | None = None


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    json_format: bool = Field(False, alias="json")


class Config(_Section):
    firm: FirmConfig
    imap: ImapConfig | None = None
    smtp: SmtpConfig | None = None
    oauth: OAuthConfig = OAuthConfig()
    database: DatabaseConfig = DatabaseConfig()
    handlers: list[HandlerConfig] = Field(default_factory=list)
    approvals: ApprovalsConfig = ApprovalsConfig()
    intake: IntakeConfig = IntakeConfig()
    retention: RetentionConfig = RetentionConfig()
    review: ReviewConfig = ReviewConfig()
    paths: PathsConfig = PathsConfig()
    logging: LoggingConfig = LoggingConfig()
    deadlines: dict[str, Any] = Field(default_factory=dict)
    regimes: list[RegimeConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _handlers_present(self) -> "Config":
        try:
            self.build_regimes()
        except ConfigError as exc:
            raise ValueError("; ".join(exc.problems)) from None
        problem = self.approvals.problem() or self._regime_problem()
        if problem:
            raise ValueError(problem)
        if not any("handler" in h.roles for h in self.handlers):
            raise ValueError("at least one [[handlers]] entry with roles = [\"handler\"] is needed")
        emails = [address for h in self.handlers for address in h.addresses]
        if len(emails) != len(set(emails)):
            raise ValueError("two [[handlers]] entries share an email address (or an alias)")
        return self

    def build_regimes(self) -> Any:
        """Every regime the firm's cases can be under (regimes.Regimes); ConfigError if unfit."""
        from .regimes import RegimeRule, build_regimes  # pure; imported here: config imports light

        firm = self.firm
        rules = [RegimeRule(r.profile, frozenset(a.lower() for a in r.recipients),
                            frozenset(h.lower() for h in r.handlers), r.country, r.subdivision,
                            dict(r.deadlines))
                 for r in self.regimes]
        return build_regimes(profile=firm.profile, overrides=self.deadlines or None,
                             country=firm.country, subdivision=firm.subdivision,
                             timezone=firm.timezone, closed_days=firm.closed_days, rules=rules,
                             leaflet_url=firm.fos_leaflet_url or None)

    def _regime_problem(self) -> str | None:
        fca = self.firm.profile == "fca_disp" or any(r.profile == "fca_disp" for r in self.regimes)
        for key, why in (("complaints_procedure_url", "an FCA acknowledgement must give the "
                          "complaints procedure (DISP 1.2.1R(3)(b))"),
                         ("fos_leaflet_url", "FCA final, holding and summary letters must give "
                          "the Financial Ombudsman Service's leaflet (DISP 1.6.2R)")):
            if fca and not getattr(self.firm, key).strip():
                return f"firm.{key}: required when a regime is fca_disp: {why}"
        floor = self.retention_floor()
        if self.retention.years_after_closure < floor[0]:
            years = self.retention.years_after_closure
            return (f"retention.years_after_closure: {years} is below "
                    f"the {floor[0]} years complaint records must be kept under {floor[1]} "
                    "(DISP 1.9.2R for fca_disp)")
        handlers = {h.email.lower() for h in self.handlers}
        for i, regime in enumerate(self.regimes):
            unknown = [h for h in regime.handlers if h.lower() not in handlers]
            if unknown:
                return (f"regimes[{i}].handlers: {', '.join(unknown)} is not a configured "
                        "[[handlers]] entry")
        return None

    def retention_floor(self) -> tuple[int, str]:
        """The longest minimum retention of the firm's configured regimes, and which one."""
        names = [self.firm.profile] + [r.profile for r in self.regimes]
        return max(((SHIPPED_PROFILES[n].min_retention_years, n) for n in names), default=(0, ""))

    @property
    def smtp_max_attempts(self) -> int:
        """How often a letter is tried before a person is told, also when no [smtp] section
        exists yet."""
        return self.smtp.max_attempts if self.smtp else SmtpConfig.model_fields[
            "max_attempts"].default

    @property
    def smtp_max_per_minute(self) -> int:
        """The relay's sending limit (Microsoft 365 allows 30 a minute), also when no [smtp]
        section exists yet."""
        if self.smtp is None:
            return int(SmtpConfig.model_fields["max_per_minute"].default)
        return self.smtp.max_per_minute

    @property
    def profile_overrides(self) -> dict[str, Any]:
        """The firm's [deadlines] overrides as a plain dict, for profiles.get_profile."""
        return dict(self.deadlines)

    @property
    def database_url(self) -> str:
        """database.url, else SQLite in data_dir: a firm without a database server still gets one
        file."""
        if self.database.url:
            return self.database.url
        return f"sqlite:///{Path(self.paths.data_dir) / 'mailbot.sqlite3'}"

    def handler(self, email: str) -> HandlerConfig | None:
        """The handler who sends from this address (their own or an alias), case-insensitively."""
        wanted = email.lower()
        for h in self.handlers:
            if wanted in h.addresses:
                return h
        return None

    @property
    def handler_addresses(self) -> frozenset[str]:
        """Every address any handler sends from, aliases included, lower-cased."""
        return frozenset(address for h in self.handlers for address in h.addresses)


def _location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        else:
            parts.append(str(item))
    return ".".join(parts) or "(top level)"


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at the place an unknown key was found, for 'did you mean'."""
    model: Any = Config
    for item in loc[:-1]:
        if isinstance(item, int):
            continue
        field = model.model_fields.get(item)
        if field is None:
            return []
        annotation = field.annotation
        for candidate in getattr(annotation, "__args__", (annotation,)):
            inner = getattr(candidate, "__args__", (candidate,))
            found = next((c for c in inner if isinstance(c, type) and issubclass(c, BaseModel)),
                         None)
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                found = candidate
            if found is not None:
                model = found
                break
        else:
            return []
    names = []
    for name, field in model.model_fields.items():
        names.append(field.alias or name)
    return names


def describe_errors(exc: ValidationError) -> list[str]:
    """pydantic's errors as lines an admin can act on: each names the key, and an unknown key
    gets a 'did you mean'."""
    problems = []
    for err in exc.errors():
        where = _location(err["loc"])
        if err["type"] == "extra_forbidden":
            key = str(err["loc"][-1])
            close = difflib.get_close_matches(key, _known_keys(err["loc"]), n=1)
            hint = (f" (did you mean '{close[0]}'?)" if close
                    else " (remove it, or check the section name)")
            problems.append(f"{where}: unknown key{hint}")
        elif err["type"] == "missing":
            problems.append(f"{where}: required key is missing (add it; see config.example.toml)")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            # A whole-section problem would echo the section (secrets' sources, addresses): say
            # only what is wrong.
            shown = "" if isinstance(err.get("input"),
                                     (dict, list)) else f" (got {err.get('input')!r})"
            # A whole-config problem names its own keys ("firm.fos_leaflet_url: ...").
            problems.append(f"{msg}{shown}" if not err["loc"] else f"{where}: {msg}{shown}")
    return problems


# Keys holding a path, by section: read relative to the config file's folder.
PATH_KEYS = {
    "imap": ("password_file", "oauth_token_file", "ca_file"),
    "smtp": ("password_file", "ca_file"),
    "oauth": ("client_secret_file", "refresh_token_file"),
    "database": ("encryption_key_file",),
    "paths": ("data_dir", "templates_dir", "model_dir"),
}


def resolve_paths(data: dict[str, Any], base: Path) -> dict[str, Any]:
    """The raw config with every relative path (and a relative SQLite URL) made absolute."""
    resolved = {name: dict(values) if isinstance(values, dict) else values
                for name, values in data.items()}
    for section, keys in PATH_KEYS.items():
        values = resolved.get(section)
        if not isinstance(values, dict):
            continue
        for key in keys:
            value = values.get(key)
            if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
                values[key] = str((base / value).resolve())
    database = resolved.get("database")
    if isinstance(database, dict) and isinstance(database.get("url"), str):
        database["url"] = _absolute_sqlite_url(database["url"], base)
    default_data_dir = str((base / PathsConfig.model_fields["data_dir"].default).resolve())
    if "paths" not in resolved:
        resolved["paths"] = {"data_dir": default_data_dir}
    elif isinstance(resolved["paths"], dict) and "data_dir" not in resolved["paths"]:
        resolved["paths"]["data_dir"] = default_data_dir
    return resolved


def _absolute_sqlite_url(url: str, base: Path) -> str:
    """sqlite:///rel/file.db (three slashes: relative) -> sqlite:////<base>/rel/file.db."""
    match = re.match(r"^(sqlite(?:\+\w+)?:///)([^/].*)$", url)
    if not match or match.group(2).startswith(":memory:"):
        return url
    return f"{match.group(1)}{(base / match.group(2)).resolve()}"


def parse_config(data: dict[str, Any], *, base_dir: Path | None = None) -> Config:
    """Validate raw config data; with `base_dir` (the file's folder) relative paths start there."""
    if base_dir is not None:
        data = resolve_paths(data, base_dir)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_errors(exc)) from None
    problems = connection_problems(config)
    if problems:
        raise ConfigError(problems)
    return config


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a TOML file; every problem is reported at once, each naming its key."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError([
            f"{p}: cannot read config file ({exc.strerror}); pass --config PATH or set "
            "MAILBOT_CONFIG"
        ]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{p}: not valid TOML: {exc}"]) from None
    return parse_config(data, base_dir=p.resolve().parent)


# Values that come from config.example.toml and would reach clients' letters if left in.
# Ofcom's range for drama (020 7946 0000-0999), as in the example
_PLACEHOLDER_PHONE = re.compile(r"\b0?20\s*7946\s*0\d{3}\b")
_PLACEHOLDER_DOMAIN = re.compile(
    r"(?:^|[.@/])example\.(?:com|net|org|co\.uk|org\.uk|uk|ie|eu|de|fr)(?:$|[/:>\s])"
    r"|\.example$|^example$",
    re.IGNORECASE)
_PLACEHOLDER_TEXT = ("example street", "example & co", "example and co")


def placeholder_problems(config: Config) -> list[str]:
    """Values still as config.example.toml has them (its phone number, address, example.* domains).

    The example's placeholders once reached clients' letters unnoticed; `run` and `check-config`
    refuse a config that still has any. Each problem names the key.
    """
    firm = config.firm
    checks: list[tuple[str, str | None]] = [
        ("firm.name", firm.name), ("firm.complaints_address", firm.complaints_address),
        ("firm.domain", firm.domain), ("firm.phone", firm.phone),
        ("firm.postal_address", firm.postal_address), ("firm.website", firm.website),
        ("firm.privacy_notice_url", firm.privacy_notice_url),
        ("firm.complaints_procedure_url", firm.complaints_procedure_url),
    ]
    if config.imap is not None:
        checks += [("imap.host", config.imap.host), ("imap.username", config.imap.username)]
    if config.smtp is not None:
        checks += [("smtp.host", config.smtp.host), ("smtp.username", config.smtp.username)]
    checks += [("approvals.authserv_id", config.approvals.authserv_id)]
    for i, h in enumerate(config.handlers):
        checks += [(f"handlers[{i}].email", h.email)]
        checks += [(f"handlers[{i}].aliases", alias) for alias in h.aliases]
    problems = []
    for key, value in checks:
        if not value:
            continue
        text = value.lower()
        if key == "firm.phone" and _PLACEHOLDER_PHONE.search(value):
            what = "the example's placeholder number"
        elif _PLACEHOLDER_DOMAIN.search(value) or any(part in text for part in _PLACEHOLDER_TEXT):
            what = "a placeholder from config.example.toml"
        else:
            continue
        problems.append(f"{key}: {value!r} is {what} (set the firm's own)")
    return problems


def masked_summary(config: Config) -> dict[str, Any]:
    """The config as a dict with secrets' sources shown but never their values."""
    summary = config.model_dump(mode="json", by_alias=True)
    summary["database"]["url"] = _mask_url(config.database_url)
    return summary


def _mask_url(url: str) -> str:
    url = re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", url)
    if "://" in url and "@" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else f"{scheme}://{user}@{host}"
    return url
