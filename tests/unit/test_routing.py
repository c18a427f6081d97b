"""Where each inbound message goes, in EMAIL.md's order: own mail, machine mail, staff, clients.

Inbound values are built directly so each test states exactly the facts it depends on.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import MappingProxyType

import pytest

from mailbot.message import Inbound, MailKind
from mailbot.routing import (
    CaseParty,
    FollowUp,
    HandlerReply,
    Ignore,
    IgnoreReason,
    NewComplaint,
    RoutingFacts,
    StaffMail,
    find_bounce_id,
    find_token,
    route,
)
from mailbot.trust import new_token

FIRM = "complaints@example.co.uk"
HANDLER = "priya.shah@example.co.uk"
CLIENT = "jane.doe@example.com"
OTHER_CLIENT = "sam.lee@example.org"
TOKEN = "0123456789abcdef0123456789abcdef"

JANE_CASE = CaseParty(case_id=11, ref="C-2026-0011", client_address=CLIENT)
SAM_CASE = CaseParty(case_id=12, ref="C-2026-0012", client_address=OTHER_CLIENT)
OUR_LETTER = "mb.aaaa@example.co.uk"  # a letter we sent on Jane's case
SAM_LETTER = "mb.bbbb@example.co.uk"
APPROVAL_REQUEST = "mb.cccc@example.co.uk"


def inbound(**changes: object) -> Inbound:
    base = Inbound(
        message_id="m1@mail.example.com",
        in_reply_to=None,
        references=(),
        from_addr=CLIENT,
        from_name="Jane Doe",
        reply_to=None,
        to=(FIRM,),
        cc=(),
        recipients=(FIRM,),
        subject="Complaint about my conveyancing",
        date=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        received_at=datetime(2026, 3, 2, 9, 1, tzinfo=UTC),
        text="I am unhappy.",
        reply_text="I am unhappy.",
        html=None,
        attachments=(),
        kind=MailKind.HUMAN,
        reason="",
        is_own=False,
        bounced_message_id=None,
        bounce_status=None,
        bounce_permanent=None,
        auth_results=(),
        case_ref=None,
        headers=MappingProxyType({}),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def facts(**changes: object) -> RoutingFacts:
    base = RoutingFacts(
        handler_addresses=frozenset({HANDLER, "tom.reilly@example.co.uk"}),
        cases_by_message_id={OUR_LETTER: JANE_CASE, SAM_LETTER: SAM_CASE},
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# --- our own mail and machine mail -------------------------------------------------------


def test_own_mail_is_ignored_and_keeps_its_case_link() -> None:
    msg = inbound(is_own=True, from_addr=FIRM, in_reply_to=OUR_LETTER)
    result = route(msg, facts())
    assert result == Ignore(msg, IgnoreReason.OWN_MAIL, JANE_CASE)


def test_own_mail_is_ignored_even_when_it_carries_a_token() -> None:
    """A copy of our approval request (token in the subject) must not read as an approval."""
    msg = inbound(is_own=True, from_addr=FIRM, subject=f"Approve letter [a-{TOKEN}]")
    assert route(msg, facts()) == Ignore(msg, IgnoreReason.OWN_MAIL)


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        (MailKind.AUTO_REPLY, IgnoreReason.AUTO_REPLY),
        (MailKind.BOUNCE, IgnoreReason.BOUNCE),
        (MailKind.LIST, IgnoreReason.LIST),
        (MailKind.SPAM, IgnoreReason.SPAM),
    ],
    ids=str,
)
def test_machine_mail_is_ignored_with_its_reason_and_linked_case(kind: MailKind, reason: IgnoreReason) -> None:
    msg = inbound(kind=kind, references=("older@mail.example.com", OUR_LETTER))
    result = route(msg, facts())
    assert isinstance(result, Ignore)
    assert result.reason is reason
    assert result.case == JANE_CASE
    assert result.bounced_outbox_id is None


def test_machine_mail_with_no_known_thread_has_no_case() -> None:
    msg = inbound(kind=MailKind.AUTO_REPLY, in_reply_to="unknown@elsewhere")
    assert route(msg, facts()) == Ignore(msg, IgnoreReason.AUTO_REPLY, None)


def test_a_handlers_out_of_office_is_ignored_not_read_as_a_reply() -> None:
    msg = inbound(kind=MailKind.AUTO_REPLY, from_addr=HANDLER, in_reply_to=APPROVAL_REQUEST,
                  recipients=(f"complaints+a-{TOKEN}@example.co.uk",))
    result = route(msg, facts(approval_request_ids=frozenset({APPROVAL_REQUEST})))
    assert isinstance(result, Ignore) and result.reason is IgnoreReason.AUTO_REPLY


def test_bounce_to_a_verp_address_names_the_outbox_row() -> None:
    msg = inbound(kind=MailKind.BOUNCE, from_addr="mailer-daemon@mx.example.com",
                  to=("complaints+b-4711@example.co.uk",), recipients=("complaints+b-4711@example.co.uk",))
    result = route(msg, facts())
    assert isinstance(result, Ignore)
    assert result.reason is IgnoreReason.BOUNCE
    assert result.bounced_outbox_id == 4711


def test_bounce_found_via_envelope_recipient_among_others() -> None:
    msg = inbound(kind=MailKind.BOUNCE, recipients=(FIRM, "complaints+b-42@example.co.uk"))
    assert find_bounce_id(msg) == 42
    assert route(msg, facts()).bounced_outbox_id == 42  # type: ignore[union-attr]


def test_bounce_without_verp_address_has_no_outbox_id() -> None:
    msg = inbound(kind=MailKind.BOUNCE, recipients=(FIRM,))
    result = route(msg, facts())
    assert isinstance(result, Ignore) and result.bounced_outbox_id is None


def test_an_auto_reply_to_the_verp_address_is_not_taken_for_a_bounce() -> None:
    msg = inbound(kind=MailKind.AUTO_REPLY, recipients=("complaints+b-42@example.co.uk",))
    result = route(msg, facts())
    assert isinstance(result, Ignore)
    assert result.reason is IgnoreReason.AUTO_REPLY
    assert result.bounced_outbox_id is None


# --- staff: approval tokens and handler mail --------------------------------------------


def test_token_in_plus_address_makes_a_handler_reply() -> None:
    msg = inbound(from_addr=HANDLER, recipients=(f"complaints+a-{TOKEN}@example.co.uk",))
    assert route(msg, facts()) == HandlerReply(msg, TOKEN)


def test_token_in_subject_tag_makes_a_handler_reply() -> None:
    msg = inbound(from_addr=HANDLER, subject=f"RE: Approve acknowledgement C-2026-0011 [a-{TOKEN}]")
    assert route(msg, facts()) == HandlerReply(msg, TOKEN)


def test_plus_address_token_is_preferred_over_the_subject() -> None:
    other = "f" * 32
    msg = inbound(from_addr=HANDLER, recipients=(f"complaints+a-{TOKEN}@example.co.uk",), subject=f"[a-{other}]")
    assert find_token(msg) == TOKEN


def test_a_freshly_minted_token_survives_both_carriers() -> None:
    token = new_token()
    by_address = inbound(recipients=(f"complaints+a-{token}@example.co.uk",))
    by_subject = inbound(subject=f"Re: approve [a-{token}]")
    assert find_token(by_address) == token
    assert find_token(by_subject) == token


@pytest.mark.parametrize(
    "carrier",
    [
        {"recipients": ("complaints+a-short@example.co.uk",)},  # too short to be one of ours
        {"subject": "[a-0123]"},
        {"subject": f"a-{TOKEN} without brackets"},
        {"recipients": (f"someone+a-{TOKEN}.x@example.co.uk",)},  # not a clean local part
    ],
)
def test_things_that_only_look_like_tokens_are_not_tokens(carrier: dict[str, object]) -> None:
    assert find_token(inbound(**carrier)) is None


def test_a_token_we_issued_from_a_stranger_still_routes_to_the_trust_checks() -> None:
    """Routing only sorts; trust.check_approval refuses the stranger and the handler is told."""
    msg = inbound(from_addr="mallory@evil.example", subject=f"[a-{TOKEN}]")
    assert route(msg, facts(token_known=True)) == HandlerReply(msg, TOKEN)


def test_a_tag_shaped_subject_we_never_issued_is_ordinary_client_mail() -> None:
    """A complaint that happens to carry something like our tag must not vanish as a refusal."""
    msg = inbound(subject=f"Complaint about [a-{TOKEN}] invoice")
    assert route(msg, facts(token_known=False)) == NewComplaint(msg)
    reply = inbound(subject=f"Re: [a-{TOKEN}]", in_reply_to=OUR_LETTER)
    assert route(reply, facts(token_known=False)) == FollowUp(reply, JANE_CASE, "thread")


def test_a_handlers_mail_without_token_is_staff_mail_for_a_person() -> None:
    """Most often a complaint the handler forwarded: kept and shown to a person, not refused."""
    msg = inbound(from_addr=HANDLER, subject="Fwd: complaint from a client")
    assert route(msg, facts()) == StaffMail(msg)


def test_handler_address_matches_whatever_its_case() -> None:
    msg = inbound(from_addr="Priya.Shah@Example.co.uk", recipients=(f"complaints+a-{TOKEN}@example.co.uk",))
    assert route(msg, facts()) == HandlerReply(msg, TOKEN)


def test_a_third_party_answering_our_letter_is_a_new_complaint_marked_as_such() -> None:
    msg = inbound(from_addr=OTHER_CLIENT, in_reply_to=OUR_LETTER)
    assert route(msg, facts(answers_our_letter=True)) == NewComplaint(msg, answers_our_letter=True)


def test_a_reply_to_an_approval_request_is_a_handler_reply_from_any_address() -> None:
    msg = inbound(from_addr="priya@home.example.net", in_reply_to=APPROVAL_REQUEST)
    assert route(msg, facts(approval_request_ids=frozenset({APPROVAL_REQUEST}))) == HandlerReply(msg, None)


def test_approval_request_found_deep_in_references() -> None:
    msg = inbound(from_addr="priya@home.example.net", references=(APPROVAL_REQUEST, "later@x"), in_reply_to="later@x")
    assert isinstance(route(msg, facts(approval_request_ids=frozenset({APPROVAL_REQUEST}))), HandlerReply)


# --- clients --------------------------------------------------------------------------------


def test_mail_without_a_sender_is_kept_aside() -> None:
    msg = inbound(from_addr="", in_reply_to=OUR_LETTER)
    assert route(msg, facts()) == Ignore(msg, IgnoreReason.NO_SENDER, JANE_CASE)


def test_the_clients_reply_to_our_letter_is_a_follow_up_by_thread() -> None:
    msg = inbound(in_reply_to=OUR_LETTER, references=(OUR_LETTER,))
    assert route(msg, facts()) == FollowUp(msg, JANE_CASE, "thread")


def test_client_address_case_does_not_matter() -> None:
    msg = inbound(from_addr="Jane.Doe@EXAMPLE.com", in_reply_to=OUR_LETTER)
    assert route(msg, facts()) == FollowUp(msg, JANE_CASE, "thread")


def test_another_clients_reply_to_the_thread_is_a_new_complaint() -> None:
    """The peer-system failure: threading alone must never attach Sam's mail to Jane's case."""
    msg = inbound(from_addr=OTHER_CLIENT, in_reply_to=OUR_LETTER, references=(OUR_LETTER,))
    assert isinstance(route(msg, facts()), NewComplaint)


def test_the_latest_thread_member_decides_the_case() -> None:
    jane_first = CaseParty(case_id=5, ref="C-2025-0005", client_address=CLIENT)
    msg = inbound(references=("old@mail.example.com", OUR_LETTER), in_reply_to="newest@x")
    known = {"old@mail.example.com": jane_first, OUR_LETTER: JANE_CASE, "newest@x": jane_first}
    assert route(msg, facts(cases_by_message_id=known)) == FollowUp(msg, jane_first, "thread")
    msg2 = inbound(references=("old@mail.example.com", OUR_LETTER))
    assert route(msg2, facts(cases_by_message_id=known)) == FollowUp(msg2, JANE_CASE, "thread")


def test_case_ref_in_subject_joins_the_case_for_its_client() -> None:
    msg = inbound(subject="More about C-2026-0011", case_ref="C-2026-0011")
    assert route(msg, facts(case_by_ref=JANE_CASE)) == FollowUp(msg, JANE_CASE, "case_ref")


def test_case_ref_in_subject_from_someone_else_is_a_new_complaint() -> None:
    msg = inbound(from_addr=OTHER_CLIENT, subject="About C-2026-0011", case_ref="C-2026-0011")
    assert route(msg, facts(case_by_ref=JANE_CASE)) == NewComplaint(msg)


def test_thread_beats_case_ref() -> None:
    msg = inbound(in_reply_to=OUR_LETTER, case_ref="C-2026-0099")
    other_jane_case = CaseParty(case_id=99, ref="C-2026-0099", client_address=CLIENT)
    assert route(msg, facts(case_by_ref=other_jane_case)) == FollowUp(msg, JANE_CASE, "thread")


def test_recent_case_of_the_same_sender_joins_it() -> None:
    msg = inbound(subject="And another thing")
    assert route(msg, facts(recent_case_of_sender=JANE_CASE)) == FollowUp(msg, JANE_CASE, "recent_case")


def test_recent_case_of_someone_else_is_not_joined() -> None:
    msg = inbound(from_addr=OTHER_CLIENT)
    assert route(msg, facts(recent_case_of_sender=JANE_CASE)) == NewComplaint(msg)


def test_case_ref_beats_recent_case() -> None:
    newer = CaseParty(case_id=20, ref="C-2026-0020", client_address=CLIENT)
    msg = inbound(case_ref="C-2026-0011")
    assert route(msg, facts(case_by_ref=JANE_CASE, recent_case_of_sender=newer)) == FollowUp(msg, JANE_CASE, "case_ref")


def test_fresh_mail_is_a_new_complaint() -> None:
    msg = inbound()
    assert route(msg, facts()) == NewComplaint(msg)


def test_a_reply_in_an_unknown_thread_is_a_new_complaint() -> None:
    msg = inbound(in_reply_to="someone-elses@thread", references=("someone-elses@thread",))
    assert route(msg, facts()) == NewComplaint(msg)
