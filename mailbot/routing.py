"""Where an inbound message goes: a new case, a follow-up, a handler's reply, staff mail, or
nowhere.

Pure. The service looks up the facts first (which cases own the referenced Message-IDs,
who the parties are) and routing only decides. The order follows EMAIL.md: our own mail,
then machine mail, then staff, then clients. A client's mail joins a case only when the
sender is a party to it: a peer system that threaded by subject alone mailed one client's
complaint to 53 others. Nothing that could be a complaint is dropped on a guess: a
tag-shaped subject we never issued is ordinary client mail, and a handler's mail that
answers no approval request (a forwarded complaint) goes to a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Mapping

from . import marks
from .message import Inbound, MailKind


class IgnoreReason(StrEnum):
    OWN_MAIL = "own_mail"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    LIST = "list"
    SPAM = "spam"
    NO_SENDER = "no_sender"


@dataclass(frozen=True)
class CaseParty:
    """A case as routing sees it: its id and who may write to it."""

    case_id: int
    ref: str
    client_address: str  # compared without case: mail programs change an address's case


@dataclass(frozen=True)
class RoutingFacts:
    """What the store knows that bears on this message, looked up before routing."""

    handler_addresses: frozenset[str]
    cases_by_message_id: Mapping[str, CaseParty] = field(default_factory=dict)
    case_by_ref: CaseParty | None = None
    recent_case_of_sender: CaseParty | None = None
    approval_request_ids: frozenset[str] = frozenset()
    token_known: bool = False  # the token found in the message is one we issued (by its hash)
    answers_our_letter: bool = False  # its thread names a Message-ID we minted


@dataclass(frozen=True)
class NewComplaint:
    """Mail from outside that joins no case. `answers_our_letter`: it replies to a letter we
    sent to somebody else (a forward, or a ticket system answering from a new address each
    time), so it is opened for a person but never acknowledged automatically."""

    msg: Inbound
    answers_our_letter: bool = False


@dataclass(frozen=True)
class FollowUp:
    msg: Inbound
    case: CaseParty
    matched_by: str  # "thread" | "case_ref" | "recent_case"


@dataclass(frozen=True)
class HandlerReply:
    msg: Inbound
    token: str | None


@dataclass(frozen=True)
class StaffMail:
    """A handler's mail that answers no approval request: most often a client's complaint
    forwarded to the complaints address. Kept and shown to a person, never acted on."""

    msg: Inbound


@dataclass(frozen=True)
class Ignore:
    """Mail that needs no answer (our own, machine mail, spam, no sender): filed, never answered.
    `case` is the case its thread points to; `bounced_outbox_id` the letter a bounce returns."""

    msg: Inbound
    reason: IgnoreReason
    case: CaseParty | None = None
    bounced_outbox_id: int | None = None


Route = NewComplaint | FollowUp | HandlerReply | StaffMail | Ignore

_MACHINE_REASONS = {
    MailKind.AUTO_REPLY: IgnoreReason.AUTO_REPLY,
    MailKind.BOUNCE: IgnoreReason.BOUNCE,
    MailKind.LIST: IgnoreReason.LIST,
    MailKind.SPAM: IgnoreReason.SPAM,
}


def find_token(msg: Inbound) -> str | None:
    """The approval token from our plus-address, else from the subject tag `[a-TOKEN]`."""
    for address in msg.recipients:
        token = marks.token_from_address(address)
        if token:
            return token
    return marks.token_from_subject(msg.subject)


def find_bounce_id(msg: Inbound) -> int | None:
    """The outbox id from a VERP bounce address (complaints+b-ID@firm), the exact attribution."""
    for address in msg.recipients:
        found = marks.bounce_id_from_address(address)
        if found is not None:
            return found
    return None


def thread_ids(msg: Inbound) -> tuple[str, ...]:
    """Every Message-ID the message says it answers, References then In-Reply-To, without
    repeats: a reply finds its case through any of them."""
    ids = list(msg.references)
    if msg.in_reply_to and msg.in_reply_to not in ids:
        ids.append(msg.in_reply_to)
    return tuple(ids)


def _thread_case(msg: Inbound, facts: RoutingFacts) -> CaseParty | None:
    # Most recent reference first: the letter being replied to beats older thread members.
    for mid in reversed(thread_ids(msg)):
        party = facts.cases_by_message_id.get(mid)
        if party is not None:
            return party
    return None


def _is_party(case: CaseParty, address: str) -> bool:
    return case.client_address.lower() == address.lower()


def route(msg: Inbound, facts: RoutingFacts) -> Route:
    """Decide where the message goes from the facts alone, in EMAIL.md's order (see above)."""
    linked = _thread_case(msg, facts)
    if msg.is_own:
        return Ignore(msg, IgnoreReason.OWN_MAIL, linked)
    token = find_token(msg)
    if msg.kind is MailKind.SPAM and token and facts.token_known:
        # An approval attempt our own server marked as forged: trust refuses it, and the real
        # handler is told that someone is writing in their name.
        return HandlerReply(msg, token)
    if msg.kind in _MACHINE_REASONS:
        bounced = find_bounce_id(msg) if msg.kind is MailKind.BOUNCE else None
        return Ignore(msg, _MACHINE_REASONS[msg.kind], linked, bounced)
    if not msg.from_addr:
        return Ignore(msg, IgnoreReason.NO_SENDER, linked)
    answers_request = any(mid in facts.approval_request_ids for mid in thread_ids(msg))
    if msg.from_addr.lower() in facts.handler_addresses:
        if token or answers_request:
            return HandlerReply(msg, token)
        return StaffMail(msg)
    if (token and facts.token_known) or answers_request:
        return HandlerReply(msg, token)  # not a handler: trust refuses it and tells the handler
    # A token-shaped tag we never issued, from outside: an ordinary message that happens to
    # carry it (a client's subject), routed like any other client mail.
    return _client_mail(msg, msg.from_addr, linked, facts)


def _client_mail(msg: Inbound, sender: str, linked: CaseParty | None,
                 facts: RoutingFacts) -> FollowUp | NewComplaint:
    """Mail from outside joins a case only when its sender is that case's party."""
    if linked is not None and _is_party(linked, sender):
        return FollowUp(msg, linked, "thread")
    if facts.case_by_ref is not None and _is_party(facts.case_by_ref, sender):
        return FollowUp(msg, facts.case_by_ref, "case_ref")
    recent = facts.recent_case_of_sender
    if recent is not None and _is_party(recent, sender):
        return FollowUp(msg, recent, "recent_case")
    return NewComplaint(msg, facts.answers_our_letter)
