"""`mailbot check-config` and `mailbot db upgrade` as an admin runs them: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from mailbot.store import make_engine, migrate
from mailbot.store.tables import metadata
from tests.servers.postgres import PgSchema

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"
SECRETS = ("MAILBOT_IMAP_PASSWORD", "MAILBOT_SMTP_PASSWORD", "MAILBOT_CONFIG")
# What an admin changes first: the example's placeholders, which mailbot refuses to run with.
FIRM_OWN = (
    ("Example & Co Solicitors LLP", "Harbour & Vale Solicitors LLP"),
    ("example.co.uk", "harbourvale.co.uk"),
    ("020 7946 0000", "0117 496 0123"),
    ("1 Example Street, London EC1A 1AA", "12 Quay Street, Bristol BS1 4DJ"),
)


def write_config(tmp_path: Path, *, database_url: str | None = None,
                 replace: tuple[str, str] | None = None, filled: bool = True) -> Path:
    """The shipped example, with its data kept in tmp_path, the firm's own details when `filled`,
    and any one edit an admin might make."""
    body = EXAMPLE.read_text(encoding="utf-8").replace('data_dir = "/var/lib/mailbot"',
                                                       f'data_dir = "{tmp_path / "var"}"')
    for placeholder, own in FIRM_OWN if filled else ():
        body = body.replace(placeholder, own)
    if database_url:
        domain = "harbourvale.co.uk" if filled else "example.co.uk"
        commented = f'# url = "postgresql://mailbot@db.{domain}/mailbot"'
        body = body.replace(commented, f'url = "{database_url}"')
    if replace:
        assert replace[0] in body
        body = body.replace(*replace)
    path = tmp_path / "mailbot.toml"
    path.write_text(body, encoding="utf-8")
    return path


def mailbot(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run([sys.executable, "-m", "mailbot", *args], cwd=cwd, env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=120, check=False)


def test_check_config_shows_the_masked_config_and_refuses_missing_secrets(tmp_path: Path) -> None:
    """As `run` would: a config check-config passes is one `run` accepts."""
    url = "postgresql://mailbot:db-hunter2@db.harbourvale.co.uk/mailbot"
    config = write_config(tmp_path, database_url=url)
    result = mailbot("check-config", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    shown = json.loads(result.stdout)
    assert shown["firm"]["name"] == "Harbour & Vale Solicitors LLP"
    assert shown["database"]["url"] == "postgresql://mailbot:***@db.harbourvale.co.uk/mailbot"
    assert "db-hunter2" not in result.stdout + result.stderr
    for key, variable in (("imap", "MAILBOT_IMAP_PASSWORD"), ("smtp", "MAILBOT_SMTP_PASSWORD")):
        expected = f"config error: {key}.password_env: environment variable {variable} is not set"
        assert expected in result.stderr
    assert "config OK" not in result.stderr


def test_check_config_refuses_the_examples_placeholders_by_key(tmp_path: Path) -> None:
    config = write_config(tmp_path, filled=False)
    env = {"MAILBOT_IMAP_PASSWORD": "x", "MAILBOT_SMTP_PASSWORD": "y"}
    result = mailbot("check-config", "--config", str(config), cwd=tmp_path, env=env)
    assert result.returncode == 2
    for key in ("firm.phone", "firm.postal_address", "firm.website", "firm.complaints_address",
                "imap.host", "smtp.host", "handlers[0].email"):
        assert f"config error: {key}: " in result.stderr, key
    run = mailbot("run", "--once", "--config", str(config), cwd=tmp_path, env=env)
    assert run.returncode == 2 and "config error: firm.phone: '020 7946 0000'" in run.stderr
    assert not (tmp_path / "var").exists(), "refused before any database was made"


def test_relative_paths_are_read_from_the_config_files_folder(tmp_path: Path) -> None:
    """cron starts mailbot in $HOME: it must still find the same database and key."""
    etc, elsewhere = tmp_path / "etc", tmp_path / "home"
    etc.mkdir()
    elsewhere.mkdir()
    config = write_config(etc, replace=(f'data_dir = "{etc / "var"}"', 'data_dir = "./var"'))
    env = {"MAILBOT_IMAP_PASSWORD": "x", "MAILBOT_SMTP_PASSWORD": "y"}
    checked = mailbot("check-config", "--config", str(config), cwd=elsewhere, env=env)
    shown = json.loads(checked.stdout)
    assert shown["paths"]["data_dir"] == str(etc / "var")
    assert shown["database"]["url"] == f"sqlite:///{etc / 'var' / 'mailbot.sqlite3'}"
    status = mailbot("status", "--config", str(config), cwd=elsewhere, env=env)
    assert status.returncode == 0, status.stderr
    assert (etc / "var" / "mailbot.sqlite3").exists() and (etc / "var" / "mailbot.key").exists()
    assert not (elsewhere / "var").exists()


def test_check_config_never_prints_a_password_it_can_read(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    env = {"MAILBOT_IMAP_PASSWORD": "imap-hunter2", "MAILBOT_SMTP_PASSWORD": "smtp-hunter2", "MAILBOT_CONFIG": str(config)}
    result = mailbot("check-config", cwd=tmp_path, env=env)  # the file found through MAILBOT_CONFIG
    assert result.returncode == 0, result.stderr
    assert "imap-hunter2" not in result.stdout + result.stderr
    assert "smtp-hunter2" not in result.stdout + result.stderr
    assert "warning" not in result.stderr
    assert f"config OK: {config}" in result.stderr


def test_check_config_names_a_mistyped_key_and_fails(tmp_path: Path) -> None:
    config = write_config(tmp_path, replace=("port = 993", "prot = 993"))
    result = mailbot("check-config", "-c", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert "config error: imap.prot: unknown key (did you mean 'port'?)" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_check_config_names_a_missing_file(tmp_path: Path) -> None:
    result = mailbot("check-config", "--config", str(tmp_path / "nowhere.toml"), cwd=tmp_path)
    assert result.returncode == 2
    assert "nowhere.toml" in result.stderr and "cannot read config file" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_upgrade_creates_the_sqlite_schema_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    head = migrate.head_revision()
    first = mailbot("db", "upgrade", "--config", str(config), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"schema at revision {head} (head {head})" in first.stdout
    database = tmp_path / "var" / "mailbot.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    try:
        assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set(metadata.tables)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO watermarks (mailbox, uidvalidity, last_uid) VALUES ('INBOX', 7, 42)"))
        second = mailbot("db", "upgrade", "--config", str(config), cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        assert second.stdout == first.stdout
        with engine.connect() as conn:
            assert conn.execute(text("SELECT last_uid FROM watermarks")).scalar_one() == 42
    finally:
        engine.dispose()


def test_db_upgrade_on_postgresql(tmp_path: Path, pg_schema: PgSchema) -> None:
    config = write_config(tmp_path, database_url=pg_schema.url_with_schema())
    head = migrate.head_revision()
    for _ in range(2):
        result = mailbot("db", "upgrade", "--config", str(config), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert f"schema at revision {head} (head {head})" in result.stdout
    engine = pg_schema.engine()
    try:
        assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set(metadata.tables)
    finally:
        engine.dispose()


@pytest.mark.parametrize("args", [["db", "upgrade"], ["check-config"]])
def test_commands_refuse_a_broken_config_without_a_traceback(tmp_path: Path, args: list[str]) -> None:
    config = write_config(tmp_path, replace=('timezone = "Europe/London"', 'timezone = "Europe/Londn"'))
    result = mailbot(*args, "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert "config error: firm.timezone: unknown time zone 'Europe/Londn'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "var" / "mailbot.sqlite3").exists()
