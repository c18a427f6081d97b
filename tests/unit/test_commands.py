"""A handler's reply, as Gmail, Outlook and Apple Mail really send it -> what mailbot does."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailbot import marks
from mailbot.commands import (
    Approve, Assign, Cause, Close, Draft, Edit, Instructions, Learning, Note, Outcome, Redress, Reject, SetCategory,
    SetUrgency, Unclear,
)
from mailbot.commands import parse_handler_reply as _parse
from mailbot.letters import LetterKind

NONCE = "0a1b2c3d4e5f"  # this request's markers; a client cannot know it
DRAFT_START, DRAFT_END = marks.draft_start(NONCE), marks.draft_end(NONCE)


def parse_handler_reply(text: str, original: str | None) -> Instructions:
    return _parse(text, original, nonce=NONCE)

DRAFT = """Dear Ms Patel,

Thank you for your patience. We have looked again at your bill and we agree
that we should have told you when the estimate changed.

We will reduce the bill by £250.

Yours sincerely,
Jane Okafor"""

REQUEST = f"""Jane Okafor,

A final response for complaint C-2026-0001 is waiting for your approval.

THE COMPLAINT
> I was never told the costs would go up. Please approve a refund.
> approve

THE DRAFT
{DRAFT_START}
{DRAFT}
{DRAFT_END}

HOW TO REPLY
  * To send the draft as it is, write: approve
  * Not to send it, write reject followed by your reason
  - "category LABEL": one of delay, communication
approve
close
"""


def gmail(top: str, request: str = REQUEST) -> str:
    quoted = "\n".join(f"> {line}" if line else ">" for line in request.split("\n"))
    return f"{top}\n\nOn Tue, 3 Mar 2026 at 10:15, Smith & Co Complaints <\ncomplaints+a-tok@smith.example> wrote:\n\n{quoted}\n"


def outlook(top: str, request: str = REQUEST, signature: str = "Jane Okafor\nSenior Associate | Smith & Co LLP") -> str:
    return (f"{top}\n\n{signature}\n\n"
            "________________________________\nFrom: Smith & Co Complaints <complaints+a-tok@smith.example>\n"
            "Sent: Tuesday, March 3, 2026 10:15 AM\nTo: Jane Okafor <jane@smith.example>\n"
            f"Subject: Approval needed: final response [a-tok] [C-2026-0001]\n\n{request}")


def apple(top: str, request: str = REQUEST) -> str:
    quoted = "\n".join(f"> {line}" if line else ">" for line in request.split("\n"))
    return f"{top}\n\nSent from my iPhone\n\n> On 3 Mar 2026, at 10:15, Complaints <complaints@smith.example> wrote:\n> \n{quoted}"


def parse(text: str) -> tuple:
    reply = parse_handler_reply(text, DRAFT)
    assert reply.problems == (), reply.problems
    return reply.actions


@pytest.mark.parametrize("client", [gmail, outlook, apple])
@pytest.mark.parametrize("top", ["approve", "Approve.", "APPROVED", "approve - thanks", "Approved, thanks!",
                                 "**Approve**", "Hi,\n\napprove\n\nThanks\nJane", "  approve  \u200b",
                                 "Approve\xa0— looks good, thanks"])
def test_approve_in_any_form_from_any_client(client, top: str) -> None:
    assert parse(client(top)) == (Approve(),)


@pytest.mark.parametrize("client", [gmail, outlook, apple])
def test_reject_keeps_its_reason(client) -> None:
    assert parse(client("Reject: the refund should be £300, not £250")) == (
        Reject("the refund should be £300, not £250"),)


def test_the_quoted_request_never_counts_even_without_quote_marks() -> None:
    # Outlook with an attribution we do not recognise and nothing written on top.
    reply = parse_handler_reply("De la part de: Complaints\n\n" + REQUEST, DRAFT)
    assert not any(isinstance(a, (Approve, Close)) for a in reply.actions)
    assert isinstance(reply.actions[0], Unclear)
    (nothing,) = parse(outlook("", signature=""))
    assert isinstance(nothing, Unclear) and nothing.hint.startswith("No command was found at the top of your reply.")


def test_reading_stops_at_the_first_line_that_is_not_a_command() -> None:
    text = "approve\nThanks, Jane\nNote: this email is confidential and may be privileged.\nclose"
    assert parse(outlook(text)) == (Approve(),)


def test_text_after_approve_that_changes_its_meaning_is_unclear() -> None:
    (action,) = parse(gmail("approve but change the date to Friday"))
    assert isinstance(action, Unclear) and "reads as a condition or a refusal" in action.hint


@pytest.mark.parametrize("top", ["aprove", "Looks good to me", "yes please", "ok"])
def test_unknown_first_line_is_unclear_and_nothing_else_happens(top: str) -> None:
    (action,) = parse(gmail(top + "\napprove"))
    assert isinstance(action, Unclear) and action.lines == (top,)
    assert action.hint.startswith(f"'{top}' is not a command we know.")


def test_field_and_record_commands() -> None:
    top = """category: costs information
set urgency HIGH
assign to Bob.Smith@Smith.example
note: called the client, she is away until Monday
draft holding letter
cause no costs update was sent when the estimate changed
outcome partly upheld
redress £1,250.50 goodwill payment
learning: send a costs update whenever an estimate changes
close"""
    assert parse(outlook(top)) == (
        SetCategory("costs_information"), SetUrgency("high"), Assign("bob.smith@smith.example"),
        Note("called the client, she is away until Monday"), Draft(LetterKind.HOLDING_LETTER),
        Cause("no costs update was sent when the estimate changed"), Outcome("partly"),
        Redress(Decimal("1250.50"), "GBP", "goodwill payment"),
        Learning("send a costs update whenever an estimate changes"), Close())


@pytest.mark.parametrize(("line", "action"), [
    ("draft final response", Draft(LetterKind.FINAL_RESPONSE)),
    ("draft request for information", Draft(LetterKind.REQUEST_INFO)),
    ("draft progress update", Draft(LetterKind.PROGRESS_UPDATE)),
    ("draft summary resolution", Draft(LetterKind.SUMMARY_RESOLUTION)),
    ("draft SRC", Draft(LetterKind.SUMMARY_RESOLUTION)),
    ("outcome: not upheld", Outcome("not")),
    ("outcome upheld", Outcome("upheld")),
    ("redress none", Redress(Decimal(0), None, "")),
    ("redress 300", Redress(Decimal(300), None, "")),
    ("Root cause: estimate not updated", Cause("estimate not updated")),
    ("category integrity-misconduct", SetCategory("integrity_misconduct")),
    ("priority critical", SetUrgency("critical")),
])
def test_command_variants(line: str, action) -> None:
    assert parse(gmail(line)) == (action,)


@pytest.mark.parametrize(("line", "hint"), [
    ("category costs", "did you mean 'costs_information' or 'costs_excessive'?"),
    ("category dealy", "did you mean 'delay'?"),
    ("urgency extreme", "known: low, normal, high, critical"),
    ("assign Bob", "assign needs an email address"),
    ("draft apology", "draft needs one of: update, info, holding, final, summary"),
    ("outcome maybe", "outcome is one of"),
    ("redress lots", "redress needs an amount"),
    ("reject", "reject needs a reason"),
    ("note", "note needs some text"),
])
def test_bad_arguments_are_unclear_with_a_helpful_hint(line: str, hint: str) -> None:
    (action,) = parse(gmail(line))
    assert isinstance(action, Unclear) and action.lines == (line,) and hint in action.hint


def test_a_bad_argument_does_not_stop_the_valid_commands() -> None:
    actions = parse(gmail("approve\ncategory dealy\nnote checked with partner"))
    assert actions[0] == Approve() and isinstance(actions[1], Unclear) and actions[2] == Note("checked with partner")


def test_approve_and_reject_together_do_nothing() -> None:
    reply = parse_handler_reply(gmail("approve\nreject wrong client"), DRAFT)
    assert reply.actions == () and "both approve and reject" in reply.problems[0]


# --- edits --------------------------------------------------------------------------------


def test_gmail_inline_edit_is_found_and_unquoted() -> None:
    edited = REQUEST.replace("We will reduce the bill by £250.", "We will reduce the bill by £300.")
    reply = parse_handler_reply(gmail("approve", edited), DRAFT)
    assert reply.problems == ()
    assert reply.actions == (Edit(reply.edited_text), Approve())
    assert reply.edited_text == DRAFT.replace("£250", "£300")


def test_outlook_edit_without_quote_marks() -> None:
    edited = REQUEST.replace("Thank you for your patience. ", "")
    reply = parse_handler_reply(outlook("Approved", edited), DRAFT)
    assert reply.actions[0] == Edit(DRAFT.replace("Thank you for your patience. ", ""))
    assert reply.actions[1:] == (Approve(),)


def test_edit_alone_keeps_the_change_without_approving() -> None:
    edited = REQUEST.replace("Jane Okafor\n" + DRAFT_END, "Jane Okafor\nPartner\n" + DRAFT_END)
    reply = parse_handler_reply(apple("edit", edited), DRAFT)
    assert reply.actions == (Edit(DRAFT + "\nPartner"),)


def test_rewrapping_and_reformatting_by_mail_clients_is_not_an_edit() -> None:
    mangled = (DRAFT.replace("we agree\nthat", "we agree that").replace("Ms Patel", "Ms\xa0Patel")
               .replace("Thank you", "Thank  you"))
    wrapped_marker = DRAFT_START.replace(" line -----", "\nline -----")
    request = REQUEST.replace(DRAFT, mangled).replace(DRAFT_START, wrapped_marker)
    for client in (gmail, outlook, apple):
        reply = parse_handler_reply(client("approve", request), DRAFT)
        assert reply.actions == (Approve(),) and reply.edited_text is None, client.__name__


def test_markers_mangled_by_html_conversion_are_still_found() -> None:
    request = (REQUEST.replace(DRAFT_START, f"\u2014\u2013 DRAFT START {NONCE}: edit below this line \u2014\u2013")
               .replace(DRAFT_END, f"**----- DRAFT END {NONCE} -----**").replace("£250", "£275"))
    reply = parse_handler_reply(outlook("approve", request), DRAFT)
    assert reply.edited_text == DRAFT.replace("£250", "£275")


def test_edit_word_without_a_change_is_a_problem() -> None:
    reply = parse_handler_reply(gmail("edit"), DRAFT)
    assert reply.actions == () and "unchanged" in reply.problems[0]


def test_a_start_marker_without_an_end_stops_everything() -> None:
    cut = REQUEST.split(DRAFT_END)[0]
    reply = parse_handler_reply(gmail("approve", cut), DRAFT)
    assert reply.actions == () and "DRAFT END" in reply.problems[0]


def test_two_different_edited_copies_are_not_guessed_between() -> None:
    top = f"approve\n\n{DRAFT_START}\n{DRAFT.replace('£250', '£300')}\n{DRAFT_END}"
    edited = REQUEST.replace("£250", "£275")
    reply = parse_handler_reply(gmail(top, edited), DRAFT)
    assert reply.actions == () and "holds the draft 2 times" in reply.problems[0]


def test_a_second_copy_of_the_draft_is_refused_not_guessed_between() -> None:
    """Two blocks (an edited copy on top, the untouched quote below) could be a smuggled draft."""
    top = f"approve\n\n{DRAFT_START}\n{DRAFT.replace('£250', '£300')}\n{DRAFT_END}"
    reply = parse_handler_reply(gmail(top), DRAFT)
    assert reply.actions == () and "none of it was used" in reply.problems[0]


def test_emptied_draft_is_a_problem() -> None:
    emptied = REQUEST.replace(DRAFT, "")
    reply = parse_handler_reply(outlook("approve", emptied), DRAFT)
    assert reply.actions == () and "empty" in reply.problems[0]


def test_without_the_original_any_marked_text_is_an_edit() -> None:
    reply = parse_handler_reply(gmail("approve"), None)
    edit, approve = reply.actions
    assert isinstance(edit, Edit) and edit.new_text.split() == DRAFT.split() and approve == Approve()


def test_pathological_input_is_handled_quickly() -> None:
    # Correctness only (no timing): a huge, marker-free, quote-heavy reply still parses.
    text = "approve\n" + ("> " * 2000 + "x\n") * 2000 + ("On " + "a" * 10000 + "\n") * 50
    assert parse_handler_reply(text, DRAFT).actions == (Approve(),)


def test_draft_lines_that_merely_mention_a_draft_are_not_markers() -> None:
    draft = "Dear Ms Patel,\nDraft start date: 1 April.\nDraft end of the matter: May."
    request = REQUEST.replace(DRAFT, draft)
    reply = parse_handler_reply(gmail("approve", request), draft)
    assert reply.actions == (Approve(),) and reply.problems == ()


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("approve reject> -DRAFT START END\n\u00a0\u2014:x@.")), max_size=400))
def test_any_reply_gives_actions_or_problems_never_both_and_never_an_exception(text: str) -> None:
    reply = parse_handler_reply(text, DRAFT)
    assert bool(reply.actions) != bool(reply.problems)
    assert (reply.edited_text is None) == (not any(isinstance(a, Edit) for a in reply.actions))


# --- smuggling: invisible characters, forged blocks ------------------------------------------------

FORMAT_CHARS = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202a", "\ufe0f",
                "\u202e", "\u2066", "\u2069", "\u180e", "\u034f"]


def _sprinkle(text: str, positions: list[int], chars: list[str]) -> str:
    for at, char in sorted(zip(positions, chars), reverse=True):
        at = at % (len(text) + 1)
        text = text[:at] + char + text[at:]
    return text


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=8),
       st.lists(st.sampled_from(FORMAT_CHARS), min_size=8, max_size=8))
def test_a_block_a_client_wrote_never_becomes_the_edit_whatever_it_hides(positions: list[int],
                                                                          chars: list[str]) -> None:
    """The client cannot know this request's nonce: a forged block, with or without invisible
    characters in its markers, never becomes the letter and never blocks a plain approve."""
    forged_start = "----- DRAFT START: edit below this line -----"
    for start, end in ((forged_start, "----- DRAFT END -----"),
                       (marks.draft_start("ffffffffffff"), marks.draft_end("ffffffffffff"))):
        smuggled = _sprinkle(f"{start}\nWe accept liability: GBP 50,000.\n{end}", positions, chars)
        request = REQUEST.replace("> approve\n", "> " + smuggled.replace("\n", "\n> ") + "\n")
        reply = parse_handler_reply(gmail("approve", request), DRAFT)
        assert reply.actions == (Approve(),) and reply.edited_text is None


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=6),
       st.lists(st.sampled_from(FORMAT_CHARS), min_size=6, max_size=6))
def test_invisible_characters_in_the_real_markers_change_nothing(positions: list[int], chars: list[str]) -> None:
    edited = REQUEST.replace("£250", "£300")
    hidden = edited.replace(DRAFT_START, _sprinkle(DRAFT_START, positions, chars)).replace(
        DRAFT_END, _sprinkle(DRAFT_END, positions[::-1], chars))
    assert parse_handler_reply(gmail("approve", hidden), DRAFT) == parse_handler_reply(gmail("approve", edited), DRAFT)


def test_two_blocks_with_this_requests_nonce_are_refused_and_the_handler_told() -> None:
    top = f"approve\n\n{DRAFT_START}\nWe accept liability: GBP 50,000.\n{DRAFT_END}"
    reply = parse_handler_reply(gmail(top), DRAFT)
    assert reply.actions == () and "2 times" in reply.problems[0]
