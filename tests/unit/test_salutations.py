"""Greetings and sign-offs are not what a message is about."""

from __future__ import annotations

import pytest

from mailbot.triage.salutations import without_letterhead, without_salutations
from mailbot.triage.suggestion import triage_reading


@pytest.mark.parametrize(("text", "read"), [
    ("Hi,\n\nMy hearing is Monday.\n\nThanks,\nJo", "My hearing is Monday."),
    ("Dear Sir or Madam,\n\nYou lost my deeds.\n\nYours faithfully,\nJohn Smith", "You lost my deeds."),
    ("Good morning Sarah,\nWhere is my money?\nThank you in advance", "Where is my money?"),
    ("Hi all,\nThe sale fell through.\nCheers", "The sale fell through."),
    ("Dear Ms Patel\nYou lied to me.\nRegards\nA. N. Other", "You lied to me."),
    ("Nobody calls back.\n\nKind regards\n\nPriya Shah\nFlat 3, 12 High Street\nLeeds LS1 2AB\n"
     "07700 900123", "Nobody calls back."),
    ("Just a note to say thank you for all your help.\n\nThanks again,\nJo",
     "Just a note to say thank you for all your help."),
    # a courtesy line, alone or above the sign-off
    ("Nobody calls back.\n\nThanks in advance for your help.", "Nobody calls back."),
    ("Nobody calls back.\nThank you for your time.\n\nKind regards,\nJo", "Nobody calls back."),
    ("Nobody calls back.\nThank you for your prompt attention to this matter.",
     "Nobody calls back."),
])
def test_the_greeting_and_sign_off_are_left_out(text: str, read: str) -> None:
    assert without_salutations(text) == read


@pytest.mark.parametrize("text", [
    "Thank you!",                                     # the whole message: a thank-you stays one
    "Best,\nJo",
    "Hi, my hearing is Monday and nobody has called.\nPlease help.",  # a greeting inside a line
    "I am furious.\nThanks for nothing.",             # words after the valediction
    "Thank you for ruining my purchase\nJo",
    "Thank you for your help.\nThanks again,\nJo",      # nothing else: a thank-you stays one
    "Thank you for all your help with the purchase.",
    "My completion is tomorrow.\nThanks\n" + "x" * 80,  # a long line after it: not a signature
])
def test_words_that_only_look_like_a_salutation_stay(text: str) -> None:
    assert without_salutations(text) == text


def test_triage_reads_the_same_words_with_or_without_them() -> None:
    body = "My final hearing is listed for\nMonday and nobody has replied."
    assert triage_reading(f"Hello Sam,\n\n{body}\n\nMany thanks\nJo") == triage_reading(body)


def test_a_huge_message_is_read_line_by_line() -> None:
    text = "Dear Sir,\n" + "a line of the complaint\n" * 200_000 + "Regards\nJo"
    assert without_salutations(text).count("\n") == 199_999


LETTER_BODY = "Dear Sirs,\n\nMy completion was delayed twice.\n\nYours faithfully,\nJo Bloggs"


@pytest.mark.parametrize("preamble", [
    "Jo Bloggs\n12 Mill Lane\nLeeds LS6 2AB\n\n5 December 2026\n\n",
    "Harbour & Vale LLP\nBy email only\nYour ref: HV/1234\nOur ref: JB\n\n05/12/2026\n\n",
    "\n\n\n",
])
def test_a_letters_addresses_date_and_references_are_left_out(preamble: str) -> None:
    assert without_letterhead(preamble + LETTER_BODY) == LETTER_BODY


def test_a_letters_heading_and_alarm_above_the_salutation_are_kept() -> None:
    text = ("Jo Bloggs\n12 Mill Lane\n\nURGENT - COMPLETION TOMORROW\nRe: 4 Orchard Close\n"
            "Formal complaint\n\n" + LETTER_BODY)
    assert without_letterhead(text) == ("URGENT - COMPLETION TOMORROW\nRe: 4 Orchard Close\n"
                                        "Formal complaint\n" + LETTER_BODY)


@pytest.mark.parametrize("text", [
    "My completion was delayed twice. Dear me, what a mess.",  # no salutation line
    "I have waited since March for the completion statement that you promised me in writing, "
    "twice.\nDear Sirs, I write again.",  # a long line first: the letter itself
    "\n".join(f"line {n}" for n in range(40)) + "\nDear Sirs,\nText",  # too far down
])
def test_text_that_is_not_a_letters_preamble_stays(text: str) -> None:
    assert without_letterhead(text) == text
