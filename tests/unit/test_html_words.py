"""The content gate's reading of an HTML part: the words a client sees, blocks apart."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailbot import content_gate
from mailbot.html_words import visible_words
from mailbot.mime_text import html_to_text
from mailbot.profiles import PROFILES
from tests.unit.test_templates import EXTRA, LETTERS, context


def _words(text: str) -> list[str]:
    """Words in order, without the bullets, list numbers and rules a layout draws."""
    return [w for w in text.split() if not re.fullmatch(r"[*\-_=]+|\d+\.", w)]


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("kind", sorted(EXTRA))
def test_every_shipped_letter_reads_as_the_mail_program_layout_shows_it(kind: str,
                                                                         profile: str) -> None:
    html = LETTERS.render(kind, context(kind, profile)).html
    assert html is not None
    assert _words(visible_words(html)) == _words(html_to_text(html))


def test_blocks_are_paragraphs_and_inline_markup_joins_words() -> None:
    html = ("<html><head><title>Subject</title><style>p {color: red}</style></head><body>"
            "<div>Your reference</div><div>C-2026-0001</div>"
            "<p>Dear <b>Ms</b>   Patel,\n  thank   you.<br>Line two</p>"
            "<table><tr><td>Received</td><td>3 March</td></tr></table>"
            "<!-- a note --><script>alert(1)</script></body></html>")
    assert visible_words(html) == ("Your reference\n\nC-2026-0001\n\nDear Ms Patel, thank you.\n"
                                   "Line two\n\nReceived\n\n3 March")


@pytest.mark.parametrize("hidden", [
    '<div hidden>{}</div>',
    '<div style="display:none">{}</div>',
    '<div style="color: #333; Display : None">{}</div>',
    '<div style="visibility: hidden">{}</div>',
    '<template><p>{}</p></template>',
])
def test_hidden_text_does_not_meet_a_requirement(hidden: str) -> None:
    # A firm's template that keeps the ombudsman's details out of sight has not given them.
    plain = ("This is our final response. Our complaints procedure is on our website."
             "\n\nWe will not ask you to change bank details by email.\n")
    footer = f"<p>{plain}</p>"
    leo = ("You may refer your complaint to the Legal Ombudsman, PO Box 6167, Slough, SL1 0EH, "
           "0300 555 0333, enquiries@legalombudsman.org.uk, www.legalombudsman.org.uk. You must "
           "do so within six months of this letter.")
    html = f"<html><body>{footer}{hidden.format(leo)}</body></html>"
    assert "0300" not in visible_words(html)
    missing = content_gate.check("final_response", "ew_sra", plain + leo, html=html)
    assert "ombudsman_phone (html part)" in missing


def test_a_required_sentence_is_not_pieced_together_from_two_blocks() -> None:
    text = "We now consider your complaint resolved.\n"
    whole = f"<p>{text}</p>"
    split = "<div>We now consider your complaint</div><div>resolved.</div>"
    assert content_gate.RESOLVED_STATEMENT.met_by(visible_words(whole))
    assert not content_gate.RESOLVED_STATEMENT.met_by(visible_words(split))
    # The layout puts the two blocks on consecutive lines, one sentence to the gate's eye.
    assert content_gate.RESOLVED_STATEMENT.met_by(html_to_text(split))


@pytest.mark.parametrize("html", ["", "   \n", "plain words, no markup", "<p>unclosed <b>tags",
                                  '<?xml version="1.0" encoding="utf-8"?><p>declared</p>'])
def test_odd_documents_still_give_their_words(html: str) -> None:
    words = visible_words(html)
    assert "<" not in words
    for expected in ("plain", "unclosed", "declared"):
        if expected in html:
            assert expected in words


def test_what_lies_past_the_parsers_depth_limit_is_not_read_by_either_reader() -> None:
    # libxml2 stops at 255 levels: a requirement nested deeper is missing, so the gate refuses.
    html = "<div>" * 5000 + "Legal Ombudsman" + "</div>" * 5000
    assert visible_words(html) == html_to_text(html) == ""


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/ =\"'abcdiv p br style hidden:none\n&;#")),
               max_size=400))
def test_any_text_is_read_without_an_error(html: str) -> None:
    assert isinstance(visible_words(html), str)
