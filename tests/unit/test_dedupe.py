"""Exactly-once intake: the same message fetched twice is one message; different ones are not."""

from __future__ import annotations

import re

from mailbot.dedupe import content_hash, dedupe_key, sniff_message_id

HEADERS = (
    b"From: Jane Doe <jane.doe@example.com>\n"
    b"To: complaints@example.co.uk\n"
    b"Subject: Complaint about my conveyancing\n"
    b"Date: Mon, 2 Mar 2026 09:00:00 +0000\n"
    b"Message-ID: <m1@mail.example.com>\n"
    b"MIME-Version: 1.0\n"
    b"Content-Type: text/plain; charset=utf-8\n"
)
BODY = b"The completion was delayed by three weeks.\nNobody called me back.\n"
MESSAGE = HEADERS + b"\n" + BODY

TRACE = (
    b"Return-Path: <jane.doe@example.com>\n"
    b"Delivered-To: complaints@example.co.uk\n"
    b"Received: from mx.example.co.uk (mx.example.co.uk [192.0.2.1])\n"
    b"\tby imap.example.co.uk with LMTP id abc\n"
    b"\tfor <complaints@example.co.uk>; Mon, 02 Mar 2026 09:01:02 +0000\n"
    b"Received: from mail.example.com by mx.example.co.uk; Mon, 02 Mar 2026 09:01:00 +0000\n"
    b"X-Original-To: complaints@example.co.uk\n"
)


def crlf(raw: bytes) -> bytes:
    return raw.replace(b"\n", b"\r\n")


def test_same_message_with_and_without_trace_headers_has_one_key() -> None:
    assert dedupe_key("m1@mail.example.com", MESSAGE) == dedupe_key("m1@mail.example.com", TRACE + MESSAGE)


def test_trace_headers_from_another_delivery_path_do_not_matter() -> None:
    other_path = (
        b"Received: from relay.example.net by mx2.example.co.uk; Mon, 02 Mar 2026 10:15:00 +0000\n"
        b"Delivered-To: archive@example.co.uk\n"
        b"Envelope-To: archive@example.co.uk\n"
        b"X-Delivered-To: archive@example.co.uk\n"
    )
    assert content_hash(TRACE + MESSAGE) == content_hash(other_path + MESSAGE)


def test_trace_headers_between_other_headers_are_skipped_too() -> None:
    interleaved = HEADERS.replace(b"MIME-Version", b"Received: from x by y;\n  Mon, 2 Mar 2026\nMIME-Version")
    assert content_hash(interleaved + b"\n" + BODY) == content_hash(MESSAGE)


def test_header_names_are_matched_without_regard_to_case() -> None:
    assert content_hash(b"RECEIVED: from x\nDELIVERED-TO: a@b\n" + MESSAGE) == content_hash(MESSAGE)


def test_crlf_and_lf_line_endings_give_the_same_key() -> None:
    assert dedupe_key("m1@mail.example.com", crlf(TRACE + MESSAGE)) == dedupe_key("m1@mail.example.com", MESSAGE)


def test_same_message_id_with_a_different_body_is_a_different_message() -> None:
    """One helpdesk lost a complaint because a sender reused Message-IDs."""
    other = HEADERS + b"\n" + b"A completely different complaint.\n"
    key_a, hash_a = dedupe_key("m1@mail.example.com", MESSAGE)
    key_b, hash_b = dedupe_key("m1@mail.example.com", other)
    assert key_a != key_b
    assert hash_a != hash_b


def test_a_changed_non_trace_header_is_a_different_message() -> None:
    other = MESSAGE.replace(b"Subject: Complaint about my conveyancing", b"Subject: Second complaint")
    assert dedupe_key("m1@mail.example.com", other)[0] != dedupe_key("m1@mail.example.com", MESSAGE)[0]


def test_the_message_id_is_part_of_the_key() -> None:
    assert dedupe_key("m1@mail.example.com", MESSAGE)[0] != dedupe_key("m2@mail.example.com", MESSAGE)[0]
    assert dedupe_key("m1@mail.example.com", MESSAGE)[1] == dedupe_key("m2@mail.example.com", MESSAGE)[1]


def test_missing_message_id_still_dedupes_on_content() -> None:
    no_id = MESSAGE.replace(b"Message-ID: <m1@mail.example.com>\n", b"")
    assert dedupe_key(None, no_id) == dedupe_key(None, TRACE + no_id)
    assert dedupe_key(None, no_id)[0] != dedupe_key(None, no_id + b"P.S. and another thing\n")[0]
    assert dedupe_key(None, no_id)[0] != dedupe_key("m1@mail.example.com", no_id)[0]


def test_keys_and_hashes_are_sha256_hex() -> None:
    key, digest = dedupe_key("m1@mail.example.com", MESSAGE)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)


def test_a_message_with_no_body_separator_is_still_hashed() -> None:
    headers_only = HEADERS
    assert content_hash(headers_only) == content_hash(TRACE + headers_only)
    assert content_hash(headers_only) != content_hash(HEADERS.replace(b"Subject: C", b"Subject: D"))


def test_body_lines_that_look_like_trace_headers_are_content() -> None:
    a = HEADERS + b"\n" + b"Received: your letter on Friday\n"
    b = HEADERS + b"\n" + b"Received: nothing at all\n"
    assert content_hash(a) != content_hash(b)


# --- sniff_message_id ------------------------------------------------------------------------


def test_sniff_finds_a_plain_message_id() -> None:
    assert sniff_message_id(MESSAGE) == "m1@mail.example.com"


def test_sniff_finds_a_folded_message_id() -> None:
    raw = b"From: a@example.com\r\nMessage-ID:\r\n <folded.id@mail.example.com>\r\nSubject: x\r\n\r\nbody\r\n"
    assert sniff_message_id(raw) == "folded.id@mail.example.com"


def test_sniff_ignores_header_name_case() -> None:
    assert sniff_message_id(b"message-id: <lower@x.example>\nFrom: a@b\n\nhi\n") == "lower@x.example"
    assert sniff_message_id(b"MESSAGE-ID: <upper@x.example>\n\nhi\n") == "upper@x.example"


def test_sniff_reads_mail_too_broken_to_parse() -> None:
    broken = b"\x00\xff\xfe garbage line\nMessage-ID: <survivor@mail.example.com>\n\x8f\x8f: ???\n\n\xff\xfe\x00 body"
    assert sniff_message_id(broken) == "survivor@mail.example.com"


def test_sniff_ignores_a_message_id_in_the_body() -> None:
    raw = b"From: a@example.com\nSubject: fwd\n\nMessage-ID: <quoted@elsewhere.example>\n"
    assert sniff_message_id(raw) is None


def test_sniff_returns_none_without_a_message_id() -> None:
    assert sniff_message_id(b"From: a@example.com\n\nhello\n") is None
    assert sniff_message_id(b"Message-ID: <>\n\nhello\n") is None
    assert sniff_message_id(b"") is None


def test_sniff_does_not_take_a_similar_header() -> None:
    assert sniff_message_id(b"X-Original-Message-ID: <other@x>\nFrom: a@b\n\nhi\n") is None
