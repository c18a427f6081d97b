"""Taking mail in and deciding it exactly once, through `receive()` and the pass's own steps.

What a person running the firm would check: each email is one record and decided once
(a copy or a re-delivery changes nothing), mail nobody can answer reaches a person and is
never answered, and a message that breaks the decision is set aside while intake goes on.
The same guarantees are proved over real IMAP in tests/integration/test_intake_exactly_once.py;
these prove each branch in milliseconds.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from mailbot.service import decide as deciding
from mailbot.service.decide import (
    MAX_LEFTOVER_ATTEMPTS,
    decide,
    decide_undecided,
    receive,
    reprocess,
)
from mailbot.service.record import Arrival, take_in
from mailbot.store.tables import raw_messages
from tests.service.conftest import (
    CLIENT, COMPLAINT, COMPLIANCE, FIRM, HANDLER, HOUR, MINUTE, T0, Desk, MakeDesk, mail)


def _received(at_text: str) -> bytes:
    return f"Received: from mx2.{FIRM} by mx.{FIRM}; {at_text}\r\n".encode()


def _pass(desk: Desk, minutes: int = 5) -> list[str]:
    """The start of the next intake pass: whatever earlier passes left undecided is decided."""
    results = decide_undecided(desk.app, now=lambda: T0 + minutes * MINUTE,
                               should_stop=lambda: False)
    return [r.status for r in results]


# --- one email, one record, one decision -------------------------------------------------------


def test_a_byte_identical_copy_is_decided_once(desk: Desk) -> None:
    raw = bytes(mail(COMPLAINT))
    assert desk.take(raw).status == "new_case"
    again = desk.take(raw, at=T0 + HOUR)
    assert again.status == "duplicate"
    assert len(desk.records()) == 1 and len(desk.cases()) == 1
    assert len(desk.letters("acknowledgement")) == 1


def test_a_redelivery_with_new_trace_headers_is_decided_once(desk: Desk) -> None:
    raw = bytes(mail(COMPLAINT))
    desk.take(_received(format_datetime(T0)) + raw)
    # The same message through another server, or a re-synchronised mailbox.
    redelivered = (_received(format_datetime(T0 + HOUR)) + b"Delivered-To: " +
                   f"complaints@{FIRM}".encode() + b"\r\n" + raw)
    assert desk.take(redelivered, at=T0 + HOUR).status == "duplicate"
    assert len(desk.cases()) == 1 and len(desk.letters("acknowledgement")) == 1


def test_one_message_id_reused_by_two_senders_is_two_complaints(desk: Desk) -> None:
    # Some helpdesks reuse Message-IDs: one lost a real complaint that way.
    shared = "<reused@helpdesk.test>"
    first = desk.take(mail(COMPLAINT, sender="a@clients.test", Message_ID=shared))
    second = desk.take(mail("My bill is far too high.", sender="b@clients.test",
                            Message_ID=shared), at=T0 + HOUR)
    assert (first.status, second.status) == ("new_case", "new_case")
    assert [c.client_address for c in desk.cases()] == ["a@clients.test", "b@clients.test"]


def test_a_record_left_undecided_by_a_crash_is_decided_once_by_the_next_pass(desk: Desk) -> None:
    (taken,) = take_in(desk.app, [Arrival(bytes(mail(COMPLAINT)), internaldate=T0)], now=T0)
    assert taken.finished is None and desk.cases() == []  # recorded, then the process died
    assert _pass(desk) == ["new_case"]
    assert _pass(desk, 10) == [], "nothing left for the pass after"
    assert len(desk.letters("acknowledgement")) == 1
    assert desk.cases()[0].received_at == T0, "clocked from receipt, not from the late decision"


def test_deciding_a_record_twice_changes_nothing(desk: Desk) -> None:
    (taken,) = take_in(desk.app, [Arrival(bytes(mail(COMPLAINT)), internaldate=T0)], now=T0)
    assert taken.raw_id is not None and taken.msg is not None
    first = decide(desk.app, taken.raw_id, taken.msg, received_at=T0, now=T0)
    second = decide(desk.app, taken.raw_id, taken.msg, received_at=T0, now=T0 + MINUTE)
    assert (first.status, second.status, second.detail) == ("new_case", "duplicate",
                                                             "already decided")
    assert reprocess(desk.app, taken.raw_id, T0 + HOUR).status == "duplicate"
    assert reprocess(desk.app, 999, T0 + HOUR).status == "missing"
    assert len(desk.cases()) == 1 and len(desk.letters("acknowledgement")) == 1


# --- when the firm received it --------------------------------------------------------------------


def test_receipt_is_the_servers_date_else_the_top_received_header_else_now(desk: Desk) -> None:
    # The clocks start when the firm's server received it, never when mailbot fetched it.
    trace = _received(format_datetime(T0 - 2 * HOUR))
    later = T0 + HOUR
    receive(desk.app, trace + bytes(mail(COMPLAINT, sender="a@clients.test")), now=later,
            internaldate=T0 - 3 * HOUR)
    receive(desk.app, trace + bytes(mail(COMPLAINT, sender="b@clients.test")), now=later)
    receive(desk.app, bytes(mail(COMPLAINT, sender="c@clients.test")), now=later)
    assert [c.received_at for c in desk.cases()] == [T0 - 3 * HOUR, T0 - 2 * HOUR, later]


def test_a_receipt_date_in_the_future_starts_the_clocks_now_not_late(desk: Desk) -> None:
    # A server clock running ahead, or a date set by an IMAP APPEND or a forged Received line:
    # the acknowledgement and response deadlines must not start days late.
    ahead = _received(format_datetime(T0 + 72 * HOUR))
    receive(desk.app, bytes(mail(COMPLAINT, sender="a@clients.test")), now=T0,
            internaldate=T0 + 48 * HOUR)
    receive(desk.app, ahead + bytes(mail(COMPLAINT, sender="b@clients.test")), now=T0)
    # once a poison: deadlines counted from the year 9999 overflowed
    year_9999 = _received("Fri, 31 Dec 9999 22:00:00 +0000")
    assert receive(desk.app, year_9999 + bytes(mail(COMPLAINT, sender="c@clients.test")),
                   now=T0).status == "new_case"
    assert [c.received_at for c in desk.cases()] == [T0, T0, T0]


# --- mail nobody can answer goes to a person ------------------------------------------------------


def test_mail_without_a_from_is_kept_for_compliance_and_never_answered(desk: Desk) -> None:
    raw = bytes(mail(COMPLAINT, sender=None))
    (taken,) = take_in(desk.app, [Arrival(raw, internaldate=T0)], now=T0)
    assert taken.folder_kind == "quarantine", "moved to the folder where a person looks"
    assert taken.raw_id is not None and taken.msg is not None
    result = decide(desk.app, taken.raw_id, taken.msg, received_at=T0, now=T0)
    assert (result.status, result.detail) == ("kept_for_person", "no_sender")
    assert desk.cases() == []
    (told,) = desk.letters()
    assert (told.kind, told.recipients) == ("mail_kept", [COMPLIANCE])
    assert "without a sender" in told.subject
    (reason,) = desk.kept()
    assert "no From address" in reason
    assert desk.events("intake.kept_for_person")[0]["notify"] == COMPLIANCE


def test_more_mail_without_a_from_within_the_period_is_one_more_notice_not_a_flood(
        desk: Desk) -> None:
    for i in range(4):
        desk.take(mail(f"{COMPLAINT} ({i})", sender=None), at=T0 + i * MINUTE)
    period = timedelta(minutes=desk.app.config.approvals.notice_period_minutes)
    notices = desk.letters("mail_kept")
    assert len(notices) == 2, "told at once, then once more with the rest"
    assert notices[1].next_attempt_at == T0 + period
    assert len(desk.kept()) == 4, "each one is kept"


def test_mail_from_an_unusable_address_is_quarantined_and_never_answered(desk: Desk) -> None:
    result = desk.take(mail(COMPLAINT, sender="Sam Smith <sam.smith>"))
    assert result.status == "quarantined"
    assert "the sender's address cannot be used" in result.detail
    assert desk.cases() == [] and desk.letters() == []
    (reason,) = desk.kept()
    assert reason == result.detail
    assert desk.events("intake.quarantined")[0]["raw_id"] == result.raw_id


def test_a_handlers_mail_that_answers_no_request_is_kept_for_them(desk: Desk) -> None:
    # A forward the firm's server did not vouch for (no DMARC pass): perhaps forged, so it opens
    # nothing (an authentic one does: tests/service/test_forwarded_by_staff.py).
    desk.complaint(COMPLAINT)
    letters = len(desk.letters())
    forward = mail(f"---------- Forwarded message ---------\nFrom: Jo <jo@client.test>\n\n"
                   f"{COMPLAINT}", sender=HANDLER, subject="Fwd: complaint")
    result = desk.take(forward, at=T0 + HOUR)
    assert (result.status, result.detail) == ("kept_for_person", "staff_mail")
    assert len(desk.cases()) == 1, "no case for it, and none joined"
    (told,) = desk.letters()[letters:]
    assert (told.kind, told.recipients) == ("mail_kept", [HANDLER])
    assert "forwarded complaint" in desk.kept()[0]
    assert not desk.events("approval.refused"), "not taken for a forged approval"
    assert [d.status for d in desk.letters("progress_update")] == ["draft"]


def test_mail_that_is_not_an_email_is_quarantined_and_intake_goes_on(desk: Desk) -> None:
    assert desk.take(b"\x00\x01\x02 not an email at all\r\n").status == "quarantined"
    assert desk.take(mail(COMPLAINT), at=T0 + MINUTE).status == "new_case"
    assert desk.kept() == ["no email headers"]


def test_a_message_over_the_size_limit_is_kept_unread(make_desk: MakeDesk) -> None:
    desk = make_desk(intake={"max_message_bytes": 1024 * 1024})
    big = mail(COMPLAINT + "\n" + "x" * (1024 * 1024))
    result = desk.take(big)
    assert result.status == "quarantined" and "kept unread" in result.detail
    assert desk.cases() == [] and desk.letters() == []
    assert desk.take(mail(COMPLAINT), at=T0 + MINUTE).status == "new_case"
    # Fetched from a mailbox, only its headers were downloaded: the reason says where it is.
    headers = bytes(mail(COMPLAINT, sender="jo@clients.test")).split(b"\n\n", 1)[0]
    (taken,) = take_in(desk.app, [Arrival(headers, size=50 * 1024 * 1024)], now=T0 + HOUR)
    assert taken.finished is not None and taken.finished.status == "quarantined"
    assert "the message in the quarantine folder" in desk.kept()[-1]
    assert len(desk.cases()) == 1


def test_a_database_fault_stops_the_pass_and_leaves_the_message_for_the_next(desk: Desk) -> None:
    # Not the message's fault, so it is not set aside: the pass stops and the next one decides it.
    with desk.app.store.transaction() as conn:
        conn.exec_driver_sql("CREATE TRIGGER disk_full BEFORE INSERT ON cases "
                             "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
    with pytest.raises(DBAPIError):
        desk.take(mail(COMPLAINT))
    assert desk.kept() == [] and desk.records()[0].status == "received"
    with desk.app.store.transaction() as conn:
        conn.exec_driver_sql("DROP TRIGGER disk_full")
    assert _pass(desk) == ["new_case"]
    assert len(desk.letters("acknowledgement")) == 1


# --- a message that breaks the decision -----------------------------------------------------------


def test_a_message_whose_decision_fails_is_quarantined_and_intake_goes_on(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    # A message whose decision breaks half-way (its case and acknowledgement already written):
    # once a Received date in the year 9999 did it, by overflowing the deadlines; receipt times
    # are now never later than the fetch, so a fault is injected where that overflow was raised.
    real = deciding.new_complaint

    def overflows_for_one_client(conn, app, msg, **kwargs):  # type: ignore[no-untyped-def]
        ref = real(conn, app, msg, **kwargs)
        if msg.from_addr == CLIENT:
            raise OverflowError("date value out of range")
        return ref

    monkeypatch.setattr(deciding, "new_complaint", overflows_for_one_client)
    poison = bytes(mail(COMPLAINT))
    good = bytes(mail(COMPLAINT, sender="jo@clients.test"))
    take_in(desk.app, [Arrival(poison), Arrival(good, internaldate=T0)], now=T0)
    assert _pass(desk) == ["quarantined", "new_case"]
    (case,) = desk.cases()
    assert case.client_address == "jo@clients.test"
    assert [a.recipients for a in desk.letters("acknowledgement")] == [["jo@clients.test"]]
    (reason,) = desk.kept()
    assert reason.startswith("processing failed (OverflowError)")
    assert "mailbot quarantine retry" in reason
    poisoned = desk.records()[0]
    assert (poisoned.status, poisoned.case_id) == ("quarantined", None)
    assert CLIENT not in [r for a in desk.letters() for r in a.recipients], "nothing half-done"


def test_a_record_that_killed_every_pass_is_set_aside(desk: Desk) -> None:
    (taken,) = take_in(desk.app, [Arrival(bytes(mail(COMPLAINT)), internaldate=T0)], now=T0)
    # What passes killed while deciding it leave behind: the attempts they counted.
    with desk.app.store.transaction() as conn:
        conn.execute(update(raw_messages).where(raw_messages.c.id == taken.raw_id)
                     .values(decide_attempts=MAX_LEFTOVER_ATTEMPTS))
    assert _pass(desk) == ["quarantined"]
    assert "never finished" in desk.kept()[0]
    assert desk.cases() == []
    # After the fix a person retries it (`mailbot quarantine retry`): decided once.
    assert taken.raw_id is not None
    assert reprocess(desk.app, taken.raw_id, T0 + HOUR).status == "new_case"
    assert reprocess(desk.app, taken.raw_id, T0 + 2 * HOUR).status == "duplicate"
    assert len(desk.letters("acknowledgement")) == 1
