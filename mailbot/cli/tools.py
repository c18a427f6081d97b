"""Commands that need no database: inspect mail, classify text, train and evaluate the model."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..config import Config
from .inspect_mail import inspect_file
from . import wiring


def _optional_config(path: str | None) -> Config | None:
    """The config when one is given or present; these tools also work without one."""
    candidate = wiring.config_path(path)
    if path or os.environ.get("MAILBOT_CONFIG") or Path(candidate).exists():
        return wiring.read_config(path)
    return None


def register(app: typer.Typer) -> None:
    """Add the read-only mail tools (`inspect`), which need no database."""
    @app.command("inspect")
    def inspect(
        files: Annotated[list[Path],
                         typer.Argument(help="Saved emails (.eml) to read.")],
        as_json: Annotated[
            bool,
            typer.Option("--json", help="One JSON object per line (the default output).")] = True,
        config: Annotated[
            Optional[str],
            typer.Option("--config", "-c", help="Config, for our own addresses.")] = None,
        documents: Annotated[
            bool,
            typer.Option("--documents", help="Read the attached letters as intake does "
                                             "(PDF, Word, scans...): their text and problems.")
        ] = False,
    ) -> None:
        """Show how mailbot reads each message (and what triage reads of it), touching no
        database. Never fails on bad mail."""
        cfg = _optional_config(config)
        own = (cfg.firm.complaints_address,) if cfg else ()
        domain = cfg.firm.domain if cfg else None
        for path in files:
            record = inspect_file(path, own_addresses=own, own_domain=domain,
                                  documents=documents)
            if as_json:
                typer.echo(json.dumps(record, ensure_ascii=False))
            else:
                typer.echo(f"{record['file']}: {record['kind']} ({record['reason']})")


def register_triage(app: typer.Typer) -> None:
    """Add the classifier's commands; scikit-learn is imported only when one of them runs."""
    @app.command("classify")
    def classify(
        model: Annotated[
            Optional[Path],
            typer.Option("--model",
                         help="Model directory (default: the configured or shipped one).")] = None,
        config: Annotated[Optional[str],
                          typer.Option("--config", "-c",
                                       help="Config, for the firm's holidays and zone.")] = None,
    ) -> None:
        """Read JSON lines {"text": ..., "date": ...} on stdin; print category, urgency, flags and
        reasons per line."""
        from .triage_tools import classify_stream

        cfg = _optional_config(config)
        directory = model or (wiring.model_dir(cfg) if cfg else wiring.SHIPPED_MODEL_DIR)
        firm = cfg.firm if cfg else None
        classify_stream(sys.stdin, sys.stdout, directory, country=firm.country if firm else "GB",
                        subdivision=firm.subdivision if firm else None,
                        timezone=firm.timezone if firm else "Europe/London")

    @app.command("train")
    def train(config: Annotated[
        Optional[str],
        typer.Option("--config", "-c", help="Config: corrections come from its database.")] = None,
              model_dir: Annotated[
                  Optional[Path],
                  typer.Option("--model-dir", help="Where the model is promoted to.")] = None,
              seed_dir: Annotated[Path,
                                  typer.Option("--seed-dir", help="The labelled seed corpus."
                                               )] = wiring.SHIPPED_MODEL_DIR / "seed",
              real_dir: Annotated[Path,
                                  typer.Option("--real-dir", help="The real-text corpus."
                                               )] = wiring.SHIPPED_MODEL_DIR / "real",
              force: Annotated[bool, typer.Option(
                  "--force", help="Install the new model even if it scores lower (a change of "
                  "recipe whose cost was measured; not for routine retraining).")] = False,
              ) -> None:
        """Retrain on the seed corpus plus handlers' corrections; promote only if held-out macro-F1
        does not drop."""
        from .triage_tools import train as train_model

        cfg = _optional_config(config)
        corrections = []
        if cfg is not None:
            from ..service.learning import correction_examples

            corrections = correction_examples(wiring.build_app(cfg, with_classifier=False))
        target = model_dir or (wiring.trained_model_dir(cfg) if cfg else wiring.SHIPPED_MODEL_DIR)
        typer.echo(str(train_model(target, seed_dir, corrections, real_dir=real_dir,
                                   force=force)))

    @app.command("evaluate")
    def evaluate(
        data: Annotated[Optional[Path], typer.Option(
            "--data", help="JSON lines with text, date, category and urgency; without it: the "
            "synthetic held-out split and the real texts by grouped cross-validation.")] = None,
        model: Annotated[Optional[Path], typer.Option("--model", help="Model directory.")] = None,
        folds: Annotated[int, typer.Option(
            "--folds", help="Folds for the real texts' grouped cross-validation.")] = 5,
    ) -> None:
        """Macro-F1, top-2, per-class report, confusion matrices, critical recall, complaint
        signal and uncertainty."""
        from .triage_tools import evaluate as evaluate_model, evaluate_standard

        directory = model or wiring.SHIPPED_MODEL_DIR
        if data is not None:
            typer.echo(evaluate_model(data, directory))
        else:
            shipped = wiring.SHIPPED_MODEL_DIR
            report = evaluate_standard(directory, shipped / "seed", shipped / "real", folds=folds)
            typer.echo(report)
