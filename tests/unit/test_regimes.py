"""The regime is the case's (issue 17, review F1 and F23): which profile and calendar a new case
gets, and which profile/calendar pairs a firm may configure."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest

from mailbot.config import parse_config
from mailbot.deadlines import case_deadlines
from mailbot.errors import ConfigError
from mailbot.regimes import RegimeRule, build_regimes, calendar_for

LONDON = "Europe/London"


def config(firm: dict[str, Any] | None = None, **sections: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "firm": {"name": "Example & Co", "complaints_address": "complaints@firm.example",
                 "domain": "firm.example", **(firm or {})},
        "approvals": {"authserv_id": "mx.firm.example"},
        "handlers": [{"name": "Priya Shah", "email": "priya@firm.example", "roles": ["handler"]},
                     {"name": "Tom Reilly", "email": "tom@firm.example", "roles": ["handler"]}],
    }
    data.update(sections)
    return data


def problems(data: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as refused:
        parse_config(data)
    return "\n".join(refused.value.problems)


FCA_URLS = {"complaints_procedure_url": "https://firm.example/complaints",
            "fos_leaflet_url": "https://firm.example/fos-leaflet.pdf"}


# -- F23: the calendar must fit the profile ------------------------------------------------------

def test_great_britain_without_a_subdivision_keeps_easter_monday_for_english_rules() -> None:
    """Review F23 / section 3: received Thu 2 Apr 2026, 'GB' alone gave ack Wed 8 Apr (Easter
    Monday counted as a working day); the English calendar gives Thu 9 Apr."""
    regimes = parse_config(config()).build_regimes()
    cal = regimes.default.calendar
    assert (cal.country, cal.subdivision) == ("GB", "ENG")
    received = datetime(2026, 4, 2, 10, 0, tzinfo=timezone.utc)
    ack = case_deadlines(received, regimes.default.profile, cal).acknowledge_by
    assert cal.local(ack).date() == date(2026, 4, 9)


def test_scottish_rules_on_an_english_calendar_are_refused() -> None:
    message = problems(config({"profile": "scot_slcc", "subdivision": "ENG"}))
    assert "scot_slcc" in message and "SCT" in message


def test_scottish_rules_count_st_andrews_day_and_not_easter_monday() -> None:
    regimes = parse_config(config({"profile": "scot_slcc", "subdivision": "SCT"})).build_regimes()
    cal = regimes.default.calendar
    assert not cal.is_working_day(date(2026, 11, 30))  # St Andrew's Day (observed Monday)
    assert cal.is_working_day(date(2026, 4, 6))  # Easter Monday is not a Scottish bank holiday


def test_irish_rules_need_an_irish_calendar_and_fca_rules_a_uk_one() -> None:
    assert "ie_lsra" in problems(config({"profile": "ie_lsra"}))
    parse_config(config({"profile": "ie_lsra", "country": "IE", "timezone": "Europe/Dublin"}))
    assert "fca_disp" in problems(config({"profile": "fca_disp", "country": "IE", **FCA_URLS}))


def test_fca_rules_in_great_britain_need_a_subdivision() -> None:
    assert "subdivision" in problems(config({"profile": "fca_disp", **FCA_URLS}))
    parse_config(config({"profile": "fca_disp", "subdivision": "ENG", **FCA_URLS}))


def test_english_rules_outside_england_and_wales_are_refused() -> None:
    assert "ew_sra" in problems(config({"subdivision": "SCT"}))
    assert calendar_for("ew_clc", "GB", "Wales") == ("GB", "WLS")


def test_closed_days_are_not_working_days() -> None:
    """F23: the Irish Christmas closure the statute lacks (St Stephen's Day on a Saturday)."""
    firm = {"profile": "ie_lsra", "country": "IE", "timezone": "Europe/Dublin",
            "closed_days": ["2026-12-28"]}
    cal = parse_config(config(firm)).build_regimes().default.calendar
    assert not cal.is_working_day(date(2026, 12, 28))
    plain = parse_config(config({**firm, "closed_days": []})).build_regimes().default.calendar
    assert plain.is_working_day(date(2026, 12, 28))


# -- F9 / F8: an FCA regime needs its procedure and leaflet addresses ----------------------------

@pytest.mark.parametrize("missing", ["complaints_procedure_url", "fos_leaflet_url"])
def test_an_fca_regime_needs_the_procedure_and_the_leaflet(missing: str) -> None:
    firm = {"subdivision": "ENG", **{k: v for k, v in FCA_URLS.items() if k != missing}}
    regimes = [{"profile": "fca_disp", "recipients": ["credit@firm.example"]}]
    message = problems(config(firm, regimes=regimes))
    assert message.startswith(f"firm.{missing}: required when a regime is fca_disp")


def test_the_leaflet_address_reaches_the_fca_signpost() -> None:
    regimes = parse_config(config({"subdivision": "ENG", **FCA_URLS},
                                  regimes=[{"profile": "fca_disp"}])).build_regimes()
    signpost = regimes.get("fca_disp").profile.signpost
    assert signpost is not None and signpost.leaflet_url == "https://firm.example/fos-leaflet.pdf"


# -- F1: which regime a new case gets -------------------------------------------------------------

def two_regimes() -> Any:
    data = config({"subdivision": "ENG", **FCA_URLS}, regimes=[
        {"profile": "fca_disp", "recipients": ["Credit@Firm.example"],
         "handlers": ["tom@firm.example"], "deadlines": {"reminder_offsets_days": [10, 3]}},
        {"profile": "scot_slcc", "subdivision": "SCT", "recipients": ["edinburgh@firm.example"]},
    ])
    return parse_config(data).build_regimes()


def test_a_new_case_takes_the_regime_of_the_address_it_was_sent_to() -> None:
    regimes = two_regimes()
    assert regimes.for_new_case(["credit@firm.example"], "priya@firm.example").name == "fca_disp"
    assert regimes.for_new_case(["edinburgh@firm.example"], None).name == "scot_slcc"
    assert regimes.for_new_case(["complaints@firm.example"], "priya@firm.example").name == "ew_sra"


def test_else_the_regime_of_its_handler() -> None:
    regimes = two_regimes()
    assert regimes.for_new_case(["complaints@firm.example"], "tom@firm.example").name == "fca_disp"


def test_each_regime_has_its_own_calendar_and_overrides() -> None:
    regimes = two_regimes()
    assert regimes.get("scot_slcc").calendar.subdivision == "SCT"
    assert regimes.get("ew_sra").calendar.subdivision == "ENG"
    assert regimes.get("fca_disp").profile.reminder_offsets_days == (10, 3)
    assert regimes.get("ew_sra").profile.reminder_offsets_days == (14, 7, 2)


def test_a_profile_that_does_not_fit_is_refused_for_new_cases_but_old_cases_still_count() -> None:
    regimes = parse_config(config()).build_regimes()
    why = regimes.problem("scot_slcc")
    assert why is not None and "SCT" in why and "[[regimes]]" in why
    assert regimes.problem("ew_clc") is None and regimes.problem("mars") is not None
    assert regimes.get("scot_slcc").name == "scot_slcc"  # a stored case keeps its profile


def test_a_regime_listed_twice_or_an_unknown_handler_is_refused() -> None:
    eng = {"subdivision": "ENG"}
    twice = config(eng, regimes=[{"profile": "generic"}, {"profile": "generic"}])
    assert "listed twice" in problems(twice)
    stranger = config(eng, regimes=[{"profile": "generic", "handlers": ["who@firm.example"]}])
    assert "regimes[0].handlers" in problems(stranger)


def test_a_regimes_own_overrides_are_checked_and_named() -> None:
    bad = config({"subdivision": "ENG"},
                 regimes=[{"profile": "generic", "deadlines": {"acknowlege": 3}}])
    assert "regimes[0].deadlines" in problems(bad)


def test_build_regimes_reports_every_problem_at_once() -> None:
    with pytest.raises(ConfigError) as refused:
        build_regimes(profile="scot_slcc", overrides=None, country="GB", subdivision="ENG",
                      timezone=LONDON, rules=[RegimeRule("ie_lsra")])
    assert len(refused.value.problems) == 2
