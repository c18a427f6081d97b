"""Commands that hand records to others: register, returns, report, audit export, export-person."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..config import Config
from ..working_days import WorkingCalendar
from ..profiles import Profile
from ..reports import evidence, returns, subject_access
from ..reports import register as reg
from ..store import Store, casebook, status
from . import wiring
from .running import ConfigOption, JsonOption, command_group, parse_now

AsOfOption = Annotated[Optional[str], typer.Option(
    "--as-of", help="Judge deadlines as at this ISO time instead of now (reproducible reports).")]
FromOption = Annotated[
    str,
    typer.Option("--from", help="First day of the period (YYYY-MM-DD, firm's local date).")]
ToOption = Annotated[str,
                     typer.Option("--to", help="Last day of the period, inclusive (YYYY-MM-DD).")]
CsvFlag = Annotated[
    bool, typer.Option("--csv", help="Write the register as CSV (one row per case).")]
CsvOutOption = Annotated[
    Optional[Path], typer.Option("--out", help="CSV file to write (default: standard output).")]


class _Records:
    """What every reporting command needs: config, store, calendar and the profile lookup."""

    def __init__(self, config: Optional[str]) -> None:
        self.cfg: Config = wiring.read_config(config)
        self.store: Store = wiring.build_store(self.cfg)
        self.regimes = self.cfg.build_regimes()
        self.profile: Profile = self.regimes.default.profile
        self.cal: WorkingCalendar = self.regimes.default.calendar
        # Each case under its own regime (F1): its profile, and the calendar its clocks count on.
        self.profile_for: Callable[[str], Profile] = lambda name: self.regimes.get(name).profile
        self.calendar_for: Callable[[str], WorkingCalendar] = (
            lambda name: self.regimes.get(name).calendar)

    def facts(self, now: datetime, start: date | None = None,
              end: date | None = None) -> list[reg.CaseFacts]:
        with self.store.transaction() as conn:
            return reg.load_case_facts(
                conn, profile_for=self.profile_for, cal=self.cal, now=now,
                received_from=self.cal.start_of(start) if start else None,
                received_to=self.cal.end_of(end) if end else None, calendar_for=self.calendar_for,
            )


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date such as 2026-01-31",
                                 param_hint=option) from None


def _period(start: str, end: str) -> tuple[date, date]:
    first, last = _date(start, "--from"), _date(end, "--to")
    if last < first:
        raise typer.BadParameter(f"the period ends ({last}) before it starts ({first})",
                                 param_hint="--to")
    return first, last


def _now(as_of: Optional[str]) -> datetime:
    return parse_now(as_of) or datetime.now(UTC)


def register(app: typer.Typer, audit_app: typer.Typer | None = None) -> None:
    """Add the reporting commands; `audit export` joins the existing `audit` group (found by name).
    """
    audit_app = audit_app or command_group(app, "audit", "The tamper-evident audit trail.")
    app.command("register")(register_cmd)
    app.command("returns")(returns_cmd)
    app.command("report")(report_cmd)
    audit_app.command("export")(audit_export)
    app.command("export-person")(export_person)


def register_cmd(config: ConfigOption = None, as_csv: CsvFlag = False, out: CsvOutOption = None,
                 as_of: AsOfOption = None) -> None:
    """The complaints register: dates, category, outcome, redress, learning, deadlines; no
    complaint text."""
    records = _Records(config)
    rows = [reg.register_row(f, records.calendar_for(f.profile))
            for f in records.facts(_now(as_of))]
    if as_csv or out:
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("w", encoding="utf-8", newline="") as fh:
                count = reg.write_csv(rows, fh)
            typer.echo(f"{count} cases written to {out}", err=True)
        else:
            reg.write_csv(rows, sys.stdout)
        return
    for r in rows:
        typer.echo(
            f"{r['reference']:<13} received {r['date_received']}  {r['category'] or '-':<20} "
            f"{r['state']:<15} outcome {r['outcome'] or '-':<7} ack "
            f"{r['acknowledge_deadline']:<8} "
            f"response {r['respond_deadline']}")
    with records.store.transaction() as conn:
        skipped = status.unused_references(conn)
    if skipped:
        typer.echo(f"references given out with no case (a case rolled back after taking its "
                   f"number, its message decided again or kept in quarantine): "
                   f"{', '.join(skipped)}", err=True)


def returns_cmd(date_from: FromOption, date_to: ToOption, config: ConfigOption = None,
                as_json: JsonOption = False,
                regime: Annotated[Optional[str], typer.Option(
                    "--regime", help="Only cases under this regime, e.g. fca_disp for the "
                                     "FCA's return.")] = None,
                ) -> None:
    """Figures for a regulator's complaints return (received, closed by time band, open,
    upheld, redress)."""
    start, end = _period(date_from, date_to)
    records = _Records(config)
    if regime is not None and regime not in records.regimes.known:
        known = ", ".join(records.regimes.names())
        raise typer.BadParameter(f"{regime!r} is not one of this firm's regimes: {known}",
                                 param_hint="--regime")
    cal = records.calendar_for(regime) if regime else records.cal
    facts = records.facts(datetime.now(UTC), end=end)
    figures = returns.compute_returns(facts, start, end, cal, regime=regime)
    typer.echo(
        json.dumps(returns.as_json(figures), indent=2) if as_json else returns.as_text(figures)
    )


def report_cmd(date_from: FromOption, date_to: ToOption,
               out: Annotated[Path, typer.Option("--out", help="Directory for report.html.")],
               config: ConfigOption = None, as_of: AsOfOption = None,
               mail: Annotated[bool, typer.Option(
                   "--mail", help="Also mail it to compliance and the training lead "
                                  "(review.training_lead), on the next run.")] = False,
               ) -> None:
    """A self-contained HTML trend report: charts, corrective actions, reviews, lessons."""
    from ..service.trend_report import build_report, mail_report, report_readers

    start, end = _period(date_from, date_to)
    application = wiring.build_app(wiring.read_config(config), with_classifier=False)
    page, lines = build_report(application, start, end, now=_now(as_of))
    if mail:
        people = report_readers(application)
        mail_report(application, start, end, people, now=_now(as_of))
        who = ", ".join(people) or "nobody (no compliance role or training lead is configured)"
        typer.echo(f"report queued for {who}; it goes out on the next run", err=True)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "report.html"
    target.write_text(page, encoding="utf-8")
    for line in lines:
        typer.echo(line)
    typer.echo(f"report written to {target}", err=True)


def audit_export(ref: str, out: Annotated[Path,
                                          typer.Option("--out", help="Zip file to write.")],
                 config: ConfigOption = None, as_of: AsOfOption = None) -> None:
    """Evidence pack for one case: emails, letters, approvals, audit events with chain check,
    deadlines."""
    records = _Records(config)
    with records.store.transaction() as conn:
        pack = evidence.build_evidence_pack(conn, ref, firm=records.cfg.firm,
                                            profile_for=records.profile_for, cal=records.cal,
                                            now=_now(as_of), calendar_for=records.calendar_for)
    if pack is None:
        typer.echo(f"no case {ref}", err=True)
        raise typer.Exit(1)
    pack.write_zip(out)
    typer.echo(f"{pack.ref}: {len(pack.files)} files written to {out}")
    if not pack.chain_verified:
        typer.echo("WARNING: the audit chain did NOT verify; details in audit/events.json",
                   err=True)
        raise typer.Exit(1)
    typer.echo("audit chain verified")


def export_person(
    email: str, out: Annotated[Path,
                               typer.Option("--out", help="New (or empty) directory.")],
    config: ConfigOption = None, request: Annotated[
        Optional[str],
        typer.Option(
            "--request", help="The case holding the subject access request (its "
            "audit trail records the export).")] = None,
    by: Annotated[
        str,
        typer.Option("--by", help="Who made the export (kept in the audit trail).")] = "cli",
) -> None:
    """Subject access: every case, message, letter and audit event about one email address.

    Each export is an audit event (who, when, what it held; the address only as a hash)."""
    records = _Records(config)
    now = datetime.now(UTC)
    try:
        with records.store.transaction() as conn:
            if request is not None and casebook.case_by_ref(conn, request) is None:
                raise typer.BadParameter(f"no case {request}", param_hint="--request")
            result = subject_access.export_person(conn, email, out, firm=records.cfg.firm,
                                                  cal=records.cal, now=now)
            subject_access.record_export(conn, result, request=request, by=by, now=now)
    except FileExistsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"{len(result.case_refs)} case(s) ({', '.join(result.case_refs) or 'none'}), "
        f"{result.messages} message(s), {result.letters} letter(s), {result.audit_events} "
        "audit event(s)"
    )
    typer.echo(f"open {out / 'index.html'}")
