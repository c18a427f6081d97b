"""XOAUTH2 as configured: the [oauth] provider reaches both adapters, and a real SMTP server accepts it."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from mailbot.cli import wiring
from mailbot.config import parse_config
from mailbot.errors import ConfigError
from mailbot.oauth import MsalClientCredentials, MsalRefreshToken, StaticTokenProvider
from mailbot.smtp import send
from tests.servers.smtp import OAUTH_TOKEN, SMTP_USER


def _config(tmp_path: Path, **sections: dict[str, Any]):  # type: ignore[no-untyped-def]
    raw: dict[str, Any] = {
        "firm": {"name": "F", "complaints_address": "complaints@firm.example", "domain": "firm.example"},
        "approvals": {"authserv_id": "mx.firm.example"},
        "imap": {"host": "imap.firm.example", "username": "complaints@firm.example", "auth": "oauth2"},
        "smtp": {"host": "127.0.0.1", "port": 25, "security": "none", "auth": "oauth2", "username": SMTP_USER},
        "handlers": [{"name": "H", "email": "h@firm.example"}],
    }
    for name, values in sections.items():
        raw.setdefault(name, {}).update(values)
    return parse_config(raw)


def test_msal_client_credentials_is_shared_by_imap_and_smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_SECRET", "s3cret")
    cfg = _config(tmp_path, oauth={"provider": "msal_client_credentials", "tenant": "t", "client_id": "c",
                                   "client_secret_env": "APP_SECRET"})
    provider = wiring.token_provider(cfg)
    assert isinstance(provider, MsalClientCredentials)
    imap = wiring.mailbox_settings(cfg, provider)
    smtp = wiring.smtp_settings(cfg, provider)
    assert imap.token_provider is provider and smtp.token_provider is provider
    assert imap.password is None and smtp.password is None


def test_refresh_token_provider_and_missing_pieces_are_named(tmp_path: Path) -> None:
    cfg = _config(tmp_path, oauth={"provider": "msal_refresh_token", "tenant": "t", "client_id": "c",
                                   "refresh_token_file": str(tmp_path / "rt")})
    assert isinstance(wiring.token_provider(cfg), MsalRefreshToken)
    with pytest.raises(ConfigError) as info:
        _config(tmp_path, oauth={"provider": "msal_client_credentials", "tenant": "t"})
    assert any(p.startswith("oauth.client_id:") for p in info.value.problems)
    assert any(p.startswith("oauth.client_secret_env:") for p in info.value.problems)


def test_configured_token_file_logs_in_to_a_real_smtp_server(tmp_path: Path, make_smtp_server) -> None:  # type: ignore[no-untyped-def]
    server = make_smtp_server(auth=True)
    token = tmp_path / "token"
    token.write_text(OAUTH_TOKEN)
    cfg = _config(tmp_path, imap={"oauth_token_file": str(token)}, smtp={"port": server.port})
    settings = wiring.smtp_settings(cfg)
    assert isinstance(settings.token_provider, StaticTokenProvider)
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "complaints@firm.example", "client@example.org", "hello"
    msg.set_content("body")
    asyncio.run(send(settings, msg, sender="complaints@firm.example", recipients=["client@example.org"]))
    assert [m.rcpt_tos for m in server.received] == [("client@example.org",)]
