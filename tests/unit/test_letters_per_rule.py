"""Rendered letters per profile checked against the rule each must meet (issue 17, review F4-F9,
F20, F21, F25), and a content gate that reads statements, not keywords (F6)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mailbot.content_gate import check
from mailbot.letters import CLIENT_KINDS
from mailbot.profiles import PROFILES
from tests.unit.test_templates import LETTERS, context

FOOTER = "We will never change our bank details by email."


def render(kind: str, profile: str = "ew_sra", **overrides: Any) -> tuple[str, str]:
    letter = LETTERS.render(kind, context(kind, profile, **overrides))
    return letter.text, letter.html or ""


def passes(kind: str, profile: str, text: str, html: str, **facts: Any) -> bool:
    return check(kind, profile, text, html=html, **facts) == []


# -- F6: statements, not keywords ----------------------------------------------------------------

SIX_MONTHS = "You must do so within six months of the date of this letter."


def final_leo(availability: str, limit: str = SIX_MONTHS) -> str:
    return f"""This letter is our final response to your complaint.

YOUR RIGHT TO REFER YOUR COMPLAINT TO THE LEGAL OMBUDSMAN
{availability}
{limit}
You must also normally refer it within one year of the act or omission.
Legal Ombudsman, PO Box 6167, Slough, SL1 0EH. Phone: 0300 555 0333.
Email: enquiries@legalombudsman.org.uk. Website: www.legalombudsman.org.uk

{FOOTER}
"""


def test_the_review_letter_that_passed_is_now_refused() -> None:
    """Review F6: "You can't refer your complaint to the Legal Ombudsman. We are sorry it took six
    months to reply." plus the contact details returned no missing blocks."""
    text = final_leo("You can't refer your complaint to the Legal Ombudsman.",
                     "We are sorry it took six months to reply.")
    missing = check("final_response", "ew_sra", text)
    assert "ombudsman_available" in missing and "referral_time_limit" in missing


@pytest.mark.parametrize("negated", [
    "You may not complain to the Legal Ombudsman because you were not our client.",
    "You cannot refer your complaint to the Legal Ombudsman.",
    "We do not think you may refer your complaint to the Legal Ombudsman.",
    "It is not the case that you can refer your complaint to the Legal Ombudsman.",
    "You are not entitled to refer your complaint to the Legal Ombudsman.",
    "You may no longer refer your complaint to the Legal Ombudsman.",
])
def test_negated_availability_is_not_availability(negated: str) -> None:
    assert "ombudsman_available" in check("final_response", "ew_sra", final_leo(negated))


@pytest.mark.parametrize("stated", [
    "If you are not satisfied with this final response, you may refer your complaint to the Legal "
    "Ombudsman.",
    "If you are not happy, you can take your complaint to the Legal Ombudsman.",
    "You have the right to refer your complaint to the Legal Ombudsman.",
    "You may now refer your complaint to the Legal Ombudsman.",
])
def test_availability_stated_plainly_passes_even_after_a_negated_condition(stated: str) -> None:
    assert check("final_response", "ew_sra", final_leo(stated)) == []


@pytest.mark.parametrize("limit", [
    "You need not refer it within six months of the date of this letter.",
    "Six months is how long we took.",
    "You must refer it to the Legal Ombudsman within six months.",  # from when?
])
def test_the_six_month_limit_must_be_stated_as_such(limit: str) -> None:
    text = final_leo("You may refer your complaint to the Legal Ombudsman.", limit)
    assert "referral_time_limit" in check("final_response", "ew_sra", text)


def test_a_heading_of_its_own_makes_the_signpost_prominent() -> None:
    text = final_leo("You may refer your complaint to the Legal Ombudsman.")
    buried = text.replace("YOUR RIGHT TO REFER YOUR COMPLAINT TO THE LEGAL OMBUDSMAN\n", "")
    assert check("final_response", "ew_sra", buried) == ["ombudsman_heading"]


def test_any_sentence_about_waiving_time_limits_is_not_the_annex_3r_wording() -> None:
    text, html = render("final_response", "fca_disp")
    annex = ("If you do not refer your complaint in time, the Ombudsman will not have our "
             "permission to consider your complaint")
    cut = text.replace(annex, "We agree that time limits matter")
    assert "time_limit_waiver" in check("final_response", "fca_disp", cut)


# -- F5: Scotland and Ireland: no "you may now refer" before the final response -------------------

@pytest.mark.parametrize("profile", ["scot_slcc", "ie_lsra"])
def test_the_holding_letter_does_not_send_the_client_too_early(profile: str) -> None:
    text, html = render("holding_letter", profile, regulator_deadline=None)
    assert "You do not have to wait" not in text and "may now refer" not in text.lower()
    later = "When you have our final response, if you are still not satisfied, you may refer"
    assert later in text
    assert passes("holding_letter", profile, text, html)
    old = text.replace(later, "You do not have to wait for our final response. You may now refer")
    assert "no_premature_referral" in check("holding_letter", profile, old)


# -- F7: the 8-week letter gives the Legal Ombudsman's time frame ---------------------------------

@pytest.mark.parametrize("profile", ["ew_sra", "ew_clc"])
def test_the_holding_letter_gives_the_legal_ombudsmans_time_frame(profile: str) -> None:
    text, html = render("holding_letter", profile)
    assert "within one year of the act or omission" in text
    assert "within six months of the date of that response" in text
    assert passes("holding_letter", profile, text, html)
    cut = text.replace("within one year of the act", "promptly after the act") \
              .replace("within one year of when", "promptly after when")
    assert "holding_time_frame" in check("holding_letter", profile, cut)


# -- F8: the FCA's leaflet, Annex 3R wording, the SRC's six months --------------------------------

LEAFLET = "https://smith.example/fos-leaflet.pdf"


def fos_signpost() -> Any:
    from dataclasses import replace
    signpost = PROFILES["fca_disp"].signpost
    assert signpost is not None
    return replace(signpost, leaflet_url=LEAFLET)


@pytest.mark.parametrize("kind", ["final_response", "holding_letter"])
def test_fca_final_and_holding_letters_link_the_leaflet(kind: str) -> None:
    text, html = render(kind, "fca_disp", ombudsman=fos_signpost())
    assert f'"Your complaint and the ombudsman" explains how it works: {LEAFLET}' in text
    assert f'href="{LEAFLET}"' in html
    assert check(kind, "fca_disp", text, fos_signpost(), html=html) == []
    without = text.replace(LEAFLET, "our website")
    assert "ombudsman_leaflet" in check(kind, "fca_disp", without, fos_signpost())


def test_fca_final_response_carries_annex_3r_and_the_chosen_waiver() -> None:
    refuse, _ = render("final_response", "fca_disp")
    annex_3r_1 = ("You have the right to refer your complaint to the Financial Ombudsman Service, "
                  "free of charge – but you must do so within six months of the date of this "
                  "letter.")
    assert annex_3r_1 in refuse
    assert "the Ombudsman will not have our permission to consider your complaint" in refuse
    waive, html = render("final_response", "fca_disp", fos_waives_time_limits=True)
    assert "We consent to the Ombudsman considering your complaint" in waive
    assert passes("final_response", "fca_disp", waive, html, waive_time_limits=True)
    refused = check("final_response", "fca_disp", refuse, waive_time_limits=True)
    assert "time_limit_waiver" in refused


def test_the_summary_resolution_communication_gives_the_six_months() -> None:
    text, html = render("summary_resolution", "fca_disp")
    assert "you must do so within six months of the date of this letter" in text
    cut = text.replace("within six months of the date of this letter", "promptly")
    assert "referral_time_limit" in check("summary_resolution", "fca_disp", cut)


# -- F9: the FCA acknowledgement gives the procedure and promises the 8-week response -------------

def test_the_fca_acknowledgement_gives_the_procedure_and_a_firm_promise() -> None:
    text, html = render("acknowledgement", "fca_disp")
    assert "Our complaints procedure is at https://www.smith.example/complaints" in text
    promise = "We will send you our final response, or a letter explaining why we need more time"
    assert promise + ", by" in text
    assert "We aim to" not in text
    assert passes("acknowledgement", "fca_disp", text, html)
    assert "complaints_procedure" in check("acknowledgement", "fca_disp", text.replace(
        "Our complaints procedure is at https://www.smith.example/complaints",
        "Ask us for our procedure"))
    aim = text.replace(promise, "We aim to send you our full response")
    assert "final_or_holding_promise" in check("acknowledgement", "fca_disp", aim)


def test_other_acknowledgements_give_the_procedure_when_the_firm_has_one() -> None:
    text, _ = render("acknowledgement", "ew_sra")
    assert "https://www.smith.example/complaints" in text


# -- F20, F21: conduct regulator and the SLCC/LSRA time limits ------------------------------------

def test_a_conduct_concern_names_the_conduct_regulator() -> None:
    sra = PROFILES["ew_sra"].conduct_body
    text, html = render("final_response", "ew_sra", conduct_body=sra)
    assert "you can also report it to the Solicitors Regulation Authority (www.sra.org.uk)" in text
    assert "Solicitors Regulation Authority" in html
    plain, _ = render("final_response", "ew_sra")
    assert "Solicitors Regulation Authority" not in plain


@pytest.mark.parametrize(("profile", "phrase"), [
    ("scot_slcc", "within three years of the last service we provided"),
    ("ie_lsra", "within three years of the service or of the bill; there is no time limit for a "
                "complaint of misconduct"),
])
def test_scottish_and_irish_final_responses_state_the_limit(profile: str, phrase: str) -> None:
    text, html = render("final_response", profile)
    assert phrase in text and "has time limits for accepting complaints" not in text
    assert passes("final_response", profile, text, html)
    vague = text.replace("within three years", "in time")
    assert "ombudsman_time_limit" in check("final_response", profile, vague)


# -- F25: letters carry their date, and the referral deadline -------------------------------------

@pytest.mark.parametrize("kind", sorted(CLIENT_KINDS))
def test_every_client_letter_carries_its_date(kind: str) -> None:
    text, html = render(kind, letter_date=date(2026, 7, 30))
    assert "Thursday 30 July 2026" in text.split("Dear", 1)[0]
    assert "Thursday 30 July 2026" in html


def test_the_final_response_prints_the_date_by_which_to_refer() -> None:
    text, _ = render("final_response", referral_deadline=date(2027, 1, 30))
    assert "within six months of the date of this letter, so by Saturday 30 January 2027" in text


# -- F4: a complainant who is not our client ------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(CLIENT_KINDS - {"summary_resolution"}))
def test_letters_to_a_third_party_never_say_your_matter(kind: str) -> None:
    text, html = render(kind, complainant="third_party",
                        case={**context(kind)["case"], "category": "delay"},
                        done="We have reviewed the file.")
    assert "your matter" not in text.lower() and "your file" not in text.lower()
    assert "owe them a duty of confidentiality" in text
    assert passes(kind, "ew_sra", text, html, complainant="third_party")


def test_the_gate_refuses_client_wording_to_a_third_party() -> None:
    text, _ = render("acknowledgement")  # written for a client: "how we handle your matter"
    missing = check("acknowledgement", "ew_sra", text, complainant="third_party")
    assert {"third_party_wording", "client_confidentiality"} <= set(missing)


def test_a_third_partys_final_response_follows_the_ombudsmans_eligibility() -> None:
    """LeO hears some non-clients (beneficiaries) but generally not the other side: no
    unconditional 'you may refer', but whom it hears and that they can ask it."""
    text, html = render("final_response", complainant="third_party")
    assert "If you are not satisfied with this final response, you may refer" not in text
    assert "generally not from the other side" in text
    assert "You can ask the Legal Ombudsman directly whether it can consider your complaint." \
        in text
    assert "if the Legal Ombudsman can consider your complaint, you must refer" in text
    assert passes("final_response", "ew_sra", text, html, complainant="third_party")
    client, _ = render("final_response")
    missing = check("final_response", "ew_sra", client, complainant="third_party")
    assert "ombudsman_eligibility" in missing


def test_the_slcc_hears_third_parties_so_they_are_told_they_may_refer() -> None:
    text, html = render("final_response", "scot_slcc", complainant="third_party")
    assert "you may refer your complaint to the Scottish Legal Complaints Commission" in text
    assert passes("final_response", "scot_slcc", text, html, complainant="third_party")


# -- F3: the enquiry reply ------------------------------------------------------------------------

@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_the_enquiry_reply_is_neutral(profile: str) -> None:
    text, html = render("enquiry_reply", profile)
    lowered = text.lower()
    assert "cause to complain" not in lowered and "ombudsman" not in lowered
    assert "complaints commission" not in lowered
    assert "we have passed your message to jane okafor" in lowered
    assert "if you meant to make a complaint, please reply and tell us" in lowered
    assert passes("enquiry_reply", profile, text, html)
