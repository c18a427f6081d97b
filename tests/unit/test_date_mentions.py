"""Dates as complainants write them, resolved against the message's own date."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailbot.triage.dates import find_dates

WEDNESDAY = date(2026, 3, 4)


def dates(text: str, reference: date = WEDNESDAY, **kwargs: bool) -> list[date]:
    return [m.date for m in find_dates(text, reference, **kwargs)]


@pytest.mark.parametrize(("text", "expected"), [
    ("the hearing on Monday", date(2026, 3, 9)),
    ("completion on 12 March", date(2026, 3, 12)),
    ("tomorrow", date(2026, 3, 5)),
    ("next week", date(2026, 3, 9)),
    ("on the 3rd", date(2026, 4, 3)),
    ("by 14/3", date(2026, 3, 14)),
    ("March 12th", date(2026, 3, 12)),
    ("in two days", date(2026, 3, 6)),
    ("in 3 weeks' time", date(2026, 3, 25)),
    ("Friday week", date(2026, 3, 13)),
    ("today", WEDNESDAY),
    ("2026-03-20", date(2026, 3, 20)),
    ("Monday 6 April 2026", date(2026, 4, 6)),
    ("the 12th of March", date(2026, 3, 12)),
    ("end of the month", date(2026, 3, 31)),
    ("in 48 hours", date(2026, 3, 6)),
    ("Fri 13 March", date(2026, 3, 13)),
    ("Thurs. 12 March", date(2026, 3, 12)),
    # abbreviated days after "on", and fortnights (a British way of counting two weeks)
    ("the hearing is on Weds", date(2026, 3, 11)),
    ("on Fri. the trial starts", date(2026, 3, 6)),
    ("completion is on Thurs", date(2026, 3, 5)),
    ("in a fortnight", date(2026, 3, 18)),
    ("in a fortnight's time", date(2026, 3, 18)),
])
def test_phrase_resolves_against_message_date(text: str, expected: date) -> None:
    assert dates(text) == [expected]


def test_an_abbreviated_day_needs_on_before_it() -> None:
    assert dates("we wed in June") == []
    assert dates("the couple will wed soon; the hearing is on Weds") == [date(2026, 3, 11)]


def test_numeric_dates_are_day_first_by_default() -> None:
    assert dates("on 03/04/2026") == [date(2026, 4, 3)]
    assert dates("on 03/04/2026", day_first=False) == [date(2026, 3, 4)]


def test_impossible_day_first_reading_falls_back_to_month_first() -> None:
    assert dates("on 12/14/2026") == [date(2026, 12, 14)]


def test_year_is_the_one_closest_to_the_message() -> None:
    # Written on 20 December: "2 January" is next month, "12 December" was last week.
    assert dates("completion on 2 January", date(2026, 12, 20)) == [date(2027, 1, 2)]
    assert dates("completion on 12 December", date(2026, 12, 20)) == [date(2026, 12, 12)]


def test_weekday_told_in_the_past_looks_back() -> None:
    assert dates("The hearing was on Monday and nobody came.") == [date(2026, 3, 2)]
    assert dates("At the hearing on Friday the barrister told the court I was unsure.") == [date(2026, 2, 27)]
    assert dates("The hearing was adjourned to Tuesday.") == [date(2026, 3, 10)]


@pytest.mark.parametrize("text", ["£14.12 was charged", "31/02/2026", "3-4 weeks", "the may 3 people",
                                  "version 1.2", "I rang 12 times"])
def test_non_dates_are_ignored(text: str) -> None:
    assert dates(text) == []


def test_spans_point_at_the_written_words() -> None:
    text = "Completion is on 12 March, exchange tomorrow."
    mentions = find_dates(text, WEDNESDAY)
    assert [text[m.start:m.end] for m in mentions] == [m.text for m in mentions] == ["12 March", "tomorrow"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789/.- thenxMondayDecmbr12stof")), max_size=60))
def test_any_text_yields_sorted_non_overlapping_mentions(text: str) -> None:
    mentions = find_dates(text, WEDNESDAY)
    for first, second in zip(mentions, mentions[1:]):
        assert first.end <= second.start
    assert all(text[m.start:m.end] == m.text for m in mentions)
