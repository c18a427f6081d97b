"""Whatever arrives, parsing either reads it or calls it malformed: it never crashes the intake."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailbot.errors import MalformedMessage
from mailbot.message import Inbound, parse_message

MAIL = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
SAMPLES = [MAIL / name for name in ("gmail_reply_top_posted.eml", "dsn_postfix_user_unknown.eml",
                                    "winmail_dat_with_plain.eml", "nested_related_inline_image.eml",
                                    "attached_message_rfc822.eml", "header_rfc2047_mixed.eml")]
_TOKENS = [b"\n", b"\r\n", b": ", b"From: a@b.example", b"Content-Type: multipart/mixed; boundary=\"b\"",
           b"--b\n", b"--b--\n", b"Content-Transfer-Encoding: base64\n", b"=?utf-8?B?w6k=?=", b"\xff\xfe", b"\x00",
           b"Content-Type: message/rfc822\n", b"Content-Type: multipart/report; report-type=delivery-status\n",
           b"Subject: x", b"<id@x>", b"=\n", b">", b" "]


def _read(data: bytes) -> Inbound | None:
    try:
        return parse_message(data, own_addresses=["complaints@harbourvale.example"], own_domain="harbourvale.example",
                             max_attachment_bytes=1000)
    except MalformedMessage:
        return None


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS) | st.binary(max_size=20), max_size=60).map(b"".join))
def test_arbitrary_bytes_never_raise_anything_but_malformed(data: bytes) -> None:
    inbound = _read(data)
    if inbound is not None:
        assert inbound.kind.value in {"human", "auto_reply", "bounce", "list", "spam"}


@settings(derandomize=True, max_examples=150, deadline=None)
@given(st.sampled_from(SAMPLES), st.integers(min_value=0, max_value=20_000), st.binary(min_size=0, max_size=8))
def test_damaged_real_mail_never_raises_anything_but_malformed(path: Path, cut: int, junk: bytes) -> None:
    original = path.read_bytes()
    cut %= len(original)
    _read(original[:cut] + junk + original[cut + len(junk):])
    _read(original[:cut])


@pytest.mark.parametrize("lead", [b"\n", b"\r\n", b"\n\n\n", b"  \r\n\t\r\n"])
def test_blank_lines_before_the_headers_are_still_an_email(lead: bytes) -> None:
    """Three real human messages began with a blank line; they were quarantined as "no email headers"."""
    raw = lead + (b"From: Jane Whitfield <jane@example.com>\r\nTo: complaints@hv.example\r\n"
                  b"Subject: My completion\r\n\r\nNobody has called me back.\r\n")
    inbound = parse_message(raw)
    assert (inbound.from_addr, inbound.subject) == ("jane@example.com", "My completion")
    assert inbound.text.strip() == "Nobody has called me back."
