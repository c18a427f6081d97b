"""Working days and deadlines, checked against dates worked out by hand in each comment.

Calendar facts used below (all checkable on any calendar):
- 2026-01-01 is a Thursday; 2026-03-29 and 2026-10-25 are the UK's DST changes (Sundays);
  2026-11-01 is the US DST end; 2027-03-28 is Ireland's DST start.
- England 2026: Christmas Fri 25 Dec, Boxing Day Sat 26 -> substitute Mon 28 Dec;
  summer bank holiday Mon 31 Aug. England 2027: Christmas Sat 25, Boxing Sun 26 ->
  substitutes Mon 27 and Tue 28 Dec.
- Scotland 2027: 1 Jan (Fri) and 2 Jan (Sat) -> substitute Mon 4 Jan.
- Ireland 2027: St Patrick's Day Wed 17 Mar. US 2026: Thanksgiving Thu 26 Nov.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailbot.deadlines import CaseClock, WorkingCalendar, case_deadlines, due_actions, summary_resolution_refusal
from mailbot.errors import ConfigError
from mailbot.profiles import get_profile

LONDON = ZoneInfo("Europe/London")
DUBLIN = ZoneInfo("Europe/Dublin")
NEW_YORK = ZoneInfo("America/New_York")
ENG = WorkingCalendar("GB", "ENG", "Europe/London")
SCT = WorkingCalendar("GB", "SCT", "Europe/London")
IRL = WorkingCalendar("IE", None, "Europe/Dublin")
USA = WorkingCalendar("US", None, "America/New_York")
EW_SRA = get_profile("ew_sra")


def at(zone: ZoneInfo, y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=zone)


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0, *, end_of_day: bool = False) -> datetime:
    if end_of_day:
        return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=UTC)
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


# --- the working calendar -------------------------------------------------------------


def test_naive_datetimes_are_refused_everywhere() -> None:
    naive = datetime(2026, 1, 5, 9, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        ENG.add_working_days(naive, 3)
    with pytest.raises(ValueError, match="timezone-aware"):
        case_deadlines(naive, EW_SRA, ENG)
    with pytest.raises(ValueError, match="timezone-aware"):
        CaseClock("C-1", "new", naive)
    case = CaseClock("C-1", "new", at(LONDON, 2026, 1, 5, 9))
    with pytest.raises(ValueError, match="timezone-aware"):
        due_actions(case, naive, EW_SRA, ENG)


def test_unknown_country_subdivision_or_zone_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        WorkingCalendar("XX", None, "Europe/London")
    with pytest.raises(ConfigError):
        WorkingCalendar("GB", "Atlantis", "Europe/London")
    with pytest.raises(ConfigError):
        WorkingCalendar("GB", "ENG", "Europe/Londres")


def test_unknown_case_state_is_refused() -> None:
    with pytest.raises(ValueError, match="archived"):
        CaseClock("C-1", "archived", at(LONDON, 2026, 1, 5))


def test_christmas_2027_substitute_days_in_england() -> None:
    assert ENG.is_working_day(date(2027, 12, 24))  # Christmas Eve is an ordinary Friday
    assert not ENG.is_working_day(date(2027, 12, 27))  # Christmas Day (substitute)
    assert not ENG.is_working_day(date(2027, 12, 28))  # Boxing Day (substitute)
    # Received Thu 23 Dec 16:00, in hours, so Thu 23 is the start day. Working days after:
    # Fri 24 (1), [Sat, Sun, Mon 27, Tue 28 off], Wed 29 (2), Thu 30 (3). 17:30 GMT = 17:30Z.
    d = case_deadlines(at(LONDON, 2027, 12, 23, 16), EW_SRA, ENG)
    assert d.acknowledge_by == utc(2027, 12, 30, 17, 30)


def test_christmas_2026_boxing_day_substitute_and_receipt_after_close() -> None:
    # Wed 23 Dec 18:00 is after close, so the start day is Thu 24. Fri 25 Christmas, Sat/Sun,
    # Mon 28 Boxing Day (substitute) are off: Tue 29 (1), Wed 30 (2), Thu 31 (3).
    d = case_deadlines(at(LONDON, 2026, 12, 23, 18), EW_SRA, ENG)
    assert d.acknowledge_by == utc(2026, 12, 31, 17, 30)


def test_second_of_january_counts_in_scotland_but_not_in_england() -> None:
    received = at(LONDON, 2026, 12, 31, 9)  # Thu, in hours: the start day in both
    # England: Fri 1 Jan off; Mon 4 (1), Tue 5 (2), Wed 6 (3).
    assert case_deadlines(received, EW_SRA, ENG).acknowledge_by == utc(2027, 1, 6, 17, 30)
    # Scotland: Fri 1 Jan off, Mon 4 off (2 Jan substitute); Tue 5 (1), Wed 6 (2), Thu 7 (3).
    scot = case_deadlines(received, get_profile("scot_slcc"), SCT)
    assert scot.acknowledge_by == utc(2027, 1, 7, 17, 30)
    # 28 calendar days from the receipt date 31 Dec: 31 Dec + 28 = 28 Jan, end of day (GMT).
    assert scot.respond_by == utc(2027, 1, 28, end_of_day=True)
    assert scot.regulator_by is None and scot.holding_letter_from is None


def test_st_patricks_day_in_ireland_and_the_dst_start_in_dublin() -> None:
    d = case_deadlines(at(DUBLIN, 2027, 3, 15, 11), get_profile("ie_lsra"), IRL)
    # Mon 15 is the start day: Tue 16 (1), Wed 17 St Patrick's Day off, Thu 18 (2), Fri 19 (3).
    # Dublin is on GMT until 28 March, so 17:30 local = 17:30Z.
    assert d.acknowledge_by == utc(2027, 3, 19, 17, 30)
    # 15 Mar + 28 days = 12 Apr, after the clocks went forward: 23:59:59.999999 IST = 22:59:59.999999Z.
    assert d.respond_by == utc(2027, 4, 12, 22, 59) + timedelta(seconds=59, microseconds=999999)


def test_thanksgiving_in_the_united_states() -> None:
    generic = get_profile("generic")
    d = case_deadlines(at(NEW_YORK, 2026, 11, 24, 18), generic, USA)
    # Tue 24 Nov 18:00 is after close: the start day is Wed 25. Thu 26 Thanksgiving is off:
    # Fri 27 (1), Mon 30 (2), Tue 1 Dec (3). 17:30 EST (UTC-5) = 22:30Z.
    assert d.acknowledge_by == utc(2026, 12, 1, 22, 30)
    # 20 working days after Wed 25: Fri 27 (1), Mon 30-Fri 4 (2-6), 7-11 (7-11),
    # 14-18 (12-16), Mon 21-Thu 24 (17-20) -> Thu 24 Dec 22:30Z.
    assert d.respond_by == utc(2026, 12, 24, 22, 30)
    assert d.regulator_by is None


def test_us_clock_change_moves_close_of_business_in_utc() -> None:
    # Fri 30 Oct 10:00 EDT: Mon 2 Nov (1), Tue 3 (2; Election Day is not a federal holiday),
    # Wed 4 (3). The clocks went back on 1 Nov, so 17:30 EST = 22:30Z, not 21:30Z.
    d = case_deadlines(at(NEW_YORK, 2026, 10, 30, 10), get_profile("generic"), USA)
    assert d.acknowledge_by == utc(2026, 11, 4, 22, 30)


def test_uk_clock_changes() -> None:
    # Spring: Fri 27 Mar 12:00 GMT; Mon 30 (1), Tue 31 (2), Wed 1 Apr (3); 17:30 BST = 16:30Z.
    spring = case_deadlines(at(LONDON, 2026, 3, 27, 12), EW_SRA, ENG)
    assert spring.acknowledge_by == utc(2026, 4, 1, 16, 30)
    # 8 weeks = 56 days from 27 Mar is Fri 22 May, end of day BST = 22:59:59.999999Z.
    assert spring.regulator_by == utc(2026, 5, 22, 22, 59) + timedelta(seconds=59, microseconds=999999)
    # Autumn: Fri 23 Oct 10:00 BST; Mon 26 (1), Tue 27 (2), Wed 28 (3); 17:30 GMT = 17:30Z.
    autumn = case_deadlines(at(LONDON, 2026, 10, 23, 10), EW_SRA, ENG)
    assert autumn.acknowledge_by == utc(2026, 10, 28, 17, 30)


def test_late_friday_receipt_counts_from_monday_but_the_ombudsman_clock_does_not() -> None:
    friday_night = case_deadlines(at(LONDON, 2026, 6, 5, 19, 45), EW_SRA, ENG)
    monday_morning = case_deadlines(at(LONDON, 2026, 6, 8, 9), EW_SRA, ENG)
    # Both start on Mon 8 Jun: Tue 9 (1), Wed 10 (2), Thu 11 (3); 17:30 BST = 16:30Z.
    assert friday_night.acknowledge_by == monday_morning.acknowledge_by == utc(2026, 6, 11, 16, 30)
    # The 8 weeks run from the day the complaint arrived: 5 Jun + 56 = Fri 31 Jul (BST),
    # three days before the Monday receipt's 3 Aug.
    assert friday_night.regulator_by == utc(2026, 7, 31, 22, 59) + timedelta(seconds=59, microseconds=999999)
    assert monday_morning.regulator_by == utc(2026, 8, 3, 22, 59) + timedelta(seconds=59, microseconds=999999)


def test_close_of_business_boundary() -> None:
    # 17:29 is in hours (start Mon 8 Jun, +1 working day = Tue 9); 17:30 is not (start Tue 9 -> Wed 10).
    assert ENG.add_working_days(at(LONDON, 2026, 6, 8, 17, 29), 1) == utc(2026, 6, 9, 16, 30)
    assert ENG.add_working_days(at(LONDON, 2026, 6, 8, 17, 30), 1) == utc(2026, 6, 10, 16, 30)
    # Zero working days from a Saturday is close of business on the next working day (Mon).
    assert ENG.add_working_days(at(LONDON, 2026, 6, 6, 10), 0) == utc(2026, 6, 8, 16, 30)


def test_conveyancers_count_calendar_days_from_receipt() -> None:
    d = case_deadlines(at(LONDON, 2026, 6, 5, 19, 45), get_profile("ew_clc"), ENG)
    # 7 days from Fri 5 Jun is Fri 12 Jun; 28 days is Fri 3 Jul; both end of day BST.
    assert d.acknowledge_by == utc(2026, 6, 12, 22, 59) + timedelta(seconds=59, microseconds=999999)
    assert d.respond_by == utc(2026, 7, 3, 22, 59) + timedelta(seconds=59, microseconds=999999)


def test_fca_summary_resolution_window_skips_the_bank_holiday() -> None:
    d = case_deadlines(at(LONDON, 2026, 8, 27, 10), get_profile("fca_disp"), ENG)
    # Thu 27 Aug is the start day: Fri 28 (1), Mon 31 bank holiday off, Tue 1 Sep (2), Wed 2 (3).
    assert d.summary_resolution_by == utc(2026, 9, 2, 16, 30)
    assert d.respond_by is None


def test_a_summary_resolution_may_go_until_close_of_business_on_the_third_business_day() -> None:
    fca = get_profile("fca_disp")
    received = at(LONDON, 2026, 8, 27, 10)  # window ends Wed 2 Sep 17:30 BST (test above)
    assert summary_resolution_refusal(received, at(LONDON, 2026, 9, 2, 17, 29), fca, ENG) is None
    late = summary_resolution_refusal(received, at(LONDON, 2026, 9, 2, 17, 31), fca, ENG)
    assert late is not None and "17:30 on Wed 02 September 2026" in late and "final response" in late
    elsewhere = summary_resolution_refusal(received, at(LONDON, 2026, 8, 27, 11), get_profile("ew_sra"), ENG)
    assert elsewhere is not None and "fca_disp" in elsewhere


def test_working_days_between_counts_after_the_start_day() -> None:
    # From Thu 23 Dec 2027 (in hours) to Thu 30 Dec: Fri 24, Wed 29, Thu 30 are working days.
    assert ENG.working_days_between(at(LONDON, 2027, 12, 23, 10), at(LONDON, 2027, 12, 30, 9)) == 3
    assert ENG.working_days_between(at(LONDON, 2027, 12, 30, 9), at(LONDON, 2027, 12, 23, 10)) == -3


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 1), timezones=st.just(LONDON)),
    st.integers(min_value=0, max_value=45),
)
def test_adding_then_counting_working_days_round_trips(start: datetime, n: int) -> None:
    due = ENG.add_working_days(start, n)
    assert ENG.working_days_between(start, due) == n
    assert ENG.is_working_day(due)
    assert due.astimezone(LONDON).strftime("%H:%M") == "17:30"
    assert due.tzinfo is UTC


# --- what the tick does ---------------------------------------------------------------

RECEIVED = at(LONDON, 2026, 1, 5, 9)  # Mon 5 Jan 2026, in hours; GMT throughout Jan-Mar
ACKED = RECEIVED + timedelta(minutes=5)


def tick(case: CaseClock, now: datetime, profile=EW_SRA, cal=ENG) -> list[tuple[str, str]]:
    return [(a.kind, a.key) for a in due_actions(case, now, profile, cal)]


def run_ticks(case: CaseClock, first: datetime, until: datetime) -> list[tuple[str, datetime]]:
    """Act as the scheduler: tick every 6 hours, record each returned key in `fired`, carry on."""
    fired: set[str] = set()
    seen: list[tuple[str, datetime]] = []
    now = first
    while now <= until:
        current = CaseClock(**{**case.__dict__, "fired": frozenset(fired)})
        for action in due_actions(current, now, EW_SRA, ENG):
            seen.append((action.key, now))
            fired.add(action.key)
        now += timedelta(hours=6)
    return seen


def test_every_level_fires_once_at_the_right_tick() -> None:
    case = CaseClock("C-1", "investigating", RECEIVED, acknowledged_at=ACKED)
    seen = run_ticks(case, utc(2026, 1, 5, 12), utc(2026, 3, 10))  # ticks at 00, 06, 12, 18 UTC
    # Regulator deadline: 5 Jan + 56 days = Mon 2 Mar, end of day.
    # Warnings fire at 00:00 on 2 Mar - 14 = Mon 16 Feb, 2 Mar - 7 = Mon 23 Feb, and
    # 2 Mar - 2 = Sat 28 Feb moved back to Fri 27 Feb. Holding letter: 5 Jan + 49 = Mon 23 Feb.
    # Stalls: the ack is the last letter (Mon 5 Jan, start day 5 Jan). 10 working days later
    # is Mon 19 Jan 17:30Z (Jan 6-9, 12-16, 19); then every 10 more: Mon 2 Feb, Mon 16 Feb,
    # Mon 2 Mar. Each is first seen at the 18:00 tick. The breach is seen at 00:00 on 3 Mar
    # (the tick at 2 Mar 23:59:59.999999 does not exist; 3 Mar 00:00 is the first after it).
    assert seen == [
        ("stalled:2026-01-05:1", utc(2026, 1, 19, 18)),
        ("stalled:2026-01-05:2", utc(2026, 2, 2, 18)),
        ("regulator_warning:14", utc(2026, 2, 16, 0)),
        ("stalled:2026-01-05:3", utc(2026, 2, 16, 18)),
        ("holding_letter", utc(2026, 2, 23, 0)),
        ("regulator_warning:7", utc(2026, 2, 23, 0)),
        ("regulator_warning:2", utc(2026, 2, 27, 0)),
        ("stalled:2026-01-05:4", utc(2026, 3, 2, 18)),
        ("regulator_breach", utc(2026, 3, 3, 0)),
    ]
    assert len({key for key, _ in seen}) == len(seen)


def test_an_unrecorded_action_is_offered_again_and_a_recorded_one_is_not() -> None:
    case = CaseClock("C-1", "investigating", RECEIVED, acknowledged_at=ACKED)
    now = utc(2026, 2, 16, 9)
    # At 09:00 on 16 Feb the 14-day warning is due (from 00:00); the third stall (17:30) is not yet.
    # Periods 1 and 2 of the stall (19 Jan, 2 Feb) are due too, but only the latest is offered.
    first = tick(case, now)
    assert first == [("stalled", "stalled:2026-01-05:2"), ("regulator_warning", "regulator_warning:14")]
    assert tick(case, now) == first  # nothing recorded: nothing lost
    recorded = CaseClock(**{**case.__dict__, "fired": frozenset(k for _, k in first)})
    assert tick(recorded, now) == []
    assert tick(recorded, now + timedelta(hours=1)) == []


def test_warning_detail_names_the_deadline_and_the_days_left() -> None:
    case = CaseClock("C-1", "investigating", RECEIVED, acknowledged_at=ACKED, last_client_letter_at=utc(2026, 2, 10))
    (warning,) = due_actions(case, utc(2026, 2, 16, 9), EW_SRA, ENG)
    # From Mon 16 Feb to the deadline Mon 2 Mar is 14 days.
    assert warning.kind == "regulator_warning"
    assert warning.detail == "8-week deadline on 2026-03-02 (14 days)"
    assert warning.due_at == utc(2026, 2, 16)


def test_a_letter_to_the_client_restarts_the_stall_clock() -> None:
    letter = at(LONDON, 2026, 1, 20, 10)  # Tue 20 Jan, in hours: the new start day
    case = CaseClock("C-1", "investigating", RECEIVED, acknowledged_at=ACKED, last_client_letter_at=letter,
                     fired=frozenset({"stalled:2026-01-05:1"}))
    # 10 working days after Tue 20 Jan: Jan 21-23 (3), 26-30 (8), Feb 2 (9), Feb 3 (10).
    assert tick(case, utc(2026, 2, 3, 17)) == []
    assert tick(case, utc(2026, 2, 3, 18)) == [("stalled", "stalled:2026-01-20:1")]


def test_awaiting_client_gets_chasers_not_stall_reminders() -> None:
    asked = at(LONDON, 2026, 2, 2, 11)  # Mon 2 Feb, in hours
    case = CaseClock("C-1", "awaiting_client", RECEIVED, acknowledged_at=ACKED, last_client_letter_at=asked,
                     awaiting_client_since=asked)
    # 10 working days after Mon 2 Feb: Feb 3-6 (4), 9-13 (9), Mon 16 (10) -> 17:30Z on 16 Feb.
    # The regulator clock keeps running while we wait: the 14-day warning is due from 00:00.
    assert tick(case, utc(2026, 2, 16, 17)) == [("regulator_warning", "regulator_warning:14")]
    assert tick(case, utc(2026, 2, 16, 18)) == [
        ("regulator_warning", "regulator_warning:14"),
        ("info_chaser", "info_chaser:2026-02-02:1"),
    ]


def test_acknowledgement_reminder_on_the_day_it_is_due_then_overdue() -> None:
    case = CaseClock("C-1", "new", RECEIVED)
    # Mon 5 Jan start day: Tue 6 (1), Wed 7 (2), Thu 8 (3) -> due by 17:30 on Thu 8 Jan.
    assert tick(case, utc(2026, 1, 7, 23)) == []
    (due,) = due_actions(case, utc(2026, 1, 8, 8), EW_SRA, ENG)
    assert (due.kind, due.due_at) == ("ack_overdue", utc(2026, 1, 8))
    assert due.detail == "acknowledgement due by 17:30 on Thu 2026-01-08 (Europe/London)"
    (late,) = due_actions(case, utc(2026, 1, 8, 18), EW_SRA, ENG)
    assert late.detail.startswith("acknowledgement overdue since 17:30 on Thu 2026-01-08")
    acked = CaseClock("C-1", "acknowledged", RECEIVED, acknowledged_at=utc(2026, 1, 8, 9))
    assert tick(acked, utc(2026, 1, 8, 18)) == []


def test_final_response_in_time_ends_every_reminder() -> None:
    case = CaseClock("C-1", "responded", RECEIVED, acknowledged_at=ACKED, responded_at=utc(2026, 2, 20))
    for now in (utc(2026, 2, 23, 1), utc(2026, 3, 3), utc(2026, 9, 1)):
        assert tick(case, now) == []


def test_late_final_response_still_reports_the_breach_once() -> None:
    # The response went out on Tue 3 Mar, after the deadline at the end of Mon 2 Mar.
    case = CaseClock("C-1", "responded", RECEIVED, acknowledged_at=ACKED, responded_at=utc(2026, 3, 3, 10))
    (breach,) = due_actions(case, utc(2026, 3, 3, 12), EW_SRA, ENG)
    assert breach.kind == "regulator_breach" and breach.due_at == utc(2026, 3, 2, end_of_day=True)
    assert "final response only on Tue 2026-03-03" in breach.detail
    recorded = CaseClock(**{**case.__dict__, "fired": frozenset({breach.key})})
    assert tick(recorded, utc(2026, 3, 4)) == []


def test_closed_before_the_deadline_gets_nothing() -> None:
    case = CaseClock("C-1", "closed", RECEIVED, acknowledged_at=ACKED, closed_at=utc(2026, 1, 20))
    assert tick(case, utc(2026, 3, 10)) == []


def test_reopened_case_gets_stall_reminders_but_no_regulator_warnings() -> None:
    responded = utc(2026, 1, 30, 12)  # Fri 30 Jan: final response, the last letter
    case = CaseClock("C-1", "reopened", RECEIVED, acknowledged_at=ACKED, last_client_letter_at=responded,
                     responded_at=responded, closed_at=utc(2026, 2, 2))
    # Stall: 10 working days after Fri 30 Jan = Feb 2-6 (5), Feb 9-13 (10) -> Fri 13 Feb 17:30Z.
    # At 16 Feb the 14-day warning time has passed, but the case already had its final response.
    assert tick(case, utc(2026, 2, 16, 9)) == [("stalled", "stalled:2026-01-30:1")]


def test_a_late_first_tick_sends_only_the_latest_warning() -> None:
    case = CaseClock("C-1", "investigating", RECEIVED, acknowledged_at=ACKED, last_client_letter_at=utc(2026, 2, 20))
    # At Fri 27 Feb 09:00 the 14-, 7- and 2-day warnings are all due; only the 2-day one is
    # sent, with the holding letter (due since 23 Feb). From 27 Feb to 2 Mar is 3 days.
    actions = due_actions(case, utc(2026, 2, 27, 9), EW_SRA, ENG)
    assert [(a.kind, a.key) for a in actions] == [
        ("holding_letter", "holding_letter"),
        ("regulator_warning", "regulator_warning:2"),
    ]
    assert actions[1].detail == "8-week deadline on 2026-03-02 (3 days)"


def test_scotland_warns_before_the_28_day_response_and_never_breaches() -> None:
    scot = get_profile("scot_slcc")
    received = at(LONDON, 2026, 12, 31, 9)
    d = case_deadlines(received, scot, SCT)
    # Response by 28 Jan 2027 (Thu). 7 days before: Thu 21 Jan. 2 days before: Tue 26 Jan.
    assert d.reminders == (("response_warning:7", utc(2027, 1, 21)), ("response_warning:2", utc(2027, 1, 26)))
    case = CaseClock("S-1", "investigating", received, acknowledged_at=received,
                     last_client_letter_at=utc(2027, 1, 20), fired=frozenset({"response_warning:7"}))
    (warning,) = due_actions(case, utc(2027, 1, 26, 9), scot, SCT)
    assert warning.detail == "28-day final-response deadline on 2027-01-28 (2 days)"
    late = CaseClock("S-1", "investigating", received, acknowledged_at=received,
                     last_client_letter_at=utc(2027, 3, 1))
    assert tick(late, utc(2027, 3, 2), scot, SCT) == []


def test_generic_profile_has_no_holding_letter_or_breach() -> None:
    generic = get_profile("generic")
    received = at(NEW_YORK, 2026, 11, 24, 18)
    case = CaseClock("U-1", "investigating", received, acknowledged_at=received,
                     last_client_letter_at=utc(2027, 6, 1))
    assert tick(case, utc(2027, 6, 2), generic, USA) == []


def test_profile_overrides_change_the_tick() -> None:
    profile = get_profile("ew_sra", {"reminder_offsets_days": [10]})
    d = case_deadlines(RECEIVED, profile, ENG)
    # 10 days before Mon 2 Mar is Fri 20 Feb.
    assert d.reminders == (("regulator_warning:10", utc(2026, 2, 20)),)
