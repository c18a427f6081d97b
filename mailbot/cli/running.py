"""Commands that run the service: run, demo, check-config, db upgrade."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated, Any, Optional

import typer

from ..config import Config, masked_summary
from ..errors import ConfigError
from ..logs import setup_logging
from ..service.runner import RunReport, StopFlag, run_forever, run_once
from ..store import Store, migrate
from . import wiring
from .connect_check import check_connections

# The options many commands share (the other command modules import them from here).
ConfigOption = Annotated[
    Optional[str],
    typer.Option("--config", "-c", help="Config file (default: $MAILBOT_CONFIG or ./mailbot.toml)."
                 )]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]
OnceFlag = Annotated[
    bool, typer.Option("--once", help="One intake pass and outbox flush, then exit.")]
RunAtOption = Annotated[
    Optional[str], typer.Option("--now", help="Process as if at this ISO time (previews, tests).")]


def parse_now(value: str | None) -> datetime | None:
    """`--now`/`--as-of` as an aware UTC time: a time without a zone would be read in the
    machine's zone, and deadlines judged at it would silently move by hours."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not an ISO time such as 2026-12-01T09:00:00+00:00") from None
    if moment.tzinfo is None:
        raise typer.BadParameter("give a time zone, e.g. 2026-12-01T09:00:00+00:00 or ...Z")
    return moment.astimezone(timezone.utc)


def command_group(app: typer.Typer, name: str, help: str) -> typer.Typer:
    """The group `name` under `app`, made if no module has made it yet: several modules add
    commands to one group (`db`, `audit`) without depending on which registers first."""
    for info in app.registered_groups:
        if info.name == name and info.typer_instance is not None:
            return info.typer_instance
    group = typer.Typer(help=help, no_args_is_help=True)
    app.add_typer(group, name=name)
    return group


def register(app: typer.Typer) -> typer.Typer:
    """Add these commands to `app`; returns the `db` group, which other modules add to."""
    db = command_group(app, "db", "Database schema commands.")
    app.command("check-config")(check_config)
    db.command("upgrade")(db_upgrade)
    app.command("run")(run)
    app.command("demo")(demo)
    return db


def check_config(
    config: ConfigOption = None,
    connect: Annotated[bool, typer.Option(
        "--connect", help="Also log in to IMAP and SMTP; sends nothing.")] = False,
) -> None:
    """Validate the config; print it with secrets masked, or name each bad key and the fix."""
    cfg = wiring.read_config(config)
    problems = _password_problems(cfg) + wiring.placeholder_problems(cfg)
    typer.echo(json.dumps(masked_summary(cfg), indent=2))
    if problems:
        raise ConfigError(problems)  # the same refusals `run` makes, so OK here means OK there
    if connect and not _connections_work(cfg):
        typer.echo(f"config valid, connection FAILED: {wiring.config_path(config)}", err=True)
        raise typer.Exit(1)
    typer.echo(f"config OK: {wiring.config_path(config)}", err=True)


def _password_problems(cfg: Config) -> list[str]:
    """Passwords named by environment variable that `run` could not read; reported with the
    rest, because check-config lists everything at once."""
    problems: list[str] = []
    for section in (cfg.imap, cfg.smtp):
        needs_password = getattr(section, "auth", "password") == "password"
        if section is not None and getattr(section, "password_env", None) and needs_password:
            try:
                section.password()
            except ConfigError as exc:
                problems.extend(exc.problems)
    return problems


def _connections_work(cfg: Config) -> bool:
    """Log in to each server and say how it went, each failure with its fix."""
    failed = False
    for finding in check_connections(cfg):
        typer.echo(("ok    " if finding.ok else "FAIL  ") + finding.text, err=True)
        if finding.fix:
            typer.echo(f"      fix: {finding.fix}", err=True)
        failed = failed or not finding.ok
    return not failed


def db_upgrade(config: ConfigOption = None) -> None:
    """Create or migrate the schema to the newest version (also done at `run` start)."""
    cfg = wiring.read_config(config)
    store = Store.from_url(cfg.database_url)  # the schema needs no encryption key
    revision = store.upgrade()
    typer.echo(f"schema at revision {revision} (head {migrate.head_revision()})")


def run(config: ConfigOption = None, once: OnceFlag = False, now: RunAtOption = None) -> None:
    """Run the service: intake from IMAP, send approved letters; `--once` for a single pass."""
    cfg = wiring.read_config(config)
    wiring.refuse_placeholders(cfg)
    setup_logging(cfg.logging.level, cfg.logging.json_format)
    fixed = parse_now(now)
    clock = (lambda: fixed) if fixed else (lambda: datetime.now(timezone.utc))
    application = wiring.build_app(cfg)
    imap = wiring.mailbox_source(cfg)
    smtp = wiring.smtp_settings(cfg) if cfg.smtp else None
    if once:
        report = run_once(application, imap, smtp, clock=clock)
        typer.echo(json.dumps(_once_summary(report)))
        return
    stop = StopFlag()
    stop.install()
    idle = cfg.imap.idle_seconds if cfg.imap else 30
    run_forever(application, imap, smtp, stop=stop, idle_seconds=idle, clock=clock)


def _once_summary(report: RunReport) -> dict[str, Any]:
    """What one pass did, as numbers a cron job's log or a script can read."""
    return {
        "fetched": report.intake.fetched,
        "outcomes": report.intake.outcomes,
        "deadline_actions": len(report.tick.fired),
        "deadline_drafts": report.deadline_letters.drafted,
        "reminders": report.deadline_letters.reminders_sent,
        "action_reminders": report.actions_reminded,
        "sent": len(report.sending.sent),
        "retrying": len(report.sending.retrying),
        "failed": len(report.sending.failed),
        "stopped": report.sending.stopped,
    }


def demo(
    keep: Annotated[
        Optional[str],
        typer.Option("--keep", help="Keep the demo's files in this directory.")] = None,
) -> None:
    """Run the whole pipeline on an embedded mail world (no configuration needed)."""
    from ..demo import run_demo

    run_demo(keep_dir=keep)
