"""`mailbot demo`: the real pipeline on an embedded mail world, told as a story.

Nothing here is faked: mail goes over SMTP and IMAP on loopback, mailbot runs exactly as
`mailbot run --once` does, and handlers answer by email. Only the clock is moved forward.
"""

from __future__ import annotations

import logging
import re
import smtplib
import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..cli import wiring
from ..config import Config, parse_config
from ..mailbox import MailboxSettings
from ..service.context import App
from ..service.runner import RunReport, run_once
from ..service.trend_report import build_report
from ..smtp import SmtpSettings
from ..store import audit, casebook
from ..store.tables import audit_events, case_notes, outbox, reminders_fired
from .samples import MALFORMED, SAMPLES, Sample
from .world import ImapServer, SmtpServer, SmtpWorld

FIRM_DOMAIN = "hartley-quinn.example"
COMPLAINTS = f"complaints@{FIRM_DOMAIN}"
HANDLERS = (("Priya Shah", f"priya.shah@{FIRM_DOMAIN}"), ("Tom Reilly",
                                                          f"tom.reilly@{FIRM_DOMAIN}"))
COMPLIANCE = ("Alex Morgan", f"alex.morgan@{FIRM_DOMAIN}")


def say(text: str = "") -> None:
    """The demo is a story told on stdout; flushed so it reads live while servers start."""
    print(text, flush=True)


def _config(imap: ImapServer, smtp: SmtpServer, workdir: Path) -> dict[str, Any]:
    secret = workdir / "imap.secret"
    secret.write_text(imap.password)
    secret.chmod(0o600)
    return {
        "firm": {
            "name": "Hartley & Quinn Solicitors",
            "timezone": "Europe/London",
            "country": "GB",
            "subdivision": "ENG",
            "profile": "ew_sra",
            "complaints_address": COMPLAINTS,
            "domain": FIRM_DOMAIN,
            "phone": "0161 496 0000",
            "postal_address": "22 Quay Street, Manchester M3 3HN",
            "website": f"www.{FIRM_DOMAIN}"
        },
        "imap": {
            "host": imap.host,
            "port": imap.port,
            "security": "none",
            "username": imap.username,
            "password_file": str(secret),
            "timeout_seconds": 10
        },
        # The demo's relay takes mail without a login and has no sending limit.
        "smtp": {
            "host": smtp.host,
            "port": smtp.port,
            "security": "none",
            "auth": "none",
            "timeout_seconds": 10,
            "max_per_minute": 10_000
        },
        "database": {
            "url": f"sqlite:///{workdir / 'mailbot.sqlite3'}"
        },
        "paths": {
            "data_dir": str(workdir)
        },
        "approvals": {
            "authserv_id": f"mx.{FIRM_DOMAIN}"
        },
        "handlers": [{
            "name": n,
            "email": e,
            "roles": ["handler"]
        } for n, e in HANDLERS] + [{
            "name": COMPLIANCE[0],
            "email": COMPLIANCE[1],
            "roles": ["compliance", "partner"]
        }],
    }


def _send(smtp: SmtpServer, sample: Sample, at: datetime) -> None:
    msg = EmailMessage()
    msg["From"] = f"{sample.sender_name} <{sample.sender}>"
    msg["To"] = COMPLAINTS
    msg["Subject"] = sample.subject
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = make_msgid(domain=sample.sender.split("@")[1])
    for name, value in sample.headers:
        msg[name] = value
    msg.set_content(sample.body)
    if sample.attachment:
        name, ctype, data = sample.attachment
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
        client.send_message(msg)


def _send_raw(smtp: SmtpServer, raw: bytes, sender: str) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
        client.sendmail(sender, [COMPLAINTS], raw)


def _reply(smtp: SmtpServer, who: str, request: EmailMessage, body: str, at: datetime, *,
           login: bool = True) -> None:
    """A reply as a handler sends it: logged in to the firm's server (which then vouches for the
    From); `login=False` is somebody forging it."""
    reply = EmailMessage()
    reply["From"] = who
    reply["To"] = str(request["Reply-To"])
    reply["Subject"] = f"Re: {request['Subject']}"
    reply["Date"] = format_datetime(at)
    reply["Message-ID"] = make_msgid(domain=FIRM_DOMAIN)
    reply["In-Reply-To"] = request["Message-ID"]
    reply["References"] = request["Message-ID"]
    reply.set_content(body)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
        if login:
            client.login(who, "demo")
        client.send_message(reply)


def _plain(message: EmailMessage) -> str:
    """The plain-text body as a handler reads it; "" for a message without one."""
    body = message.get_body(("plain",))
    return "" if body is None else str(body.get_content())


def _draft_block(request: EmailMessage) -> str:
    text = _plain(request).replace("\r\n", "\n")
    found = re.search(r"^----- DRAFT START [0-9a-f]{12}.*?^----- DRAFT END [0-9a-f]{12} -----$",
                      text, re.S | re.M)
    assert found, "an approval request without its draft"
    return found.group(0)


def _requests_for(world: SmtpWorld, handler: str) -> list[EmailMessage]:
    """The newest approval request per case (older ones were superseded by the client's news)."""
    newest: dict[str, EmailMessage] = {}
    for m in world.inboxes[handler]:
        if "Approval needed" in str(m["Subject"]):
            ref = str(m["Subject"]).rsplit("[", 1)[-1].rstrip("]")
            newest[ref] = m
    return [newest[ref] for ref in sorted(newest)]


def _what(subject: str) -> str:
    """An email's subject without its token and case tags, for counting."""
    bare = re.sub(r"\s*\[[^\]]*\]", "", " ".join(subject.split()))
    if bare.startswith("Not accepted: "):
        return "notice(s) of a refused reply"
    if bare.startswith("Approval needed: "):
        return f"approval request(s) for a {bare.removeprefix('Approval needed: ')} draft"
    if bare.startswith("Corrective action #"):
        return "corrective action reminder(s)"
    return "reminder(s)" if bare.startswith("Reminder") else f"\"{bare}\""


def _case_table(app: App) -> None:
    with app.store.transaction() as conn:
        rows = list(reversed(casebook.list_cases(conn)))
    say(f"   {'case':<13} {'kind':<10} {'state':<14} {'category':<20} {'urgency':<9} handler")
    for r in rows:
        handler = next((n for n, e in HANDLERS if e == r.handler_email), r.handler_email or
                       "unassigned")
        kind = "enquiry" if r.is_complaint is False else "complaint"
        say(f"   {r.ref:<13} {kind:<10} {r.state:<14} {r.category or '-':<20} "
            f"{r.urgency or '-':<9} {handler}")
        reasons = [
            x for x in (r.suggestion or {}).get("reasons", []) if not x.startswith("classifier")
        ]
        for reason in reasons[:2]:
            say(f"   {'':<13} why: {reason}")


def _the_enquiry(app: App) -> None:
    """What became of the thank-you note: an enquiry, never a complaint (issue 17)."""
    thanks = next(s for s in SAMPLES if s.subject == "Thank you")
    with app.store.transaction() as conn:
        case = casebook.open_case_for_sender(conn, thanks.sender)
        if case is None:
            return
        levels = select(reminders_fired.c.key).where(reminders_fired.c.case_id == case.id)
        fired = sorted(conn.execute(levels).scalars())
        kinds = Counter(conn.execute(select(outbox.c.kind).where(outbox.c.case_id == case.id))
                        .scalars())
        every = casebook.list_cases(conn)
    complaints = sum(1 for c in every if c.is_complaint is not False)
    if case.is_complaint is not False:
        say(f"   {case.ref} ({thanks.sender_name}'s thank-you note) was read as a complaint")
        return
    say(f"   {case.ref}, {thanks.sender_name}'s thank-you note, is an enquiry, not a complaint:")
    say(f"     clock levels recorded: {', '.join(fired) or 'none'} (a person is asked whether it "
        "is a complaint; no acknowledgement clock, no regulator deadline)")
    say(f"     letters: {kinds.get('enquiry_reply', 0)} neutral reply drafted, "
        f"{kinds.get('acknowledgement', 0)} complaint acknowledgement, "
        f"{kinds.get('holding_letter', 0)} holding letter; no breach escalated")
    say(f"     the trend report below counts complaints only: {complaints} of the {len(every)} "
        "cases")


@dataclass(frozen=True)
class _Stage:
    """Everything the story's chapters share: the servers, mailbot, and the moved clock's start."""

    app: App
    config: Config
    imap: ImapServer
    smtp: SmtpServer
    world: SmtpWorld
    imap_settings: MailboxSettings
    smtp_settings: SmtpSettings
    workdir: Path
    t0: datetime

    def run_once_at(self, moment: datetime) -> RunReport:
        """`mailbot run --once` with the clock standing at `moment`."""
        return run_once(self.app, self.imap_settings, self.smtp_settings,
                        clock=lambda: moment)


def run_demo(keep_dir: str | None = None) -> None:
    """Tell the story chapter by chapter; every server and file is cleaned up however it ends."""
    with ExitStack() as stack:
        stage = _set_the_stage(stack, keep_dir)
        _arrivals(stage)
        _first_pass(stage)
        _handlers_answer(stage)
        _what_clients_received(stage.app, stage.world)
        _time_passes(stage)
        _the_enquiry(stage.app)
        say()
        _trend_report(stage, keep_dir)
        _the_record(stage)


def _set_the_stage(stack: ExitStack, keep_dir: str | None) -> _Stage:
    workdir = Path(keep_dir) if keep_dir else Path(
        stack.enter_context(tempfile.TemporaryDirectory(prefix="mailbot-demo-")))
    workdir.mkdir(parents=True, exist_ok=True)
    imap = ImapServer(COMPLAINTS, "demo-password").start()
    stack.callback(imap.stop)
    world = SmtpWorld(COMPLAINTS, imap, authserv_id=f"mx.{FIRM_DOMAIN}")
    smtp = SmtpServer(world).start()
    stack.callback(smtp.stop)
    config = parse_config(_config(imap, smtp, workdir))
    logging.basicConfig(filename=workdir / "mailbot.log", level=logging.INFO, force=True)
    app = wiring.build_app(config)
    stack.callback(app.store.dispose)
    return _Stage(app=app, config=config, imap=imap, smtp=smtp, world=world,
                  imap_settings=wiring.mailbox_settings(config),
                  smtp_settings=wiring.smtp_settings(config), workdir=workdir,
                  t0=datetime.now(timezone.utc).replace(microsecond=0))


def _arrivals(stage: _Stage) -> None:
    imap, smtp, t0 = stage.imap, stage.smtp, stage.t0
    say("mailbot demo: Hartley & Quinn Solicitors (policy profile ew_sra, England & Wales)")
    say(f"A real IMAP server (pymap) on {imap.host}:{imap.port}, "
        f"a real SMTP server (aiosmtpd) on {smtp.host}:{smtp.port}, SQLite in {stage.workdir}.")
    say()
    say(f"1. Ten emails arrive at {COMPLAINTS}")
    for i, sample in enumerate(SAMPLES):
        _send(smtp, sample, t0 + timedelta(minutes=i))
        say(f"   - {sample.sender_name:<20} \"{sample.subject}\"  ({sample.note})")
    _send(smtp, SAMPLES[0], t0 + timedelta(minutes=20))  # the same client writes again
    say(f"   - {SAMPLES[0].sender_name:<20} writes again the same day "
        "(should join her case, not open a new one)")
    _send_raw(smtp, MALFORMED, "broken@nowhere.example")
    say("   - a message that is not an email at all (should be quarantined, bytes kept)")
    say()


def _first_pass(stage: _Stage) -> None:
    world = stage.world
    report = stage.run_once_at(stage.t0 + timedelta(minutes=30))
    say("2. mailbot run --once: every message recorded, then decided")
    say(f"   fetched {report.intake.fetched}: " +
        ", ".join(f"{n} {k}" for k, n in sorted(report.intake.outcomes.items())))
    _case_table(stage.app)
    acks = sum(1 for inbox in world.inboxes.values() for m in inbox
               if "received your complaint" in str(m["Subject"]))
    say(f"   {acks} acknowledgements sent automatically (threaded, case reference in the "
        "subject, no words of the client's echoed); nothing sent to the auto-reply or the "
        "newsletter")
    for name, email in HANDLERS:
        say(f"   {name} received {len(_requests_for(world, email))} approval request(s)")
    for _, email in HANDLERS:
        for request in _requests_for(world, email):
            text = _plain(request)
            if "Attached document:" in text:
                name = text.split("Attached document:", 1)[1].split("----------", 1)[0].strip()
                say(f"   the complaint sent as a Word letter ({name}): its approval request "
                    "shows the letter, and triage read it")
    for alert in world.inboxes[COMPLIANCE[1]]:
        if str(alert["Subject"]).startswith("Act today"):
            say(f"   {COMPLIANCE[0]} (compliance, partner) was alerted in the same pass: "
                f"\"{alert['Subject']}\"")
            steps = _plain(alert)
            first = steps.split("WHAT TO DO", 1)[-1].strip().splitlines()[0].strip(" -")
            say(f"     what to do: {first[:110]}{'...' if len(first) > 110 else ''}")
    say()


def _handlers_answer(stage: _Stage) -> None:
    say("3. Handlers answer by email "
        "(nothing but the acknowledgement reaches a client unapproved)")
    t1 = stage.t0 + timedelta(hours=2)
    requests = sorted(
        ((email, r) for _n, email in HANDLERS for r in _requests_for(stage.world, email)),
        key=lambda pair: str(pair[1]["Subject"]).rsplit("[", 1)[-1])
    if requests:
        _forgeries(stage, *requests[0], t1)
    actions = _answers(stage, requests, t1)
    report = stage.run_once_at(t1 + timedelta(minutes=5))
    say(f"   mailbot run --once: {report.intake.fetched} replies read, "
        f"{len(report.sending.sent)} emails sent")
    editor = next((email for email, verb, _s in actions if verb.startswith("edits")), None)
    if editor:
        _editor_confirms(stage, editor, t1)
    _decisions(stage.app)
    say()


def _forgeries(stage: _Stage, handler: str, request: EmailMessage, at: datetime) -> None:
    """Two approvals that must be refused: a stranger's, and one forging the handler's From."""
    _reply(stage.smtp, f"fraudster@{CLIENTS_FORGER}", request, "approve", at)
    say("   someone replies 'approve' to a forwarded request, "
        f"From: fraudster@{CLIENTS_FORGER}")
    _reply(stage.smtp, handler, request, "approve", at, login=False)
    say(f"   and again with a forged From: {handler} "
        "(the firm's server records dmarc=fail)")


def _answers(stage: _Stage, requests: list[tuple[str, EmailMessage]],
             at: datetime) -> list[tuple[str, str, str]]:
    """The handlers' three kinds of answer: approve with a corrective action, edit, reject."""
    due = (stage.t0 + timedelta(days=10)).astimezone(stage.config.firm.zone).date()
    action = (f"cause nobody owned the buyer's enquiries\naction a named person answers "
              f"buyers' enquiries within two days owner {HANDLERS[1][1]} due "
              f"{due.isoformat()}\napprove")
    actions = []
    for (email, request), (verb, body) in zip(requests, (
        ("approves, recording a root cause and a corrective action", action),
        ("edits, then approves", None),
        ("rejects", "reject I will phone the client first"),
    )):
        if body is None:
            draft = _draft_block(request)
            body = "approve\n\n" + draft.replace(
                "is reviewing your file",
                "has asked the buyer's solicitor for their replies today and is reviewing "
                "your file"
            )
        _reply(stage.smtp, email, request, body, at)
        actions.append((email, verb, str(request["Subject"])))
        say(f"   {email.split('@')[0]} {verb}: {request['Subject']}")
    return actions


def _editor_confirms(stage: _Stage, editor: str, t1: datetime) -> None:
    """An edited letter goes out only after its editor approves it exactly as it will go."""
    confirm = next((m for m in stage.world.inboxes.get(editor, [])
                    if "This is the letter exactly as it will go" in _plain(m)), None)
    if confirm is None:
        return
    say(f"   {editor.split('@')[0]} gets the edited letter back, exactly as it will go out, "
        "and approves it")
    _reply(stage.smtp, editor, confirm, "approve", t1 + timedelta(minutes=10))
    report = stage.run_once_at(t1 + timedelta(minutes=15))
    say(f"   mailbot run --once: {report.intake.fetched} reply read, "
        f"{len(report.sending.sent)} emails sent")


def _decisions(app: App) -> None:
    with app.store.transaction() as conn:
        shown = ["letter.approved", "letter.rejected", "letter.edited", "approval.refused",
                 "action.created"]
        decisions = list(
            conn.execute(
                select(audit_events.c.kind, audit_events.c.case_ref, audit_events.c.actor,
                       audit_events.c.detail).where(audit_events.c.kind.in_(shown))))
        notes = {n.id: n.body
                 for n in conn.execute(select(case_notes.c.id, case_notes.c.body))}
    for kind, ref, actor, detail in decisions:
        why = detail.get("reason") or notes.get(detail.get("note_id"))  # a reason is a note
        extra = f" ({why})" if why else ""
        if kind == "action.created":
            extra = (f" (#{detail['action_id']}, owner {detail['owner']}, "
                     f"due {detail['due_on']})")
        say(f"   audit: {kind:<18} {ref or '-':<12} by {actor}{extra}")


def _what_clients_received(app: App, world: SmtpWorld) -> None:
    say("4. What each client received")
    for sample in SAMPLES:
        inbox = world.inboxes.get(sample.sender.lower(), [])
        machine = any(name.lower() in ("auto-submitted", "list-id")
                      for name, _v in sample.headers)
        subjects = "; ".join(str(m["Subject"]) for m in inbox)
        if not subjects:
            subjects = ("nothing (machine mail is never answered)" if machine
                        else _why_no_letter(app, sample.sender))
        say(f"   {sample.sender:<32} {subjects}")
    say()


def _why_no_letter(app: App, sender: str) -> str:
    """Say why a person's message drew no letter: triage's own signal, so a message it was
    unsure about is not presented as one it decided was no complaint."""
    with app.store.transaction() as conn:
        case = casebook.open_case_for_sender(conn, sender)
    signal = (case.suggestion or {}).get("complaint_signal") if case else None
    if signal == "uncertain":
        return ("nothing yet (uncertain whether it is a complaint: held as an enquiry until a "
                "handler decides; a neutral reply waits for a handler)")
    return ("nothing yet (not a complaint: held as an enquiry, a neutral reply waits "
            "for a handler)")


def _time_passes(stage: _Stage) -> None:
    t0, inboxes = stage.t0, stage.world.inboxes
    say("5. Time passes (the clock is moved; everything else is real)")
    for label, moment in (("two weeks later", t0 + timedelta(days=15, hours=9)),
                          ("week 7 of the 8-week deadline", t0 + timedelta(weeks=7, hours=1)),
                          ("8 weeks and a day later",
                           t0 + timedelta(weeks=8, days=1, hours=1))):
        before = {e: len(inboxes[e]) for _n, e in HANDLERS + (COMPLIANCE,)}
        report = stage.run_once_at(moment)
        say(f"   {label}: {len(report.tick.fired)} deadline level(s) fired")
        for name, email in HANDLERS + (COMPLIANCE,):
            kinds = Counter(_what(str(m["Subject"])) for m in inboxes[email][before[email]:])
            if kinds:
                say(f"     {name} received " +
                    ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    say()


def _trend_report(stage: _Stage, keep_dir: str | None) -> None:
    t0 = stage.t0
    page, lines = build_report(stage.app,
                               t0.date() - timedelta(days=1), (t0 + timedelta(weeks=9)).date(),
                               now=t0 + timedelta(weeks=9))
    report_path = stage.workdir / "report.html"
    report_path.write_text(page, encoding="utf-8")
    say("6. The trend report for the compliance partner")
    for line in lines:
        say(f"   {line}")
    say(f"   written to {report_path}" + ("" if keep_dir else " (use --keep DIR to keep it)"))
    say()


def _the_record(stage: _Stage) -> None:
    with stage.app.store.transaction() as conn:
        problems = audit.verify(conn)
        events = len(list(conn.execute(select(audit_events.c.id))))
        letters = list(conn.execute(select(outbox.c.status)))
    say("7. The record")
    say(f"   {events} audit events, hash chain {'intact' if not problems else 'BROKEN'}; "
        f"{sum(1 for (s,) in letters if s == 'sent')} emails sent, "
        f"{sum(1 for (s,) in letters if s == 'draft')} drafts awaiting approval")
    say(f"   mailbox folders now: {stage.imap.folder_counts()}")
    say()
    say("Try it yourself: mailbot inspect tests/fixtures/mail/*.eml | head; mailbot --help")


CLIENTS_FORGER = "forger.example"
