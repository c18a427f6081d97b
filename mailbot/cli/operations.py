"""Operations commands: status, retry-login, deadlines, retention, legal hold, keys, the owner."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated, Any, Optional

import typer

from ..cases import AuditEvent
from ..deadlines import TRIAGE_WITHIN, case_deadlines
from ..duty_clocks import ico_due
from ..errors import ConfigError
from ..reconnect import LinkStatus, released
from ..references import parse_reference, reference
from ..service.links import configured_links
from ..service.intake_pass import ADOPTED
from ..service.retention import purge
from ..store import Store, audit, casebook, levels, raw_mail, statistics, status
from ..store import links as links_q
from ..store.sealing import new_key, rotate_all
from . import wiring
from .running import ConfigOption, parse_now


def _now(value: str | None) -> datetime:
    return parse_now(value) or datetime.now(timezone.utc)


def status_report(config: Any, now: datetime) -> dict[str, Any]:
    store = wiring.build_store(config)
    with store.transaction() as conn:
        marks = [{
            "mailbox": m.mailbox,
            "last_success_at": m.last_success_at.isoformat() if m.last_success_at else None,
            "minutes_since": round(
                (now - m.last_success_at).total_seconds() / 60, 1) if m.last_success_at else None
        } for m in status.mailboxes(conn)]
        report = {
            "now": now.isoformat(),
            "mailboxes": marks,
            "open_cases": status.open_cases(conn),
            "drafts_awaiting_approval": status.letters_with_status(conn, "draft"),
            "outbox_backlog": status.letters_with_status(conn, "approved"),
            "outbox_failed": status.letters_with_status(conn, "failed"),
            "quarantined": raw_mail.count_open_quarantine(conn),
            # Taken in but not yet decided: normally 0 between passes; the next pass decides them
            # first.
            "awaiting_decision": status.undecided_mail(conn),
            # Numbers given out with no case (PostgreSQL: a case rolled back after taking one;
            # references.py), each named so the register's gaps are accounted for.
            "references_unused": status.unused_references(conn),
            # Reminder lines and drafts the deadline tick queued and its letters step has not
            # written yet.
            "deadline_letters_queued": levels.queued(conn),
            # Each mail server link under the reconnect policy: ok, failing (retrying) or blocked
            # (a refused login, not retried until the credentials change or `mailbot retry-login`).
            "links": [
                _link(state) for state in links_q.all_links(conn)
                if state.name in configured_links(config)
            ],
            "database": _database(statistics.autovacuum_on(conn)),
        }
    store.dispose()
    return report


def _database(autovacuum: bool | None) -> dict[str, Any]:
    """What the database needs from its admin (README "Several instances")."""
    if autovacuum is None:
        return {"engine": "sqlite"}
    report: dict[str, Any] = {"engine": "postgresql", "autovacuum": autovacuum}
    if not autovacuum:
        report["fix"] = ("PostgreSQL's autovacuum is off: mailbot keeps its tables' statistics "
                         "itself, but dead rows pile up and scans slow down without VACUUM; turn "
                         "autovacuum on, or schedule `VACUUM (ANALYZE)` of this database nightly")
    return report


def _link(state: Any) -> dict[str, Any]:
    def when(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "link": state.name, "status": state.status.value, "failures": state.failures,
        "last_error": state.last_error, "fix": state.last_fix, "error_kind": state.last_error_kind,
        "last_error_at": when(state.last_error_at), "failing_since": when(state.first_failure_at),
        "last_success_at": when(state.last_success_at),
        "next_attempt_after": when(state.retry_after), "alerted_at": when(state.alerted_at),
    }


NowOption = Annotated[Optional[str], typer.Option(help="As if at this ISO time.")]


def retry_login(config: ConfigOption = None) -> None:
    """After fixing a refused login: let the service try each blocked or waiting link again."""
    store = wiring.build_store(wiring.read_config(config))
    now = _now(None)
    with store.transaction() as conn:
        waiting = [s for s in links_q.all_links(conn) if s.status is not LinkStatus.OK]
        for state in waiting:
            links_q.save_link(conn, released(state, now))
        if waiting:
            audit.append(conn, [AuditEvent("link.retry_requested", None, "cli", now,
                                           {"links": [s.name for s in waiting]})])
    store.dispose()
    if not waiting:
        typer.echo("every link is working; nothing to retry")
    for state in waiting:
        typer.echo(f"{state.name}: was {state.status.value} ({state.last_error or '-'}); "
                   "the next attempt goes ahead (a running service makes it within a minute)")


def status_cmd(config: ConfigOption = None, now: NowOption = None) -> None:
    """Health at a glance: last successful poll, backlog, failures, drafts waiting, quarantine.
    """
    typer.echo(json.dumps(status_report(wiring.read_config(config), _now(now)), indent=2))


def purge_cmd(
    config: ConfigOption = None, dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only say what would be purged.")] = False,
    now: NowOption = None) -> None:
    """Remove message content past the retention period; keep the register entries; respect
    legal hold."""
    cfg = wiring.read_config(config)
    plan = purge(wiring.build_app(cfg, with_classifier=False), now=_now(now), dry_run=dry_run)
    verb = "would purge" if dry_run else "purged"
    typer.echo(f"{verb} {len(plan.cases)} case(s): {', '.join(plan.cases) or '-'}")
    typer.echo(f"on legal hold, kept: {', '.join(plan.held) or '-'}")
    typer.echo(f"{verb} {plan.unlinked_raw} message(s) that belong to no case")


def hold(
    ref: str, config: ConfigOption = None,
    release: Annotated[bool, typer.Option("--release", help="Lift the hold instead.")] = False
) -> None:
    """Put a case on legal hold (never purged) or lift the hold."""
    store = wiring.build_store(wiring.read_config(config))
    now = _now(None)
    with store.transaction() as conn:
        case = casebook.case_by_ref(conn, ref)
        if case is None:
            typer.echo(f"no case {ref}", err=True)
            raise typer.Exit(1)
        casebook.update_case(conn, case.id, now, legal_hold=not release)
        audit.append(
            conn, [AuditEvent("case.legal_hold", case.ref, "cli", now, {"on": not release})])
    typer.echo(f"{ref}: legal hold {'lifted' if release else 'on'}")


def deadlines_show(ref: str, config: ConfigOption = None) -> None:
    """A case's clocks: acknowledgement, full response, regulator deadline, holding letter,
    reminders."""
    cfg = wiring.read_config(config)
    application = wiring.build_app(cfg, with_classifier=False)
    with application.store.transaction() as conn:
        case = casebook.case_by_ref(conn, ref)
        if case is None:
            typer.echo(f"no case {ref}", err=True)
            raise typer.Exit(1)
    regime = application.regime_of(case)
    d = case_deadlines(case.received_at, regime.profile, regime.calendar)
    zone = cfg.firm.zone

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z") if moment else "-"

    typer.echo(f"{case.ref} ({regime.name}), received {local(case.received_at)}")
    if case.is_complaint is False:
        triage_by = regime.calendar.due(case.received_at, TRIAGE_WITHIN)
        typer.echo("  an enquiry, not a complaint: no complaint clocks run; a person "
                   f"decides whether it is one by {local(triage_by)} (reply 'complaint yes' "
                   "to clock it from its receipt)")
        _duty_clocks(case, local)
        return
    for label, moment, done in (("acknowledge by", d.acknowledge_by, case.acknowledged_at),
                                ("full response by", d.respond_by, case.responded_at),
                                ("regulator deadline", d.regulator_by, case.responded_at),
                                ("holding letter from", d.holding_letter_from, None),
                                ("summary resolution by", d.summary_resolution_by, None)):
        if label == "summary resolution by" and moment is None:
            continue  # FCA firms only
        met = f"  (done {local(done)})" if done else ""
        typer.echo(f"  {label:<20} {local(moment)}{met}")
    for key, moment in d.reminders:
        typer.echo(f"  reminder {key:<11} {local(moment)}")
    _duty_clocks(case, local)


def _duty_clocks(case: Any, local: Any) -> None:
    """The duties' own clocks: a breach's 72 hours to decide on the ICO, a subject access."""
    if case.breach_aware_at is not None:
        done = (f"  (decided {local(case.breach_decided_at)}: "
                f"{'notifiable' if case.breach_notifiable else 'not notifiable'})"
                if case.breach_decided_at else "")
        typer.echo(f"  {'ICO decision by':<20} {local(ico_due(case.breach_aware_at))}{done}")
    if case.sar_due_at is not None:
        done = f"  (answered {local(case.sar_done_at)})" if case.sar_done_at else ""
        typer.echo(f"  {'subject access by':<20} {local(case.sar_due_at)}{done}")


def db_adopt_mailbox(
    next_reference: Annotated[str, typer.Option(
        "--next-reference", help="The first reference this database may give: C-2026-0043.")],
    config: ConfigOption = None,
) -> None:
    """Let a new database read a mailbox another database read, continuing its references."""
    cfg = wiring.read_config(config)
    found = parse_reference(next_reference)
    if found is None:
        raise typer.BadParameter("give a case reference such as C-2026-0043")
    year, number = found
    if number < 1:
        raise typer.BadParameter("the number must be at least 0001")
    name = wiring.mailbox_name_of(cfg)
    store = wiring.build_store(cfg)
    now = _now(None)
    with store.transaction() as conn:
        if raw_mail.get_watermark(conn, name) is not None:
            typer.echo(f"{name} has already been read by this database; nothing to adopt",
                       err=True)
            raise typer.Exit(1)
        casebook.reserve_references(conn, year, number - 1)
        raw_mail.set_watermark(conn, name, ADOPTED, 0, now)
        first = reference(year, number)
        audit.append(conn, [AuditEvent("intake.mailbox_adopted", None, "cli", now,
                                       {"mailbox": name, "next_reference": first})])
    store.dispose()
    typer.echo(f"{name}: adopted; the next new case in {year} is {first} or later")


def db_set_owner(config: ConfigOption = None) -> None:
    """Record that this database now belongs to the configured firm.complaints_address."""
    cfg = wiring.read_config(config)
    store = Store.from_url(cfg.database_url, wiring.build_sealer(cfg))
    store.upgrade()
    now = _now(None)
    with store.transaction() as conn:
        before = links_q.owner(conn)
        try:
            readable = before is None or before.key_check == wiring.KEY_CHECK
        except ConfigError:
            readable = False
        if not readable:
            typer.echo("error: the key in use cannot read this database; set-owner changes "
                       "the owner, never the key", err=True)
            raise typer.Exit(1)
        address = cfg.firm.complaints_address.lower()
        links_q.set_owner(conn, complaints_address=address, key_check=wiring.KEY_CHECK, now=now)
        audit.append(conn, [AuditEvent("db.owner_set", None, "cli", now, {
            "from": before.complaints_address if before is not None else None, "to": address})])
    store.dispose()
    typer.echo(f"this database now belongs to {address}")


def db_new_key() -> None:
    """Print a fresh encryption key (put it first in the key file, keep the old one below it).
    """
    typer.echo(new_key())


def db_rotate_key(config: ConfigOption = None) -> None:
    """Re-encrypt all stored content with the newest key; afterwards the old key can be
    removed."""
    cfg = wiring.read_config(config)
    store = wiring.build_store(cfg)
    with store.transaction() as conn:
        done = rotate_all(conn, wiring.build_sealer(cfg))
        audit.append(conn,
                     [AuditEvent("db.key_rotated", None, "cli", _now(None), {"values": done})])
    typer.echo(f"re-encrypted {done} value(s) with the newest key")


def register(app: typer.Typer, db: typer.Typer, cases_app: typer.Typer) -> None:
    """Add the operations commands, in the order `mailbot --help` lists them."""
    app.command("retry-login")(retry_login)
    app.command("status")(status_cmd)
    app.command("purge")(purge_cmd)
    cases_app.command("hold")(hold)
    deadlines_app = typer.Typer(help="Case clocks under each case's own regime (policy profile).",
                                no_args_is_help=True)
    app.add_typer(deadlines_app, name="deadlines")
    deadlines_app.command("show")(deadlines_show)
    db.command("adopt-mailbox")(db_adopt_mailbox)
    db.command("set-owner")(db_set_owner)
    db.command("new-key")(db_new_key)
    db.command("rotate-key")(db_rotate_key)
