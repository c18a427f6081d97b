"""A client's mail through `receive()`: which case it opens or joins, and what is acknowledged.

What a person at the firm would check: the cases, the letters queued and to whom, the audit
trail. Routing itself is unit-tested (tests/unit/test_routing.py); these check the facts the
store gives it (thread, case reference, the sender's recent case) and what each route does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Sequence
from zoneinfo import ZoneInfo

import pytest

from mailbot.service.assigning import assign
from mailbot.service.decide import Pending, decide_batch
from mailbot.service.record import Arrival, take_in
from mailbot.store import casebook
from mailbot.triage import Prediction
from tests.servers.smtp import SmtpServer
from tests.service.conftest import (
    CLIENT, COMPLAINT, COMPLIANCE, FIRM, HANDLER, HOUR, MINUTE, T0, Desk, MakeDesk, mail)

DAY = timedelta(days=1)


def _sent_to_client(desk: Desk, server: SmtpServer, kind_subject: str) -> EmailMessage:
    """The letter the client got, sent through the SMTP server an hour after the complaint."""
    sent = [message_from_bytes(m.raw, _class=EmailMessage, policy=default)
            for m in desk.send(server, at=T0 + HOUR) if m.rcpt_tos == (CLIENT,)]
    (letter,) = [m for m in sent if kind_subject in str(m["Subject"])]
    return letter


def _answer(letter: EmailMessage, body: str, *, sender: str = CLIENT,
            subject: str = "Re: your letter") -> EmailMessage:
    """A reply threaded to `letter` (its subject without the case reference, so only the thread
    can join it)."""
    return mail(body, sender=sender, subject=subject, In_Reply_To=str(letter["Message-ID"]),
                References=str(letter["Message-ID"]))


# --- a new complaint ---------------------------------------------------------------------------


def test_a_new_complaint_opens_a_case_and_queues_exactly_one_acknowledgement(desk: Desk) -> None:
    result = desk.complaint(COMPLAINT)
    assert (result.status, result.case_ref) == ("new_case", "C-2026-0001")
    (case,) = desk.cases()
    assert (case.client_address, case.is_complaint, case.handler_email) == (CLIENT, True, HANDLER)
    assert case.received_at == T0 and desk.filed(case.id) == ["complaint"]
    (ack,) = desk.letters("acknowledgement")
    assert (ack.recipients, ack.status, ack.approved_by) == ([CLIENT], "approved", "auto")
    (draft,) = desk.letters("progress_update")
    assert draft.status == "draft", "the next letter waits for the handler"
    (request,) = desk.letters("approval_request")
    assert request.recipients == [HANDLER] and "New complaint" in request.body_text
    assert [e["kind"] for e in desk.events("letter.queued")] == ["acknowledgement"]
    assert desk.events("case.created")[0]["complaint_signal"] == "complaint"


def test_a_second_message_the_same_day_joins_the_case_without_a_second_acknowledgement(
        desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    result = desk.complaint("And I still have no reply to my email of last week.", at=T0 + 3 * HOUR)
    assert (result.status, result.case_ref, result.detail) == (
        "follow_up", "C-2026-0001", "recent_case")
    (case,) = desk.cases()
    assert desk.filed(case.id) == ["complaint", "follow_up"]
    assert len(desk.letters("acknowledgement")) == 1
    assert desk.events("case.client_message")[0]["matched_by"] == "recent_case"


def test_after_the_flood_window_the_same_sender_opens_a_new_case(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    window = desk.app.config.intake.flood_window_hours
    result = desk.complaint("A different matter: my will.", at=T0 + timedelta(hours=window + 1))
    assert (result.status, result.case_ref) == ("new_case", "C-2026-0002")
    assert [a.recipients for a in desk.letters("acknowledgement")] == [[CLIENT], [CLIENT]]


def test_someone_elses_complaint_the_same_day_is_their_own_case(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    result = desk.complaint(COMPLAINT, sender="jo@clients.test", at=T0 + HOUR)
    assert result.status == "new_case"
    assert [c.client_address for c in desk.cases()] == [CLIENT, "jo@clients.test"]
    assert [a.recipients for a in desk.letters("acknowledgement")] == [[CLIENT],
                                                                      ["jo@clients.test"]]


# --- joining a case by its thread or its reference --------------------------------------------


def test_a_reply_to_our_acknowledgement_joins_its_case_by_the_thread(
        desk: Desk, smtp_server: SmtpServer) -> None:
    desk.complaint(COMPLAINT)
    ack = _sent_to_client(desk, smtp_server, "We have received your complaint")
    # Days later, past the window in which any mail from the client joins their recent case.
    result = desk.take(_answer(ack, "Thank you, I look forward to hearing from you."),
                       at=T0 + 3 * DAY)
    assert (result.status, result.case_ref, result.detail) == ("follow_up", "C-2026-0001",
                                                               "thread")
    (case,) = desk.cases()
    assert desk.filed(case.id) == ["complaint", "acknowledgement", "follow_up"]
    assert len(desk.letters("acknowledgement")) == 1, "a thank-you is not acknowledged"


def test_references_alone_are_enough_to_join_the_thread(desk: Desk,
                                                        smtp_server: SmtpServer) -> None:
    desk.complaint(COMPLAINT)
    ack = _sent_to_client(desk, smtp_server, "We have received your complaint")
    reply = mail("Here are the documents you asked about.", subject="documents",
                 References=f"<older@clients.test> {ack['Message-ID']}")
    result = desk.take(reply, at=T0 + 3 * DAY)
    assert (result.status, result.detail) == ("follow_up", "thread")


def test_the_same_words_without_the_thread_after_the_window_open_a_new_case(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    result = desk.take(mail("Thank you, I look forward to hearing from you.",
                            subject="Re: your letter"), at=T0 + 3 * DAY)
    assert (result.status, result.case_ref) == ("new_case", "C-2026-0002")


def test_the_case_reference_in_the_subject_joins_the_clients_case(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    result = desk.take(mail("Any news?", subject="Re: C-2026-0001 my complaint"), at=T0 + 3 * DAY)
    assert (result.status, result.case_ref, result.detail) == ("follow_up", "C-2026-0001",
                                                               "case_ref")
    assert len(desk.letters("acknowledgement")) == 1


def test_someone_else_quoting_a_case_reference_gets_a_case_of_their_own(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    result = desk.take(mail("What is happening with C-2026-0001?", sender="nosy@elsewhere.test",
                            subject="C-2026-0001"), at=T0 + HOUR)
    assert (result.status, result.case_ref) == ("new_case", "C-2026-0002")
    first, second = desk.cases()
    assert desk.filed(first.id) == ["complaint"], "nothing of theirs is filed on the client's case"
    assert second.client_address == "nosy@elsewhere.test"


def test_a_reply_to_our_letter_from_another_address_is_opened_but_not_acknowledged(
        desk: Desk, smtp_server: SmtpServer) -> None:
    # A ticket system answering our acknowledgement from a new address each time: acknowledging
    # it could start a mail loop, so a person decides.
    desk.complaint(COMPLAINT)
    ack = _sent_to_client(desk, smtp_server, "We have received your complaint")
    result = desk.take(_answer(ack, "Your request has been logged.",
                               sender="ticket-1001@helpdesk.test"), at=T0 + 2 * HOUR)
    assert (result.status, result.case_ref) == ("new_case", "C-2026-0002")
    assert [a.recipients for a in desk.letters("acknowledgement") if a.status != "draft"] == [
        [CLIENT]]
    (held,) = desk.events("acknowledgement.held")
    assert held["reason"] == "it replies to a letter we sent to someone else"
    drafted = desk.letters("acknowledgement")[-1]
    assert (drafted.status, drafted.recipients) == ("draft", ["ticket-1001@helpdesk.test"])


# --- the acknowledgement's limits --------------------------------------------------------------


def test_one_sender_is_acknowledged_once_per_period(make_desk: MakeDesk) -> None:
    # Every message its own case (no flood window), so only the rate limit stands in the way.
    desk = make_desk(intake={"flood_window_hours": 0})
    period = timedelta(hours=desk.app.config.intake.auto_reply_period_hours)
    desk.complaint(COMPLAINT)
    assert desk.complaint("Another matter.", at=T0 + HOUR).status == "new_case"
    sent = [a for a in desk.letters("acknowledgement") if a.status == "approved"]
    assert len(sent) == 1
    (held,) = desk.events("acknowledgement.held")
    assert held["reason"] == "already acknowledged this sender within the period"
    assert desk.letters("acknowledgement")[-1].status == "draft", "the handler may still send one"
    # A period after the last acknowledgement written (the held draft counts as one too).
    desk.complaint("A third matter.", at=T0 + HOUR + period + HOUR)
    assert len([a for a in desk.letters("acknowledgement") if a.status == "approved"]) == 2


def test_too_many_acknowledgements_in_an_hour_trip_the_circuit_breaker(
        make_desk: MakeDesk) -> None:
    desk = make_desk(intake={"auto_reply_limit_per_hour": 2})
    for i in range(3):
        desk.complaint(COMPLAINT, sender=f"client{i}@clients.test", at=T0 + i * 5 * MINUTE)
    approved = [a.recipients for a in desk.letters("acknowledgement") if a.status == "approved"]
    assert approved == [["client0@clients.test"], ["client1@clients.test"]]
    assert "circuit breaker" in desk.events("acknowledgement.held")[0]["reason"]
    desk.complaint(COMPLAINT, sender="client3@clients.test", at=T0 + 2 * HOUR)
    assert desk.letters("acknowledgement")[-1].status == "approved", "an hour later it goes again"


def test_acknowledgements_held_for_a_person_do_not_keep_the_circuit_breaker_tripped(
        make_desk: MakeDesk) -> None:
    """The breaker limits what goes out with nobody approving it. Counting the acknowledgements
    it held back too would keep it tripped through a surge of real complaints, holding back
    their acknowledgements long after the automatic ones left the hour."""
    desk = make_desk(intake={"auto_reply_limit_per_hour": 2})
    for i in range(4):  # two go at once, two are held for a person
        desk.complaint(COMPLAINT, sender=f"client{i}@clients.test", at=T0 + i * 20 * MINUTE)
    assert len(desk.events("acknowledgement.held")) == 2
    # 65 minutes on, one automatic acknowledgement is left in the hour, beside the two held ones
    desk.complaint(COMPLAINT, sender="client4@clients.test", at=T0 + 65 * MINUTE)
    last = desk.letters("acknowledgement")[-1]
    assert (last.recipients, last.status) == (["client4@clients.test"], "approved")


def test_the_circuit_breaker_counts_the_acknowledgements_of_its_own_batch(
        make_desk: MakeDesk) -> None:
    """A pass decides a fetched batch in one transaction; the breaker's count of the hour is
    read once per transaction, so the acknowledgements the batch writes must count too."""
    desk = make_desk(intake={"auto_reply_limit_per_hour": 2})
    arrivals = [Arrival(bytes(mail(COMPLAINT, sender=f"client{i}@clients.test")), None, T0)
                for i in range(4)]
    taken = take_in(desk.app, arrivals, now=T0)
    pending = [Pending(t.raw_id, t.msg, T0) for t in taken if t.raw_id and t.msg]
    results = decide_batch(desk.app, pending, now=lambda: T0)
    assert [r.status for r in results] == ["new_case"] * 4
    approved = [a.recipients for a in desk.letters("acknowledgement") if a.status == "approved"]
    assert approved == [["client0@clients.test"], ["client1@clients.test"]]
    assert len(desk.events("acknowledgement.held")) == 2


def test_new_cases_of_one_batch_are_shared_out_by_open_load(make_desk: MakeDesk) -> None:
    """The open load per handler is read once per transaction: the cases the batch opens must
    count, or every new complaint of a batch would go to the same handler."""
    ben = f"ben@{FIRM}"
    desk = make_desk(handlers=[{"name": "Priya Shah", "email": HANDLER, "roles": ["handler"]},
                               {"name": "Ben Okafor", "email": ben, "roles": ["handler"]},
                               {"name": "Alex Morgan", "email": COMPLIANCE,
                                "roles": ["compliance", "partner"]}])
    arrivals = [Arrival(bytes(mail(COMPLAINT, sender=f"client{i}@clients.test")), None, T0)
                for i in range(4)]
    taken = take_in(desk.app, arrivals, now=T0)
    decide_batch(desk.app, [Pending(t.raw_id, t.msg, T0) for t in taken if t.raw_id and t.msg],
                 now=lambda: T0)
    handlers = [c.handler_email for c in desk.cases()]
    assert sorted(handlers) == sorted([HANDLER, HANDLER, ben, ben])


def test_a_firm_that_acknowledges_by_hand_gets_a_draft_acknowledgement(make_desk: MakeDesk) -> None:
    desk = make_desk(firm={"auto_acknowledge": False})
    desk.complaint(COMPLAINT)
    (ack,) = desk.letters("acknowledgement")
    assert ack.status == "draft"
    assert not desk.events("letter.queued") and not desk.events("acknowledgement.held")
    assert "acknowledgement" in desk.request().subject.lower()


# --- who takes it, and the clocks it starts ---------------------------------------------------


def test_a_complaint_about_the_handler_goes_to_compliance(desk: Desk) -> None:
    desk.complaint("Priya Shah has ignored my letters for a month.")
    (case,) = desk.cases()
    assert case.handler_email == COMPLIANCE
    assert desk.request().recipients == [COMPLIANCE]
    assert desk.events("case.assigned") == [{"handler": COMPLIANCE, "escalated": True}]


def test_a_complaint_about_everyone_is_acknowledged_and_left_for_an_administrator(
        desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    desk.complaint("Priya Shah and Alex Morgan both ignored my letters for a month.")
    (case,) = desk.cases()
    assert case.handler_email is None
    assert len(desk.letters("acknowledgement")) == 1, "the client still hears from us"
    assert not desk.letters("approval_request"), "nobody named in it is sent it"
    assert "case.unassigned" in caplog.messages
    (alert,) = desk.letters("system_alert")
    assert alert.recipients == [COMPLIANCE], "the firm hears of it at once, not from a log"
    assert f"mailbot cases assign {case.ref}" in alert.body_text
    assert "ignored my letters" not in alert.body_text, "the alert never quotes the complaint"


def test_an_administrator_gives_such_a_case_to_an_independent_partner(desk: Desk) -> None:
    desk.complaint("Priya Shah and Alex Morgan both ignored my letters for a month.")
    (case,) = desk.cases()
    with desk.app.store.transaction() as conn:
        refused = assign(conn, desk.app, casebook.existing_case(conn, case.id), HANDLER,
                         actor="admin", now=T0 + HOUR)
    assert refused == "Priya Shah is named in the complaint and cannot handle it."
    # The admin adds a partner from another office to the config and restarts mailbot.
    outsider = "jo@firm.test"
    jo = desk.app.config.handlers[0].model_copy(
        update={"name": "Jo Quinn", "email": outsider, "roles": ["handler", "partner"]})
    desk.app.config = desk.app.config.model_copy(
        update={"handlers": [*desk.app.config.handlers, jo]})
    with desk.app.store.transaction() as conn:
        assert assign(conn, desk.app, casebook.existing_case(conn, case.id), outsider,
                      actor="admin", now=T0 + HOUR) is None
    (case,) = desk.cases()
    assert case.handler_email == outsider
    (request,) = desk.letters("approval_request")
    assert request.recipients == [outsider], "the draft nobody was asked about now goes to Jo"
    assert desk.events("case.assigned")[-1] == {"handler": outsider}


def test_an_emergency_told_in_the_subject_is_critical(desk: Desk) -> None:
    """Clients put the emergency in the subject and little in the body."""
    desk.take(mail("Please ring me as soon as you can.",
                   subject="Re: Completion is tomorrow and the funds have not arrived"))
    (case,) = desk.cases()
    assert case.urgency == "critical"


@pytest.mark.parametrize("forwarded", [
    "---------- Forwarded message ---------\nFrom: Sam Client <sam@example.org>\n"
    "Date: Tue, 3 Mar 2026 at 09:12\nSubject: My purchase\nTo: Alex <alex@firm.example>\n\n",
    "________________________________\nFrom: Sam Client <sam@example.org>\n"
    "Sent: 03 March 2026 09:12\nTo: Alex <alex@firm.example>\nSubject: My purchase\n\n",
])
def test_a_forwarded_complaint_is_read_not_only_the_note_above_it(desk: Desk,
                                                                    forwarded: str) -> None:
    """Clients complain by forwarding what they wrote to their solicitor, with a line on top;
    read as that line alone, money reported stolen was a low-urgency enquiry."""
    desk.take(mail("See below. Can someone please deal with this.\n\n" + forwarded
                   + "Dear Alex,\n\nThe deposit I sent to your client account has vanished and "
                   "your office now says it was stolen. I need it back.\n\nSam",
                   subject="Fwd: My purchase"))
    (case,) = desk.cases()
    assert case.urgency == "critical"
    assert case.is_complaint
    assert "has vanished" in desk.request().body_text, "the handler sees it all"


def test_a_work_addresss_disclaimer_is_not_read_as_a_data_breach(desk: Desk) -> None:
    """Clients write from work, and their employer's mail system signs every message "if you
    have received this email in error..."; read as the client's words, it made every such
    complaint a critical data breach and alerted compliance for nothing."""
    desk.complaint("Our completion has slipped twice and nobody returns my calls.\n\n"
                   "Sam Okafor\nFinance Manager\n\n"
                   "This email and any attachments are confidential and intended solely for the "
                   "addressee. If you have received this email in error, please notify the "
                   "sender immediately and delete it. If this message was sent to you in error, "
                   "you must not copy, forward or disclose its contents.")
    (case,) = desk.cases()
    assert "data_breach" not in case.flags and case.urgency != "critical"
    assert not desk.letters("escalation_alert")
    assert "received this email in error" in desk.request().body_text, "the handler sees it all"


def test_a_possible_data_breach_starts_its_clock_and_alerts_compliance_at_once(
        desk: Desk) -> None:
    desk.complaint("You sent my deeds to the wrong address and nobody has answered my calls.")
    (case,) = desk.cases()
    assert "data_breach" in case.flags and case.urgency == "critical"
    assert case.breach_aware_at == T0, "the firm became aware when the mail arrived"
    (alert,) = desk.letters("escalation_alert")
    assert alert.recipients == [COMPLIANCE]


def test_a_subject_access_request_starts_its_one_month_clock(desk: Desk) -> None:
    desk.complaint("Please send me a copy of all the personal data you hold about me.")
    (case,) = desk.cases()
    assert "subject_access" in case.flags
    assert case.sar_received_at == T0
    assert case.sar_due_at.astimezone(ZoneInfo("Europe/London")).date() == date(2026, 4, 2)
    assert case.breach_aware_at is None


# --- enquiries and thank-you notes -------------------------------------------------------------


class ReadsAs:
    """A stand-in for the trained model (loading the shipped one takes seconds): every text gets
    the same complaint probability. The rest of triage (rules, urgency, flags) is the real one."""

    def __init__(self, complaint_probability: float) -> None:
        self.p = complaint_probability

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        return [Prediction("other", 0.5, (("other", 0.5), ("delay", 0.2)), "normal", 0.8,
                           self.p >= 0.5, self.p) for _ in texts]


def _with_model(desk: Desk, complaint_probability: float) -> Desk:
    desk.app.triage = replace(desk.app.triage, classifier=ReadsAs(complaint_probability))
    return desk


# What the shipped model gives these texts (models/: 0.06 and 0.03).
ENQUIRY = ("Hello, could you tell me what your fees are for drafting a will? Do you do fixed "
           "fees? Thanks, Sam")
THANKS = "Thank you so much for sorting out the sale, we are delighted with how it went."


def test_an_enquiry_is_recorded_but_not_opened_as_a_complaint(desk: Desk) -> None:
    _with_model(desk, 0.06)
    result = desk.take(mail(ENQUIRY, subject="Fees for a will"))
    assert result.status == "new_case", "kept on record, with its own reference"
    (case,) = desk.cases()
    assert case.is_complaint is False
    assert not desk.letters("acknowledgement"), "no complaint acknowledgement"
    (reply,) = desk.letters("enquiry_reply")
    assert reply.status == "draft"
    assert "read as not a complaint" in desk.request().body_text
    assert desk.events("case.created")[0]["complaint_signal"] == "not_complaint"


def test_a_thank_you_note_from_a_new_address_is_not_opened_as_a_complaint(desk: Desk) -> None:
    _with_model(desk, 0.03)
    desk.take(mail(THANKS, sender="pat@clients.test", subject="Thank you"))
    (case,) = desk.cases()
    assert case.is_complaint is False and not desk.letters("acknowledgement")


def test_when_the_model_is_unsure_a_person_decides_before_anything_goes(desk: Desk) -> None:
    _with_model(desk, 0.6)
    desk.complaint(COMPLAINT)
    (case,) = desk.cases()
    assert case.is_complaint is False, "no complaint clock until a person says so"
    assert not desk.letters("acknowledgement")
    assert "is it a complaint?" in desk.request().body_text
    assert desk.events("case.created")[0]["complaint_signal"] == "uncertain"


def test_without_a_model_an_enquiry_is_read_as_a_complaint_until_a_person_decides(
        desk: Desk) -> None:
    # The regulatory default: its acknowledgement and clocks run; "complaint no" undoes it.
    desk.take(mail(ENQUIRY, subject="Fees for a will"))
    (case,) = desk.cases()
    assert case.is_complaint is True
    assert len(desk.letters("acknowledgement")) == 1
    assert any("no classifier installed" in r for r in case.suggestion["reasons"])


def test_letters_after_our_reply_to_an_enquiry_carry_that_reply_in_their_references(
        desk: Desk, smtp_server: SmtpServer) -> None:
    """The client's mail program threads by References: once we answered an enquiry, each later
    letter on the case names that answer too, or it would start a thread of its own."""
    _with_model(desk, 0.06)
    desk.take(mail(ENQUIRY, subject="Fees for a will"))
    desk.reply("approve", at=T0 + HOUR)
    (answer,) = [message_from_bytes(m.raw, _class=EmailMessage, policy=default)
                 for m in desk.send(smtp_server, at=T0 + HOUR) if m.rcpt_tos == (CLIENT,)]
    desk.take(_answer(answer, "Nobody told me the fee would double. I want to complain."),
              at=T0 + DAY)
    desk.reply("complaint yes", at=T0 + DAY + HOUR)
    desk.reply("approve", at=T0 + DAY + 2 * HOUR)
    (ack,) = [message_from_bytes(m.raw, _class=EmailMessage, policy=default)
              for m in desk.send(smtp_server, at=T0 + DAY + 2 * HOUR) if m.rcpt_tos == (CLIENT,)]
    assert str(answer["Message-ID"]) in str(ack["References"]).split(), ack["References"]


def test_new_words_on_an_enquiry_ask_the_handler_again(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    desk.reply("complaint no", at=T0 + HOUR)
    (case,) = desk.cases()
    assert case.complaint_decided_by == HANDLER
    desk.complaint("I am now making a formal complaint about this.", at=T0 + 2 * HOUR)
    (case,) = desk.cases()
    assert case.is_complaint is False and case.complaint_decided_by is None
    assert desk.events("case.complaint_undecided")
    asked = desk.request().body_text
    assert "The client wrote again" in asked and "Reply 'complaint yes'" in asked


# --- follow-ups and the handler's drafts ------------------------------------------------------


def test_a_follow_up_after_the_request_expired_asks_the_handler_afresh(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    ttl = timedelta(hours=desk.app.config.approvals.token_ttl_hours)
    desk.take(mail("Any news?", subject="Re: C-2026-0001"), at=T0 + ttl + HOUR)
    drafts = desk.letters("progress_update")
    assert [d.status for d in drafts] == ["superseded", "draft"]
    assert len(desk.letters("approval_request")) == 2
    assert "The client wrote again" in desk.request().body_text


def test_the_clients_answer_to_our_understanding_is_filed_as_their_correction(
        desk: Desk, smtp_server: SmtpServer) -> None:
    desk.complaint(COMPLAINT)
    desk.reply("approve", at=T0 + HOUR)
    update = _sent_to_client(desk, smtp_server, "update")
    text = update.get_body(("plain",))
    assert text is not None and "Our understanding of your complaint" in text.get_content()
    result = desk.take(_answer(update, "You have it right, but you also lost my ID documents."),
                       at=T0 + 3 * DAY)
    assert (result.status, result.detail) == ("follow_up", "thread")
    (case,) = desk.cases()
    assert desk.filed(case.id)[-1] == "correction"
    assert desk.events("case.understanding_corrected")
    assert "replied to our understanding" in desk.request().body_text
