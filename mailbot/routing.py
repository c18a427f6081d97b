"""Where an inbound message goes: a new case, a follow-up, a handler's reply, or nowhere.

Pure. The service looks up the facts first (which cases own the referenced Message-IDs,
who the parties are) and routing only decides. The order follows EMAIL.md: our own mail,
then machine mail, then staff, then clients. A client's mail joins a case only when the
sender is a party to it: a peer system that threaded by subject alone mailed one client's
complaint to 53 others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Mapping

from .message import Inbound, MailKind

_TOKEN_IN_ADDRESS = re.compile(r"^[^@+]+\+a-([A-Za-z0-9_-]{16,64})@", re.IGNORECASE)
_TOKEN_IN_SUBJECT = re.compile(r"\[a-([A-Za-z0-9_-]{16,64})\]", re.IGNORECASE)
_BOUNCE_ADDRESS = re.compile(r"^[^@+]+\+b-(\d+)@", re.IGNORECASE)


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
    client_address: str


@dataclass(frozen=True)
class RoutingFacts:
    """What the store knows that bears on this message, looked up before routing."""

    handler_addresses: frozenset[str]
    cases_by_message_id: Mapping[str, CaseParty] = field(default_factory=dict)
    case_by_ref: CaseParty | None = None
    recent_case_of_sender: CaseParty | None = None
    approval_request_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NewComplaint:
    msg: Inbound


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
class Ignore:
    msg: Inbound
    reason: IgnoreReason
    case: CaseParty | None = None
    bounced_outbox_id: int | None = None


Route = NewComplaint | FollowUp | HandlerReply | Ignore

_MACHINE_REASONS = {
    MailKind.AUTO_REPLY: IgnoreReason.AUTO_REPLY,
    MailKind.BOUNCE: IgnoreReason.BOUNCE,
    MailKind.LIST: IgnoreReason.LIST,
    MailKind.SPAM: IgnoreReason.SPAM,
}


def find_token(msg: Inbound) -> str | None:
    """The approval token from our plus-address, else from the subject tag `[a-TOKEN]`."""
    for address in msg.recipients:
        match = _TOKEN_IN_ADDRESS.match(address)
        if match:
            return match.group(1)
    match = _TOKEN_IN_SUBJECT.search(msg.subject)
    return match.group(1) if match else None


def find_bounce_id(msg: Inbound) -> int | None:
    """The outbox id from a VERP bounce address (complaints+b-ID@firm), the exact attribution."""
    for address in msg.recipients:
        match = _BOUNCE_ADDRESS.match(address)
        if match:
            return int(match.group(1))
    return None


def thread_ids(msg: Inbound) -> tuple[str, ...]:
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
    linked = _thread_case(msg, facts)
    if msg.is_own:
        return Ignore(msg, IgnoreReason.OWN_MAIL, linked)
    if msg.kind in _MACHINE_REASONS:
        bounced = find_bounce_id(msg) if msg.kind is MailKind.BOUNCE else None
        return Ignore(msg, _MACHINE_REASONS[msg.kind], linked, bounced)
    token = find_token(msg)
    replies_to_request = any(mid in facts.approval_request_ids for mid in thread_ids(msg))
    if token or replies_to_request or msg.from_addr.lower() in facts.handler_addresses:
        return HandlerReply(msg, token)
    if not msg.from_addr:
        return Ignore(msg, IgnoreReason.NO_SENDER, linked)
    if linked is not None and _is_party(linked, msg.from_addr):
        return FollowUp(msg, linked, "thread")
    if facts.case_by_ref is not None and _is_party(facts.case_by_ref, msg.from_addr):
        return FollowUp(msg, facts.case_by_ref, "case_ref")
    if facts.recent_case_of_sender is not None and _is_party(facts.recent_case_of_sender, msg.from_addr):
        return FollowUp(msg, facts.recent_case_of_sender, "recent_case")
    return NewComplaint(msg)
