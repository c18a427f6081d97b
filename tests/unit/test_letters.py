"""The table of letter kinds agrees with what the templates render, what the content gate checks,
what a handler can ask for by email, and the strings the database already holds."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from mailbot import marks
from mailbot.cases import Event
from mailbot.commands import Draft, parse_handler_reply
from mailbot.compose import Letters
from mailbot.content_gate import required_blocks
from mailbot.letters import (CLIENT_KINDS, DRAFT_KIND_BY_WORD, DRAFT_WORDS, RULES, STAFF_KINDS,
                             LetterKind, label, rule_of)
from mailbot.service.drafting import (MAX_MAILTO, _quoted_length, _shown_draft,
                                     one_click_links)

# The kinds outbox rows and case messages already hold: a renamed value would orphan them.
STORED = {"acknowledgement", "progress_update", "request_info", "holding_letter", "final_response",
          "summary_resolution", "enquiry_reply", "approval_request", "reminder", "digest",
          "bounce_alert", "approval_refused", "command_help", "mail_kept", "intake_alert",
          "system_alert", "escalation_alert", "action_notice", "trend_report", "forward_logged"}


def test_every_kind_keeps_the_string_the_database_holds() -> None:
    assert {k.value for k in LetterKind} == STORED
    assert set(RULES) == set(LetterKind) and all(RULES[k].kind is k for k in RULES)
    assert rule_of("final_response") is RULES[LetterKind.FINAL_RESPONSE]
    assert rule_of("love_letter") is None


def test_every_template_the_shipped_folder_renders_has_a_rule_and_the_reverse() -> None:
    assert set(Letters().kinds()) == {k for k, rule in RULES.items() if rule.from_template}


@pytest.mark.parametrize("kind", sorted(LetterKind))
def test_client_kinds_are_exactly_those_the_content_gate_checks(kind: LetterKind) -> None:
    checked = bool(required_blocks(kind, "generic"))
    assert checked == (kind in CLIENT_KINDS) == (kind not in STAFF_KINDS)


def test_only_the_acknowledgement_reaches_a_client_unapproved() -> None:
    assert {k for k in CLIENT_KINDS if not RULES[k].needs_approval} == {"acknowledgement"}


def test_every_word_the_command_help_lists_asks_for_its_letter() -> None:
    help_text = Letters().render("command_help", {
        "firm": {"name": "Smith & Co LLP", "complaints_address": "c@smith.example", "phone": "",
                 "postal_address": "", "website": "", "complaints_procedure_url": ""},
        "handler_name": "Jane", "case": None, "problems": [], "unclear": []}).text
    listed = re.search(r"prepare a new draft letter: ([a-z, ]+)", help_text)
    assert listed is not None
    assert tuple(listed.group(1).split(", ")) == DRAFT_WORDS
    for word, kind in DRAFT_KIND_BY_WORD.items():
        assert parse_handler_reply(f"draft {word}").actions == (Draft(kind),)
    askable = {k for k, rule in RULES.items() if rule.command_word}
    assert askable == CLIENT_KINDS - {"acknowledgement"}


def test_what_sending_a_letter_does_to_its_case() -> None:
    moves = {k: RULES[k].on_sent for k in RULES if RULES[k].on_sent is not None}
    assert moves == {"acknowledgement": Event.ACKNOWLEDGE, "progress_update": Event.INVESTIGATE,
                     "request_info": Event.REQUEST_INFO, "final_response": Event.RESPOND,
                     "summary_resolution": Event.RESPOND}
    assert set(moves) <= CLIENT_KINDS


def test_alerts_about_the_system_are_not_alerted_about_when_undelivered() -> None:
    assert {k for k, rule in RULES.items() if not rule.alert_if_undelivered} == {
        "intake_alert", "system_alert"}


def test_labels_read_as_words() -> None:
    assert label("request_info") == "request for information"
    assert label("approval_request") == "approval request"
    assert label("summary_resolution") == "summary resolution communication"
    assert label("something_else") == "something else"
    assert label("something_else", "letter") == "letter"


def _links_always_quoted(address: str, ref: str, token: str, message_id: str, start: str,
                         draft: str, end: str) -> dict[str, str | None]:
    """What `one_click_links` did before it skipped quoting a body too long for a link."""
    subject = f"Re: [{ref}] approval {marks.subject_tag(token)}"

    def link(body: str) -> str | None:
        url = (f"mailto:{address}?subject={quote(subject)}&in-reply-to={quote(f'<{message_id}>')}"
               f"&body={quote(body)}")
        return url if len(url) <= MAX_MAILTO else None

    return {"approve": link("approve"), "reject": link("reject REASON"),
            "edit": link(f"edit\n\n{start}\n{_shown_draft(draft)}\n{end}\n")}


@pytest.mark.parametrize("draft", [
    "", "Dear Ms Patel,\n\nWe have your file.\n-- \n", "é" * 300, "é" * 700, "€ & ?" * 120,
    *("x" * n for n in range(1650, 1800, 7)), "a b" * 700, "Zoë " * 450,
])
def test_one_click_links_are_those_of_quoting_every_body(draft: str) -> None:
    args = ("complaints+tok@smith.example", "C-2026-0001", "tok_abcdefghijklmnop",
            "mb.0123@smith.example", "DRAFT START abc", draft, "DRAFT END abc")
    assert one_click_links(*args) == _links_always_quoted(*args)


def test_the_quoted_length_is_that_of_quote_for_every_character() -> None:
    texts = [chr(cp) for cp in range(0x300)] + ["é€😀", "a/b c?d=e&f", "\udcff".encode(
        "utf-8", "surrogateescape").decode("latin-1")]
    assert all(_quoted_length(text) == len(quote(text)) for text in texts)
