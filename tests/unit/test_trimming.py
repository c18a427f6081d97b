"""Reply trimming: what a handler sees as "what the client wrote now"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailbot.mime_text import html_to_text
from mailbot.trimming import (earlier_messages, forwards, reply_from_html, trim_html_reply,
                             trim_reply)

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
    html = '<div>Costs &amp; fees<div class="gmail_quote"><blockquote class="gmail_quote"><div><div>deep</div></div></blockquote></div>&pound;5 <br/>end</div>'
    text = html_to_text(trim_html_reply(html))
    assert "Costs & fees" in text and "£5" in text and "end" in text
    assert "deep" not in text


@pytest.mark.parametrize("attribution", [
    "2016-03-03 17:21 GMT+01:00 Harbour & Vale <complaints@hv.example>:",
    "Am Di., 3. März 2026 um 10:00 Uhr schrieb Harbour & Vale <complaints@hv.example>:",
    "wt., 3 mar 2026 o 10:00 Harbour & Vale <complaints@hv.example> napisał(a):",
    "вт, 3 бер. 2026 р. о 10:00 Harbour & Vale <complaints@hv.example> пише:",
    "вт, 3 мар. 2026 г. в 10:00, Harbour & Vale <complaints@hv.example>:",
    "Den tis 3 mars 2026 kl 10:00 skrev Harbour & Vale <complaints@hv.example>:",
    "Op 3 mrt. 2026 om 10:00 heeft Harbour & Vale <complaints@hv.example> het volgende geschreven:",
    "2026年3月3日(火) 10:00 Harbour & Vale <complaints@hv.example>:",
    "Harbour & Vale <complaints@hv.example> 于2026年3月3日周二 10:00写道：",
    "ti 3. maalisk. 2026 klo 10.00 Harbour & Vale (complaints@hv.example) kirjoitti:",
    "3 Mar 2026 Sal, 10:00 tarihinde Harbour & Vale <complaints@hv.example> şunu yazdı:",
])
def test_attributions_in_more_languages_and_date_forms(attribution: str) -> None:
    text = f"{NEW}\n\n{attribution}\n\n> Thank you for your email.\n"
    assert trim_reply(text) == NEW


def test_date_first_attribution_cuts_an_unquoted_copy() -> None:
    text = f"{NEW}\n\n2016-03-03 17:21 GMT+01:00 Harbour & Vale <complaints@hv.example>:\nThank you.\n"
    assert trim_reply(text) == NEW


@pytest.mark.parametrize("attribution", [
    "On Tue, 3 Mar 2026 at 10:00, Harbour & Vale <complaints@hv.example>\nwrote:",
    "Le mar. 3 mars 2026 à 10:00, Harbour & Vale\n<complaints@hv.example> a écrit :",
    "wt., 3 mar 2026 o 10:00 Harbour & Vale <complaints@hv.example>\nnapisał(a):",
])
def test_attributions_wrapped_anywhere(attribution: str) -> None:
    assert trim_reply(f"{NEW}\n\n{attribution}\n\n> Thank you.\n") == NEW


@pytest.mark.parametrize("block", [
    "Från: Harbour & Vale <complaints@hv.example>\nSkickat: den 2 mars 2026 16:40\nTill: Jane\nÄmne: Klagomål",
    "Od: Harbour & Vale <complaints@hv.example>\nWysłano: poniedziałek, 2 marca 2026 16:40\nDo: Jane\nTemat: Skarga",
    "От: Harbour & Vale <complaints@hv.example>\nОтправлено: 2 марта 2026 г. 16:40\nКому: Jane\nТема: Жалоба",
    "差出人: Harbour & Vale <complaints@hv.example>\n送信日時: 2026年3月2日 16:40\n宛先: Jane\n件名: 苦情",
    "Da: Harbour & Vale <complaints@hv.example>\nInviato: lunedì 2 marzo 2026 16:40\nA: Jane\nOggetto: Reclamo",
    "-----Mensaje original-----\nDe: Harbour & Vale",
    "-----Исходное сообщение-----\nОт: Harbour & Vale",
    "------------------ 原始邮件 ------------------\n发件人: Harbour & Vale",
])
def test_header_blocks_and_rulers_in_more_languages(block: str) -> None:
    text = f"{NEW}\n\nJane\n\n{block}\n\nDear Jane, thank you for your email.\n"
    assert trim_reply(text) == f"{NEW}\n\nJane"


@pytest.mark.parametrize("footer", [
    "Sent from my iPhone", "Envoyé de mon iPhone", "Von meinem iPhone gesendet", "Get Outlook for Android",
    "Enviado desde mi iPhone", "Inviato da iPhone", "Verstuurd vanaf mijn iPhone", "Skickat från min iPhone",
    "Wysłane z iPhone'a", "Отправлено с iPhone", "iPhoneから送信", "Sent from Mailspring, the best free email app",
])
def test_mobile_and_client_footers_are_removed(footer: str) -> None:
    assert trim_reply(f"{NEW}\n\n{footer}\n") == NEW


@pytest.mark.parametrize("text", [
    "My solicitor wrote: the deadline was missed.\nI agree with her.",
    "The letter you wrote:\nit says nothing about fees.",
    "From: the day I signed, nobody called.",
    "Sent from my office because my home email is down, and this is my third complaint.",
])
def test_lines_that_merely_contain_the_words_stay(text: str) -> None:
    assert trim_reply(text) == text


def test_mailing_list_footer_is_not_the_senders_text() -> None:
    footer = "_______________________________________________\nusers mailing list\nusers@lists.example.org"
    assert trim_reply(f"{NEW}\n\n{footer}\n") == NEW


def test_html_inline_reply_keeps_answers_and_indented_text() -> None:
    html = ('<div>See my notes:<blockquote>Were you told about the fees?</blockquote>No, never.'
            '<blockquote style="margin:0 0 0 40px;border:none;padding:0px">My own indented point.</blockquote></div>')
    text = reply_from_html(html)
    assert "No, never." in text and "My own indented point." in text
    assert "fees" not in text


def test_html_reply_written_inside_a_gmail_quote_div_is_kept() -> None:
    html = ('<div class="gmail_quote"><div>Update: three more clients cannot log in.</div>'
            '<blockquote class="gmail_quote">From: Jeff<br>Old report</blockquote></div>')
    assert reply_from_html(html) == "Update: three more clients cannot log in."


def test_html_whose_whole_text_is_in_a_quote_falls_back_to_plain_trimming() -> None:
    html = ('<blockquote class="gmail_quote"><div>Please sign up below.</div><br>From: a@b.example<br>'
            'Subject: Fwd: x<br>Date: Aug 28 2015<br>To: c@d.example<br><br>Old text</blockquote>')
    assert reply_from_html(html) == "Please sign up below."


def test_outlook_reply_header_box_ends_an_html_reply() -> None:
    html = ('<p>Hallo Fritz, gerne.</p><div style="border:none;border-top:solid #B5C4DF 1.0pt;'
            'padding:3.0pt 0cm 0cm 0cm"><p><b>Von:</b> Fritz</p></div><p>Altes</p>')
    assert reply_from_html(html) == "Hallo Fritz, gerne."


def test_hostile_bodies_complete() -> None:
    """A 10 MB single line and a 100k-line body finish (their time is in tests/bench/bench_replies.py)."""
    one_line = "On " + "1, <a@b> " * 1_000_000 + " wrote:"
    assert trim_reply(one_line) == one_line
    many = "\n".join(["From: x@y.z", "On 1 Jan 2026, a <a@b> wrote", "> q"] * 33_334)
    assert isinstance(trim_reply(many), str)
    assert isinstance(reply_from_html("<" * 1_000_000), str)


# The earlier mail a message carries (earlier_messages, forwards): what triage reads of a
# forwarded complaint besides the note above it.

_COMPLAINT = "Dear Alex,\n\nMy deposit has vanished from your client account.\n\nThanks,\nSam"
_FORWARDS = {
    "gmail": "---------- Forwarded message ---------\nFrom: Sam <sam@example.org>\n"
             "Date: Tue, 3 Mar 2026 at 09:12\nSubject: My deposit\n"
             "To: Alex <alex@firm.example>\n\n",
    "outlook": "________________________________\nFrom: Sam <sam@example.org>\n"
               "Sent: 03 March 2026 09:12\nTo: Alex <alex@firm.example>;\n Kim <kim@firm.example>\n"
               "Subject: My deposit\n\n",
    "apple": "Begin forwarded message:\n\nFrom: Sam <sam@example.org>\n"
             "Subject: My deposit\nDate: 3 March 2026 at 09:12:00 GMT\nTo: alex@firm.example\n\n",
    "thunderbird": "-------- Forwarded Message --------\nSubject: \tMy deposit\n"
                   "Date: \tTue, 3 Mar 2026 09:12:00 +0000\nFrom: \tSam <sam@example.org>\n"
                   "To: \talex@firm.example\n\n",
    "german outlook": "-----Ursprüngliche Nachricht-----\nVon: Sam <sam@example.org>\n"
                      "Gesendet: Dienstag, 3. März 2026 09:12\nAn: alex@firm.example\n"
                      "Betreff: My deposit\n\n",
}


@pytest.mark.parametrize("client", sorted(_FORWARDS))
def test_a_forwarded_email_is_read_without_its_header_block(client: str) -> None:
    text = "See below. Nobody has answered me.\n\n" + _FORWARDS[client] + _COMPLAINT
    (earlier,) = earlier_messages(text)
    assert earlier.subject == "My deposit"
    assert earlier.body == _COMPLAINT
    assert trim_reply(text) == "See below. Nobody has answered me.", "the new words as before"


def test_a_forward_says_so_in_its_subject_or_its_ruler() -> None:
    assert forwards("Fwd: My deposit", "")
    assert forwards("FW: My deposit", "")
    assert forwards("Re: WG: Kaution", "")
    assert forwards("My deposit", "FYI\n" + _FORWARDS["gmail"] + _COMPLAINT)
    assert forwards("", "Begin forwarded message:\n\nFrom: a@b.example")
    assert not forwards("Re: My deposit", "Thanks.\n\nOn Tue, 3 Mar 2026, Alex <a@b.example> "
                        "wrote:\n> Your deposit is safe.")
    assert not forwards("Re: My deposit", "Thanks.\n-----Original Message-----\nFrom: a@b.example")
    assert not forwards("Framework agreement", "I was forwarded your name by a friend.")


def test_quoted_mail_is_read_most_recent_first_without_quote_marks() -> None:
    text = ("FYI, see the thread below.\n\nOn Tue, 3 Mar 2026 at 09:12, Alex <alex@firm.example> "
            "wrote:\n> We have sent the funds today.\n>\n> On Mon, 2 Mar 2026 at 08:00, Sam "
            "<sam@example.org> wrote:\n>> Where are my completion funds?\n")
    assert [e.body for e in earlier_messages(text)] == [
        "We have sent the funds today.", "Where are my completion funds?"]


def test_a_signature_is_not_read_as_earlier_mail() -> None:
    text = ("Please deal with this.\n--\nSam Client\n07700 900123\n\n"
            + _FORWARDS["gmail"] + "My deposit has vanished.")
    assert [e.body for e in earlier_messages(text)] == ["My deposit has vanished."]
    assert earlier_messages("Please ring me.\n--\nSam Client\n07700 900123") == []


def test_mail_with_no_copy_carries_nothing() -> None:
    assert earlier_messages("I was forwarded your name by a friend.\n\nFrom: the start, you "
                            "ignored me.") == []


def test_earlier_mail_is_bounded() -> None:
    """A long thread costs no more than its newest messages."""
    text = "FYI\n" + "".join(_FORWARDS["gmail"] + "word " * 2_000 + "\n" for _ in range(50))
    earlier = earlier_messages(text, limit=4_000)
    assert 3_900 <= sum(len(e.body) for e in earlier) <= 4_000
    assert isinstance(earlier_messages("FYI\n" + _FORWARDS["gmail"] + "x" * 10_000_000), list)
    many = "\n".join(["--", "> q", "From: x@y.z", "On 1 Jan 2026, a <a@b> wrote:"] * 25_000)
    assert isinstance(earlier_messages(many), list)
    # only the first MAX_FORWARD_SCAN characters are searched: a hostile body costs no more
    far = "word " * 30_000 + "\n" + _FORWARDS["gmail"] + "My deposit has vanished."
    assert earlier_messages(far) == [] and not forwards("", far)
