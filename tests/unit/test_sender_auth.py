"""Which Authentication-Results header is believed, and what it must say (EMAIL.md rule 25).

Headers are written as a firm's server and an attacker would write them and read by the real
parser; each attack the outside test found working is here as a refusal.
"""

from __future__ import annotations

from email import message_from_bytes
from email.policy import compat32

import pytest

from mailbot.message import parse_message
from mailbot.sender_auth import AuthPolicy, aligned, read_auth_results, verify_sender

OUR_MX = "mx.harbourvale.test"
HANDLER = "priya@harbourvale.test"
PASS = f"{OUR_MX}; dkim=pass header.d=harbourvale.test header.i=@harbourvale.test; dmarc=pass header.from=harbourvale.test"
FAIL = f"{OUR_MX}; dkim=fail header.d=harbourvale.test; dmarc=fail header.from=harbourvale.test"


def headers_to_results(block: str):  # type: ignore[no-untyped-def]
    """Read a header block (top first) as mailbot reads a delivered message."""
    raw = (block.strip("\n") + f"\nFrom: {HANDLER}\nTo: complaints@harbourvale.test\nSubject: Re: x\n\napprove\n")
    return parse_message(raw.encode()).auth_results


def verdict(block: str, policy: AuthPolicy = AuthPolicy(OUR_MX)) -> bool:
    return verify_sender(headers_to_results(block), HANDLER, policy).passed


def test_our_servers_pass_at_the_top_is_believed() -> None:
    assert verdict(f"Authentication-Results: {PASS}\nReceived: from pc by {OUR_MX}; Mon, 2 Mar 2026 10:00 +0000")


def test_dmarc_pass_alone_or_aligned_dkim_alone_is_enough() -> None:
    assert verdict(f"Authentication-Results: {OUR_MX}; dmarc=pass header.from=harbourvale.test")
    assert verdict(f"Authentication-Results: {OUR_MX}; dkim=pass header.d=harbourvale.test; dmarc=none")


def test_a_pass_below_our_servers_fail_is_refused() -> None:
    block = (f"Authentication-Results: {FAIL}\nReceived: from evil by {OUR_MX}; Mon, 2 Mar 2026 10:00 +0000\n"
             f"Authentication-Results: {PASS}")
    assert not verdict(block)


def test_a_dkim_pass_for_the_attackers_own_domain_is_not_aligned() -> None:
    block = f"Authentication-Results: {OUR_MX}; dkim=pass header.d=evil.example; dmarc=fail header.from=harbourvale.test"
    assert not verdict(block)


def test_a_dmarc_pass_for_another_from_domain_does_not_count() -> None:
    assert not verdict(f"Authentication-Results: {OUR_MX}; dmarc=pass header.from=evil.example")


def test_a_header_the_sender_wrote_below_the_trace_headers_is_refused_without_a_server_header() -> None:
    """No verdict from our server at all: the only one is the attacker's, under our Received."""
    block = (f"Received: from evil.example by {OUR_MX}; Mon, 2 Mar 2026 10:00 +0000\n"
             f"Authentication-Results: {PASS}")
    assert not verdict(block)


def test_the_servers_own_hops_above_its_verdict_are_allowed_when_configured() -> None:
    """Dovecot LMTP adds a Received above the MX's verdict: max_received_above = 1 says so."""
    block = (f"Received: from {OUR_MX} by imap.harbourvale.test with LMTP; Mon, 2 Mar 2026 10:00 +0000\n"
             f"Authentication-Results: {PASS}\nReceived: from pc by {OUR_MX}; Mon, 2 Mar 2026 10:00 +0000")
    assert not verdict(block)
    assert verdict(block, AuthPolicy(OUR_MX, max_received_above=1))


def test_other_servers_headers_are_ignored_and_ours_is_found_under_them() -> None:
    block = (f"Authentication-Results: filter.internal; dkim=fail\nAuthentication-Results: {PASS}")
    assert verdict(block)
    assert not verdict("Authentication-Results: mx.evil.example; dkim=pass header.d=harbourvale.test; dmarc=pass")


def test_no_header_and_an_unreadable_header_prove_nothing() -> None:
    assert not verdict("X-Other: 1")
    assert not verdict(f"Authentication-Results: {OUR_MX};;; dkim")


def test_authserv_id_match_ignores_case() -> None:
    assert verdict(f"Authentication-Results: {OUR_MX.upper()}; dmarc=pass header.from=harbourvale.test")


@pytest.mark.parametrize(("a", "b", "same"), [
    ("harbourvale.test", "harbourvale.test", True), ("mail.harbourvale.test", "harbourvale.test", True),
    ("harbourvale.test", "mail.harbourvale.test", True), ("evilharbourvale.test", "harbourvale.test", False),
    ("harbourvale.test.evil", "harbourvale.test", False), ("", "harbourvale.test", False),
])
def test_relaxed_alignment(a: str, b: str, same: bool) -> None:
    assert aligned(a, b) is same


def test_headers_are_counted_and_capped() -> None:
    values = [(i, f"{OUR_MX}; dmarc=pass") for i in range(100)]
    assert len(read_auth_results(values)) == 20


def test_folded_headers_are_read_as_one() -> None:
    raw = (f"Authentication-Results: {OUR_MX};\r\n\tdkim=pass header.d=harbourvale.test;\r\n\tdmarc=pass"
           f" header.from=harbourvale.test\r\nFrom: {HANDLER}\r\nSubject: x\r\n\r\napprove\r\n").encode()
    assert message_from_bytes(raw, policy=compat32)["Authentication-Results"]
    results = parse_message(raw).auth_results
    assert verify_sender(results, HANDLER, AuthPolicy(OUR_MX)).passed
