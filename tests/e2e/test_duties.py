"""The firm's duties as working mechanisms, end to end over Dovecot and SMTP (issue 19).

A critical complaint alerts compliance and the partner in the same pass (F17); a personal-data
breach gets its 72-hour reminders until the ICO decision is recorded; a corrective action is
reminded to its owner and reported; a subject access request gets its one-month clock and its
export is audited (F16); a purge removes notes and rejection reasons, and cases left at
"responded" (F15); the first substantive letter restates the complaint and the client's reply is
filed as a correction, with adjustments offered to a vulnerable client (F24); the register's
fields are recorded and exported (F19).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mailbot.service.digest import send_digest
from mailbot.service.retention import purge
from mailbot.service.trend_report import build_report, send_monthly_report
from mailbot.store import audit
from mailbot.store.tables import audit_events, case_messages, case_notes, cases
from tests.e2e.harness import Firm, ImapUser, make_firm, mailbot_cli
from tests.e2e.test_regimes import (PLACEHOLDER_LINE, audit_kinds, case_row, handler_of, newest,
                                    plain, reply, requests, send_final)
from tests.e2e.test_service import _write_config
from tests.servers.dovecot import DovecotServer

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # Monday 2 March 2026, 09:30 GMT
REF = "C-2026-0001"
CRITICAL = ("We are due to complete tomorrow and I have just had an email from your accounts team "
            "saying your bank details have changed and I should send the deposit balance to a new "
            "account. Is this real? I cannot reach anyone on the phone.")
BREACH = ("You emailed my divorce papers to the wrong person: my neighbour received them "
          "yesterday. Nobody has explained how this happened and I am very upset.")
DELAY = ("I instructed you on the sale of my flat in January and nobody has returned my calls for "
         "three weeks. The buyer's solicitors are still waiting for replies. I want this put "
         "right.")
VULNERABLE = DELAY + " I have a disability and need things explained slowly."
SAR = ("Please send me a copy of all the personal information you hold about me. This is a "
       "subject access request.")


@pytest.fixture
def firm(dovecot: DovecotServer, make_smtp_server: Any, tmp_path: Path) -> Firm:
    return make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path, with_partner=True)


def subjects(firm: Firm, user: ImapUser | None) -> list[str]:
    assert user is not None
    return [str(m["Subject"]) for m in firm.inbox(user)]


def mail_to(firm: Firm, user: ImapUser | None, starting: str) -> list[EmailMessage]:
    assert user is not None
    return [m for m in firm.inbox(user) if str(m["Subject"]).startswith(starting)]


def reminder_lines(firm: Firm, user: ImapUser, words: str) -> list[str]:
    return [line for m in mail_to(firm, user, "Reminder") for line in plain(m).splitlines()
            if words in line]


def cli(firm: Firm, tmp_path: Path, *args: str) -> str:
    config = tmp_path / "mailbot.toml"
    if not config.exists():
        _write_config(firm, config)
    done = mailbot_cli(*args, "--config", str(config))
    assert done.returncode == 0, done.stderr
    return done.stdout


def approve_edited(firm: Firm, label: str, change: tuple[str, str], at: datetime) -> None:
    """The handler changes the draft and approves; the letter comes back as it will go out, and
    the handler approves it again an hour later; mailbot sends it."""
    reply(firm, "approve", at, label=label, change=change)
    confirm = [m for m in requests(firm, REF, label) if "exactly as it will go out" in plain(m)]
    firm.reply_as(handler_of(firm, REF), confirm[-1], "approve", at=at + timedelta(hours=1))
    firm.run(at + timedelta(hours=1, minutes=1))


def audit_details(firm: Firm, kind: str) -> list[dict[str, Any]]:
    with firm.app.store.transaction() as conn:
        query = select(audit_events.c.detail).where(audit_events.c.kind == kind)
        return [dict(d) for d in conn.execute(query.order_by(audit_events.c.id)).scalars()]


# -- 1. escalation the same day (F17) ---------------------------------------------------------

def test_a_critical_complaint_alerts_compliance_and_the_partner_in_the_same_pass(
        firm: Firm) -> None:
    firm.client_writes("URGENT completion tomorrow", CRITICAL, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    for person in (firm.compliance, firm.partner):
        [alert] = mail_to(firm, person, "Act today")
        assert f"[{REF}]" in str(alert["Subject"]) and "critical" in str(alert["Subject"])
        text = plain(alert)
        assert "not in the morning digest" in text
        assert "says bank details were changed or a payment went astray" in text  # the trigger
        assert "Rated critical: act today" in text  # what to do
        assert "accounts team" not in text, "the alert never quotes the client"
    assert case_row(firm).urgency == "critical"
    assert "ACT TODAY" in plain(newest(firm)), "the handler's approval request says so too"

    firm.run(T0 + timedelta(minutes=30))
    assert len(mail_to(firm, firm.compliance, "Act today")) == 1, "alerted once"
    assert audit_kinds(firm).count("case.escalated") == 1


def test_a_handler_who_rates_a_case_critical_alerts_compliance_at_once(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    assert mail_to(firm, firm.compliance, "Act today") == []
    reply(firm, "urgency critical", T0 + timedelta(hours=1))
    [alert] = mail_to(firm, firm.compliance, "Act today")
    assert f"flagged by {handler_of(firm, REF).address.lower()}" in plain(alert)
    assert mail_to(firm, firm.partner, "Act today")


# -- 1. a personal-data breach: 72 hours to decide on the ICO ---------------------------------

def test_a_data_breach_gets_its_72_hour_reminders_until_the_decision_is_recorded(
        firm: Firm, tmp_path: Path) -> None:
    firm.client_writes("My divorce papers", BREACH, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    [alert] = mail_to(firm, firm.compliance, "Act today")
    assert "data breach" in str(alert["Subject"])
    assert "until Thursday 5 March 2026 at 09:30 GMT" in plain(alert)
    request = plain(newest(firm))
    assert "PERSONAL-DATA BREACH: THE ICO DECISION" in request
    assert "Decide whether to notify the ICO of the breach by: Thursday 5 March 2026" in request

    send_digest(firm.app, now=T0 + timedelta(hours=2))  # the morning digest lists it too
    firm.run(T0 + timedelta(hours=2, minutes=1))
    [digest] = [plain(m) for m in firm.inbox(firm.compliance)
                if "digest" in str(m["Subject"]).lower()]
    assert f"{REF}: the ICO notification decision on a possible breach is due" in digest

    ico = "the ICO notification decision is due"
    firm.run(T0 + timedelta(hours=23))
    assert reminder_lines(firm, firm.compliance, ico) == []
    firm.run(T0 + timedelta(hours=25))
    assert len(reminder_lines(firm, firm.compliance, ico)) == 1
    assert len(reminder_lines(firm, handler_of(firm, REF), ico)) == 1
    firm.run(T0 + timedelta(hours=49))
    assert len(reminder_lines(firm, firm.compliance, ico)) == 2

    reason = "sent to the client's former neighbour, who returned them unread: low risk"
    reply(firm, f"breach notifiable no: {reason}", T0 + timedelta(hours=50))
    firm.run(T0 + timedelta(hours=67))
    firm.run(T0 + timedelta(hours=73))
    assert len(reminder_lines(firm, firm.compliance, ico)) == 2, "no reminder after the decision"
    assert reminder_lines(firm, firm.compliance, "72 hours have passed") == []

    case = case_row(firm)
    assert case.breach_notifiable is False and case.breach_decided_at is not None
    [decided] = audit_details(firm, "case.breach_decided")
    assert decided["within_72_hours"] is True and "note_sha256" in decided
    assert reason not in str(decided), "the trail keeps a hash; the words are a purgeable note"
    with firm.app.store.transaction() as conn:
        notes = [n.body for n in conn.execute(select(case_notes.c.body))]
    assert any(reason in (body or "") for body in notes)
    rows = list(csv.DictReader(io.StringIO(cli(firm, tmp_path, "register", "--csv"))))
    assert rows[0]["data_breach_ico_decision"] == "not notifiable"


# -- 3. a corrective action is reminded, then reported ----------------------------------------

def test_an_action_is_reminded_to_its_owner_and_then_reported(firm: Firm, tmp_path: Path) -> None:
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    owner = firm.other_handler
    reply(firm, "cause completion statements were not checked\n"
                f"action check every completion statement twice owner {owner.address} "
                "due 2026-03-31", T0 + timedelta(hours=1))
    [made] = mail_to(firm, owner, "Corrective action #1 is yours")
    assert "due Tuesday 31 March 2026" in str(made["Subject"])
    assert "check every completion statement twice" in plain(made)

    firm.run(datetime(2026, 3, 23, 8, tzinfo=timezone.utc))
    assert mail_to(firm, owner, "Corrective action #1 is due") == []
    firm.run(datetime(2026, 3, 24, 8, tzinfo=timezone.utc))
    assert len(mail_to(firm, owner, "Corrective action #1 is due on Tuesday 31 March")) == 1
    firm.run(datetime(2026, 3, 31, 8, tzinfo=timezone.utc))
    assert len(mail_to(firm, owner, "Corrective action #1 is due today")) == 1
    later = datetime(2026, 4, 8, 8, tzinfo=timezone.utc)
    firm.run(later)
    firm.run(later + timedelta(hours=1))
    assert len(mail_to(firm, owner, "Corrective action #1 is overdue")) == 1, "once a week"

    page, lines = build_report(firm.app, T0.date(), datetime(2026, 3, 31).date(), now=later)
    assert "Corrective actions: 1 open (1 overdue)" in " ".join(lines)
    assert "Root causes by category, and what was done" in page
    assert "Completion statements were not checked" in page and "#1 overdue" in page

    cli(firm, tmp_path, "actions", "done", "1", "--by", firm.compliance.address)
    firm.run(later + timedelta(days=1))
    assert mail_to(firm, owner, "Did corrective action #1 work?"), "closing it asks"
    cli(firm, tmp_path, "actions", "worked", "1", "yes", "--by", firm.compliance.address)
    page, lines = build_report(firm.app, T0.date(), datetime(2026, 3, 31).date(),
                               now=later + timedelta(days=2))
    assert "1 confirmed to have worked" in " ".join(lines)
    assert "#1 done, worked" in page
    assert audit_kinds(firm).count("action.reminded") == 3


# -- 4. training and policy review ----------------------------------------------------------

def test_the_monthly_report_tells_the_training_lead_the_lessons_and_the_reviews_due(
        dovecot: DovecotServer, make_smtp_server: Any, tmp_path: Path) -> None:
    lead = dovecot.new_user("training")
    firm = make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path, overrides={
        "firm": {"details_reviewed_on": date(2025, 3, 1)},
        "review": {"training_lead": lead.address}})
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    reply(firm, "outcome partly\ncause completion statements were not checked\n"
                "learning ring the client back within one working day", T0 + timedelta(hours=1))
    first_of_april = datetime(2026, 4, 1, 8, tzinfo=timezone.utc)
    assert send_monthly_report(firm.app, now=first_of_april) == 2  # compliance and the lead
    firm.run(first_of_april + timedelta(minutes=1))
    [report] = [m for m in firm.inbox(lead)
                if "Complaints trend report: March 2026" in str(m["Subject"])]
    summary = plain(report)
    assert ("Policy review due: The firm's contact details and complaints procedure (overdue "
            "since 2026-03-01)") in summary
    assert "Lessons for training: 1 learning note(s); 1 complaint(s) upheld" in summary
    page = report.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Lessons for training" in page and "ring the client back within one working day" in page
    assert "Root cause of upheld complaints" in page
    assert "Completion statements were not checked" in page
    assert "Profile ew_sra (its clocks, letters and ombudsman&#x27;s details)" in page
    assert "next due 2027-12-05" in page, "the shipped profile was reviewed on 2026-12-05"
    assert mail_to(firm, firm.compliance, "Complaints trend report: March 2026")


# -- 5. a subject access request gets its clock (F16) -----------------------------------------

def test_a_subject_access_request_gets_its_one_month_clock_and_the_export_is_audited(
        firm: Firm, dovecot: DovecotServer, tmp_path: Path) -> None:
    answered_by = dovecot.new_user("quick")
    firm.client_writes("My personal data", SAR, at=T0)
    firm.client_writes("My data please", SAR, at=T0 + timedelta(minutes=1), sender=answered_by)
    firm.run(T0 + timedelta(minutes=5))
    first = case_row(firm)
    assert firm.app.calendar.local(first.sar_due_at).date().isoformat() == "2026-04-02"
    request = plain(newest(firm))
    assert "SUBJECT ACCESS REQUEST" in request
    assert "Answer the subject access request by: Thursday 2 April 2026" in request

    out = tmp_path / "export"
    cli(firm, tmp_path, "export-person", answered_by.address, "--out", str(out),
        "--request", "C-2026-0002", "--by", firm.handler.address)
    [exported] = audit_details(firm, "subject_access.exported")
    assert exported["cases"] == ["C-2026-0002"] and exported["messages"] >= 1
    assert answered_by.address.lower() not in str(exported), "a hash, not the address"
    reply(firm, "sar done", T0 + timedelta(hours=2), ref="C-2026-0002")
    assert case_row(firm, "C-2026-0002").sar_done_at is not None

    words = "a subject access request must be answered"
    firm.run(datetime(2026, 3, 18, 8, tzinfo=timezone.utc))
    assert reminder_lines(firm, firm.compliance, words) == []
    firm.run(datetime(2026, 3, 19, 8, tzinfo=timezone.utc))
    [line] = reminder_lines(firm, firm.compliance, words)
    assert REF in line and "C-2026-0002" not in line, "the one answered is not reminded"
    firm.run(datetime(2026, 4, 3, 8, tzinfo=timezone.utc))
    [overdue] = reminder_lines(firm, firm.compliance, "a subject access request is overdue")
    assert REF in overdue


# -- 5. retention purges notes, and cases left at "responded" (F15) ---------------------------

def test_a_purge_removes_notes_and_reasons_of_a_case_left_at_responded(firm: Firm) -> None:
    secret = "the client's husband is in hospital this week"
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    reply(firm, f"note {secret}", T0 + timedelta(hours=1))
    reply(firm, "reject wrong tone: I will phone her first\ndraft final", T0 + timedelta(hours=2))
    finding = "1. Delay: upheld. We should have called you."
    approve_edited(firm, "final response", (PLACEHOLDER_LINE, finding), T0 + timedelta(hours=3))
    case = case_row(firm)
    assert case.state == "responded" and case.closed_at is None  # answered, never closed
    for detail in audit_details(firm, "case.note") + audit_details(firm, "letter.rejected"):
        assert "note_sha256" in detail
        assert secret not in str(detail) and "wrong tone" not in str(detail)

    responded = case.responded_at
    assert purge(firm.app, now=responded + timedelta(days=365 * 5)).cases == []
    assert purge(firm.app, now=responded + timedelta(days=365 * 6 + 2)).cases == [REF]
    with firm.app.store.transaction() as conn:
        notes = list(conn.execute(select(case_notes.c.kind, case_notes.c.body,
                                         case_notes.c.body_sha256)))
        assert {n.kind for n in notes} == {"note", "rejection"}
        assert all(n.body is None and n.body_sha256 for n in notes)
        purged = conn.execute(select(cases).where(cases.c.ref == REF)).one()
        assert purged.purged_at is not None and purged.category is not None
        assert purged.client_name is None and firm.client.address not in purged.client_address
        senders = {m.from_addr for m in conn.execute(select(case_messages.c.from_addr))}
        assert firm.client.address.lower() not in senders
        assert audit.verify(conn) == []
    [purge_event] = audit_details(firm, "retention.purged")
    assert purge_event["notes"] == 2


# -- 2. the first letter restates the complaint; the client's correction is filed -------------

def test_the_first_letter_restates_the_complaint_and_the_clients_correction_is_filed(
        firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", VULNERABLE, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    request = plain(newest(firm, label="progress update"))
    assert "OUR UNDERSTANDING OF THE COMPLAINT" in request
    assert "REASONABLE ADJUSTMENTS" in request
    point = "your matter has taken too long, or has stalled"
    assert point in request and "Help with communicating" in request

    edited = "the sale of your flat has stalled since January"
    approve_edited(firm, "progress update", (point, edited), T0 + timedelta(hours=1))
    [letter] = [m for m in firm.inbox(firm.client) if "update" in str(m["Subject"]).lower()]
    text = plain(letter)
    assert "Our understanding of your complaint" in text and edited in text
    assert "please reply to this email and tell us" in text
    case = case_row(firm)
    assert case.understanding_sent_at is not None
    assert case.adjustments == "offered", "the letter offered them: recorded"

    firm.client_writes("Re: update", "You have it right, but you also lost my ID documents.",
                       at=T0 + timedelta(days=1), in_reply_to=str(letter["Message-ID"]))
    firm.run(T0 + timedelta(days=1, minutes=1))
    with firm.app.store.transaction() as conn:
        kinds = [m.kind for m in conn.execute(select(case_messages.c.kind)
                                              .where(case_messages.c.direction == "in"))]
    assert kinds.count("correction") == 1
    assert "case.understanding_corrected" in audit_kinds(firm)
    latest = plain(newest(firm))
    assert "The client replied to our understanding of their complaint" in latest
    assert "lost my ID documents" in latest
    assert "OUR UNDERSTANDING OF THE COMPLAINT" not in latest, "restated once"


# -- 6. the register's fields (F19) ---------------------------------------------------------

def test_the_register_records_and_exports_who_and_what_area_and_whether_resolved(
        firm: Firm, tmp_path: Path) -> None:
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    assert case_row(firm).area_of_law == "conveyancing", "read from the matter"
    reply(firm, "about trainee\narea probate\nalso communication\nresolved no",
          T0 + timedelta(hours=1))
    send_final(firm, REF, T0 + timedelta(days=1))
    [row] = csv.DictReader(io.StringIO(cli(firm, tmp_path, "register", "--csv")))
    assert row["person_complained_about"] == "trainee"
    assert row["area_complained_about"] == "probate"
    assert "communication" in row["secondary_categories"].split(";")
    assert (row["finished"], row["resolved"]) == ("yes", "no"), "finished is not resolved"
