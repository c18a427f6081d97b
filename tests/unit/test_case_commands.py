"""The handler's commands that put a case under the right rules (issue 17), and what the approval
request asks the handler to check before approving."""

from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from mailbot import commands as cmd
from mailbot.commands import parse_handler_reply
from mailbot.letters import LetterKind
from mailbot.regimes import build_regimes
from mailbot.service.complaints import complaint_signal
from mailbot.service.drafting import approval_checks


def actions(text: str) -> tuple[Any, ...]:
    parsed = parse_handler_reply(text)
    assert parsed.problems == ()
    return parsed.actions


@pytest.mark.parametrize(("line", "action"), [
    ("complaint yes", cmd.SetComplaint(True)),
    ("Complaint: no", cmd.SetComplaint(False)),
    ("complaint it is", cmd.SetComplaint(True)),
    ("regime fca_disp", cmd.SetRegime("fca_disp")),
    ("regime scot slcc", cmd.SetRegime("scot_slcc")),
    ("received 2026-02-23", cmd.SetReceived(date(2026, 2, 23))),
    ("received 2026-02-23 14:30", cmd.SetReceived(datetime(2026, 2, 23, 14, 30))),
    ("complainant third party", cmd.SetComplainant("third_party")),
    ("complainant client", cmd.SetComplainant("client")),
    ("waive time limits yes", cmd.WaiveTimeLimits(True)),
    ("waive the time limits: no", cmd.WaiveTimeLimits(False)),
    ("close withdrawn: the client phoned", cmd.Close("withdrawn: the client phoned")),
    ("close", cmd.Close("")),
    ("draft reply", cmd.Draft(LetterKind.ENQUIRY_REPLY)),
])
def test_each_command_is_read(line: str, action: Any) -> None:
    assert actions(line) == (action,)


@pytest.mark.parametrize(("line", "hint"), [
    ("complaint maybe", "yes or no"),
    ("complaint it is not", "yes or no"),
    ("regime fca", "did you mean 'fca_disp'"),
    ("received last Tuesday", "received needs the date"),
    ("received 2026-02-30", "received needs the date"),
    ("complainant the other side", "unknown complainant"),
    ("waive time limits perhaps", "waive time limits yes"),
])
def test_unclear_commands_say_what_to_write(line: str, hint: str) -> None:
    [unclear] = actions(line)
    assert isinstance(unclear, cmd.Unclear) and hint in unclear.hint


def test_several_commands_in_one_reply() -> None:
    assert actions("regime fca_disp\nwaive time limits no\ndraft final") == (
        cmd.SetRegime("fca_disp"), cmd.WaiveTimeLimits(False), cmd.Draft(LetterKind.FINAL_RESPONSE))


# -- the complaint signal, with or without the triage issue's key ---------------------------------

@pytest.mark.parametrize(("record", "signal"), [
    ({"is_complaint": True}, "complaint"),
    ({"is_complaint": False}, "not_complaint"),
    ({}, "complaint"),
    ({"is_complaint": True, "complaint_signal": "uncertain"}, "uncertain"),
    ({"is_complaint": False, "complaint_signal": "complaint"}, "complaint"),
    ({"is_complaint": True, "complaint_signal": "nonsense"}, "complaint"),
])
def test_the_complaint_signal_reads_the_new_key_or_falls_back(record: dict[str, Any],
                                                              signal: str) -> None:
    assert complaint_signal(record) == signal


# -- what the approval request asks the handler to check ------------------------------------------

REGIMES = build_regimes(profile="ew_sra", overrides=None, country="GB", subdivision="ENG",
                        timezone="Europe/London")
RECEIVED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def case(**values: Any) -> Any:
    base = {"is_complaint": True, "complaint_decided_by": None, "complainant": "client",
            "flags": [],
            "suggestion": {}, "received_at": RECEIVED, "waive_time_limits": None,
            # the complaint was restated already: no "Our understanding" check (test_duties.py)
            "understanding_sent_at": RECEIVED}
    return SimpleNamespace(**{**base, **values})


def titles(checks: list[dict[str, str]]) -> list[str]:
    return [c["title"] for c in checks]


def test_an_uncertain_message_asks_is_this_a_complaint_with_the_reasons() -> None:
    record = {"complaint_signal": "uncertain", "complaint_probability": 0.48,
              "reasons": ["classifier: other (0.41)", "mentions a refund"]}
    enquiry = case(is_complaint=False, suggestion=record)
    [check] = approval_checks(REGIMES.default, enquiry, "enquiry_reply")
    assert check["title"] == "Is this a complaint?"
    assert "probability of a complaint 0.48" in check["text"]
    assert "mentions a refund" in check["text"]
    assert "'complaint yes'" in check["text"] and "Monday 2 March 2026" in check["text"]


def test_a_message_read_as_not_a_complaint_says_so_until_a_person_decides() -> None:
    assert titles(approval_checks(REGIMES.default, case(is_complaint=False), "enquiry_reply")) == [
        "Read as not a complaint"]
    decided = case(is_complaint=False, complaint_decided_by="hal@firm.example")
    assert approval_checks(REGIMES.default, decided, "enquiry_reply") == []
    assert approval_checks(REGIMES.default, case(), "progress_update") == []


def test_a_third_party_is_told_the_eligibility_rule_of_the_cases_regime() -> None:
    writer = case(complainant="third_party", flags=["third_party"])
    [check] = approval_checks(REGIMES.default, writer, "final_response")
    assert check["title"] == "The complainant may not be our client"
    assert "Triage found signs" in check["text"]
    assert "generally not from the other side" in check["text"]
    assert "do not disclose" in check["text"] and "'complainant client'" in check["text"]
    [generic] = approval_checks(REGIMES.get("generic"), case(complainant="third_party"),
                                "final_response")
    assert "Under generic" not in generic["text"]  # no ombudsman: no eligibility rule to explain


def test_an_fca_final_response_asks_about_the_waiver() -> None:
    fca = REGIMES.get("fca_disp")
    [check] = approval_checks(fca, case(), "final_response")
    assert check["title"] == "Time limits (FCA)" and "'waive time limits yes'" in check["text"]
    [consent] = approval_checks(fca, case(waive_time_limits=True), "summary_resolution")
    assert "'waive time limits no'" in consent["text"]
    assert approval_checks(fca, case(), "progress_update") == []
