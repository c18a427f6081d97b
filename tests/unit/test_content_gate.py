"""The content gate refuses letters that lack what the regulator requires, and only those."""

from __future__ import annotations

import pytest

from mailbot.content_gate import check, required_blocks
from mailbot.letters import CLIENT_KINDS, STAFF_KINDS
from mailbot.mime_text import html_to_text
from mailbot.profiles import LEGAL_OMBUDSMAN, get_profile

FOOTER = "We will never change our bank details by email."
LEO_BLOCK = """YOUR RIGHT TO REFER YOUR COMPLAINT TO THE LEGAL OMBUDSMAN
If you are not satisfied, you may refer your complaint to the Legal Ombudsman.
You must do so within six months of the date of this letter.
You must also normally refer it within one year of the act or omission you complain about.
Legal Ombudsman, PO Box 6167, Slough, SL1 0EH
Phone: 0300 555 0333
Email: enquiries@legalombudsman.org.uk
Website: www.legalombudsman.org.uk"""
FINAL = f"""Dear Mr Shah,

This letter is our final response to your complaint.

1. Delay: upheld.

{LEO_BLOCK}

Yours sincerely,
Jane Okafor

{FOOTER}
"""


def test_a_complete_final_response_passes() -> None:
    assert check("final_response", "ew_sra", FINAL) == []


@pytest.mark.parametrize(("remove", "missing"), [
    ("This letter is our final response to your complaint.", "final_response_statement"),
    ("you may refer your complaint", "ombudsman_available"),
    ("within six months of the date of this letter", "referral_time_limit"),
    ("PO Box 6167, Slough, SL1 0EH", "ombudsman_address"),
    ("0300 555 0333", "ombudsman_phone"),
    ("enquiries@legalombudsman.org.uk", "ombudsman_email"),
    ("www.legalombudsman.org.uk", "ombudsman_website"),
    (FOOTER, "bank_details_footer"),
])
def test_each_required_block_is_reported_when_absent(remove: str, missing: str) -> None:
    text = FINAL.replace(remove, "")
    assert missing in check("final_response", "ew_sra", text)


def test_the_ombudsman_name_alone_is_not_its_contact_details() -> None:
    bare = ("This letter is our final response. You may refer it to the Legal Ombudsman within 6 "
            f"months of the date of this letter.\n{FOOTER}")
    missing = check("final_response", "ew_clc", bare)
    assert {"ombudsman_address", "ombudsman_phone", "ombudsman_email", "ombudsman_website"} <= set(missing)
    assert "ombudsman_name" not in missing and "referral_time_limit" not in missing


def test_reformatted_details_still_count() -> None:
    text = FINAL.replace("PO Box 6167, Slough, SL1 0EH", "P.O. Box 6167\nSlough\nSL1 0EH") \
                .replace("0300 555 0333", "0300-5550333") \
                .replace("www.legalombudsman.org.uk", "https://www.legalombudsman.org.uk/") \
                .replace("six months", "6\nmonths") \
                .replace("our final response", "Smith & Co.\u2019s final response")
    assert check("final_response", "ew_sra", text) == []


def test_wrong_details_do_not_count() -> None:
    text = FINAL.replace("0300 555 0333", "0300 555 0334").replace("Slough, SL1 0EH", "Slough, SL1 0EJ")
    assert set(check("final_response", "ew_sra", text)) == {"ombudsman_phone", "ombudsman_address"}


def test_the_email_domain_does_not_pass_for_the_website() -> None:
    text = FINAL.replace("Website: www.legalombudsman.org.uk", "")
    assert check("final_response", "ew_sra", text) == ["ombudsman_website"]


def test_a_firms_corrected_details_are_the_ones_checked() -> None:
    moved = {**LEGAL_OMBUDSMAN.__dict__, "phone": "0300 555 9999"}
    assert check("final_response", "ew_sra", FINAL, moved) == ["ombudsman_phone"]
    profile = get_profile("ew_sra", {"signpost": {"phone": "0300 555 9999"}})
    assert check("final_response", profile, FINAL) == ["ombudsman_phone"]
    assert check("final_response", profile, FINAL.replace("0300 555 0333", "0300 555 9999")) == []


def test_holding_letters_need_the_ombudsman_only_in_eight_week_regimes() -> None:
    holding = f"We need more time. You may refer your complaint to the ombudsman now.\n{FOOTER}"
    for profile in ("ew_sra", "ew_clc", "fca_disp"):
        missing = check("holding_letter", profile, holding)
        assert "ombudsman_phone" in missing and "ombudsman_available" not in missing, profile
    for profile in ("scot_slcc", "ie_lsra", "generic"):
        assert check("holding_letter", profile, holding) == [], profile


def test_fca_final_response_must_say_whether_time_limits_are_waived() -> None:
    fos = FINAL.replace("Legal Ombudsman, PO Box 6167, Slough, SL1 0EH", "Financial Ombudsman Service, "
                        "Exchange Tower, London, E14 9SR").replace("Legal Ombudsman", "Financial Ombudsman Service") \
        .replace("0300 555 0333", "0800 023 4567").replace("enquiries@legalombudsman.org.uk",
                                                           "complaint.info@financial-ombudsman.org.uk") \
        .replace("www.legalombudsman.org.uk", "www.financial-ombudsman.org.uk") \
        .replace("LEGAL OMBUDSMAN", "FINANCIAL OMBUDSMAN SERVICE")
    one_year = "You must also normally refer it within one year of the act or omission"
    fos = fos.replace(one_year + " you complain about.\n", "")
    leaflet = "\nThe leaflet \"Your complaint and the ombudsman\" explains how it works.\n"
    assert check("final_response", "fca_disp", fos + leaflet) == ["time_limit_waiver"]
    annex = ("\nIf you do not refer your complaint in time, the Ombudsman will not have our "
             "permission to consider your complaint and so will only be able to do so in very "
             "limited circumstances.\n")
    assert check("final_response", "fca_disp", fos + leaflet + annex) == []
    assert check("final_response", "fca_disp", fos + annex) == ["ombudsman_leaflet"]
    # The firm's choice decides which wording counts: consent is not the Annex 3R(1) text.
    waived = {"waive_time_limits": True}
    refused = check("final_response", "fca_disp", fos + leaflet + annex, **waived)
    assert refused == ["time_limit_waiver"]
    consent = ("\nWe consent to the Ombudsman considering your complaint even if you refer it "
               "outside the time limits.\n")
    assert check("final_response", "fca_disp", fos + leaflet + consent, **waived) == []


def test_scottish_final_response_is_marked_final_and_names_the_slcc() -> None:
    missing = check("final_response", "scot_slcc", f"Our reply to your complaint.\n{FOOTER}")
    assert "final_response_statement" in missing and "ombudsman_name" in missing
    assert "referral_time_limit" not in missing  # the SLCC's limit does not run from our letter


def test_generic_profile_needs_only_the_footer() -> None:
    assert check("final_response", "generic", f"Our answer.\n{FOOTER}") == []
    assert check("final_response", "generic", "Our answer.") == ["bank_details_footer"]


@pytest.mark.parametrize("kind", sorted(CLIENT_KINDS))
def test_every_client_letter_needs_the_footer_and_no_placeholders(kind: str) -> None:
    names = [r.name for r in required_blocks(kind, "generic")]
    assert names[:2] == ["bank_details_footer", "placeholders_completed"]
    left = f"Dear client, [[TO COMPLETE: what we did]]\n{FOOTER}"
    assert "placeholders_completed" in check(kind, "generic", left)


def test_staff_letters_have_no_requirements() -> None:
    for kind in STAFF_KINDS:
        assert check(kind, "ew_sra", "") == []


def test_the_html_part_is_checked_too() -> None:
    html = f"<html><body><p>This letter is our final response.</p><p>{FOOTER}</p></body></html>"
    missing = check("final_response", "ew_sra", FINAL, html=html)
    assert "ombudsman_phone (html part)" in missing and "ombudsman_phone" not in missing
    good = "<p>" + FINAL.replace("\n", "<br>") + "</p><style>p { color: red }</style>"
    assert check("final_response", "ew_sra", FINAL, html=good) == []


def test_hidden_html_text_does_not_count() -> None:
    assert "0300 555 0333" not in html_to_text("<head><title>0300 555 0333</title></head><p>hi</p>")


def test_unknown_kind_or_profile_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        check("love_letter", "ew_sra", "")
    with pytest.raises(ValueError):
        check("final_response", "mars", "")


def test_contacting_the_firm_is_not_the_ombudsmans_availability() -> None:
    text = FINAL.replace("you may refer your complaint to the Legal Ombudsman", "you may contact us") \
                .replace("You must do so", "Legal Ombudsman: you must refer")
    assert "ombudsman_available" in check("final_response", "ew_sra", text)


def test_long_repetitive_text_is_judged_correctly() -> None:
    # Each phrase test is linear in the text: this finishes at once and finds nothing.
    text = "never bank details never bank details you may refer " * 2000
    missing = check("final_response", "ew_sra", text)
    assert "bank_details_footer" in missing and "ombudsman_available" in missing
