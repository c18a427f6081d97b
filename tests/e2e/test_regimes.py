"""The right rules for each case, end to end over Dovecot and SMTP (issue 17).

A firm with two regimes runs one complaint under each, and each letter carries its own
ombudsman and time limits (F1); a thank-you note is an enquiry with no complaint clock, and a
handler converts either way (F3, F11); the real date of receipt (F2); complainants who are not
the client (F4); closing needs a reason (F12); a timely holding letter is no breach (F13); a
draft approved late is re-dated (F25); the FCA waiver per case (F8).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mailbot.reports import register as reg
from mailbot.reports import returns
from mailbot.store.tables import audit_events, cases, corrections, outbox, reminders_fired
from tests.e2e.harness import Firm, make_firm
from tests.servers.dovecot import DovecotServer, ImapUser

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # Monday 2 March 2026
REF = "C-2026-0001"
DELAY = ("I instructed you on the sale of my flat in January and nobody has returned my calls "
         "for three weeks. The buyer's solicitors are still waiting for replies. I am very "
         "unhappy and want this put right.")
CREDIT = ("You arranged my car finance and added a broker commission nobody told me about. I have "
          "been overcharged and I want the commission refunded. I am very unhappy with how this "
          "was handled.")
THANKS = ("Just a quick note to say thank you to everyone who helped with my visa application. It "
          "came through today!\n\nBest wishes,\nChen")
BENEFICIARY = ("I am one of the beneficiaries of my late father's estate, which your firm "
               "handles. It has taken two years and nobody answers my emails. This is "
               "unacceptable.")
PLACEHOLDER_LINE = "[[TO COMPLETE: each point the client raised, and our finding on it]]"
FCA_URLS = {"complaints_procedure_url": "https://firm.example/complaints",
            "fos_leaflet_url": "https://firm.example/fos-leaflet.pdf"}
LEAFLET_LINE = ('"Your complaint and the ombudsman" explains how it works: '
                "https://firm.example/fos-leaflet.pdf")


@pytest.fixture
def firm(dovecot: DovecotServer, make_smtp_server: Any, tmp_path: Path) -> Firm:
    credit = "credit-complaints@" + dovecot.new_user("x").address.split("@")[1]
    return make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path, overrides={
        "firm": FCA_URLS, "regimes": [{"profile": "fca_disp", "recipients": [credit]}]})


def write_to(firm: Firm, sender: ImapUser, to: str, subject: str, body: str, at: datetime) -> None:
    """A client's email to one of the firm's complaints addresses, as the firm's MX delivers it."""
    msg = EmailMessage()
    msg["From"] = f"Sam Client <{sender.address}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = make_msgid(domain="client.example")
    msg.set_content(body)
    firm.deliver(msg, at=at)


def case_row(firm: Firm, ref: str = REF) -> Any:
    with firm.app.store.transaction() as conn:
        return conn.execute(select(cases).where(cases.c.ref == ref)).one()


def handler_of(firm: Firm, ref: str) -> ImapUser:
    """The handler the case was assigned to (mailbot spreads the load between the two)."""
    email = case_row(firm, ref).handler_email
    return next(u for u in (firm.handler, firm.other_handler) if u.address.lower() == email)


def plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    return body.get_content().replace("\r\n", "\n")  # type: ignore[union-attr]


def requests(firm: Firm, ref: str, label: str | None = None) -> list[EmailMessage]:
    found = []
    for m in firm.inbox(handler_of(firm, ref)):
        subject = str(m["Subject"])
        if "Approval needed" in subject and f"[{ref}]" in subject \
                and (label is None or f"Approval needed: {label} " in subject):
            found.append(m)
    return found


def newest(firm: Firm, ref: str = REF, label: str | None = None) -> EmailMessage:
    found = requests(firm, ref, label)
    assert found, f"no approval request for {label or 'a draft'} of {ref}"
    return found[-1]


def reply(firm: Firm, text: str, at: datetime, *, ref: str = REF, label: str | None = None,
          **options: Any) -> None:
    """The case's handler replies to its newest approval request, then mailbot runs."""
    firm.reply_as(handler_of(firm, ref), newest(firm, ref, label), text, at=at, **options)
    firm.run(at + timedelta(minutes=1))


def help_mail(firm: Firm) -> list[str]:
    return [plain(m) for m in firm.inbox(firm.handler)
            if "could not act" in str(m["Subject"]).lower()]


def letters_to(firm: Firm, user: ImapUser) -> list[str]:
    return [plain(m) for m in firm.inbox(user)]


def audit_kinds(firm: Firm, ref: str = REF) -> list[str]:
    with firm.app.store.transaction() as conn:
        query = select(audit_events.c.kind).where(audit_events.c.case_ref == ref)
        return list(conn.execute(query).scalars())


def levels(firm: Firm, ref: str = REF) -> set[str]:
    with firm.app.store.transaction() as conn:
        query = (select(reminders_fired.c.key).join(cases, cases.c.id == reminders_fired.c.case_id)
                 .where(cases.c.ref == ref))
        return set(conn.execute(query).scalars())


def facts(firm: Firm, now: datetime) -> list[reg.CaseFacts]:
    """Every case's register facts, each under its own regime (as `mailbot register` does)."""
    regimes = firm.app.regimes
    with firm.app.store.transaction() as conn:
        return reg.load_case_facts(conn, profile_for=lambda n: regimes.get(n).profile,
                                   cal=firm.app.calendar, now=now,
                                   calendar_for=lambda n: regimes.get(n).calendar)


def send_final(firm: Firm, ref: str, at: datetime,
               finding: str = "1. Delay: upheld. We should have called you.") -> None:
    """The handler asks for a final response, writes the findings into the draft and approves it
    twice (the edited letter comes back once, exactly as it will go out)."""
    reply(firm, "draft final", at, ref=ref)
    reply(firm, "approve", at + timedelta(minutes=2), ref=ref, label="final response",
          change=(PLACEHOLDER_LINE, finding))
    confirm = [m for m in requests(firm, ref, "final response")
               if "exactly as it will go out" in plain(m)]
    assert confirm, "the edited final response came back for approval"
    firm.reply_as(handler_of(firm, ref), confirm[-1], "approve", at=at + timedelta(minutes=4))
    firm.run(at + timedelta(minutes=5))


# -- F1: a firm with two regimes ------------------------------------------------------------------

def test_two_regimes_each_complaint_gets_its_own_ombudsman_and_time_limits(
        firm: Firm, dovecot: DovecotServer) -> None:
    borrower = dovecot.new_user("borrower")
    credit_address = firm.config.regimes[0].recipients[0]
    write_to(firm, firm.client, firm.complaints.address, "Sale of 4 Elm Road", DELAY, T0)
    write_to(firm, borrower, credit_address, "Car finance commission", CREDIT,
             T0 + timedelta(minutes=1))
    firm.run(T0 + timedelta(minutes=5))
    legal, credit = case_row(firm, "C-2026-0001"), case_row(firm, "C-2026-0002")
    assert (legal.profile, credit.profile) == ("ew_sra", "fca_disp")

    [legal_ack] = letters_to(firm, firm.client)
    [credit_ack] = letters_to(firm, borrower)
    assert "you may refer your complaint to the Legal Ombudsman" in legal_ack
    assert "Financial" not in legal_ack
    assert "you may refer your complaint to the Financial Ombudsman Service" in credit_ack
    assert "Legal Ombudsman" not in credit_ack
    # DISP 1.2.1R(3)(b) and DISP 1.6.1R(1)(b)
    assert "Our complaints procedure is at https://firm.example/complaints" in credit_ack
    assert ("We will send you our final response, or a letter explaining why we need more time, by"
            in credit_ack)
    assert "Monday 27 April 2026" in legal_ack and "Monday 27 April 2026" in credit_ack  # 8 weeks

    later = T0 + timedelta(days=2)  # within the approval requests' 72 hours
    send_final(firm, "C-2026-0001", later)
    send_final(firm, "C-2026-0002", later + timedelta(minutes=10),
               finding="1. Commission: upheld. We will refund it.")
    legal_final = letters_to(firm, firm.client)[-1]
    credit_final = letters_to(firm, borrower)[-1]
    assert "FINAL RESPONSE" in legal_final and "FINAL RESPONSE" in credit_final

    assert "YOUR RIGHT TO REFER YOUR COMPLAINT TO THE LEGAL OMBUDSMAN" in legal_final
    for detail in ("PO Box 6167, Slough, SL1 0EH", "0300 555 0333",
                   "within one year of the act or omission",
                   "within six months of the date of this letter, so by Friday 4 September 2026"):
        assert detail in legal_final, detail
    assert "Financial Ombudsman" not in legal_final

    assert "YOUR RIGHT TO REFER YOUR COMPLAINT TO THE FINANCIAL OMBUDSMAN SERVICE" in credit_final
    for detail in ("Exchange Tower, London, E14 9SR", "0800 023 4567",
                   "free of charge – but you must do so within six months of the date of this "
                   "letter",
                   "the Ombudsman will not have our permission to consider your complaint",
                   LEAFLET_LINE):
        assert detail in credit_final, detail
    assert "Legal Ombudsman" not in credit_final

    firm.run(T0 + timedelta(weeks=8, days=1))  # both answered in time: no breach under either
    assert "regulator_breach" not in levels(firm, "C-2026-0001") | levels(firm, "C-2026-0002")
    end = T0 + timedelta(weeks=9)
    fca = returns.compute_returns(facts(firm, end), T0.date(), end.date(), firm.app.calendar,
                                  regime="fca_disp")
    assert (fca.received, fca.closed) == (1, 1), "the FCA return holds the FCA complaint alone"


def test_a_handler_moves_a_case_to_another_regime_and_its_drafts_follow(firm: Firm) -> None:
    write_to(firm, firm.client, firm.complaints.address, "Car finance", CREDIT, T0)
    firm.run(T0 + timedelta(minutes=5))
    assert case_row(firm).profile == "ew_sra"
    reply(firm, "regime fca_disp", T0 + timedelta(hours=1))
    assert case_row(firm).profile == "fca_disp"
    assert "case.regime_set" in audit_kinds(firm)
    again = plain(newest(firm))
    assert "under fca_disp" in again
    assert "Regime:     fca_disp (Financial Ombudsman Service)" in again
    assert ("Summary resolution (FCA; reply 'draft summary' if resolved) by: Thursday 5 March 2026"
            in again)
    reply(firm, "draft final", T0 + timedelta(hours=2))
    draft = plain(newest(firm, label="final response"))
    assert "Financial Ombudsman Service" in draft and "Legal Ombudsman" not in draft
    assert "TIME LIMITS (FCA)" in draft  # the handler is asked about the waiver

    reply(firm, "regime scot_slcc", T0 + timedelta(hours=3))
    assert case_row(firm).profile == "fca_disp", "Scottish rules need a Scottish calendar"
    assert help_mail(firm) and "SCT" in help_mail(firm)[-1]


def test_the_fca_waiver_is_chosen_per_case(firm: Firm) -> None:
    write_to(firm, firm.client, firm.config.regimes[0].recipients[0], "Car finance", CREDIT, T0)
    firm.run(T0 + timedelta(minutes=5))
    reply(firm, "waive time limits yes\ndraft final", T0 + timedelta(hours=1))
    assert case_row(firm).waive_time_limits is True
    draft = plain(newest(firm, label="final response"))
    assert "We consent to the Ombudsman considering your complaint" in draft
    assert "will not have our permission" not in draft


# -- F3, F11: a thank-you note is an enquiry; a person decides ------------------------------------

def test_a_thank_you_note_is_an_enquiry_with_no_complaint_clock(firm: Firm) -> None:
    firm.client_writes("Thank you", THANKS, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    case = case_row(firm)
    assert case.is_complaint is False and case.complaint_decided_by is None
    assert firm.inbox(firm.client) == [], "no complaint acknowledgement to a thank-you note"
    text = plain(newest(firm, label="reply"))
    assert "A reply for enquiry C-2026-0001" in text and "READ AS NOT A COMPLAINT" in text
    assert "complaint yes" in text
    assert "Decide whether it is a complaint by: Tuesday 3 March 2026" in text
    draft = text.split("THE DRAFT", 1)[1]
    assert "cause to complain" not in text and "Ombudsman" not in draft

    for when in (T0 + timedelta(days=1, hours=1), T0 + timedelta(weeks=7, hours=1),
                 T0 + timedelta(weeks=8, days=1)):
        firm.run(when)
    assert levels(firm) == {"triage_due"}, "only the triage reminder: no holding letter, no breach"
    reminders = [plain(m) for m in firm.inbox(firm.handler) if "Reminder" in str(m["Subject"])]
    assert reminders and "whether it is a complaint" in reminders[0]
    with firm.app.store.transaction() as conn:
        query = select(outbox.c.kind).where(outbox.c.status == "draft")
        drafts = list(conn.execute(query).scalars())
    assert "holding_letter" not in drafts


def test_approving_the_reply_confirms_it_is_not_a_complaint(firm: Firm) -> None:
    firm.client_writes("Thank you", THANKS, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    reply(firm, "approve", T0 + timedelta(hours=1), label="reply")
    [answer] = letters_to(firm, firm.client)
    assert "Thank you for your message" in answer
    assert "complaint" not in answer.split("If you meant", 1)[0].lower()
    case = case_row(firm)
    assert case.is_complaint is False and case.complaint_decided_by == firm.handler.address.lower()
    firm.run(T0 + timedelta(days=2))
    assert levels(firm) == set(), "triaged: no reminder"

    # The client writes again: new words may make it a complaint, so a person looks again.
    ours = firm.inbox(firm.client)[-1]
    firm.client_writes(f"Re: {ours['Subject']}", "One more thing: your invoice was wrong and I "
                       "want a refund.", at=T0 + timedelta(days=3), in_reply_to=ours["Message-ID"])
    firm.run(T0 + timedelta(days=3, minutes=1))
    again = newest(firm)
    assert "Approval needed: reply " in str(again["Subject"])
    assert "READ AS NOT A COMPLAINT" in plain(again)
    reply(firm, "draft final", T0 + timedelta(days=3, hours=1))
    assert help_mail(firm) and "held as an enquiry" in help_mail(firm)[-1]


def test_an_enquiry_converted_to_a_complaint_is_clocked_from_its_receipt(firm: Firm) -> None:
    firm.client_writes("My will", "Could you please send me a copy of my will?", at=T0)
    firm.run(T0 + timedelta(minutes=5))
    assert case_row(firm).is_complaint is False
    reply(firm, "complaint yes", T0 + timedelta(days=2))
    case = case_row(firm)
    assert case.is_complaint is True and case.received_at == T0
    shown = plain(newest(firm, label="acknowledgement"))
    assert "Acknowledge by: Thursday 5 March 2026" in shown
    assert "Regulator deadline: Monday 27 April 2026" in shown
    firm.run(T0 + timedelta(days=4))  # Friday: the acknowledgement was due 3 working days after
    assert "ack_overdue" in levels(firm)
    with firm.app.store.transaction() as conn:
        query = select(corrections.c.field, corrections.c.old_value, corrections.c.new_value)
        label = conn.execute(query).one()
    assert tuple(label) == ("is_complaint", "no", "yes"), "kept as a training label"
    ack_request = newest(firm, label="acknowledgement")
    assert "Now a complaint" in plain(ack_request)
    firm.reply_as(firm.handler, ack_request, "approve", at=T0 + timedelta(days=4, hours=1))
    firm.run(T0 + timedelta(days=4, hours=1, minutes=1))
    ack = letters_to(firm, firm.client)[-1]
    assert "We have recorded your message as a complaint" in ack and "Monday 2 March 2026" in ack


def test_a_complaint_marked_as_not_one_stops_its_clocks_and_leaves_the_figures(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    reply(firm, "complaint no", T0 + timedelta(hours=1))
    assert case_row(firm).is_complaint is False
    assert "Approval needed: reply" in str(newest(firm)["Subject"])
    firm.run(T0 + timedelta(weeks=8, days=1))
    assert not levels(firm) & {"holding_letter", "regulator_breach"}
    end = T0 + timedelta(weeks=9)
    figures = returns.compute_returns(facts(firm, end), T0.date(), end.date(), firm.app.calendar)
    assert (figures.received, figures.not_complaints) == (0, 1)


# -- F2: the real date of receipt -----------------------------------------------------------------

def test_the_handler_corrects_the_date_of_receipt_and_every_clock_follows(firm: Firm) -> None:
    firm.client_writes("Fwd: my complaint", DELAY, at=T0)  # made to another office 2 weeks earlier
    firm.run(T0 + timedelta(minutes=5))
    assert "Monday 27 April 2026" in plain(newest(firm))  # 8 weeks from the inbox's date
    reply(firm, "received 2026-02-16", T0 + timedelta(hours=1))
    case = case_row(firm)
    assert case.received_at == firm.app.calendar.start_of(datetime(2026, 2, 16).date())
    again = plain(newest(firm))
    assert "The date of receipt is now 16 February 2026" in again
    assert "Regulator deadline: Monday 13 April 2026" in again
    assert "case.received_set" in audit_kinds(firm)

    reply(firm, "received 2026-02-27", T0 + timedelta(hours=2))
    assert case_row(firm).received_at == case.received_at, "later needs a partner"
    assert help_mail(firm) and "needs a partner" in help_mail(firm)[-1]


# -- F4: a complainant who is not the client ------------------------------------------------------

def test_a_beneficiary_is_written_to_as_a_third_party(firm: Firm) -> None:
    firm.client_writes("My father's estate", BENEFICIARY, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    if "third_party" not in (case_row(firm).flags or []):
        pytest.skip("triage did not flag this writer as a third party")
    assert case_row(firm).complainant == "third_party"
    [ack] = letters_to(firm, firm.client)
    assert "your matter" not in ack and "owe them a duty of confidentiality" in ack
    assert "you can ask the Legal Ombudsman whether it can consider your complaint" in ack
    request = plain(newest(firm))
    assert "THE COMPLAINANT MAY NOT BE OUR CLIENT" in request
    assert "generally not from the other side" in request
    assert "reviewing the file" in request and "your file" not in request

    reply(firm, "complainant client", T0 + timedelta(hours=1))
    assert case_row(firm).complainant == "client"
    assert "reviewing your file" in plain(newest(firm))
    with firm.app.store.transaction() as conn:
        label = conn.execute(select(corrections.c.field, corrections.c.new_value)).one()
    assert tuple(label) == ("complainant", "client")


# -- F12: closing before a final response needs the handler's reason ------------------------------

def test_close_before_a_final_response_needs_a_reason_and_is_reported_as_such(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    reply(firm, "close", T0 + timedelta(hours=1))
    assert case_row(firm).state != "closed"
    assert help_mail(firm) and "needs a reason" in help_mail(firm)[-1]

    reply(firm, "close withdrawn: the client phoned to withdraw it", T0 + timedelta(hours=2))
    case = case_row(firm)
    assert case.state == "closed"
    assert case.close_reason == "withdrawn: the client phoned to withdraw it"
    [fact] = facts(firm, T0 + timedelta(weeks=9))
    row = reg.register_row(fact, firm.app.calendar)
    assert row["closed_without_final_response"] == "withdrawn"
    assert row["finished"] == "closed without final response"
    assert row["respond_deadline"] == row["regulator_deadline"] == "closed_without_final_response"


# -- F13: a holding letter sent in time is no breach ----------------------------------------------

def test_a_holding_letter_sent_before_eight_weeks_is_no_breach(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    week7 = T0 + timedelta(weeks=7, hours=1)
    firm.run(week7)
    holding = newest(firm, label="holding letter")
    assert "within one year of the act or omission" in plain(holding)  # F7: the LeO time frame
    firm.reply_as(firm.handler, holding, "approve", at=week7 + timedelta(hours=1))
    firm.run(week7 + timedelta(hours=1, minutes=1))
    subject = str(firm.inbox(firm.client)[-1]["Subject"])
    assert "Your complaint: our final response will take a little longer" in subject
    firm.run(T0 + timedelta(weeks=8, days=1))
    assert "regulator_breach" not in levels(firm)
    [fact] = facts(firm, T0 + timedelta(weeks=9))
    row = reg.register_row(fact, firm.app.calendar)
    assert row["regulator_deadline"] == "met" and row["date_holding_letter"] == "2026-04-20"


# -- F25: a draft approved on a later day is re-dated ---------------------------------------------

def test_a_draft_approved_two_days_later_goes_out_dated_that_day(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    request = newest(firm, label="progress update")
    assert "Monday 2 March 2026" in plain(request).split("DRAFT START", 1)[1]
    firm.reply_as(firm.handler, request, "approve", at=T0 + timedelta(days=2))
    firm.run(T0 + timedelta(days=2, minutes=1))
    letter = letters_to(firm, firm.client)[-1]
    assert letter.startswith("Wednesday 4 March 2026")
    assert "Monday 2 March 2026" not in letter.split("Dear", 1)[0]
    assert "letter.redated" in audit_kinds(firm)
