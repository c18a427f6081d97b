"""Whether an emailed approval may act. Pure.

Identity comes from a secret we minted, never from headers a sender controls: a random,
single-use, expiring token bound to one draft, one case and one handler, stored only as a
hash. A reply acts only if all of these hold (EMAIL.md rule 25):
- the sender is that handler (or one of the handler's configured aliases);
- it answers the approval request itself: when it names a thread at all, the request's
  Message-ID is in it (a reply threaded to one case carrying another case's token is refused);
- the firm's own server vouched for the sender (sender_auth.py), unless the firm has
  explicitly turned that off and accepted the risk;
- the token is unused, unexpired, and its draft still awaits approval.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .sender_auth import AuthPolicy, AuthResult, verify_sender


class Refusal(StrEnum):
    NO_TOKEN = "no_token"
    UNKNOWN_TOKEN = "unknown_token"
    TOKEN_USED = "token_used"
    TOKEN_EXPIRED = "token_expired"
    NOT_A_HANDLER = "not_a_handler"
    WRONG_HANDLER = "wrong_handler"
    WRONG_CONVERSATION = "wrong_conversation"
    AUTH_FAILED = "authentication_failed"
    DRAFT_NOT_PENDING = "draft_not_pending"


REFUSAL_TEXT = {
    Refusal.NO_TOKEN: "the reply carried no approval token (reply to the approval request itself)",
    Refusal.UNKNOWN_TOKEN: "the approval token is not one we issued",
    Refusal.TOKEN_USED: "the approval token was already used",
    Refusal.TOKEN_EXPIRED: "the approval token has expired",
    Refusal.NOT_A_HANDLER: "the sender is not a configured handler",
    Refusal.WRONG_HANDLER: "the token belongs to another handler",
    Refusal.WRONG_CONVERSATION: (
        "the reply answers a different email from the approval request its token "
        "belongs to (reply to the approval request itself)"),
    Refusal.AUTH_FAILED: (
        "the firm's mail server did not vouch for the sender (no aligned DKIM or DMARC pass)"),
    Refusal.DRAFT_NOT_PENDING: (
        "the draft is no longer awaiting approval (sent, rejected or superseded)"),
}


def new_token() -> str:
    """128 random bits, lower-case hex: survives mail systems that lower-case local parts."""
    return secrets.token_hex(16)


def token_hash(token: str) -> str:
    """Only this hash is stored: a leaked database cannot approve anything. Lower-cased first,
    since some mail systems lower-case addresses."""
    return hashlib.sha256(token.strip().lower().encode()).hexdigest()


@dataclass(frozen=True)
class TokenRecord:
    """The stored side of a token, as looked up by its hash."""

    outbox_id: int
    handler_email: str
    expires_at: datetime
    used: bool
    draft_status: str
    request_message_id: str | None = None  # the approval request that carried it (bare id)


@dataclass(frozen=True)
class SenderCheck:
    """How the sender's identity is checked: `policy` None means the firm turned it off."""

    policy: AuthPolicy | None
    results: tuple[AuthResult, ...] = ()


def check_approval(
    *,
    token: str | None,
    record: TokenRecord | None,
    from_addr: str,
    handler: str | None,
    thread: Collection[str],
    sender_check: SenderCheck,
    now: datetime,
) -> Refusal | None:
    """None when every check holds; else the first reason to refuse.

    `handler` is the configured handler that `from_addr` belongs to (its canonical address,
    also when the mail came from one of its aliases), or None for anybody else. The server's
    verdict is checked against `from_addr` itself: DMARC judged the From the mail carried.
    """
    if handler is None:
        return Refusal.NOT_A_HANDLER
    if not token:
        return Refusal.NO_TOKEN
    if record is None:
        return Refusal.UNKNOWN_TOKEN
    if (refusal := _token_refusal(record, handler, thread, now)) is not None:
        return refusal
    if sender_check.policy is not None:
        if not verify_sender(sender_check.results, from_addr, sender_check.policy).passed:
            return Refusal.AUTH_FAILED
    if record.draft_status != "draft":
        return Refusal.DRAFT_NOT_PENDING
    return None


def _token_refusal(record: TokenRecord, handler: str, thread: Collection[str],
                   now: datetime) -> Refusal | None:
    """The token is bound to one handler and one request, and acts once before it expires."""
    if record.handler_email.lower() != handler.lower():
        return Refusal.WRONG_HANDLER
    if thread and record.request_message_id not in thread:
        return Refusal.WRONG_CONVERSATION
    if record.used:
        return Refusal.TOKEN_USED
    if now >= record.expires_at:
        return Refusal.TOKEN_EXPIRED
    return None
