"""The `mailbot` command line (typer). Commands live in small modules by subject."""

from __future__ import annotations

import sys

import typer
from sqlalchemy.exc import DBAPIError

from ..errors import ConfigError, MailbotError
from . import actions, operations, records, reporting, running, tools

app = typer.Typer(
    help="mailbot: runs a law firm's complaints inbox by email.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = running.register(app)
tools.register(app)
tools.register_triage(app)
cases_app = records.register(app)
operations.register(app, db_app, cases_app)
reporting.register(app)
actions.register(app)


def main() -> None:
    """The console entry point: mailbot's own errors become a line naming the problem and the
    fix, never a traceback, with exit status 2 for a config problem and 1 for anything else."""
    try:
        app()
    except ConfigError as exc:
        for problem in exc.problems:
            typer.echo(f"config error: {problem}", err=True)
        sys.exit(2)
    except MailbotError as exc:
        typer.echo(f"error: {exc}", err=True)
        if exc.fix:
            typer.echo(f"fix: {exc.fix}", err=True)
        sys.exit(1)
    except DBAPIError as exc:
        # One line, without the statement's parameters (they can hold message ids or addresses).
        typer.echo(
            f"database error: {type(exc.orig).__name__}: cannot reach or use the database "
            "(check database.url and that the server is up); nothing was left half-done", err=True)
        sys.exit(1)
