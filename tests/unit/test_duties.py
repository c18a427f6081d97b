"""The duties of issue 19 in the pure core: the commands, the clocks, triage's rules, the letters'
restatement of the complaint, and what the approval request asks the handler."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from mailbot import commands as cmd
from mailbot.commands import parse_handler_reply
from mailbot.deadlines import CaseClock
from mailbot.duty_clocks import action_reminder, evaluate_duties, ico_due, sar_due, worked_check
from mailbot.regimes import build_regimes
from mailbot.service.drafting import approval_checks
from mailbot.service.listening import letter_extras, understood_points
from mailbot.triage import suggest
from mailbot.triage.rules import area_of_law, rule_hits

REGIMES = build_regimes(profile="ew_sra", overrides=None, country="GB", subdivision="ENG",
                        timezone="Europe/London")
CAL = REGIMES.default.calendar
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # Monday 2 March 2026


def actions(text: str) -> tuple[Any, ...]:
    parsed = parse_handler_reply(text)
    assert parsed.problems == ()
    return parsed.actions


# -- the commands --------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "action"), [
    ("action check completion statements twice owner jane@firm.example due 2027-01-31",
     cmd.CreateAction("check completion statements twice", "jane@firm.example",
                      date(2027, 1, 31))),
    ("Action: train reception on callbacks, due 2027-02-01, owner <Tom@Firm.example>",
     cmd.CreateAction("train reception on callbacks", "tom@firm.example", date(2027, 2, 1))),
    ("action 12 done", cmd.ActionDone(12)),
    ("action #3 completed", cmd.ActionDone(3)),
    ("action 3 worked yes no complaints since", cmd.ActionWorked(3, True, "no complaints since")),
    ("action 3 worked no the same error again",
     cmd.ActionWorked(3, False, "the same error again")),
    ("breach suspected", cmd.BreachSuspected()),
    ("breach notifiable no: sent to the client's own spouse, no risk",
     cmd.BreachDecision(False, "sent to the client's own spouse, no risk")),
    ("breach not notifiable unlikely to result in a risk",
     cmd.BreachDecision(False, "unlikely to result in a risk")),
    ("breach notifiable yes bank details exposed",
     cmd.BreachDecision(True, "bank details exposed")),
    ("sar", cmd.SubjectAccess("yes")),
    ("subject access request", cmd.SubjectAccess("yes")),
    ("sar extend three years of files across four matters",
     cmd.SubjectAccess("extend", "three years of files across four matters")),
    ("sar done", cmd.SubjectAccess("done")),
    ("sar no", cmd.SubjectAccess("no")),
    ("adjustments offered by phone", cmd.Adjustments("offered", "by phone")),
    ("adjustments not needed the client said so",
     cmd.Adjustments("not_needed", "the client said so")),
    ("about a trainee", cmd.SetPerson("trainee")),
    ("person solicitor", cmd.SetPerson("solicitor")),
    ("area probate", cmd.SetArea("probate")),
    ("area of law personal injury", cmd.SetArea("personal_injury")),
    ("also communication", cmd.AddSecondary("communication")),
    ("resolved yes", cmd.SetResolved(True)),
    ("resolved no", cmd.SetResolved(False)),
    ("flag insurer", cmd.SetFlag("insurer_notification", True)),
    ("Flag: conduct referral", cmd.SetFlag("conduct_referral", True)),
    ("flag third-party no", cmd.SetFlag("third_party", False)),
    ("flag vulnerable yes", cmd.SetFlag("vulnerability", True)),
    ("flag safeguarding off", cmd.SetFlag("safeguarding", False)),
])
def test_each_duty_command_is_read(line: str, action: Any) -> None:
    assert actions(line) == (action,)


@pytest.mark.parametrize(("line", "hint"), [
    ("action fix it", "needs what will change, its owner and a due date"),
    ("action fix it owner jane@firm.example", "needs what will change"),
    ("action fix it owner jane@firm.example due 2027-02-30", "needs what will change"),
    ("action 4 maybe", "action 4 done"),
    ("breach", "breach notifiable yes REASON"),
    ("breach notifiable yes", "breach notifiable yes REASON"),
    ("sar extend", "needs the reason"),
    ("sar later", "sar extend REASON"),
    ("adjustments perhaps", "unknown adjustments"),
    ("about the receptionist", "unknown person complained about"),
    ("area tax", "unknown area of law"),
    ("also sad", "unknown category"),
    ("resolved maybe", "resolved is followed by yes"),
    ("flag", "'flag insurer'"),
    ("flag urgent", "'flag insurer'"),
    ("flag data breach", "'breach suspected'"),
])
def test_unclear_duty_commands_say_what_to_write(line: str, hint: str) -> None:
    [unclear] = actions(line)
    assert isinstance(unclear, cmd.Unclear) and hint in unclear.hint, unclear


# -- the clocks ----------------------------------------------------------------------------------

def clock(**values: Any) -> CaseClock:
    return CaseClock(ref="C-2026-0001", state="acknowledged", received_at=T0, **values)


def keys(case: CaseClock, now: datetime) -> list[str]:
    return [a.key for a in evaluate_duties(case, now, CAL).actions]


def test_a_breach_is_reminded_48_24_and_6_hours_before_the_72_and_once_after() -> None:
    case = clock(breach_aware_at=T0)
    stamp = "202603020930"
    assert keys(case, T0 + timedelta(hours=23)) == []
    looked = evaluate_duties(case, T0 + timedelta(hours=23), CAL)
    assert looked.next_check == T0 + timedelta(hours=24)
    assert keys(case, T0 + timedelta(hours=24)) == [f"ico_decision:{stamp}:48"]
    assert keys(case, T0 + timedelta(hours=50)) == [f"ico_decision:{stamp}:24"]
    assert keys(case, T0 + timedelta(hours=66)) == [f"ico_decision:{stamp}:6"]
    assert keys(case, T0 + timedelta(hours=72)) == [f"ico_overdue:{stamp}"]
    fired = frozenset({f"ico_overdue:{stamp}"})
    assert evaluate_duties(clock(breach_aware_at=T0, fired=fired), T0 + timedelta(days=9), CAL) \
        .actions == ()
    assert ico_due(T0) == T0 + timedelta(hours=72)


def test_a_late_tick_sends_only_the_latest_breach_reminder_and_a_decision_stops_them() -> None:
    assert keys(clock(breach_aware_at=T0), T0 + timedelta(hours=67)) == [
        "ico_decision:202603020930:6"]
    decided = clock(breach_aware_at=T0, breach_decided_at=T0 + timedelta(hours=5))
    assert keys(decided, T0 + timedelta(hours=80)) == []
    assert evaluate_duties(decided, T0, CAL).next_check is None


def test_a_subject_access_request_has_one_calendar_month_to_the_end_of_the_day() -> None:
    due = sar_due(T0, CAL)
    assert CAL.local(due).date() == date(2026, 4, 2) and CAL.local(due).hour == 23
    assert CAL.local(sar_due(datetime(2026, 1, 31, 10, tzinfo=timezone.utc), CAL)).date() == \
        date(2026, 2, 28), "no 31 February: the month's last day"
    case = clock(sar_received_at=T0, sar_due_at=due)
    assert keys(case, T0 + timedelta(days=10)) == []
    # 14 days before Thursday 2 April is Thursday 19 March; 2 days before, Tuesday 31 March.
    assert keys(case, datetime(2026, 3, 19, 1, tzinfo=timezone.utc)) == ["sar_due:2026-04-02:14"]
    assert keys(case, datetime(2026, 3, 31, 8, tzinfo=timezone.utc)) == ["sar_due:2026-04-02:2"]
    assert keys(case, due + timedelta(seconds=1)) == ["sar_overdue:2026-04-02"]
    answered = clock(sar_received_at=T0, sar_due_at=due, sar_done_at=T0 + timedelta(days=3))
    assert keys(answered, due + timedelta(days=1)) == []


def test_an_extended_request_gets_its_own_reminders() -> None:
    extended = sar_due(T0, CAL, months=3)
    assert CAL.local(extended).date() == date(2026, 6, 2)
    fired = frozenset({"sar_overdue:2026-04-02"})
    case = clock(sar_received_at=T0, sar_due_at=extended, fired=fired)
    assert keys(case, datetime(2026, 5, 20, 8, tzinfo=timezone.utc)) == ["sar_due:2026-06-02:14"]


def test_an_actions_owner_is_told_a_week_before_on_the_day_and_weekly_after() -> None:
    due, made = date(2027, 1, 29), date(2027, 1, 4)
    assert action_reminder(due, made, date(2027, 1, 21), None) is None
    assert action_reminder(due, made, date(2027, 1, 22), None) == "due_soon"
    assert action_reminder(due, made, date(2027, 1, 25), "due_soon") is None
    assert action_reminder(due, made, date(2027, 1, 29), "due_soon") == "due"
    assert action_reminder(due, made, date(2027, 2, 4), "due") is None
    assert action_reminder(due, made, date(2027, 2, 5), "due") == "overdue:1"
    assert action_reminder(due, made, date(2027, 3, 1), None) == "overdue:4", "late: the latest"
    assert action_reminder(due, date(2027, 1, 25), date(2027, 1, 26), None) is None, \
        "made within the week: no 'due soon'"
    assert worked_check(date(2027, 2, 1), date(2027, 3, 2), None) is None
    assert worked_check(date(2027, 2, 1), date(2027, 3, 3), None) == "check"
    assert worked_check(date(2027, 2, 1), date(2027, 4, 3), "check") is None


# -- triage --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I want to know what data you hold about me. Please send me a copy under GDPR.",
    "This is a subject access request under article 15.",
    "Please send me a copy of all the personal information you hold about me.",
    "Please delete all my personal data.",
    "I am making a DSAR.",
])
def test_a_subject_access_request_is_recognised(text: str) -> None:
    assert "subject_access" in {h.rule.name for h in rule_hits(text)}
    assert "subject_access" in suggest(text, T0, None).flags


def test_a_request_for_information_about_a_case_is_not_a_subject_access_request() -> None:
    text = "Could you send me the information about the completion date for my sale?"
    assert "subject_access" not in suggest(text, T0, None).flags


def test_a_data_breach_is_flagged_for_the_ico_clock_and_rules_give_secondary_categories() -> None:
    text = ("You sent my divorce papers to the wrong email address and nobody has called me back "
            "in three weeks.")
    found = suggest(text, T0, None)
    assert {"data_breach", "conduct_referral"} <= found.flags
    assert found.urgency == "critical"
    assert found.area == "family"
    payment = suggest("Your bank details have changed, says an email from your accounts team",
                      T0, None)
    assert payment.category == "other" and "data_security" in payment.secondary


@pytest.mark.parametrize(("text", "area"), [
    ("I instructed your firm on the sale of 14 Birch Lane in September.", "conveyancing"),
    ("I am one of the beneficiaries of my mother's estate.", "probate"),
    ("Your invoice for my divorce is far too high.", "family"),
    ("My landlord is trying to evict me and you missed the hearing.", "housing"),
    ("Nobody answers my calls.", None),
])
def test_the_area_of_law_is_read_from_the_matter_not_the_category(text: str,
                                                                  area: str | None) -> None:
    assert area_of_law(text) == area


# -- letters and the approval request ------------------------------------------------------------

def case(**values: Any) -> Any:
    base = {"ref": "C-2026-0001", "is_complaint": True, "complaint_decided_by": None,
            "complainant": "client", "flags": [], "suggestion": {}, "received_at": T0,
            "waive_time_limits": None, "category": "delay", "secondary_categories": [],
            "understanding_sent_at": None, "adjustments": None, "escalated": None,
            "breach_aware_at": None, "breach_decided_at": None, "sar_due_at": None,
            "sar_done_at": None}
    return SimpleNamespace(**{**base, **values})


def titles(checks: list[dict[str, str]]) -> list[str]:
    return [c["title"] for c in checks]


def test_the_first_substantive_letter_restates_the_points_found_by_triage() -> None:
    first = case(secondary_categories=["communication"], flags=["insurer_notification"])
    assert understood_points(first) == [
        "your matter has taken too long, or has stalled",
        "we have not kept you informed, or have not answered your calls, emails or letters",
        "you have lost money, or been put to expense, as a result"]
    assert letter_extras(first, "progress_update")["understanding"]
    assert letter_extras(first, "acknowledgement")["understanding"] is None
    assert letter_extras(first, "final_response")["understanding"] is None
    sent = case(understanding_sent_at=T0)
    assert letter_extras(sent, "progress_update")["understanding"] is None
    assert letter_extras(case(is_complaint=False), "progress_update")["understanding"] is None
    third = case(complainant="third_party")
    assert understood_points(third) == ["the matter has taken too long, or has stalled"]


def test_a_vulnerable_client_is_offered_adjustments_until_they_are_recorded() -> None:
    vulnerable = case(flags=["vulnerability"], understanding_sent_at=T0)
    assert letter_extras(vulnerable, "progress_update")["offer_adjustments"] is True
    assert letter_extras(case(flags=["vulnerability"], adjustments="offered"),
                         "progress_update")["offer_adjustments"] is False
    [check] = approval_checks(REGIMES.default, vulnerable, "progress_update")
    assert check["title"] == "Reasonable adjustments"
    assert "'adjustments offered'" in check["text"] and "Help with communicating" in check["text"]
    declined = case(flags=["vulnerability"], adjustments="declined", understanding_sent_at=T0)
    assert approval_checks(REGIMES.default, declined, "progress_update") == []


def test_the_approval_request_asks_for_the_ico_decision_and_the_subject_access_answer() -> None:
    pressing = case(escalated=["critical", "data_breach"], breach_aware_at=T0,
                    sar_due_at=sar_due(T0, CAL), understanding_sent_at=T0)
    checks = approval_checks(REGIMES.default, pressing, "progress_update")
    assert titles(checks) == ["Act today", "Personal-data breach: the ICO decision",
                              "Subject access request"]
    assert "critical, data breach" in checks[0]["text"]
    assert "09:30 on Thursday 5 March 2026" in checks[1]["text"]
    assert "'breach notifiable no REASON'" in checks[1]["text"]
    assert "23:59 on Thursday 2 April 2026" in checks[2]["text"]
    assert "'sar done'" in checks[2]["text"]
    understood = approval_checks(REGIMES.default, case(), "progress_update")
    assert titles(understood) == ["Our understanding of the complaint"]


# -- configuration: retention floors, review dates ----------------------------------------------

def test_retention_below_a_configured_regimes_minimum_is_refused() -> None:
    from tests.unit.test_config import example, only_problem

    fca = {"profile": "fca_disp", "complaints_procedure_url": "https://firm.example/complaints",
           "fos_leaflet_url": "https://firm.example/leaflet.pdf"}
    problem = only_problem(example(firm=fca, retention={"years_after_closure": 2}))
    assert "retention.years_after_closure: 2 is below the 3 years" in problem
    assert "fca_disp" in problem
    from mailbot.config import parse_config

    assert parse_config(example(firm=fca, retention={"years_after_closure": 3}))
    assert parse_config(example(retention={"years_after_closure": 2})), "ew_sra sets no minimum"


def test_a_profile_carries_its_review_date_and_a_firm_sets_its_own() -> None:
    from mailbot.profiles import PROFILES, SHIPPED_REVIEWED_ON, get_profile
    from mailbot.errors import ConfigError

    assert all(p.reviewed_on == SHIPPED_REVIEWED_ON for p in PROFILES.values())
    assert get_profile("ew_sra", {"reviewed_on": date(2027, 1, 4)}).reviewed_on == date(2027, 1, 4)
    with pytest.raises(ConfigError, match="expected a date"):
        get_profile("ew_sra", {"reviewed_on": "last week"})
    with pytest.raises(ConfigError, match="unknown key"):
        get_profile("fca_disp", {"min_retention_years": 1})  # a floor a firm cannot lower


# -- the report's duties -------------------------------------------------------------------------

def test_review_dates_say_when_the_next_review_is_due() -> None:
    from mailbot.reports.duties import review_items

    firm, profile = review_items([("ew_sra", date(2026, 1, 5))], None, 12)
    assert firm.status(date(2027, 1, 1)) == "never recorded: review now"
    assert profile.status(date(2026, 11, 1)) == "next due 2027-01-05"
    assert profile.status(date(2026, 12, 20)) == "due by 2027-01-05"
    assert profile.status(date(2027, 1, 6)) == "overdue since 2027-01-05"


def test_causes_by_category_show_what_was_done_and_whether_it_worked() -> None:
    from mailbot.reports.duties import ActionFacts, causes_by_category, lessons

    def fact(ref: str, cause: str | None, outcome: str | None = None,
             learning: str | None = None) -> Any:
        return SimpleNamespace(ref=ref, category="delay", root_cause=cause, outcome=outcome,
                               learning=learning, is_complaint=True)

    facts = [fact("C-1", "no callback rota", "upheld", "Ring back within a day"),
             fact("C-2", "No callback rota.", "partly"), fact("C-3", None, "not")]
    worked = ActionFacts(1, "C-1", "a callback rota", "tom@firm.example", date(2026, 4, 1),
                         "delay", "no callback rota", "done", T0, "yes")
    lines = causes_by_category(facts, [worked], date(2026, 5, 1))
    assert [(c.cause, c.complaints, c.actions, c.fixed) for c in lines] == [
        ("No callback rota", 2, ("#1 done, worked",), True),
        ("(no root cause recorded)", 1, (), False)]
    learnt = lessons(facts)
    assert learnt.upheld == 2 and learnt.upheld_by_cause == (("No callback rota", 2),)
    assert learnt.notes == (("C-1", "Delay", "Ring back within a day"),)
    late = ActionFacts(2, "C-3", "x", "tom@firm.example", date(2026, 4, 1), "delay", None,
                       "open", None, None)
    assert late.state(date(2026, 4, 2)) == "overdue" and late.state(date(2026, 4, 1)) == "open"
