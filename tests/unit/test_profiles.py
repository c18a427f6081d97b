"""Policy profiles: the shipped figures match the domain table, and firms can override them."""

from __future__ import annotations

from typing import get_args

import tomllib

import pytest

from mailbot import config
from mailbot.errors import ConfigError
from mailbot.profiles import OVERRIDABLE, PROFILES, Clock, Signpost, get_profile


def test_the_six_profiles_are_the_ones_the_config_accepts() -> None:
    assert set(PROFILES) == set(get_args(config.ProfileName))


def test_england_and_wales_solicitors() -> None:
    p = get_profile("ew_sra")
    assert p.acknowledge == Clock(3, "working_days")
    assert p.full_response == Clock(20, "working_days")
    assert p.regulator == Clock(8, "weeks")
    assert p.holding_letter_at == Clock(7, "weeks")
    assert p.reminder_offsets_days == (14, 7, 2)
    assert p.signpost is not None and p.signpost.name == "Legal Ombudsman"
    assert p.conduct_body is not None and "Solicitors Regulation Authority" in p.conduct_body
    assert p.final_must_be_marked_final


def test_legal_ombudsman_contact_details_are_complete() -> None:
    leo = get_profile("ew_sra").signpost
    assert leo is not None
    assert (leo.name, leo.address, leo.phone, leo.email, leo.website, leo.referral_months) == (
        "Legal Ombudsman", "PO Box 6167, Slough, SL1 0EH", "0300 555 0333",
        "enquiries@legalombudsman.org.uk", "www.legalombudsman.org.uk", 6)
    assert leo.time_limit_years == 1 and "within one year" in (leo.time_limit_text or "")


def test_licensed_conveyancers_count_calendar_days() -> None:
    p = get_profile("ew_clc")
    assert p.acknowledge == Clock(7, "calendar_days")
    assert p.full_response == Clock(28, "calendar_days")
    assert p.regulator == Clock(8, "weeks")
    assert p.signpost == get_profile("ew_sra").signpost
    assert p.conduct_body is not None and "Licensed Conveyancers" in p.conduct_body


def test_scotland_has_no_regulator_clock_and_a_final_response_marked_final() -> None:
    p = get_profile("scot_slcc")
    assert p.full_response == Clock(28, "calendar_days")
    assert p.regulator is None and p.holding_letter_at is None
    assert p.signpost is not None and p.signpost.name == "Scottish Legal Complaints Commission"
    assert p.final_must_be_marked_final


def test_ireland_uses_the_lsra_suggestions() -> None:
    p = get_profile("ie_lsra")
    assert p.acknowledge == Clock(3, "working_days")
    assert (p.full_response, p.regulator) == (Clock(28, "calendar_days"), None)
    assert p.signpost is not None and p.signpost.name == "Legal Services Regulatory Authority"


def test_fca_has_summary_resolution_and_the_financial_ombudsman() -> None:
    p = get_profile("fca_disp")
    assert p.summary_resolution == Clock(3, "working_days")
    assert p.full_response is None
    assert p.regulator == Clock(8, "weeks")
    assert p.signpost is not None and p.signpost.name == "Financial Ombudsman Service"
    assert p.signpost.referral_months == 6


def test_generic_has_no_ombudsman_and_no_regulator() -> None:
    p = get_profile("generic")
    assert p.acknowledge == Clock(3, "working_days")
    assert (p.regulator, p.signpost, p.holding_letter_at) == (None, None, None)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_signpost_prints_every_contact_channel(name: str) -> None:
    sp = get_profile(name).signpost
    if sp is not None:
        assert all([sp.name, sp.address, sp.phone, sp.email, sp.website])
        assert "@" in sp.email


def test_overrides_from_toml_shapes() -> None:
    overrides = tomllib.loads(
        'acknowledge = { amount = 2, unit = "working_days" }\n'
        "reminder_offsets_days = [10, 5, 1]\n"
        "holding_letter_at = false\n"
    )
    p = get_profile("ew_sra", overrides)
    assert p.acknowledge == Clock(2, "working_days")
    assert p.reminder_offsets_days == (10, 5, 1)
    assert p.holding_letter_at is None
    assert p.regulator == Clock(8, "weeks")  # untouched fields keep the profile's value


def test_overrides_do_not_change_the_shipped_profile() -> None:
    get_profile("ew_sra", {"stalled_after": {"amount": 5, "unit": "working_days"}})
    assert get_profile("ew_sra").stalled_after == Clock(10, "working_days")


def test_offsets_are_sorted_and_deduplicated() -> None:
    assert get_profile("generic", {"reminder_offsets_days": [2, 7, 7, 14]}).reminder_offsets_days == (14, 7, 2)


def test_unknown_override_key_names_the_key_and_the_known_ones() -> None:
    with pytest.raises(ValueError) as err:
        get_profile("ew_sra", {"acknowledgement": {"amount": 2, "unit": "working_days"}})
    message = str(err.value)
    assert "'acknowledgement'" in message
    for known in ("acknowledge", "reminder_offsets_days", "stalled_after"):
        assert known in message


def test_every_bad_override_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as err:
        get_profile("ew_sra", {
            "acknowledge": {"amount": 2, "unit": "fortnights"},
            "reminder_offsets_days": [14, -1],
            "final_must_be_marked_final": "yes",
        })
    assert len(err.value.problems) == 3
    assert any("fortnights" in p for p in err.value.problems)


def test_false_switches_an_optional_clock_off_but_not_a_required_one() -> None:
    assert get_profile("ew_sra", {"holding_letter_at": False}).holding_letter_at is None
    with pytest.raises(ConfigError, match="acknowledge"):
        get_profile("ew_sra", {"acknowledge": False})


def test_a_clock_needs_amount_and_unit() -> None:
    with pytest.raises(ConfigError, match="amount and unit"):
        get_profile("ew_sra", {"regulator": {"amount": 8}})


def test_signpost_override_merges_onto_the_profile_signpost() -> None:
    p = get_profile("ew_sra", {"signpost": {"phone": "+44 121 245 3050"}})
    assert p.signpost is not None
    assert p.signpost.phone == "+44 121 245 3050"
    assert p.signpost.name == "Legal Ombudsman" and p.signpost.referral_months == 6


def test_a_new_signpost_on_generic_needs_every_field() -> None:
    with pytest.raises(ConfigError, match="address"):
        get_profile("generic", {"signpost": {"name": "State Bar", "phone": "1-800-843-9053"}})
    full = {"name": "State Bar", "address": "180 Howard St", "phone": "1-800-843-9053",
            "email": "help@example.org", "website": "www.example.org"}
    sp = get_profile("generic", {"signpost": full}).signpost
    assert sp is not None and sp.referral_months is None and sp.address == "180 Howard St"


def test_unknown_profile_name_lists_the_choices() -> None:
    with pytest.raises(ConfigError, match="ew_sra"):
        get_profile("england")


def test_every_field_but_the_name_is_overridable() -> None:
    assert "name" not in OVERRIDABLE
    assert {"acknowledge", "regulator", "signpost", "final_must_be_marked_final"} <= set(OVERRIDABLE)


def test_clock_rejects_nonsense_and_reads_naturally() -> None:
    with pytest.raises(ValueError):
        Clock(-1, "weeks")
    with pytest.raises(ValueError):
        Clock(3, "fortnights")  # type: ignore[arg-type]
    assert str(Clock(1, "working_days")) == "1 working day"
    assert Clock(8, "weeks").adjective == "8-week"
