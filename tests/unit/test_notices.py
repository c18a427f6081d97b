"""Notices mail systems add (disclaimers, external-sender banners) are not the client's words."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from mailbot.mime_text import html_to_text
from mailbot.notices import without_notices
from mailbot.triage import suggest

REPLIES = Path(__file__).resolve().parents[1] / "fixtures" / "replies"
MONDAY = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
COMPLAINT = "Our completion has slipped twice and nobody returns my calls.\n\nSam Okafor"

# Written for these tests in the ways such footers commonly read.
DISCLAIMERS = [
    "This email and any attachments are confidential and intended solely for the addressee. If "
    "you have received this email in error, please notify the sender and delete it.",
    "CONFIDENTIALITY NOTICE: This e-mail was sent in error if you are not the intended "
    "recipient. Any disclosure, copying or distribution is prohibited.",
    "This message is intended only for the named recipient and may contain privileged "
    "information. If this message was sent to you in error, please delete it.",
    "If you are not the intended recipient, you must not read, copy or forward this email; "
    "please tell us and delete it. We accept no liability for viruses.",
]


def _real_disclaimer() -> str:
    """The footer of a real message in the reply corpus (Foundry376/Mailspring
    app/spec/fixtures/emails/email_28.html, GPL-3.0; provenance in the corpus manifest)."""
    manifest = json.loads((REPLIES / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["items"] if e["file"] == "mailspring/email_28.html")
    assert entry["source"]["repository"] == "Foundry376/Mailspring"
    text = html_to_text((REPLIES / entry["file"]).read_text(encoding="utf-8"))
    return text[text.index("Confidentiality Notice:"):].strip()


@pytest.mark.parametrize("footer", DISCLAIMERS + [_real_disclaimer()])
def test_a_trailing_disclaimer_is_left_out(footer: str) -> None:
    assert without_notices(f"{COMPLAINT}\n\n{footer}") == COMPLAINT
    assert without_notices(f"{COMPLAINT}\nFinance Manager\n{footer}") == \
        f"{COMPLAINT}\nFinance Manager"


def test_a_disclaimer_no_longer_makes_a_complaint_a_critical_data_breach() -> None:
    text = f"{COMPLAINT}\n\n{DISCLAIMERS[2]}"
    assert suggest(text, MONDAY, None).urgency == "critical"  # what the footer did
    read = suggest(without_notices(text), MONDAY, None)
    assert read.urgency != "critical" and read.category != "data_security"


def test_an_external_sender_banner_at_the_top_is_left_out() -> None:
    banner = ("CAUTION: This email originated from outside of the organisation. Do not click "
              "links or open attachments unless you recognise the sender.")
    assert without_notices(f"{banner}\n\n{COMPLAINT}") == COMPLAINT
    assert without_notices(f"[EXTERNAL] This message came from outside the firm\n{COMPLAINT}") \
        == COMPLAINT


@pytest.mark.parametrize("text", [
    # the client tells us something went to the wrong person, quoting the footer it carried
    "You sent me someone else's file in error. It said: if you have received this email in "
    "error please delete it. I am furious.",
    "If you are not the intended recipient of my letter, why did my neighbour get it?",
    "This email is confidential.",  # nothing would be left
])
def test_the_clients_own_words_stay(text: str) -> None:
    assert without_notices(text) == text


def test_a_quoted_footer_after_the_report_goes_but_the_report_stays() -> None:
    text = "You emailed my medical report to my employer.\nThe footer said: If you are not the " \
           "intended recipient, delete it."
    kept = without_notices(text)
    assert kept == "You emailed my medical report to my employer."
    assert suggest(kept, MONDAY, None).urgency == "critical"
