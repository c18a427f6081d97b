"""Commands that need no database: inspect mail, classify text, train and evaluate the model."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..inspect_mail import inspect_file
from . import wiring


def _optional_config(path: str | None):  # type: ignore[no-untyped-def]
    """The config when one is given or present; these tools also work without one."""
    candidate = wiring.config_path(path)
    if path or os.environ.get("MAILBOT_CONFIG") or Path(candidate).exists():
        return wiring.read_config(path)
    return None


def register(app: typer.Typer) -> None:
    @app.command("inspect")
    def inspect(
        files: Annotated[list[Path], typer.Argument(help="Saved emails (.eml) to read.")],
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line (the default output).")] = True,
        config: Annotated[Optional[str], typer.Option("--config", "-c", help="Config, for our own addresses.")] = None,
    ) -> None:
        """Show how mailbot reads each message, touching no database. Never fails on bad mail."""
        cfg = _optional_config(config)
        own = (cfg.firm.complaints_address,) if cfg else ()
        domain = cfg.firm.domain if cfg else None
        for path in files:
            record = inspect_file(path, own_addresses=own, own_domain=domain)
            if as_json:
                typer.echo(json.dumps(record, ensure_ascii=False))
            else:
                typer.echo(f"{record['file']}: {record['kind']} ({record['reason']})")
