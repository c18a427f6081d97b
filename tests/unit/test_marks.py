"""Every wire mark round-trips through its own make/parse pair, and nothing else parses as one."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailbot import marks
from mailbot.trust import new_token

FIRM = "complaints@smith.example"
TOKENS = st.from_regex(re.compile(rf"\A{marks.TOKEN_PATTERN}\Z"))


@settings(derandomize=True, max_examples=200)
@given(TOKENS)
def test_a_token_round_trips_through_the_address_and_the_subject(token: str) -> None:
    assert marks.token_from_address(marks.approval_address(FIRM, token)) == token
    assert marks.token_from_subject(f"Re: Approval needed {marks.subject_tag(token)} [C-2026-0001]") == token


def test_minted_tokens_are_tokens() -> None:
    assert all(marks.is_token(new_token()) for _ in range(50))


@pytest.mark.parametrize("bad", ["short", "x" * 65, "bad token@", "a/b" * 8, ""])
def test_what_cannot_be_read_back_cannot_be_written(bad: str) -> None:
    with pytest.raises(ValueError):
        marks.approval_address(FIRM, bad)
    with pytest.raises(ValueError):
        marks.subject_tag(bad)
    assert marks.token_from_subject(f"[a-{bad}]") is None


@settings(derandomize=True, max_examples=200)
@given(st.integers(min_value=0, max_value=10**17))
def test_a_bounce_id_round_trips(outbox_id: int) -> None:
    assert marks.bounce_id_from_address(marks.bounce_address(FIRM, outbox_id)) == outbox_id


@pytest.mark.parametrize("bad", [-1, "42", True, 1.5])
def test_only_outbox_ids_make_bounce_addresses(bad: object) -> None:
    with pytest.raises(ValueError):
        marks.bounce_address(FIRM, bad)  # type: ignore[arg-type]


def test_plus_addresses_need_a_plain_address() -> None:
    with pytest.raises(ValueError):
        marks.approval_address("not-an-address", new_token())
    with pytest.raises(ValueError):
        marks.bounce_address("complaints+x@smith.example", 1)


def test_minted_message_ids_are_ours_unique_and_well_formed() -> None:
    ids = {marks.mint_message_id("smith.example") for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"<mb\.[0-9a-f]{32}@smith\.example>", i) for i in ids)
    one = next(iter(ids))
    assert marks.is_own_message_id(one, "SMITH.example") and marks.is_own_message_id(one.strip("<>"), "smith.example")
    assert not marks.is_own_message_id(one, "other.example")
    assert not marks.is_own_message_id("<mb.123@smith.example>", "smith.example")
    with pytest.raises(ValueError):
        marks.mint_message_id("")


def test_the_scrubbed_subject_carries_no_token() -> None:
    token = new_token()
    scrubbed = marks.scrub_subject(f"Approval needed: final response {marks.subject_tag(token)} [C-2026-0001]")
    assert token not in scrubbed and marks.token_from_subject(scrubbed) is None and marks.has_tag_shape(scrubbed)


@settings(derandomize=True, max_examples=100)
@given(st.text("0123456789abcdef", min_size=12, max_size=12))
def test_draft_markers_round_trip_and_only_with_their_nonce(nonce: str) -> None:
    start, end = marks.draft_start(nonce), marks.draft_end(nonce)
    assert marks.is_draft_start(start, nonce) and marks.is_draft_end(end, nonce)
    assert not marks.is_draft_start(end, nonce) and not marks.is_draft_end(start, nonce)
    other = "f" * 12 if nonce != "f" * 12 else "e" * 12
    assert not marks.is_draft_start(start, other) and not marks.is_draft_end(end, other)
    assert marks.looks_like_marker(start) and marks.looks_like_marker(end)


INVISIBLE = ["\u200b", "\u00ad", "\u2060", "\ufeff", "\u200e", "\u202e", "\u180e"]


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_cannot_hide_or_fake_a_marker(char: str) -> None:
    nonce = "0123456789ab"
    hidden = marks.draft_start(nonce).replace("DRAFT", f"DR{char}AFT")
    assert not marks.is_draft_start(hidden, nonce)  # as written: not ours
    assert marks.is_draft_start(marks.normalise(hidden), nonce)  # as a person reads it: it is
