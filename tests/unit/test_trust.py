"""Approval trust checks: each refusal on its own, then the order in which they are applied."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from mailbot.sender_auth import AuthPolicy, read_auth_results
from mailbot.trust import (
    REFUSAL_TEXT,
    Refusal,
    SenderCheck,
    TokenRecord,
    check_approval,
    new_token,
    token_hash,
)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PRIYA = "priya.shah@example.co.uk"
TOM = "tom.reilly@example.co.uk"
OUR_MX = "mx.example.co.uk"
TOKEN = "0123456789abcdef0123456789abcdef"
REQUEST = "mb.0123456789abcdef0123456789abcdef@example.co.uk"

GOOD_RECORD = TokenRecord(outbox_id=7, handler_email=PRIYA, expires_at=NOW + timedelta(hours=72), used=False,
                          draft_status="draft", request_message_id=REQUEST)
OUR_PASS = read_auth_results([(0, f"{OUR_MX}; dkim=pass header.d=example.co.uk; dmarc=pass header.from=example.co.uk")])
POLICY = AuthPolicy(OUR_MX)


def check(**changes: Any) -> Refusal | None:
    """check_approval on an approval that passes every check, with `changes` applied."""
    args: dict[str, Any] = {
        "token": TOKEN,
        "record": GOOD_RECORD,
        "from_addr": PRIYA,
        "handler": PRIYA,
        "thread": (REQUEST,),
        "sender_check": SenderCheck(POLICY, OUR_PASS),
        "now": NOW,
    }
    args.update(changes)
    return check_approval(**args)


def test_a_good_approval_passes() -> None:
    assert check() is None


def test_an_alias_acts_as_its_handler() -> None:
    assert check(from_addr="p.shah@example.co.uk", handler=PRIYA) is None


def test_a_reply_without_thread_headers_is_judged_on_the_rest() -> None:
    """One-click mailto: links open a new message, which may carry no In-Reply-To."""
    assert check(thread=()) is None


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"handler": None, "from_addr": "mallory@evil.example"}, Refusal.NOT_A_HANDLER),
        ({"token": None}, Refusal.NO_TOKEN),
        ({"token": ""}, Refusal.NO_TOKEN),
        ({"record": None}, Refusal.UNKNOWN_TOKEN),
        ({"handler": TOM, "from_addr": TOM}, Refusal.WRONG_HANDLER),
        ({"thread": ("mb.other@example.co.uk",)}, Refusal.WRONG_CONVERSATION),
        ({"record": replace(GOOD_RECORD, request_message_id=None)}, Refusal.WRONG_CONVERSATION),
        ({"record": replace(GOOD_RECORD, used=True)}, Refusal.TOKEN_USED),
        ({"record": replace(GOOD_RECORD, expires_at=NOW - timedelta(seconds=1))}, Refusal.TOKEN_EXPIRED),
        ({"sender_check": SenderCheck(POLICY, ())}, Refusal.AUTH_FAILED),
        ({"record": replace(GOOD_RECORD, draft_status="sent")}, Refusal.DRAFT_NOT_PENDING),
        ({"record": replace(GOOD_RECORD, draft_status="approved")}, Refusal.DRAFT_NOT_PENDING),
        ({"record": replace(GOOD_RECORD, draft_status="superseded")}, Refusal.DRAFT_NOT_PENDING),
    ],
    ids=lambda v: v.value if isinstance(v, Refusal) else None,
)
def test_each_failed_check_has_its_own_refusal(changes: dict[str, Any], refusal: Refusal) -> None:
    assert check(**changes) is refusal


# Each step adds one more failure; the earlier refusal must still be the one reported.
_ALL_WRONG: list[tuple[dict[str, Any], Refusal]] = [
    ({"record": replace(GOOD_RECORD, draft_status="sent")}, Refusal.DRAFT_NOT_PENDING),
    ({"sender_check": SenderCheck(POLICY, ())}, Refusal.AUTH_FAILED),
    ({"record": replace(GOOD_RECORD, draft_status="sent", expires_at=NOW)}, Refusal.TOKEN_EXPIRED),
    ({"record": replace(GOOD_RECORD, draft_status="sent", expires_at=NOW, used=True)}, Refusal.TOKEN_USED),
    ({"thread": ("mb.other@example.co.uk",)}, Refusal.WRONG_CONVERSATION),
    ({"handler": TOM, "from_addr": TOM}, Refusal.WRONG_HANDLER),
    ({"record": None}, Refusal.UNKNOWN_TOKEN),
    ({"token": None}, Refusal.NO_TOKEN),
    ({"handler": None, "from_addr": "mallory@evil.example"}, Refusal.NOT_A_HANDLER),
]


@pytest.mark.parametrize("depth", range(1, len(_ALL_WRONG) + 1))
def test_refusals_are_checked_in_order(depth: int) -> None:
    changes: dict[str, Any] = {}
    for step, _ in _ALL_WRONG[:depth]:
        changes.update(step)
    assert check(**changes) is _ALL_WRONG[depth - 1][1]


def test_a_stranger_is_refused_as_not_a_handler_even_with_a_valid_token() -> None:
    """Strangers learn nothing about tokens: the first answer is always 'not a handler'."""
    assert check(handler=None, from_addr="mallory@evil.example") is Refusal.NOT_A_HANDLER
    assert check(handler=None, record=replace(GOOD_RECORD, used=True)) is Refusal.NOT_A_HANDLER


def test_token_expires_exactly_at_expires_at() -> None:
    expires = GOOD_RECORD.expires_at
    assert check(now=expires - timedelta(microseconds=1)) is None
    assert check(now=expires) is Refusal.TOKEN_EXPIRED
    assert check(now=expires + timedelta(hours=1)) is Refusal.TOKEN_EXPIRED


def test_expiry_compares_instants_not_wall_clocks() -> None:
    new_york = timezone(timedelta(hours=-5))
    expires_local = GOOD_RECORD.expires_at.astimezone(new_york)
    record = replace(GOOD_RECORD, expires_at=expires_local)
    assert check(record=record, now=GOOD_RECORD.expires_at - timedelta(seconds=1)) is None
    assert check(record=record, now=GOOD_RECORD.expires_at) is Refusal.TOKEN_EXPIRED


def test_record_handler_case_does_not_matter() -> None:
    assert check(record=replace(GOOD_RECORD, handler_email="PRIYA.Shah@example.co.uk")) is None


# --- sender authentication (the header reading itself is in test_sender_auth.py) ----------------


def test_auth_is_checked_against_the_from_address_the_mail_carried() -> None:
    """DMARC judged the From the mail carried: an alias at another domain needs its own pass."""
    assert check(from_addr="priya@other-domain.example", handler=PRIYA) is Refusal.AUTH_FAILED


def test_auth_is_not_checked_when_the_firm_turned_it_off() -> None:
    assert check(sender_check=SenderCheck(None, ())) is None


def test_every_refusal_has_text_for_the_handler() -> None:
    assert set(REFUSAL_TEXT) == set(Refusal)
    assert all(text.strip() for text in REFUSAL_TEXT.values())


# --- tokens ----------------------------------------------------------------------------------


def test_token_hash_ignores_case_and_surrounding_space() -> None:
    assert token_hash(TOKEN) == token_hash(TOKEN.upper()) == token_hash(f"  {TOKEN}\r\n")


def test_token_hash_tells_tokens_apart_and_hides_the_token() -> None:
    other = TOKEN[:-1] + "0"
    assert token_hash(TOKEN) != token_hash(other)
    digest = token_hash(TOKEN)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert TOKEN not in digest


def test_new_token_is_128_bits_of_lower_case_hex() -> None:
    token = new_token()
    assert re.fullmatch(r"[0-9a-f]{32}", token)  # 32 hex digits = 128 bits


def test_new_tokens_do_not_repeat() -> None:
    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    # Every hex digit turns up in every position across 2000 tokens when the bits are random.
    for position in range(32):
        assert len({t[position] for t in tokens}) == 16
