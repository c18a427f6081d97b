"""Whether an emailed approval may act. Pure.

Identity comes from a secret we minted, never from headers a sender controls: a random,
single-use, expiring token bound to one draft and one handler, stored only as a hash. The
From: header must also match that handler, and where the firm's own server stamps
Authentication-Results (pinned by its authserv-id), DKIM or DMARC must have passed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .message import AuthResult


class Refusal(StrEnum):
    NO_TOKEN = "no_token"
    UNKNOWN_TOKEN = "unknown_token"
    TOKEN_USED = "token_used"
    TOKEN_EXPIRED = "token_expired"
    NOT_A_HANDLER = "not_a_handler"
    WRONG_HANDLER = "wrong_handler"
    AUTH_FAILED = "authentication_failed"
    DRAFT_NOT_PENDING = "draft_not_pending"


REFUSAL_TEXT = {
    Refusal.NO_TOKEN: "the reply carried no approval token (reply to the approval request itself)",
    Refusal.UNKNOWN_TOKEN: "the approval token is not one we issued",
    Refusal.TOKEN_USED: "the approval token was already used",
    Refusal.TOKEN_EXPIRED: "the approval token has expired",
    Refusal.NOT_A_HANDLER: "the sender is not a configured handler",
    Refusal.WRONG_HANDLER: "the token belongs to another handler",
    Refusal.AUTH_FAILED: "the firm's mail server did not record a DKIM or DMARC pass",
    Refusal.DRAFT_NOT_PENDING: "the draft is no longer awaiting approval (sent, rejected or superseded)",
}


def new_token() -> str:
    """128 random bits, lower-case hex: survives mail systems that lower-case local parts."""
    return secrets.token_hex(16)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().lower().encode()).hexdigest()


@dataclass(frozen=True)
class TokenRecord:
    """The stored side of a token, as looked up by its hash."""

    outbox_id: int
    handler_email: str
    expires_at: datetime
    used: bool
    draft_status: str


def dkim_or_dmarc_passed(results: tuple[AuthResult, ...], authserv_id: str) -> bool:
    """Only our own server's verdict counts: results stamped by anyone else are ignored."""
    for result in results:
        if result.authserv_id.lower() != authserv_id.lower():
            continue
        if (result.dkim or "").lower() == "pass" or (result.dmarc or "").lower() == "pass":
            return True
    return False


def check_approval(
    *,
    token: str | None,
    record: TokenRecord | None,
    sender: str,
    handler_addresses: frozenset[str],
    auth_results: tuple[AuthResult, ...],
    require_auth: bool,
    authserv_id: str | None,
    now: datetime,
) -> Refusal | None:
    """None when every check holds; else the first reason to refuse."""
    sender = sender.lower()
    if sender not in handler_addresses:
        return Refusal.NOT_A_HANDLER
    if not token:
        return Refusal.NO_TOKEN
    if record is None:
        return Refusal.UNKNOWN_TOKEN
    if record.handler_email.lower() != sender:
        return Refusal.WRONG_HANDLER
    if record.used:
        return Refusal.TOKEN_USED
    if now >= record.expires_at:
        return Refusal.TOKEN_EXPIRED
    if require_auth and not (authserv_id and dkim_or_dmarc_passed(auth_results, authserv_id)):
        return Refusal.AUTH_FAILED
    if record.draft_status != "draft":
        return Refusal.DRAFT_NOT_PENDING
    return None
