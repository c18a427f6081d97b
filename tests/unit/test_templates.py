"""Every shipped letter renders, reads right, and passes the content gate under every profile."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any

import pytest

from mailbot import content_gate
from mailbot import marks
from mailbot.compose import SHIPPED_TEMPLATES, Letters, Marker
from mailbot.letters import RULES
from mailbot.profiles import PROFILES

LETTERS = Letters(zone="Europe/London")
NONCE = "abcdef012345"
DRAFT_START, DRAFT_END = marks.draft_start(NONCE), marks.draft_end(NONCE)
FIRM = {"name": "Smith & Co LLP", "complaints_address": "complaints@smith.example", "phone": "020 7946 0000",
        "postal_address": "1 High Street, London, EC1A 1AA", "website": "www.smith.example",
        "complaints_procedure_url": "https://www.smith.example/complaints"}
CASE = {"ref": "C-2026-0001", "received_at": datetime(2026, 3, 3, 23, 30, tzinfo=timezone.utc),
        "category": "costs_information", "handler_name": "Jane Okafor", "urgency": "high",
        "client_address": "client@example.org"}
CLIENT_KINDS = sorted(k for k, rule in RULES.items() if rule.to_client)

EXTRA: dict[str, dict[str, Any]] = {
    "acknowledgement": {"next_contact_by": date(2026, 3, 10), "response_due": date(2026, 3, 31),
                        "regulator_deadline": date(2026, 4, 28)},
    "progress_update": {"done": "We have reviewed your file.", "next_step": "We will speak to the partner.",
                        "next_contact_by": date(2026, 3, 20)},
    "request_info": {"done": "We have reviewed your file.", "questions": ["Which invoice do you mean?"],
                     "reply_by": date(2026, 3, 17), "response_due": date(2026, 4, 7)},
    "holding_letter": {"reason": "We are waiting for the barrister's file.", "expected_by": date(2026, 5, 12),
                       "regulator_deadline": date(2026, 4, 28)},
    "final_response": {"points": [{"issue": "Costs rose without warning", "finding": "Upheld: we should have "
                                   "told you."}], "apology": "We are sorry.", "remedy": "We will refund £250."},
    "summary_resolution": {"resolution": "We have refunded the £250 charged by mistake."},
    "enquiry_reply": {"reply": ""},
    "approval_request": {"handler_name": "Jane Okafor", "handler_email": "jane@smith.example",
                         "token": "tok_abcdefghijklmnop", "subject_tag": "[a-tok_abcdefghijklmnop]", "note": "",
                         "draft_start": Marker(DRAFT_START), "draft_end": Marker(DRAFT_END),
                         "links": {"approve": "mailto:x?body=approve", "reject": "mailto:x?body=reject",
                                   "edit": "mailto:x?body=edit"}, "expires_at": datetime(2026, 3, 6, 9, 0, tzinfo=timezone.utc),
                         "complaint_text": "Your bill went up by £900 and nobody told me.",
                         "suggestion": {"category": "costs_information", "urgency": "high", "confidence": 0.42,
                                        "top2": [["costs_information", 0.42], ["costs_excessive", 0.38]],
                                        "uncertain": True,
                                        "reasons": ["a claimed loss or refund demand"], "flags": ["insurer_notification"]},
                         "deadlines": [{"label": "final response (8 weeks)", "due": date(2026, 4, 28)}],
                         "draft": {"kind_label": "final response", "subject": "Our final response",
                                   "text": "Dear Ms Patel,\n\nThis letter is our final response."}},
    "approval_refused": {"handler_name": "Jane Okafor", "handler_email": "jane@smith.example",
                         "draft_kind_label": "final response", "sender": "jane@smith.example",
                         "received_at": datetime(2026, 3, 4, 10, 0, tzinfo=timezone.utc),
                         "reason": "this approval link has already been used", "count": 0, "since": None},
    "mail_kept": {"handler_name": "Jane Okafor", "why": "staff_mail", "quarantine_id": 7,
                  "sender": "jane@smith.example", "subject": "Fwd: complaint", "count": 0, "since": None,
                  "complaints_address": "complaints@smith.example",
                  "not_opened": "the email it forwards is from inside the firm",
                  "received_at": datetime(2026, 3, 4, 10, 0, tzinfo=timezone.utc)},
    "forward_logged": {"handler_name": "Alex Morgan", "case": {"ref": "C-2026-0007"},
                       "assigned_name": "Jane Okafor", "client_address": "jo@client.example",
                       "first_had": datetime(2026, 2, 27, 16, 5, tzinfo=timezone.utc), "dated": True},
    "command_help": {"handler_name": "Jane Okafor", "problems": [],
                     "unclear": [{"line": "aprove", "hint": "'aprove' is not a command we know."}]},
    "reminder": {"handler_name": "Jane Okafor", "items": [{"ref": "C-2026-0001", "what": "final response",
                                                            "due": date(2026, 4, 28), "urgency": "high"}]},
    "digest": {"recipient_name": "Complaints team", "as_of": datetime(2026, 3, 9, 7, 0, tzinfo=timezone.utc),
               "attention": ["1 letter failed to send"], "summary": [{"label": "open", "count": 1}],
               "cases": [{"ref": "C-2026-0001", "urgency": "high", "category": "costs_information",
                          "status": "investigating", "handler_name": "Jane Okafor",
                          "next_deadline_label": "final response", "next_deadline": date(2026, 4, 28)}]},
    "intake_alert": {"handler_name": "Jane Okafor", "recovered": False, "mailbox": "complaints@smith.example/INBOX",
                     "last_success_at": datetime(2026, 3, 4, 9, 0, tzinfo=timezone.utc),
                     "minutes": 45, "since": datetime(2026, 3, 4, 9, 0, tzinfo=timezone.utc),
                     "cause": "", "fix": ""},
    "system_alert": {"handler_name": "Jane Okafor", "title": "Complaints inbox: login refused",
                     "what": "The mail server refused mailbot's login to the complaints inbox.",
                     "since": datetime(2026, 3, 4, 9, 0, tzinfo=timezone.utc),
                     "cause": "Login failed.", "recovered": False,
                     "fix": "check imap.password_env, then run `mailbot retry-login`"},
    "escalation_alert": {"handler_name": "Alex Morgan", "triggers": ["critical", "data_breach"],
                         "steps": ["Rated critical: act today.",
                                   "A possible personal-data breach."],
                         "earlier": [], "reasons": ["reports a possible data breach"],
                         "case_handler": "Jane Okafor", "by": "mailbot",
                         "received": datetime(2026, 3, 4, 10, 0, tzinfo=timezone.utc),
                         "ico_by": datetime(2026, 3, 7, 10, 0, tzinfo=timezone.utc)},
    "action_notice": {"handler_name": "Jane Okafor", "mode": "created",
                      "action": {"id": 3, "text": "Check completion statements twice",
                                 "owner": "jane@smith.example",
                                 "due_on": date(2026, 4, 30), "case_ref": "C-2026-0001",
                                 "category": "costs_information", "root_cause": "no second check",
                                 "created_by": "hal@smith.example", "done_at": None,
                                 "done_by": None}},
    "bounce_alert": {"handler_name": "Jane Okafor", "letter_kind_label": "final response",
                     "recipient": "client@example.org", "sent_at": datetime(2026, 3, 4, 10, 0, tzinfo=timezone.utc),
                     "status": "5.1.1", "permanent": True, "diagnostic": "user unknown"},
}


def context(kind: str, profile: str = "ew_sra", **overrides: Any) -> dict[str, Any]:
    ctx = {"firm": FIRM, "case": CASE, "profile": profile, "ombudsman": PROFILES[profile].signpost,
           "letter_date": date(2026, 3, 4), "eight_week": PROFILES[profile].regulator is not None,
           "complainant": "client", "referral_deadline": date(2026, 9, 4), **EXTRA[kind]}
    ctx.update(overrides)
    return ctx


def test_every_kind_has_a_sample_and_the_shipped_set_is_complete() -> None:
    assert set(LETTERS.kinds()) == set(EXTRA) == {k for k, rule in RULES.items() if rule.from_template}


@pytest.mark.parametrize("kind", sorted(EXTRA))
def test_every_letter_renders_a_subject_text_and_html(kind: str) -> None:
    letter = LETTERS.render(kind, context(kind))
    assert letter.subject and "\n" not in letter.subject and "{" not in letter.subject
    assert letter.text.endswith("\n") and "{{" not in letter.text and "{%" not in letter.text
    assert letter.html and letter.html.lstrip().startswith("<!DOCTYPE html>")
    assert "\n\n\n" not in letter.text


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_shipped_client_letters_pass_the_gate_in_both_parts(kind: str, profile: str) -> None:
    letter = LETTERS.render(kind, context(kind, profile))
    missing = content_gate.check(kind, profile, letter.text, html=letter.html)
    if kind == "summary_resolution" and profile != "fca_disp":  # the FCA's letter only: no text can pass
        assert missing[:1] == ["fca_profile"]
    else:
        assert missing == []


def test_summary_resolution_says_what_disp_requires() -> None:
    """DISP 1.5.4R: resolved; may be able to refer to the FOS if later dissatisfied; whether the
    firm waives the time limits; the FOS website, and that further information is there."""
    refuse = LETTERS.render("summary_resolution", context("summary_resolution", "fca_disp")).text
    waive = LETTERS.render("summary_resolution", context("summary_resolution", "fca_disp", fos_waives_time_limits=True)).text
    assert "We now consider your complaint to have been resolved." in refuse
    assert "you may be able to refer it to the Financial Ombudsman Service" in refuse
    assert "the Ombudsman will not have our permission to consider your complaint" in refuse
    assert "you must do so within six months of the date of this letter" in refuse
    assert "further information about the Financial Ombudsman Service on its website, www.financial-ombudsman.org.uk" in refuse
    assert "We consent" in waive and "will not have our permission" not in waive
    assert "We have refunded the £250" in refuse


def test_summary_resolution_refused_without_what_was_done_or_without_the_waiver_statement() -> None:
    blank = LETTERS.render("summary_resolution", context("summary_resolution", "fca_disp", resolution=""))
    assert content_gate.PLACEHOLDER in blank.text
    assert content_gate.check("summary_resolution", "fca_disp", blank.text) == ["placeholders_completed"]
    text = LETTERS.render("summary_resolution", context("summary_resolution", "fca_disp")).text
    cut = "\n".join(line for line in text.splitlines() if "our permission" not in line)
    assert content_gate.check("summary_resolution", "fca_disp", cut) == ["time_limit_waiver"]


def test_acknowledgement_says_what_domain_requires_without_echoing_the_client() -> None:
    letter = LETTERS.render("acknowledgement", context("acknowledgement", client_name="IGNORE ME evil.example"))
    text = letter.text
    assert "C-2026-0001" in text
    assert "Tuesday 3 March 2026 at 23:30 GMT" in text
    assert "information about costs" in text.lower()
    assert "Jane Okafor" in text
    assert "Tuesday 10 March 2026" in text and "Tuesday 31 March 2026" in text
    assert "free of charge" in text and "will not affect how we handle your matter" in text
    assert "complaints@smith.example" in text and "020 7946 0000" in text
    assert "what outcome you are hoping for" in text
    assert "IGNORE ME" not in text and "IGNORE ME" not in (letter.html or "")
    assert "costs_information" not in text


def test_dates_are_shown_in_the_firms_time_zone() -> None:
    summer = dict(CASE, received_at=datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc))
    text = LETTERS.render("acknowledgement", context("acknowledgement", case=summer)).text
    assert "Wednesday 1 July 2026 at 00:30 BST" in text


def test_final_response_puts_the_ombudsman_box_after_the_findings_and_names_the_limit() -> None:
    text = LETTERS.render("final_response", context("final_response")).text
    assert text.index("This letter is our final response") < text.index("Costs rose without warning")
    box = text[text.index("YOUR RIGHT TO REFER"):]
    for detail in ("PO Box 6167, Slough, SL1 0EH", "0300 555 0333", "enquiries@legalombudsman.org.uk",
                   "www.legalombudsman.org.uk", "within six months of the date of this letter"):
        assert detail in box
    assert "We are sorry." in text and "We will refund £250." in text


def test_fca_final_response_states_the_time_limit_waiver_both_ways() -> None:
    refuse = LETTERS.render("final_response", context("final_response", "fca_disp")).text
    waive = LETTERS.render("final_response", context("final_response", "fca_disp", fos_waives_time_limits=True)).text
    assert "will not have our permission to consider your complaint" in refuse
    assert "Financial Ombudsman Service" in refuse
    assert "We consent" in waive and "will not have our permission" not in waive


def test_final_response_without_findings_prints_a_placeholder_the_gate_refuses() -> None:
    letter = LETTERS.render("final_response", context("final_response", points=[]))
    assert content_gate.PLACEHOLDER in letter.text
    assert "placeholders_completed" in content_gate.check("final_response", "ew_sra", letter.text)


def test_generic_final_response_has_no_ombudsman_box() -> None:
    text = LETTERS.render("final_response", context("final_response", "generic")).text
    assert "Ombudsman" not in text and "YOUR RIGHT TO REFER" not in text


def test_holding_letter_tells_the_client_they_may_go_to_the_ombudsman() -> None:
    text = LETTERS.render("holding_letter", context("holding_letter")).text
    assert "We are waiting for the barrister's file." in text
    assert "Tuesday 12 May 2026" in text
    assert "you may refer your complaint to the Legal Ombudsman" in text
    assert "Tuesday 28 April 2026" in text


def test_every_letter_carries_the_bank_details_footer() -> None:
    for kind in EXTRA:
        letter = LETTERS.render(kind, context(kind))
        assert content_gate.BANK_FOOTER.met_by(letter.text), kind
        assert "never change our bank details by email" in (letter.html or ""), kind


def test_approval_request_shows_complaint_suggestion_deadlines_and_draft_between_markers() -> None:
    letter = LETTERS.render("approval_request", context("approval_request"))
    text = letter.text
    assert "[a-tok_abcdefghijklmnop]" in letter.subject
    assert "> Your bill went up by £900 and nobody told me." in text
    assert "42% confident" in text and "a claimed loss or refund demand" in text
    assert "final response (8 weeks): Tuesday 28 April 2026" in text
    start, end = text.index(DRAFT_START), text.index(DRAFT_END)
    assert text[start + len(DRAFT_START):end].strip() == "Dear Ms Patel,\n\nThis letter is our final response."
    assert "reject" in text and "approve" in text and "category LABEL" in text
    assert DRAFT_START in (letter.html or "") and DRAFT_END in (letter.html or "")


def test_command_lists_name_every_category() -> None:
    text = LETTERS.render("command_help", context("command_help")).text
    assert "aprove" in text and "is not a command we know" in text
    for label in ("costs_information", "integrity_misconduct", "other"):
        assert label in text


def test_html_parts_escape_client_and_firm_text() -> None:
    firm = dict(FIRM, name="Smith & Co <LLP>")
    letter = LETTERS.render("approval_request", context("approval_request", firm=firm,
                                                         complaint_text="<script>alert(1)</script>"))
    assert "<script>" not in (letter.html or "") and "&lt;script&gt;" in (letter.html or "")
    assert "Smith &amp; Co &lt;LLP&gt;" in (letter.html or "")
    assert "<script>alert(1)</script>" in letter.text  # the text part is plain text, shown as written


def test_readme_documents_every_kind() -> None:
    readme = (SHIPPED_TEMPLATES / "README.md").read_text(encoding="utf-8")
    for kind in LETTERS.kinds():
        assert re.search(rf"`{kind}`", readme), kind


def test_an_unsure_suggestion_shows_the_top_two_with_their_probabilities() -> None:
    letter = LETTERS.render("approval_request", context("approval_request"))
    assert "UNSURE:" in letter.text and "costs_information (42%) from costs_excessive (38%)" in letter.text
    assert "costs_excessive (38%)" in (letter.html or "")
    sure = context("approval_request")
    sure["suggestion"] = {**sure["suggestion"], "uncertain": False}
    assert "UNSURE" not in LETTERS.render("approval_request", sure).text
