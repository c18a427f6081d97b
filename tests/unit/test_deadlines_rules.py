"""Clocks per rule (issue 17): the FCA's three business days (F10), a holding response that meets
the regulator's deadline (F13), and an enquiry that runs no complaint clock (F3)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mailbot.deadlines import CaseClock, case_deadlines, evaluate, summary_resolution_refusal
from mailbot.profiles import get_profile
from mailbot.working_days import WorkingCalendar, add_months

ENG = WorkingCalendar("GB", "ENG", "Europe/London")
FCA, SRA, SLCC = get_profile("fca_disp"), get_profile("ew_sra"), get_profile("scot_slcc")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def local(moment: datetime) -> str:
    return ENG.local(moment).strftime("%a %Y-%m-%d %H:%M")


# -- F10: the summary resolution window counts from the calendar day of receipt -------------------

@pytest.mark.parametrize(("received", "by"), [
    ("2026-03-02T10:00", "Thu 2026-03-05 17:30"),  # in hours on a Monday: unchanged
    ("2026-03-02T18:00", "Thu 2026-03-05 17:30"),  # after hours: was Fri 6 Mar
    ("2026-03-07T12:00", "Wed 2026-03-11 17:30"),  # a Saturday: was Thu 12 Mar
    # after hours before Easter (Good Friday and Easter Monday off): was Fri 10 Apr
    ("2026-04-02T18:00", "Thu 2026-04-09 17:30"),
    ("2026-04-03T09:00", "Thu 2026-04-09 17:30"),  # Good Friday itself: was Fri 10 Apr
])
def test_the_summary_window_is_three_business_days_after_the_day_of_receipt(received: str,
                                                                             by: str) -> None:
    deadline = case_deadlines(utc(received), FCA, ENG).summary_resolution_by
    assert deadline is not None and local(deadline) == by


def test_after_the_window_a_summary_resolution_is_refused() -> None:
    received = utc("2026-03-07T12:00")  # a Saturday
    assert summary_resolution_refusal(received, utc("2026-03-11T17:00"), FCA, ENG) is None
    refusal = summary_resolution_refusal(received, utc("2026-03-11T18:00"), FCA, ENG)
    assert refusal is not None and "final response" in refusal


def test_the_firms_own_acknowledgement_target_keeps_the_start_day_shift() -> None:
    received = utc("2026-03-07T12:00")  # Saturday: counting starts Monday
    assert local(case_deadlines(received, FCA, ENG).acknowledge_by) == "Thu 2026-03-12 17:30"


# -- F13: a holding response by the deadline meets it where the regime says so --------------------

RECEIVED = utc("2026-03-02T10:00")
AFTER_EIGHT_WEEKS = utc("2026-05-01T09:00")  # the 8 weeks ended on Mon 27 April


def clock(**values: object) -> CaseClock:
    return CaseClock(**{"ref": "C-2026-0001", "state": "investigating", "received_at": RECEIVED,
                        "acknowledged_at": RECEIVED, **values})  # type: ignore[arg-type]


@pytest.mark.parametrize("profile", [FCA, SRA])
def test_a_holding_letter_in_time_is_no_breach(profile: object) -> None:
    late = evaluate(clock(), AFTER_EIGHT_WEEKS, profile, ENG)  # type: ignore[arg-type]
    assert "regulator_breach" in [a.kind for a in late.actions]
    sent = clock(holding_sent_at=utc("2026-04-20T10:00"))
    held = evaluate(sent, AFTER_EIGHT_WEEKS, profile, ENG)  # type: ignore[arg-type]
    assert "regulator_breach" not in [a.kind for a in held.actions]


def test_a_holding_letter_after_the_deadline_is_still_a_breach() -> None:
    late = evaluate(clock(holding_sent_at=utc("2026-04-29T10:00")), AFTER_EIGHT_WEEKS, FCA, ENG)
    breach = [a for a in late.actions if a.kind == "regulator_breach"]
    assert breach and "no final response or holding letter" in breach[0].detail


def test_a_holding_letter_already_sent_is_not_drafted_again_in_week_seven() -> None:
    week_seven = utc("2026-04-21T09:00")
    assert "holding_letter" in [a.kind for a in evaluate(clock(), week_seven, SRA, ENG).actions]
    sent = clock(holding_sent_at=utc("2026-04-20T10:00"))
    assert "holding_letter" not in [a.kind for a in evaluate(sent, week_seven, SRA, ENG).actions]


def test_where_the_regime_does_not_count_holding_letters_a_breach_stays_a_breach() -> None:
    from dataclasses import replace
    strict = replace(SRA, holding_meets_regulator=False)
    held = evaluate(clock(holding_sent_at=utc("2026-04-20T10:00")), AFTER_EIGHT_WEEKS, strict, ENG)
    assert "regulator_breach" in [a.kind for a in held.actions]


# -- F3: an enquiry runs no complaint clock, only a triage reminder -------------------------------

def enquiry(**values: object) -> CaseClock:
    return clock(state="new", acknowledged_at=None, is_complaint=False, **values)


def test_an_enquiry_gets_only_a_triage_reminder_on_the_next_working_day() -> None:
    looked = evaluate(enquiry(), RECEIVED + timedelta(hours=1), SRA, ENG)
    assert looked.actions == () and looked.next_check is not None
    assert local(looked.next_check) == "Tue 2026-03-03 00:00"
    due = evaluate(enquiry(), utc("2026-03-03T08:00"), SRA, ENG).actions
    assert [a.kind for a in due] == ["triage_due"] and "complaint yes" in due[0].detail


@pytest.mark.parametrize("now", ["2026-03-10T09:00", "2026-04-20T09:00", "2026-05-01T09:00",
                                 "2026-09-01T09:00"])
def test_an_enquiry_never_gets_complaint_clocks_holding_letters_or_breaches(now: str) -> None:
    looked = evaluate(enquiry(fired=frozenset({"triage_due"})), utc(now), SRA, ENG)
    kinds = {a.kind for a in looked.actions}
    assert kinds == set()


def test_once_a_person_has_triaged_it_nothing_is_due() -> None:
    assert evaluate(enquiry(triaged=True), utc("2026-03-04T09:00"), SRA, ENG).actions == ()


def test_converted_to_a_complaint_it_is_clocked_from_its_original_receipt() -> None:
    later = utc("2026-04-20T09:00")  # converted in week 7: the acknowledgement is long overdue
    looked = evaluate(clock(state="new", acknowledged_at=None), later, SRA, ENG)
    kinds = {a.kind for a in looked.actions}
    assert {"ack_overdue", "holding_letter"} <= kinds


# -- F25: the referral date a final response prints ----------------------------------------------

@pytest.mark.parametrize(("day", "months", "expected"), [
    ("2026-03-04", 6, "2026-09-04"), ("2026-08-31", 6, "2027-02-28"),
    ("2027-08-31", 6, "2028-02-29"),
    ("2026-12-15", 1, "2027-01-15"),
])
def test_add_months_keeps_the_day_or_takes_the_months_last(day: str, months: int,
                                                           expected: str) -> None:
    from datetime import date
    assert add_months(date.fromisoformat(day), months) == date.fromisoformat(expected)


def test_profiles_without_a_regulator_clock_have_no_holding_or_breach() -> None:
    kinds = {a.kind for a in evaluate(clock(), utc("2026-09-01T09:00"), SLCC,
                                      WorkingCalendar("GB", "SCT", "Europe/London")).actions}
    assert not kinds & {"holding_letter", "regulator_breach"}
