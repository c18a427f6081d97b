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
DELAY = ("I instructed you on the sale of my flat in January and nobody has returned my calls for three weeks. "
         "The buyer's solicitors are still waiting for replies. I am very unhappy and want this put right.")
CREDIT = ("You arranged my car finance and added a broker commission nobody told me about. I have been overcharged "
          "and I want the commission refunded. I am very unhappy with how this was handled.")
THANKS = ("Just a quick note to say thank you to everyone who helped with my visa application. It came through "
          "today!\n\nBest wishes,\nChen")
BENEFICIARY = ("I am one of the beneficiaries of my late father's estate, which your firm handles. It has taken two "
               "years and nobody answers my emails. This is unacceptable.")
PLACEHOLDER_LINE = "[[TO COMPLETE: each point the client raised, and our finding on it]]"
FCA_URLS = {"complaints_procedure_url": "https://firm.example/complaints",
            "fos_leaflet_url": "https://firm.example/fos-leaflet.pdf"}


@pytest.fixture
def firm(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> Firm:  # type: ignore[no-untyped-def]
    firm = make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path, overrides={
        "firm": FCA_URLS,
        "regimes": [{"profile": "fca_disp", "recipients": [credit_address(dovecot)]}],
    })
    return firm


def credit_address(dovecot: DovecotServer) -> str:
    return "credit-complaints@" + dovecot.new_user("x").address.split("@")[1]


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


def handler_of(firm: Firm, ref: str) -> ImapUser:
    """The handler the case was assigned to (mailbot spreads the load between the two)."""
    email = case_row(firm, ref).handler_email
    return next(user for user in (firm.handler, firm.other_handler) if user.address.lower() == email)


def requests(firm: Firm, ref: str, label: str | None = None) -> list[EmailMessage]:
    return [m for m in firm.inbox(handler_of(firm, ref)) if "Approval needed" in str(m["Subject"])
            and f"[{ref}]" in str(m["Subject"]) and (label is None or f"Approval needed: {label} " in str(m["Subject"]))]


def newest(firm: Firm, ref: str, label: str | None = None) -> EmailMessage:
    found = requests(firm, ref, label)
    assert found, f"no approval request for {label or 'a draft'} of {ref}"
    return found[-1]


def plain(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]


def letters_to(firm: Firm, user: ImapUser) -> list[str]:
    return [plain(m) for m in firm.inbox(user)]


def case_row(firm: Firm, ref: str) -> Any:
    with firm.app.store.transaction() as conn:
        return conn.execute(select(cases).where(cases.c.ref == ref)).one()


def audit_kinds(firm: Firm, ref: str) -> list[str]:
    with firm.app.store.transaction() as conn:
        return list(conn.execute(select(audit_events.c.kind).where(audit_events.c.case_ref == ref)).scalars())


def levels(firm: Firm, ref: str) -> set[str]:
    with firm.app.store.transaction() as conn:
        return set(conn.execute(select(reminders_fired.c.key).join(cases, cases.c.id == reminders_fired.c.case_id)
                                .where(cases.c.ref == ref)).scalars())


def send_final(firm: Firm, ref: str, at: datetime, finding: str = "1. Delay: upheld. We should have called you.") -> None:
    """The handler asks for a final response, writes the findings into the draft and approves it twice
    (the edited letter comes back once, exactly as it will go out)."""
    handler = handler_of(firm, ref)
    firm.reply_as(handler, newest(firm, ref), "draft final", at=at)
    firm.run(at + timedelta(minutes=1))
    draft = newest(firm, ref, "final response")
    firm.reply_as(handler, draft, "approve", at=at + timedelta(minutes=2), change=(PLACEHOLDER_LINE, finding))
    firm.run(at + timedelta(minutes=3))
    confirm = [m for m in requests(firm, ref, "final response") if "exactly as it will go out" in plain(m)]
    assert confirm, "the edited final response came back for approval"
    firm.reply_as(handler, confirm[-1], "approve", at=at + timedelta(minutes=4))
    firm.run(at + timedelta(minutes=5))


# -- F1: a firm with two regimes ----------------------------------------------------------------------

def test_two_regimes_each_complaint_gets_its_own_ombudsman_and_time_limits(firm: Firm, dovecot: DovecotServer) -> None:
    borrower = dovecot.new_user("borrower")
    write_to(firm, firm.client, firm.complaints.address, "Sale of 4 Elm Road", DELAY, T0)
    write_to(firm, borrower, firm.config.regimes[0].recipients[0], "Car finance commission", CREDIT,
             T0 + timedelta(minutes=1))
    firm.run(T0 + timedelta(minutes=5))
    legal, credit = case_row(firm, "C-2026-0001"), case_row(firm, "C-2026-0002")
    assert (legal.profile, credit.profile) == ("ew_sra", "fca_disp")

    [legal_ack] = letters_to(firm, firm.client)
    [credit_ack] = letters_to(firm, borrower)
    assert "you may refer your complaint to the Legal Ombudsman" in legal_ack and "Financial" not in legal_ack
    assert "you may refer your complaint to the Financial Ombudsman Service" in credit_ack
    assert "Legal Ombudsman" not in credit_ack
    assert "Our complaints procedure is at https://firm.example/complaints" in credit_ack  # DISP 1.2.1R(3)(b)
    assert "We will send you our final response, or a letter explaining why we need more time, by" in credit_ack
    assert "Monday 27 April 2026" in legal_ack and "Monday 27 April 2026" in credit_ack  # 8 weeks each

    later = T0 + timedelta(days=2)  # within the approval requests' 72 hours
    send_final(firm, "C-2026-0001", later)
    send_final(firm, "C-2026-0002", later + timedelta(minutes=10), finding="1. Commission: upheld. We will refund it.")
    legal_final, credit_final = letters_to(firm, firm.client)[-1], letters_to(firm, borrower)[-1]
    assert "FINAL RESPONSE" in legal_final and "FINAL RESPONSE" in credit_final

    assert "YOUR RIGHT TO REFER YOUR COMPLAINT TO THE LEGAL OMBUDSMAN" in legal_final
    for detail in ("PO Box 6167, Slough, SL1 0EH", "0300 555 0333", "within one year of the act or omission",
                   "within six months of the date of this letter, so by Friday 4 September 2026"):
        assert detail in legal_final, detail
    assert "Financial Ombudsman" not in legal_final

    assert "YOUR RIGHT TO REFER YOUR COMPLAINT TO THE FINANCIAL OMBUDSMAN SERVICE" in credit_final
    for detail in ("Exchange Tower, London, E14 9SR", "0800 023 4567",
                   "free of charge – but you must do so within six months of the date of this letter",
                   "the Ombudsman will not have our permission to consider your complaint",
                   '"Your complaint and the ombudsman" explains how it works: https://firm.example/fos-leaflet.pdf'):
        assert detail in credit_final, detail
    assert "Legal Ombudsman" not in credit_final

    firm.run(T0 + timedelta(weeks=8, days=1))  # both answered in time: no breach under either regime
    assert "regulator_breach" not in levels(firm, "C-2026-0001") | levels(firm, "C-2026-0002")
    with firm.app.store.transaction() as conn:
        regimes = firm.app.regimes
        facts = reg.load_case_facts(conn, profile_for=lambda n: regimes.get(n).profile, cal=firm.app.calendar,
                                    now=T0 + timedelta(weeks=9), calendar_for=lambda n: regimes.get(n).calendar)
    fca = returns.compute_returns(facts, T0.date(), (T0 + timedelta(weeks=9)).date(), firm.app.calendar,
                                  regime="fca_disp")
    assert (fca.received, fca.closed) == (1, 1), "the FCA return holds the FCA complaint alone"


def test_a_handler_moves_a_case_to_another_regime_and_its_drafts_follow(firm: Firm) -> None:
    write_to(firm, firm.client, firm.complaints.address, "Car finance", CREDIT, T0)
    firm.run(T0 + timedelta(minutes=5))
    assert case_row(firm, "C-2026-0001").profile == "ew_sra"
    firm.reply_as(firm.handler, newest(firm, "C-2026-0001"), "regime fca_disp", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert case_row(firm, "C-2026-0001").profile == "fca_disp"
    assert "case.regime_set" in audit_kinds(firm, "C-2026-0001")
    again = plain(newest(firm, "C-2026-0001"))
    assert "under fca_disp" in again and "Regime:     fca_disp (Financial Ombudsman Service)" in again
    assert "Summary resolution (FCA; reply 'draft summary' if resolved) by: Thursday 5 March 2026" in again
    firm.reply_as(firm.handler, newest(firm, "C-2026-0001"), "draft final", at=T0 + timedelta(hours=2))
    firm.run(T0 + timedelta(hours=2, minutes=1))
    draft = plain(newest(firm, "C-2026-0001", "final response"))
    assert "Financial Ombudsman Service" in draft and "Legal Ombudsman" not in draft
    assert "TIME LIMITS (FCA)" in draft  # the handler is asked about the waiver

    firm.reply_as(firm.handler, newest(firm, "C-2026-0001"), "regime scot_slcc", at=T0 + timedelta(hours=3))
    firm.run(T0 + timedelta(hours=3, minutes=1))
    assert case_row(firm, "C-2026-0001").profile == "fca_disp", "Scottish rules need a Scottish calendar"
    help_mail = [plain(m) for m in firm.inbox(firm.handler) if "could not act" in str(m["Subject"]).lower()]
    assert help_mail and "SCT" in help_mail[-1]


def test_the_fca_waiver_is_chosen_per_case(firm: Firm) -> None:
    write_to(firm, firm.client, firm.config.regimes[0].recipients[0], "Car finance", CREDIT, T0)
    firm.run(T0 + timedelta(minutes=5))
    firm.reply_as(firm.handler, newest(firm, "C-2026-0001"), "waive time limits yes\ndraft final",
                  at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert case_row(firm, "C-2026-0001").waive_time_limits is True
    draft = plain(newest(firm, "C-2026-0001", "final response"))
    assert "We consent to the Ombudsman considering your complaint" in draft
    assert "will not have our permission" not in draft


# -- F3, F11: a thank-you note is an enquiry; a person decides ------------------------------------------

def test_a_thank_you_note_is_an_enquiry_with_no_complaint_clock(firm: Firm) -> None:
    firm.client_writes("Thank you", THANKS, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    case = case_row(firm, "C-2026-0001")
    assert case.is_complaint is False and case.complaint_decided_by is None
    assert firm.inbox(firm.client) == [], "no complaint acknowledgement to a thank-you note"
    request = newest(firm, "C-2026-0001", "reply")
    text = plain(request)
    assert "A reply for enquiry C-2026-0001" in text and "READ AS NOT A COMPLAINT" in text
    assert "complaint yes" in text and "Decide whether it is a complaint by: Tuesday 3 March 2026" in text
    assert "cause to complain" not in text and "Ombudsman" not in text.split("THE DRAFT", 1)[1]

    for when in (T0 + timedelta(days=1, hours=1), T0 + timedelta(weeks=7, hours=1), T0 + timedelta(weeks=8, days=1)):
        firm.run(when)
    assert levels(firm, "C-2026-0001") == {"triage_due"}, "only the triage reminder: no holding letter, no breach"
    reminders = [plain(m) for m in firm.inbox(firm.handler) if "Reminder" in str(m["Subject"])]
    assert reminders and "whether it is a complaint" in reminders[0]
    with firm.app.store.transaction() as conn:
        drafts = list(conn.execute(select(outbox.c.kind).where(outbox.c.status == "draft")).scalars())
    assert "holding_letter" not in drafts


def test_approving_the_reply_confirms_it_is_not_a_complaint(firm: Firm) -> None:
    firm.client_writes("Thank you", THANKS, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    firm.reply_as(firm.handler, newest(firm, "C-2026-0001", "reply"), "approve", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    [reply] = letters_to(firm, firm.client)
    assert "Thank you for your message" in reply and "complaint" not in reply.split("If you meant", 1)[0].lower()
    case = case_row(firm, "C-2026-0001")
    assert case.is_complaint is False and case.complaint_decided_by == firm.handler.address.lower()
    firm.run(T0 + timedelta(days=2))
    assert levels(firm, "C-2026-0001") == set(), "triaged: no reminder"

    # The client writes again: new words may make it a complaint, so a person looks again.
    ours = firm.inbox(firm.client)[-1]
    firm.client_writes(f"Re: {ours['Subject']}", "And one more thing: your invoice was wrong and I want a refund.",
                       at=T0 + timedelta(days=3), in_reply_to=ours["Message-ID"])
    firm.run(T0 + timedelta(days=3, minutes=1))
    again = newest(firm, "C-2026-0001")
    assert "Approval needed: reply " in str(again["Subject"]) and "READ AS NOT A COMPLAINT" in plain(again)
    firm.reply_as(firm.handler, again, "draft final", at=T0 + timedelta(days=3, hours=1))
    firm.run(T0 + timedelta(days=3, hours=1, minutes=1))
    help_mail = [plain(m) for m in firm.inbox(firm.handler) if "could not act" in str(m["Subject"]).lower()]
    assert help_mail and "held as an enquiry" in help_mail[-1]


def test_an_enquiry_converted_to_a_complaint_is_clocked_from_its_receipt(firm: Firm) -> None:
    firm.client_writes("My will", "Could you please send me a copy of my will?", at=T0)
    firm.run(T0 + timedelta(minutes=5))
    assert case_row(firm, "C-2026-0001").is_complaint is False
    at = T0 + timedelta(days=2)
    firm.reply_as(firm.handler, newest(firm, "C-2026-0001"), "complaint yes", at=at)
    firm.run(at + timedelta(minutes=1))
    case = case_row(firm, "C-2026-0001")
    assert case.is_complaint is True and case.received_at == T0
    shown = plain(newest(firm, "C-2026-0001", "acknowledgement"))
    assert "Acknowledge by: Thursday 5 March 2026" in shown and "Regulator deadline: Monday 27 April 2026" in shown
    firm.run(T0 + timedelta(days=4))  # Friday: the acknowledgement was due 3 working days after receipt
    assert "ack_overdue" in levels(firm, "C-2026-0001")
    with firm.app.store.transaction() as conn:
        label = conn.execute(select(corrections.c.field, corrections.c.old_value, corrections.c.new_value)).one()
    assert tuple(label) == ("is_complaint", "no", "yes"), "kept as a training label"
    ack_request = newest(firm, "C-2026-0001", "acknowledgement")
    assert "Now a complaint" in plain(ack_request)
    firm.reply_as(firm.handler, ack_request, "approve", at=T0 + timedelta(days=4, hours=1))
    firm.run(T0 + timedelta(days=4, hours=1, minutes=1))
    ack = letters_to(firm, firm.client)[-1]
    assert "We have recorded your message as a complaint" in ack and "Monday 2 March 2026" in ack


def test_a_complaint_marked_as_not_one_stops_its_clocks_and_leaves_the_figures(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    firm.reply_as(firm.handler, newest(firm, "C-2026-0001"), "complaint no", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert case_row(firm, "C-2026-0001").is_complaint is False
    assert "Approval needed: reply" in str(newest(firm, "C-2026-0001")["Subject"])
    firm.run(T0 + timedelta(weeks=8, days=1))
    assert not levels(firm, "C-2026-0001") & {"holding_letter", "regulator_breach"}
    with firm.app.store.transaction() as conn:
        facts = reg.load_case_facts(conn, profile_for=lambda n: firm.app.regime(n).profile, cal=firm.app.calendar,
                                    now=T0 + timedelta(weeks=9))
    figures = returns.compute_returns(facts, T0.date(), (T0 + timedelta(weeks=9)).date(), firm.app.calendar)
    assert (figures.received, figures.not_complaints) == (0, 1)


# -- F2: the real date of receipt --------------------------------------------------------------------

def test_the_handler_corrects_the_date_of_receipt_and_every_clock_follows(firm: Firm) -> None:
    firm.client_writes("Fwd: my complaint", DELAY, at=T0)  # first made to another office two weeks earlier
    firm.run(T0 + timedelta(minutes=5))
    assert "Monday 27 April 2026" in plain(newest(firm, "C-2026-0001"))  # 8 weeks from the inbox's date
    firm.reply_as(firm.handler, newest(firm, "C-2026-0001"), "received 2026-02-16", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    case = case_row(firm, "C-2026-0001")
    assert case.received_at == firm.app.calendar.start_of(datetime(2026, 2, 16).date())
    again = plain(newest(firm, "C-2026-0001"))
    assert "The date of receipt is now 16 February 2026" in again
    assert "Regulator deadline: Monday 13 April 2026" in again
    assert "case.received_set" in audit_kinds(firm, "C-2026-0001")

    firm.reply_as(firm.handler, newest(firm, "C-2026-0001"), "received 2026-02-27", at=T0 + timedelta(hours=2))
    firm.run(T0 + timedelta(hours=2, minutes=1))
    assert case_row(firm, "C-2026-0001").received_at == case.received_at, "later needs a partner"
    help_mail = [plain(m) for m in firm.inbox(firm.handler) if "could not act" in str(m["Subject"]).lower()]
    assert help_mail and "needs a partner" in help_mail[-1]


# -- F4: a complainant who is not the client ---------------------------------------------------------

def test_a_beneficiary_is_written_to_as_a_third_party(firm: Firm) -> None:
    firm.client_writes("My father's estate", BENEFICIARY, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    if "third_party" not in (case_row(firm, "C-2026-0001").flags or []):
        pytest.skip("triage did not flag this writer as a third party")
    assert case_row(firm, "C-2026-0001").complainant == "third_party"
    [ack] = letters_to(firm, firm.client)
    assert "your matter" not in ack and "owe them a duty of confidentiality" in ack
    assert "you can ask the Legal Ombudsman whether it can consider your complaint" in ack
    request = plain(newest(firm, "C-2026-0001"))
    assert "THE COMPLAINANT MAY NOT BE OUR CLIENT" in request and "generally not from the other side" in request
    assert "reviewing the file" in request and "your file" not in request

    firm.reply_as(firm.handler, newest(firm, "C-2026-0001"), "complainant client", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert case_row(firm, "C-2026-0001").complainant == "client"
    assert "reviewing your file" in plain(newest(firm, "C-2026-0001"))
    with firm.app.store.transaction() as conn:
        label = conn.execute(select(corrections.c.field, corrections.c.new_value)).one()
    assert tuple(label) == ("complainant", "client")


# -- F12: closing before a final response needs the handler's reason ----------------------------------

def test_close_before_a_final_response_needs_a_reason_and_is_reported_as_such(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    firm.reply_as(firm.handler, newest(firm, "C-2026-0001"), "close", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert case_row(firm, "C-2026-0001").state != "closed"
    help_mail = [plain(m) for m in firm.inbox(firm.handler) if "could not act" in str(m["Subject"]).lower()]
    assert help_mail and "needs a reason" in help_mail[-1]

    firm.reply_as(firm.handler, newest(firm, "C-2026-0001"), "close withdrawn: the client phoned to withdraw it",
                  at=T0 + timedelta(hours=2))
    firm.run(T0 + timedelta(hours=2, minutes=1))
    case = case_row(firm, "C-2026-0001")
    assert case.state == "closed" and case.close_reason == "withdrawn: the client phoned to withdraw it"
    with firm.app.store.transaction() as conn:
        [facts] = reg.load_case_facts(conn, profile_for=lambda n: firm.app.regime(n).profile, cal=firm.app.calendar,
                                      now=T0 + timedelta(weeks=9))
    row = reg.register_row(facts, firm.app.calendar)
    assert row["closed_without_final_response"] == "withdrawn" and row["resolved"] == "closed without final response"
    assert row["respond_deadline"] == row["regulator_deadline"] == "closed_without_final_response"


# -- F13: a holding letter sent in time is no breach ---------------------------------------------------

def test_a_holding_letter_sent_before_eight_weeks_is_no_breach(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    week7 = T0 + timedelta(weeks=7, hours=1)
    firm.run(week7)
    holding = newest(firm, "C-2026-0001", "holding letter")
    assert "within one year of the act or omission" in plain(holding)  # F7: the LeO time frame
    firm.reply_as(firm.handler, holding, "approve", at=week7 + timedelta(hours=1))
    firm.run(week7 + timedelta(hours=1, minutes=1))
    assert "Your complaint: our final response will take a little longer" in str(firm.inbox(firm.client)[-1]["Subject"])
    firm.run(T0 + timedelta(weeks=8, days=1))
    assert "regulator_breach" not in levels(firm, "C-2026-0001")
    with firm.app.store.transaction() as conn:
        [facts] = reg.load_case_facts(conn, profile_for=lambda n: firm.app.regime(n).profile, cal=firm.app.calendar,
                                      now=T0 + timedelta(weeks=9))
    row = reg.register_row(facts, firm.app.calendar)
    assert row["regulator_deadline"] == "met" and row["date_holding_letter"] == "2026-04-20"


# -- F25: a draft approved on a later day is re-dated ---------------------------------------------------

def test_a_draft_approved_two_days_later_goes_out_dated_that_day(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", DELAY, at=T0)
    firm.run(T0 + timedelta(minutes=5))
    request = newest(firm, "C-2026-0001", "progress update")
    assert "Monday 2 March 2026" in plain(request).split("DRAFT START", 1)[1]
    firm.reply_as(firm.handler, request, "approve", at=T0 + timedelta(days=2))
    firm.run(T0 + timedelta(days=2, minutes=1))
    letter = letters_to(firm, firm.client)[-1]
    assert letter.startswith("Wednesday 4 March 2026") and "Monday 2 March 2026" not in letter.split("Dear", 1)[0]
    assert "letter.redated" in audit_kinds(firm, "C-2026-0001")
