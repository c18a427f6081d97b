"""Commands that read or repair the record: cases, quarantine, approvals, outbox, audit."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer
from sqlalchemy import Row

from ..cases import AuditEvent
from ..records import Case, Letter
from ..service.assigning import assign
from ..service.case_files import case_files
from ..service.complaints import open_complaint
from ..service.drafting import redraft_pending
from ..service.case_rules import set_received
from ..service.decide import reprocess
from ..working_days import WorkingCalendar
from ..store import actions as actions_q
from ..store import audit, casebook, raw_mail
from ..store import notes as notes_q
from ..store import outbox as outbox_q
from . import wiring
from .running import ConfigOption, JsonOption

# `cases open` and `cases received`: complaints that did not come by email, the date of receipt.
FromEmail = Annotated[str, typer.Option("--from", help="The complainant's email address.")]
NameOption = Annotated[str, typer.Option("--name", help="The complainant's name.")]
_WHEN = "When the firm first received it: an ISO date, or date and time in the firm's time."
ReceivedOption = Annotated[str, typer.Option("--received", help=_WHEN)]
ReceivedArgument = Annotated[str, typer.Argument(help=_WHEN)]
ChannelOption = Annotated[str, typer.Option("--channel", help="phone, letter or in_person.")]
SummaryOption = Annotated[Optional[str], typer.Option("--summary", help="What was said.")]
RegimeOption = Annotated[Optional[str], typer.Option("--regime", help="Its regime.")]
HandlerOption = Annotated[Optional[str], typer.Option("--handler", help="Its handler.")]
ByOption = Annotated[str, typer.Option("--by", help="Who records it (kept in the audit trail).")]
T = TypeVar("T")
PartnerOption = Annotated[Optional[str], typer.Option(
    "--partner", help="The partner (a [[handlers]] entry with the partner role) who allows a "
                      "later date.")]


def _plain(item: Case | Letter | Row[Any] | Mapping[str, Any], *skip: str) -> dict[str, Any]:
    """A record as JSON-ready fields (datetimes in ISO 8601), leaving out `skip`."""
    if isinstance(item, (Case, Letter)):
        values: Mapping[Any, Any] = asdict(item)
    else:
        values = item if isinstance(item, Mapping) else item._mapping
    return {key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in values.items() if key not in skip}


def _found(value: T | None, missing: str) -> T:
    """The record asked for, or the command stops here, saying `missing` (exit status 1)."""
    if value is None:
        typer.echo(missing, err=True)
        raise typer.Exit(1)
    return value


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _local_moment(value: str, cal: WorkingCalendar, option: str) -> datetime:
    """An ISO date (the start of that local day) or a date and time (local, unless it has an
    offset), in UTC."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return cal.start_of(date.fromisoformat(value.strip()))
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date such as 2026-02-23 or 2026-02-23T14:30",
                                 param_hint=option) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=cal.zone)).astimezone(timezone.utc)


cases_app = typer.Typer(help="Look at cases; open one that did not come by email; correct when "
                             "one was received.", no_args_is_help=True)
quarantine_app = typer.Typer(help="Mail that could not be read: list, show, retry.",
                             no_args_is_help=True)
approvals_app = typer.Typer(help="Drafts waiting for a handler's approval.", no_args_is_help=True)
outbox_app = typer.Typer(help="Letters and notifications waiting to go out, sent or failed.",
                         no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


def register(app: typer.Typer) -> typer.Typer:
    """Add the record's command groups to `app`; returns `cases`, which other modules extend."""
    for name, sub in (("cases", cases_app), ("quarantine", quarantine_app),
                      ("approvals", approvals_app), ("outbox", outbox_app), ("audit", audit_app)):
        app.add_typer(sub, name=name)
    return cases_app


@cases_app.command("list")
def cases_list(
    config: ConfigOption = None,
    as_json: JsonOption = False,
    state: Annotated[Optional[str], typer.Option(help="Only cases in this state.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 200,
) -> None:
    """Cases, newest first; says so when there are more than --limit."""
    store = wiring.build_store(wiring.read_config(config))
    with store.transaction() as conn:
        cases = casebook.list_cases(conn, state=state, limit=limit + 1)
    more = len(cases) > limit
    cases = cases[:limit]
    notice = f"showing the newest {limit} cases; there are more: use --limit N to see more"
    if as_json:
        typer.echo(json.dumps([_plain(c, "suggestion") for c in cases], indent=2))
    else:
        for c in cases:
            typer.echo(f"{c.ref:<13} {c.state:<15} {c.urgency or '-':<8} "
                       f"{c.category or '-':<20} {c.received_at:%Y-%m-%d %H:%M}Z  "
                       f"{c.handler_email or 'unassigned'}")
    if more:
        typer.echo(notice, err=True)


@cases_app.command("show")
def cases_show(ref: str, config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """One case: its fields, suggestion, messages, letters and audit events."""
    store = wiring.build_store(wiring.read_config(config))
    with store.transaction() as conn:
        case = _found(casebook.case_by_ref(conn, ref), f"no case {ref}")
        detail = {
            "case": _plain(case),
            "messages": [_plain(m, "body") for m in casebook.messages_for_case(conn, case.id)],
            "letters": [_plain(letter, "body_html", "body_text")
                        for letter in outbox_q.letters_for_case(conn, case.id)],
            "audit": [_plain(e.as_dict()) for e in audit.for_case(conn, case.ref)],
            "notes": [_plain(n) for n in notes_q.notes_for_case(conn, case.id)],
            "actions": [_plain(a) for a in actions_q.list_actions(conn) if a.case_id == case.id],
        }
    if as_json:
        typer.echo(json.dumps(detail, indent=2, default=str))
    else:
        _show_case(case, detail)


def _show_case(case: Case, detail: dict[str, Any]) -> None:
    """`cases show` for a person: the case's fields, then one line per thing on its file."""
    c = detail["case"]
    typer.echo(f"{c['ref']}  {c['state']}  category={c['category']} urgency={c['urgency']} "
               f"handler={c['handler_email']}")
    typer.echo(f"received {c['received_at']}  acknowledged {c['acknowledged_at']}  responded "
               f"{c['responded_at']}")
    lines = [f"  why: {reason}" for reason in (case.suggestion or {}).get("reasons", [])]
    lines += [f"  {m['at']}  {m['direction']:<3} {m['kind']:<16} {m['subject'] or ''}"
              for m in detail["messages"]]
    lines += [f"  letter #{x['id']} {x['kind']:<18} {x['status']:<10} {x['sent_at'] or ''}"
              for x in detail["letters"]]
    lines += [f"  {n['at']}  note ({n['kind']}) by {n['by']}: {n['body'] or '[purged]'}"
              for n in detail["notes"]]
    lines += [f"  action #{a['id']} due {a['due_on']} owner {a['owner']} {a['status']}: "
              f"{a['text']}" for a in detail["actions"]]
    lines += [f"  audit {e['at']}  {e['kind']:<22} by {e['actor']}" for e in detail["audit"]]
    for line in lines:
        typer.echo(line)


@cases_app.command("open")
def cases_open(email: FromEmail, name: NameOption, received: ReceivedOption,
               channel: ChannelOption, summary: SummaryOption = None,
               regime: RegimeOption = None, handler: HandlerOption = None,
               by: ByOption = "cli", config: ConfigOption = None) -> None:
    """A complaint made by phone, by letter or in person, clocked from its receipt.

    The case's clocks run from when the firm first received it, and its acknowledgement is
    drafted for the handler's approval."""
    cfg = wiring.read_config(config)
    application = wiring.build_app(cfg, with_classifier=False)
    now = _now()
    when = _local_moment(received, application.calendar, "--received")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise typer.BadParameter(f"{email!r} is not an email address", param_hint="--from")
    try:
        with application.store.transaction() as conn:
            ref = open_complaint(conn, application, client_address=email, client_name=name,
                                 received_at=when, channel=channel, now=now, actor=by,
                                 summary=summary, profile=regime, handler_email=handler)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    local = when.astimezone(cfg.firm.zone)
    typer.echo(f"{ref}: opened ({channel}, received {local:%Y-%m-%d %H:%M %Z}); the "
               "acknowledgement is drafted for the handler's approval")


@cases_app.command("assign")
def cases_assign(ref: str, email: Annotated[str, typer.Argument(help="The handler's address.")],
                 by: ByOption = "cli", config: ConfigOption = None) -> None:
    """Give a case to a handler: for a complaint that names everyone who could take it (the
    firm is alerted), or to move one. Never to a person the complaint names."""
    cfg = wiring.read_config(config)
    application = wiring.build_app(cfg, with_classifier=False)
    with application.store.transaction() as conn:
        case = _found(casebook.case_by_ref(conn, ref), f"no case {ref}")
        problem = assign(conn, application, case, email, actor=by, now=_now())
    if problem:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{ref}: assigned to {email.lower()}; its drafts await their approval")


@cases_app.command("files")
def cases_files(
    ref: str,
    out: Annotated[Path, typer.Option("--out", help="The folder to save them in (made if "
                                                    "missing; no file in it is overwritten).")],
    by: ByOption,
    config: ConfigOption = None,
) -> None:
    """Save the files the client sent with a case's emails (letters, scans, photos), from the
    stored originals; the export is recorded in the audit trail."""
    store = wiring.build_store(wiring.read_config(config))
    with store.transaction() as conn:
        case = _found(casebook.case_by_ref(conn, ref), f"no case {ref}")
        found = case_files(conn, case, by=by, now=_now())
    out.mkdir(parents=True, exist_ok=True)
    for number, item in enumerate(found.files, start=1):
        name = "".join(c if c.isprintable() and c not in '/\\:' else "_"
                       for c in Path(item.name.replace("\\", "/")).name) or "file"
        target = out / f"{number:02d}-{name[:120]}"
        try:
            with target.open("xb") as handle:  # never over a file already there
                handle.write(item.data)
        except FileExistsError:
            typer.echo(f"{target} exists: not overwritten", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"{target}  ({item.content_type}, {len(item.data):,} bytes, email of "
                   f"{item.received_at:%Y-%m-%d %H:%M}Z)")
    if not found.files:
        typer.echo(f"{ref}: no files in its emails")
    if found.purged:
        typer.echo(f"{found.purged} email(s) purged under the retention policy: their files are "
                   "gone", err=True)


@cases_app.command("received")
def cases_received(ref: str, received: ReceivedArgument, partner: PartnerOption = None,
                   config: ConfigOption = None) -> None:
    """Correct when the firm first received a complaint: every clock and draft follows."""
    cfg = wiring.read_config(config)
    application = wiring.build_app(cfg, with_classifier=False)
    now = _now()
    authoriser = cfg.handler(partner) if partner else None
    if partner and (authoriser is None or "partner" not in authoriser.roles):
        raise typer.BadParameter(f"{partner} is not a [[handlers]] entry with the partner "
                                 "role", param_hint="--partner")
    with application.store.transaction() as conn:
        case = _found(casebook.case_by_ref(conn, ref), f"no case {ref}")
        cal = application.regime_of(case).calendar
        when = _local_moment(received, cal, "RECEIVED")
        events: list[AuditEvent] = []
        change = set_received(conn, application, case, when, actor="cli", now=now,
                              events=events,
                              partner=authoriser.email.lower() if authoriser else None)
        if change.problem:
            typer.echo(change.problem, err=True)
            raise typer.Exit(1)
        audit.append(conn, events)
        kinds = redraft_pending(conn, application, casebook.existing_case(conn, case.id),
                                now=now,
                                note=f"The date of receipt is now {cal.local(when):%d %B %Y}")
    typer.echo(f"{ref}: received {cal.local(when):%Y-%m-%d %H:%M %Z}; "
               f"{len(kinds)} pending draft(s) written again")


@quarantine_app.command("list")
def quarantine_list(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Quarantined messages with the reason; the original bytes are kept."""
    store = wiring.build_store(wiring.read_config(config))
    with store.transaction() as conn:
        rows = raw_mail.list_quarantine(conn)
    if as_json:
        typer.echo(json.dumps([_plain(r) for r in rows], indent=2))
        return
    for r in rows:
        typer.echo(f"#{r.id:<5} {r.created_at:%Y-%m-%d %H:%M}Z  {r.size:>8} bytes  {r.reason}")


@quarantine_app.command("show")
def quarantine_show(
    qid: int, config: ConfigOption = None,
    raw: Annotated[bool, typer.Option("--raw", help="Print the original bytes.")] = False,
) -> None:
    """One quarantined message: reason and (with --raw) the original bytes."""
    store = wiring.build_store(wiring.read_config(config))
    with store.transaction() as conn:
        entry = raw_mail.quarantine_entry(conn, qid)
    row = _found(entry, f"no quarantine entry #{qid}")
    if raw:
        typer.echo((row.raw or b"").decode("utf-8", "replace"))
        return
    typer.echo(f"#{row.id} reason: {row.reason}\nmessage-id: {row.message_id}\nquarantined: "
               f"{row.created_at}")


@quarantine_app.command("retry")
def quarantine_retry(qid: int, config: ConfigOption = None) -> None:
    """Read a quarantined message again (after an upgrade or a fix) and process it if it now
    parses."""
    cfg = wiring.read_config(config)
    application = wiring.build_app(cfg)
    with application.store.transaction() as conn:
        entry = raw_mail.quarantine_entry(conn, qid)
    row = _found(entry, f"no quarantine entry #{qid}")
    result = reprocess(application, row.raw_message_id, _now())
    if result.status == "quarantined":
        typer.echo(f"still unreadable: {result.detail}")
        raise typer.Exit(1)
    with application.store.transaction() as conn:
        raw_mail.resolve_quarantine(conn, qid, f"reprocessed: {result.status}", _now())
        audit.append(conn, [
            AuditEvent("quarantine.retried", result.case_ref, "cli", _now(), {
                "quarantine_id": qid,
                "status": result.status
            })
        ])
    typer.echo(f"processed: {result.status} {result.case_ref or ''}")


@approvals_app.command("list")
def approvals_list(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Drafts waiting for approval, oldest first."""
    store = wiring.build_store(wiring.read_config(config))
    with store.transaction() as conn:
        drafts = list(reversed(outbox_q.list_letters(conn, status="draft")))
        refs: dict[int | None, str] = {d.case_id: casebook.existing_case(conn, d.case_id).ref
                for d in drafts if d.case_id is not None}
    if as_json:
        typer.echo(json.dumps([{**_plain(d, "body_html", "body_text"),
                                "case_ref": refs.get(d.case_id)} for d in drafts], indent=2))
        return
    for d in drafts:
        typer.echo(f"#{d.id:<5} {refs.get(d.case_id) or '-':<13} {d.kind:<18} waiting since "
                   f"{d.created_at:%Y-%m-%d %H:%M}Z  handler {d.handler_email}")


@outbox_app.command("list")
def outbox_list(
    config: ConfigOption = None, as_json: JsonOption = False,
    status: Annotated[Optional[str], typer.Option(
        help="draft, approved, sent, failed, rejected, superseded")] = None,
) -> None:
    """Outgoing mail with its status, attempts and last error."""
    store = wiring.build_store(wiring.read_config(config))
    with store.transaction() as conn:
        letters = outbox_q.list_letters(conn, status=status)
    if as_json:
        typer.echo(json.dumps([_plain(x, "body_html", "body_text") for x in letters], indent=2))
        return
    for x in letters:
        typer.echo(f"#{x.id:<5} {x.kind:<18} {x.status:<10} attempts={x.attempts} "
                   f"{x.last_error or ''}")


@outbox_app.command("retry")
def outbox_retry(outbox_id: int, config: ConfigOption = None) -> None:
    """Send a failed letter again (after fixing the address or the server); it keeps its
    Message-ID."""
    store = wiring.build_store(wiring.read_config(config))
    with store.transaction() as conn:
        ok = outbox_q.set_status(conn, outbox_id, expected="failed", status="approved",
                                 next_attempt_at=None, attempts=0)
        if ok:
            audit.append(conn, [
                AuditEvent("letter.retry_requested", None, "cli", _now(),
                           {"outbox_id": outbox_id})
            ])
    if not ok:
        typer.echo(f"#{outbox_id} is not a failed letter", err=True)
        raise typer.Exit(1)
    typer.echo(f"#{outbox_id} queued again; it goes out on the next run")


@audit_app.command("verify")
def audit_verify(config: ConfigOption = None) -> None:
    """Check the hash chain: any edited, inserted or deleted event is named."""
    store = wiring.build_store(wiring.read_config(config))
    with store.transaction() as conn:
        problems = audit.verify(conn)
    if problems:
        for p in problems:
            typer.echo(f"audit event #{p.event_id}: {p.problem}")
        raise typer.Exit(1)
    typer.echo("audit trail intact")
