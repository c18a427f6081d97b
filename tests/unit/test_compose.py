"""Composition: sandboxed rendering, firm overrides, and the message a mail client will receive."""

from __future__ import annotations

import enum
import re
import sys
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import jinja2
import pytest
from inscriptis import get_text
from jinja2.exceptions import SecurityError
from markupsafe import Markup, escape

from mailbot import marks
from mailbot.commands import Approve, parse_handler_reply
from mailbot.compose import (
    CATEGORY_LABELS, MAX_REFERENCES, Letters, Marker, RenderedLetter, _defang, _paragraphs,
    build_message, subject_with_ref, thread_references,
)
from mailbot.errors import ConfigError
from mailbot.triage import CATEGORIES

NOW = datetime(2026, 3, 3, 10, 15, tzinfo=timezone.utc)
FIRM = {"name": "Smith & Co LLP", "complaints_address": "complaints@smith.example", "phone": "",
        "postal_address": "", "website": ""}
CASE = {"ref": "C-2026-0001", "received_at": NOW, "category": "delay", "handler_name": "Jane Okafor",
        "urgency": "normal", "client_address": "client@example.org"}
ACK = {"firm": FIRM, "case": CASE, "profile": "generic", "ombudsman": None,
       "letter_date": date(2026, 3, 3),
       "next_contact_by": date(2026, 3, 10),
       "response_due": date(2026, 3, 31)}
LETTER = RenderedLetter("acknowledgement", "We have received your complaint", "Dear client,\nCosts: £250\n",
                        "<p>Costs: &pound;250</p>")


NONCE = "00aa11bb22cc"
DRAFT_START = marks.draft_start(NONCE)


def approval_context(complaint: str) -> dict:
    token = "tok_abcdefghijklmnop"
    return {"firm": FIRM, "case": CASE, "handler_name": "Jane Okafor", "handler_email": "jane@smith.example",
            "token": token, "subject_tag": marks.subject_tag(token), "note": "",
            "expires_at": NOW + timedelta(days=3), "complaint_text": complaint,
            "suggestion": {"category": "delay", "urgency": "normal", "confidence": None, "reasons": [], "flags": []},
            "deadlines": [], "draft": {"kind_label": "progress update", "subject": "An update",
                                       "text": "Dear Ms Patel,\n\nWe have your file."},
            "draft_start": Marker(DRAFT_START), "draft_end": Marker(marks.draft_end(NONCE)),
            "links": {"approve": "mailto:a", "reject": "mailto:r", "edit": None}}


# --- rendering ------------------------------------------------------------------------------


def test_client_text_is_data_never_template_code() -> None:
    letter = Letters().render("approval_request", approval_context("{{ 7*7 }} {% raw %} {{ firm.__class__ }}"))
    assert "{{ 7*7 }} {% raw %} {{ firm.__class__ }}" in letter.text
    assert "49" not in letter.text


def test_a_firm_override_replaces_one_letter_and_runs_sandboxed(tmp_path: Path) -> None:
    (tmp_path / "acknowledgement.txt.j2").write_text("Subject: Got it\nThanks from {{ firm.name }}.\n",
                                                     encoding="utf-8")
    letters = Letters(tmp_path)
    assert letters.render("acknowledgement", ACK).text == "Thanks from Smith & Co LLP.\n"
    assert letters.render("acknowledgement", ACK).subject == "Got it"
    assert "Dear Sir or Madam" in letters.render("acknowledgement", ACK).html  # shipped HTML still used
    (tmp_path / "progress_update.txt.j2").write_text("Subject: x\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
                                                     encoding="utf-8")
    with pytest.raises(SecurityError):
        letters.render("progress_update", {})


def test_a_template_without_a_subject_line_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "acknowledgement.txt.j2").write_text("Hello\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="first line must be 'Subject: ...'"):
        Letters(tmp_path).render("acknowledgement", ACK)


def test_a_missing_value_is_an_error_not_a_blank() -> None:
    with pytest.raises(jinja2.UndefinedError):
        Letters().render("acknowledgement", {k: v for k, v in ACK.items() if k != "response_due"})


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Letters().render("acknowledgement", {**ACK, "case": {**CASE, "received_at": NOW.replace(tzinfo=None)}})


def test_kind_names_cannot_reach_other_files() -> None:
    with pytest.raises(ValueError):
        Letters().render("../etc/passwd", {})
    with pytest.raises(ValueError):
        Letters().render("_footer", {})


def test_forged_draft_markers_in_a_complaint_cannot_become_an_edit() -> None:
    forged = (f"My complaint.\n{DRAFT_START}\nPay the refund to account 12345678.\n"
              f"{marks.draft_end(NONCE)}")
    letter = Letters().render("approval_request", approval_context(forged))
    assert letter.text.count(DRAFT_START) == 1 and letter.html.count(DRAFT_START) == 1
    quoted = "\n".join(f"> {line}" for line in letter.text.split("\n"))
    reply = parse_handler_reply(f"approve\n\nOn Tue, 3 Mar 2026, Complaints wrote:\n{quoted}",
                                "Dear Ms Patel,\n\nWe have your file.", nonce=NONCE)
    assert reply.actions == (Approve(),) and reply.edited_text is None


def test_an_edited_draft_becomes_a_letter_with_an_escaped_html_twin() -> None:
    letter = Letters().from_text("progress_update", "An  update\n", "Dear Ms <Patel>,\n\nLine one\nLine two\n")
    assert letter.subject == "An update" and letter.text == "Dear Ms <Patel>,\n\nLine one\nLine two\n"
    assert "<p>Dear Ms &lt;Patel&gt;,</p>" in letter.html and "Line one<br>\nLine two" in letter.html


def test_every_category_has_a_client_friendly_label() -> None:
    assert set(CATEGORY_LABELS) == set(CATEGORIES)
    assert all("_" not in label for label in CATEGORY_LABELS.values())


# --- the message --------------------------------------------------------------------------


def build(letter: RenderedLetter = LETTER, **overrides: object) -> EmailMessage:
    args = {"from_addr": "complaints@smith.example", "from_name": "Smith & Co, Complaints", "to": "client@example.org",
            "message_id": "<mb.0123@smith.example>", "in_reply_to": "client-1@example.org",
            "references": ["<root@example.org>"], "reply_to": "complaints@smith.example",
            "loop_domain": "smith.example", "case_ref": "C-2026-0001", "date": NOW}
    args.update(overrides)
    raw = build_message(letter, **args).as_bytes(policy=policy.SMTP)
    return message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]



def test_the_message_as_a_mail_client_reads_it() -> None:
    msg = build()
    assert msg["Subject"] == "We have received your complaint [C-2026-0001]"
    assert msg["From"].addresses[0].display_name == "Smith & Co, Complaints"
    assert msg["From"].addresses[0].addr_spec == "complaints@smith.example"
    assert msg["Message-ID"] == "<mb.0123@smith.example>"
    assert msg["In-Reply-To"] == "<client-1@example.org>"
    assert msg["References"].split() == ["<root@example.org>", "<client-1@example.org>"]
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["X-Auto-Response-Suppress"] == "All"
    assert msg["X-Mailbot-Loop"] == "smith.example"
    assert msg["Reply-To"] == "complaints@smith.example"
    assert msg["Date"].datetime == NOW
    assert msg.get_content_type() == "multipart/alternative"
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain.get_content().replace("\r\n", "\n") == "Dear client,\nCosts: £250\n" and plain.get_content_charset() == "utf-8"
    assert "&pound;250" in html.get_content()


def test_a_first_letter_has_no_thread_headers() -> None:
    msg = build(in_reply_to=None, references=())
    assert msg["In-Reply-To"] is None and msg["References"] is None


def test_the_case_tag_appears_exactly_once() -> None:
    reply = RenderedLetter("x", "Re: My bill [C-2026-0001] [c-2026-0001]", "t\n", None)
    assert build(reply)["Subject"] == "Re: My bill [C-2026-0001]"
    assert subject_with_ref("Re: [C-2026-0001] My bill", "C-2026-0001") == "Re: [C-2026-0001] My bill"
    assert subject_with_ref("Line\r\nBcc: evil@example.org", "C-2026-0001") == "Line Bcc: evil@example.org [C-2026-0001]"
    assert subject_with_ref("Digest", None) == "Digest"


def test_references_are_bracketed_deduplicated_and_capped_keeping_root_and_newest() -> None:
    refs = thread_references(["<a@x> <b@x>", "b@x", "<c@x>"], "<b@x>")
    assert refs == ["<a@x>", "<c@x>", "<b@x>"]
    long = [f"<m{i}@x>" for i in range(50)]
    capped = thread_references(long, "<parent@x>")
    assert len(capped) == MAX_REFERENCES
    assert capped[0] == "<m0@x>" and capped[-1] == "<parent@x>" and capped[-2] == "<m49@x>"


def test_notifications_can_be_auto_generated_but_never_unmarked() -> None:
    assert build(auto_submitted="auto-generated")["Auto-Submitted"] == "auto-generated"
    with pytest.raises(ValueError):
        build(auto_submitted="no")


def test_extra_headers_cannot_override_ours_or_inject() -> None:
    assert build(extra_headers={"X-Mailbot-Case": "C-2026-0001"})["X-Mailbot-Case"] == "C-2026-0001"
    with pytest.raises(ValueError):
        build(extra_headers={"Message-ID": "<other@x>"})
    with pytest.raises(ValueError):
        build(extra_headers={"X-Note": "a\r\nBcc: evil@example.org"})


def test_naive_date_is_refused() -> None:
    with pytest.raises(ValueError):
        build(date=NOW.replace(tzinfo=None))


def test_an_outlook_html_reply_converted_to_text_round_trips() -> None:
    request = Letters().render("approval_request", approval_context("I was never told.\napprove"))
    body = request.html.split("<body", 1)[1].split(">", 1)[1]
    outlook = ('<html><body><div>Approve</div><hr><div id="divRplyFwdMsg"><b>From:</b> Complaints '
               '&lt;complaints@smith.example&gt;<br><b>Sent:</b> Tuesday, March 3, 2026 10:15 AM<br>'
               '<b>To:</b> Jane Okafor<br><b>Subject:</b> Approval needed</div>' + body)
    draft = "Dear Ms Patel,\n\nWe have your file."
    assert parse_handler_reply(get_text(outlook), draft, nonce=NONCE).actions == (Approve(),)
    edited = parse_handler_reply(get_text(outlook.replace("We have your file.", "We have all your files.")), draft,
                                 nonce=NONCE)
    assert edited.edited_text == "Dear Ms Patel,\n\nWe have all your files."


# --- the fast paths of what every printed value passes through -----------------------------

_MARKER_WORDS = re.compile(r"\b(draft)(\W{0,3})(start|end)\b", re.IGNORECASE)


def _defang_by_substitution(value: object) -> object:
    """What `_defang` did before its fast path: the substitution on every text."""
    if isinstance(value, Marker) or not isinstance(value, str):
        return value
    if isinstance(value, Markup):
        return Markup(_MARKER_WORDS.sub(r"\1-\3", str(value)))
    return _MARKER_WORDS.sub(r"\1-\3", value)


def test_every_character_the_marker_pattern_takes_for_a_letter_of_draft_lowers_to_it() -> None:
    """Why `_defang` may skip a text without "draft" in its lower case: no other character
    (Kelvin sign, long s, dotted I and the like) matches a letter of the word."""
    for letter in "draft":
        pattern = re.compile(letter, re.IGNORECASE)
        assert all(chr(cp).lower() == letter for cp in range(sys.maxunicode + 1)
                   if pattern.fullmatch(chr(cp)))


class _Kind(str, enum.Enum):
    ACK = "acknowledgement"


@pytest.mark.parametrize("value", [
    "plain words", "DRAFT START", "Draft -- end of it", "drafted at the start", "",
    Markup("<b>draft&nbsp;start</b>"), Markup("<i>nothing</i>"), Marker("DRAFT START abc"),
    _Kind.ACK, "DRAFT\u00a0END", "\u0130stanbul draft start", 7, None, date(2026, 3, 3),
])
def test_defang_prints_what_the_substitution_printed(value: object) -> None:
    got, want = _defang(value), _defang_by_substitution(value)
    assert got == want and type(got) is type(want)


def _paragraphs_by_markup_joins(text: str) -> Markup:
    """What `_paragraphs` did before: Markup pieces joined as Markup."""
    blocks = re.split(r"\n\s*\n", str(text).strip())
    return Markup("\n").join(
        Markup("<p>%s</p>") % Markup("<br>\n").join(escape(line) for line in b.split("\n"))
        for b in blocks if b.strip())


@pytest.mark.parametrize("text", [
    "", "one line", "a <b> & \"c\" 'd'\nsecond\n\n\nthird <script>", "  \n\n  x  \n \n y\n",
    "Tom & Jerry's <offer>\r\nnext\n\n&amp; already escaped", Markup("<b>kept</b>\n\nnext"),
])
def test_paragraphs_print_what_markup_joins_printed(text: str) -> None:
    got, want = _paragraphs(text), _paragraphs_by_markup_joins(text)
    assert got == want and isinstance(got, Markup)
