"""Operations commands: status, deadlines, retention, legal hold, encryption keys."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated, Any, Optional

import typer
from sqlalchemy import LargeBinary, func, select, type_coerce, update

from ..cases import AuditEvent
from ..deadlines import TRIAGE_WITHIN, case_deadlines
from ..service import deadline_letters
from ..service.retention import purge
from ..store import audit, casebook, intake
from ..store.sealing import new_key
from ..store.sealing import SealedBytes, SealedJSON, SealedText
from ..store.tables import (audit_events, case_messages, cases, metadata, outbox, raw_messages,
                            watermarks)
from . import wiring
from .running import ConfigOption, parse_now

# Every sealed column, for key rotation: read from the schema, so a new sealed column (cases.flags,
# cases.suggestion, cases.close_reason...) is never left under an old key.
SEALED = tuple((table, column.name) for table in metadata.sorted_tables for column in table.c
               if isinstance(column.type, (SealedBytes, SealedText, SealedJSON)))


def _now(value: str | None) -> datetime:
    return parse_now(value) or datetime.now(timezone.utc)


def status_report(config: Any, now: datetime) -> dict[str, Any]:
    store = wiring.build_store(config)
    with store.transaction() as conn:
        marks = [{"mailbox": m.mailbox, "last_success_at": m.last_success_at.isoformat() if m.last_success_at else None,
                  "minutes_since": round((now - m.last_success_at).total_seconds() / 60, 1) if m.last_success_at else None}
                 for m in conn.execute(select(watermarks))]
        count = lambda q: conn.execute(q).scalar_one()  # noqa: E731
        report = {
            "now": now.isoformat(),
            "mailboxes": marks,
            "open_cases": count(select(func.count()).select_from(cases).where(cases.c.state.notin_(["closed", "responded"]))),
            "drafts_awaiting_approval": count(select(func.count()).select_from(outbox).where(outbox.c.status == "draft")),
            "outbox_backlog": count(select(func.count()).select_from(outbox).where(outbox.c.status == "approved")),
            "outbox_failed": count(select(func.count()).select_from(outbox).where(outbox.c.status == "failed")),
            "quarantined": intake.count_open_quarantine(conn),
            # Taken in but not yet decided: normally 0 between passes; the next pass decides them first.
            "awaiting_decision": count(select(func.count()).select_from(raw_messages)
                                       .where(raw_messages.c.status == "received")),
            # Reminder lines and drafts the deadline tick queued and its letters step has not written yet.
            "deadline_letters_queued": deadline_letters.queued(conn),
        }
    store.dispose()
    return report


def register(app: typer.Typer, db: typer.Typer, cases_app: typer.Typer) -> None:
    @app.command("status")
    def status(config: ConfigOption = None, now: Annotated[Optional[str], typer.Option(help="As if at this ISO time.")] = None) -> None:
        """Health at a glance: last successful poll, backlog, failures, drafts waiting, quarantine."""
        typer.echo(json.dumps(status_report(wiring.read_config(config), _now(now)), indent=2))

    @app.command("purge")
    def purge_cmd(config: ConfigOption = None,
                  dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would be purged.")] = False,
                  now: Annotated[Optional[str], typer.Option(help="As if at this ISO time.")] = None) -> None:
        """Remove message content past the retention period; keep the register entries; respect legal hold."""
        cfg = wiring.read_config(config)
        plan = purge(wiring.build_app(cfg, with_classifier=False), now=_now(now), dry_run=dry_run)
        verb = "would purge" if dry_run else "purged"
        typer.echo(f"{verb} {len(plan.cases)} case(s): {', '.join(plan.cases) or '-'}")
        typer.echo(f"on legal hold, kept: {', '.join(plan.held) or '-'}")
        typer.echo(f"{verb} {plan.unlinked_raw} message(s) that belong to no case")

    @cases_app.command("hold")
    def hold(ref: str, config: ConfigOption = None,
             release: Annotated[bool, typer.Option("--release", help="Lift the hold instead.")] = False) -> None:
        """Put a case on legal hold (never purged) or lift the hold."""
        store = wiring.build_store(wiring.read_config(config))
        now = _now(None)
        with store.transaction() as conn:
            case = casebook.case_by_ref(conn, ref)
            if case is None:
                typer.echo(f"no case {ref}", err=True)
                raise typer.Exit(1)
            casebook.update_case(conn, case.id, now, legal_hold=not release)
            audit.append(conn, [AuditEvent("case.legal_hold", case.ref, "cli", now, {"on": not release})])
        typer.echo(f"{ref}: legal hold {'lifted' if release else 'on'}")

    deadlines_app = typer.Typer(help="Case clocks under each case's own regime (policy profile).",
                                no_args_is_help=True)
    app.add_typer(deadlines_app, name="deadlines")

    @deadlines_app.command("show")
    def deadlines_show(ref: str, config: ConfigOption = None) -> None:
        """A case's clocks: acknowledgement, full response, regulator deadline, holding letter, reminders."""
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

    @db.command("new-key")
    def db_new_key() -> None:
        """Print a fresh encryption key (put it first in the key file, keep the old one below it)."""
        typer.echo(new_key())

    @db.command("rotate-key")
    def db_rotate_key(config: ConfigOption = None) -> None:
        """Re-encrypt all stored content with the newest key; afterwards the old key can be removed."""
        cfg = wiring.read_config(config)
        store = wiring.build_store(cfg)
        sealer = store.engine.dialect.mailbot_sealer  # type: ignore[attr-defined]
        done = 0
        with store.transaction() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_no_update")
            else:
                conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
            for table, column in SEALED:
                col = type_coerce(table.c[column], LargeBinary)
                for row_id, value in conn.execute(select(table.c.id, col).where(table.c[column].is_not(None))):
                    conn.execute(update(table).where(table.c.id == row_id).values({column: type_coerce(sealer.rotate(bytes(value)), LargeBinary)}))
                    done += 1
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                                     "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
            else:
                conn.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
            audit.append(conn, [AuditEvent("db.key_rotated", None, "cli", _now(None), {"values": done})])
        typer.echo(f"re-encrypted {done} value(s) with the newest key")
