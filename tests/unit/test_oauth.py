"""OAuth token providers, with a stand-in for msal's application object (no network here)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mailbot.errors import ConfigError, SecretMissing
from mailbot.oauth import MsalClientCredentials, MsalRefreshToken, StaticTokenProvider, TokenUnavailable

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class FakeMsalApp:
    """Answers like msal's ConfidentialClientApplication / PublicClientApplication."""

    def __init__(self, *results: dict[str, Any]) -> None:
        self.results = list(results)
        self.refresh_tokens_used: list[str] = []

    def acquire_token_for_client(self, scopes: list[str]) -> dict[str, Any]:
        return self.results.pop(0)

    def acquire_token_by_refresh_token(self, refresh_token: str, scopes: list[str]) -> dict[str, Any]:
        self.refresh_tokens_used.append(refresh_token)
        return self.results.pop(0)


def test_static_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILBOT_TEST_TOKEN", "abc\n")
    provider = StaticTokenProvider(env="MAILBOT_TEST_TOKEN")
    assert provider.access_token() == "abc"
    assert provider.expires_at is None


def test_static_token_file_is_read_on_every_call(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("first\n")
    provider = StaticTokenProvider(file=token)
    assert provider.access_token() == "first"
    token.write_text("second\n")
    assert provider.access_token() == "second"


def test_missing_static_token_names_the_source(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MAILBOT_TEST_TOKEN", raising=False)
    with pytest.raises(SecretMissing, match="MAILBOT_TEST_TOKEN"):
        StaticTokenProvider(env="MAILBOT_TEST_TOKEN").access_token()
    with pytest.raises(SecretMissing, match="nothing-here"):
        StaticTokenProvider(file=tmp_path / "nothing-here").access_token()


def test_static_token_needs_exactly_one_source(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        StaticTokenProvider()
    with pytest.raises(ConfigError):
        StaticTokenProvider(env="X", file=tmp_path / "token")


def test_client_credentials_token_is_reused_until_shortly_before_expiry() -> None:
    clock = Clock()
    app = FakeMsalApp(
        {"access_token": "t1", "expires_in": 3600},
        {"access_token": "t2", "expires_in": 3600},
    )
    provider = MsalClientCredentials("tenant", "client", "secret", app=app, clock=clock)

    assert provider.access_token() == "t1"
    assert provider.expires_at == START + timedelta(hours=1)
    clock.now = START + timedelta(minutes=50)
    assert provider.access_token() == "t1"
    clock.now = START + timedelta(minutes=56)  # inside the refresh margin
    assert provider.access_token() == "t2"
    assert provider.expires_at == clock.now + timedelta(hours=1)


def test_an_error_from_the_identity_provider_is_token_unavailable() -> None:
    app = FakeMsalApp({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret"})
    provider = MsalClientCredentials("tenant", "client", "wrong", app=app, clock=Clock())
    with pytest.raises(TokenUnavailable, match="invalid_client"):
        provider.access_token()
    assert provider.expires_at is None


def test_rotated_refresh_token_is_saved_owner_only(tmp_path: Path) -> None:
    stored = tmp_path / "refresh-token"
    stored.write_text("rt-1\n")
    clock = Clock()
    app = FakeMsalApp(
        {"access_token": "a1", "expires_in": 3600, "refresh_token": "rt-2"},
        {"access_token": "a2", "expires_in": 3600, "refresh_token": "rt-3"},
    )
    provider = MsalRefreshToken("tenant", "client", stored, app=app, clock=clock)

    assert provider.access_token() == "a1"
    assert stored.read_text().strip() == "rt-2"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600

    clock.now = START + timedelta(hours=2)
    assert provider.access_token() == "a2"
    assert app.refresh_tokens_used == ["rt-1", "rt-2"]
    assert stored.read_text().strip() == "rt-3"
    assert list(tmp_path.iterdir()) == [stored]  # no temp files left behind


def test_a_rejected_refresh_token_is_kept_for_a_person_to_inspect(tmp_path: Path) -> None:
    stored = tmp_path / "refresh-token"
    stored.write_text("rt-old\n")
    app = FakeMsalApp({"error": "invalid_grant", "error_description": "AADSTS700082: expired"})
    provider = MsalRefreshToken("tenant", "client", stored, app=app, clock=Clock())
    with pytest.raises(TokenUnavailable, match="invalid_grant"):
        provider.access_token()
    assert stored.read_text().strip() == "rt-old"


def test_a_missing_refresh_token_file_is_a_missing_secret(tmp_path: Path) -> None:
    provider = MsalRefreshToken("tenant", "client", tmp_path / "absent", app=FakeMsalApp(), clock=Clock())
    with pytest.raises(SecretMissing):
        provider.access_token()
