"""Reply trimming: what a handler sees as "what the client wrote now"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailbot.mime_text import html_to_text
from mailbot.trimming import trim_html_reply, trim_reply

NEW = "The completion date has passed and nobody has called me."


@pytest.mark.parametrize("attribution", [
    "On Tue, 3 Mar 2026 at 10:00, Harbour & Vale <complaints@hv.example> wrote:",
    "Le mar. 3 mars 2026 à 10:00, Harbour & Vale <complaints@hv.example> a écrit :",
    "Le mar. 3 mars 2026 à 10:00, Harbour & Vale <complaints@hv.example> a écrit\u00a0:",
    "Am 03.03.2026 um 10:00 schrieb Harbour & Vale <complaints@hv.example>:",
    "El mar, 3 mar 2026 a las 10:00, Harbour & Vale (<complaints@hv.example>) escribió:",
    "Op di 3 mrt 2026 om 10:00 schreef Harbour & Vale <complaints@hv.example>:",
    "Il giorno mar 3 mar 2026 alle ore 10:00 Harbour & Vale <complaints@hv.example> ha scritto:",
    "Em ter., 3 de mar. de 2026 às 10:00, Harbour & Vale <complaints@hv.example> escreveu:",
])
def test_attribution_and_quote_are_removed_in_each_language(attribution: str) -> None:
    text = f"{NEW}\n\n{attribution}\n\n> Thank you for your email.\n> We will reply soon.\n"
    assert trim_reply(text) == NEW


@pytest.mark.parametrize("attribution", [
    "On Tue, 3 Mar 2026 at 10:00, Harbour & Vale <complaints@hv.example> wrote:",
    "Am 03.03.2026 um 10:00 schrieb Harbour & Vale <complaints@hv.example>:",
])
def test_certain_attribution_cuts_an_unquoted_copy(attribution: str) -> None:
    text = f"{NEW}\n\n{attribution}\nThank you for your email.\nWe will reply soon.\n"
    assert trim_reply(text) == NEW


def test_attribution_wrapped_over_two_lines() -> None:
    text = (f"{NEW}\n\nOn Tue, 3 Mar 2026 at 10:00, Harbour & Vale Complaints <\n"
            "complaints@harbourvale.example> wrote:\n\n> Thank you.\n")
    assert trim_reply(text) == NEW


@pytest.mark.parametrize("block", [
    "From: Harbour & Vale <complaints@hv.example>\nSent: 02 March 2026 16:40\nTo: Jane\nSubject: Your complaint",
    "Von: Harbour & Vale <complaints@hv.example>\nGesendet: Montag, 2. März 2026 16:40\nAn: Jane\nBetreff: Beschwerde",
    "De : Harbour & Vale <complaints@hv.example>\nEnvoyé : lundi 2 mars 2026 16:40\nÀ : Jane\nObjet : Réclamation",
    "*From:* Harbour & Vale <complaints@hv.example>\n*Sent:* 02 March 2026 16:40\n*To:* Jane\n*Subject:* Complaint",
    "-----Original Message-----\nFrom: Harbour & Vale\nSent: 02 March 2026\nSubject: Complaint",
    "-----Ursprüngliche Nachricht-----\nVon: Harbour & Vale",
    "________________________________\nFrom: Harbour & Vale <complaints@hv.example>\nSent: Friday\nTo: Jane\nSubject: x",
])
def test_outlook_header_blocks_end_the_reply(block: str) -> None:
    text = f"{NEW}\n\nJane\n\n{block}\n\nDear Jane, thank you for your email.\n"
    assert trim_reply(text) == f"{NEW}\n\nJane"


@pytest.mark.parametrize("separator", [
    "---------- Forwarded message ---------",
    "-------- Forwarded Message --------",
    "Begin forwarded message:",
    "-------- Message transféré --------",
    "---------- Weitergeleitete Nachricht ----------",
])
def test_forwarded_copies_are_not_new_text(separator: str) -> None:
    text = f"Please treat this as a complaint.\n\n{separator}\nFrom: Sarah <s@example.com>\n\nSix voicemails.\n"
    assert trim_reply(text) == "Please treat this as a complaint."


def test_bottom_posted_reply_keeps_the_text_after_the_quote() -> None:
    text = (f"On Tue, 3 Mar 2026 at 10:00, Harbour & Vale <complaints@hv.example> wrote:\n"
            f"> Thank you for your email.\n>\n> We will reply soon.\n\n{NEW}\n")
    assert trim_reply(text) == NEW


def test_inline_answers_are_kept_and_questions_dropped() -> None:
    text = "> Were you told about the fees?\nNo, never.\n> Did you call?\nYes, twice.\n"
    assert trim_reply(text) == "No, never.\nYes, twice."


def test_signatures_and_mobile_footers_are_removed() -> None:
    assert trim_reply(f"{NEW}\n\n-- \nJane Whitfield\n07700 900123\n") == NEW
    assert trim_reply(f"{NEW}\n\nSent from my iPhone\n") == NEW
    assert trim_reply(f"{NEW}\n\nEnvoyé de mon iPhone") == NEW
    assert trim_reply(f"{NEW}\nVon meinem iPhone gesendet\n") == NEW


@pytest.mark.parametrize("line", [
    "I wrote to you on 3 March and nobody replied.",
    "On Monday I wrote:",
    "On 3 March I wrote:",
    "From: my point of view, the bill is simply wrong.",
    "Am Montag schrieb ich Ihnen:",
    "Sent from my office, because my home email is down, this is my third complaint.",
])
def test_ordinary_sentences_are_not_taken_for_quote_markers(line: str) -> None:
    text = f"{line}\nThe bill is wrong.\n"
    assert trim_reply(text) == text.strip()


def test_a_lone_wrote_line_counts_when_a_quote_follows() -> None:
    assert trim_reply(f"{NEW}\n\nJane Smith wrote:\n> earlier text\n") == NEW


def test_only_quoted_text_gives_an_empty_reply() -> None:
    assert trim_reply("> all quoted\n> nothing new\n") == ""


def test_pathological_200_kb_lines_finish() -> None:
    """Backtracking regexes would never return here; lines are scanned only up to a cap."""
    huge_attribution = "On " + "1, @" * 50_000 + " wrote:"
    huge_header = "From:" + " From:" * 40_000
    text = f"{NEW}\n{huge_attribution}\n{huge_header}\n" + "a:" * 100_000
    assert trim_reply(text) == text.strip()


def test_many_marker_like_lines_finish_and_stay() -> None:
    lines = ["On Monday, 3 Mar 2026, someone called"] * 20_000 + ["Am 3. März schrieb er mir"] * 20_000
    assert trim_reply("\n".join(lines)) == "\n".join(lines)


_PIECES = list("ab >-:@,1\n\t\u00e9") + ["On ", "wrote:", "From:", "Sent:", "To:", "Subject:", "-- ", "Am ", "schrieb "]


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=120).map("".join))
def test_trimming_never_invents_text(text: str) -> None:
    original_lines = set(text.replace("\r", "\n").split("\n"))
    for line in trim_reply(text).split("\n"):
        assert line == "" or line in original_lines


def test_html_quotes_are_dropped_before_conversion() -> None:
    html = ('<div dir="ltr">Still nothing from you.</div><div class="gmail_quote"><div class="gmail_attr">On Mon, '
            'X wrote:</div><blockquote class="gmail_quote">Old text</blockquote></div>'
            '<blockquote type="cite">Apple quote</blockquote><div>After</div>'
            '<div id="divRplyFwdMsg"><b>From:</b> Firm</div><div>Outlook original</div>')
    text = html_to_text(trim_html_reply(html))
    assert "Still nothing from you." in text
    assert "After" in text
    for gone in ("Old text", "wrote", "Apple quote", "Outlook original", "Firm"):
        assert gone not in text


def test_html_trimming_keeps_entities_and_nested_elements() -> None:
    html = '<div>Costs &amp; fees<div class="gmail_quote"><div><div>deep</div></div></div>&pound;5 <br/>end</div>'
    text = html_to_text(trim_html_reply(html))
    assert "Costs & fees" in text and "£5" in text and "end" in text
    assert "deep" not in text
