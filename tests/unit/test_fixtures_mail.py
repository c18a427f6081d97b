"""Every fixture email is read the way its hand-written expectation says.

The fixtures and expected.json are written by tests/fixtures/mailgen/build.py; the
expectations there are typed by hand, never produced by mailbot.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mailbot.errors import MalformedMessage
from mailbot.cli.inspect_mail import inspect_file
from mailbot.message import parse_message

MAIL = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
EXPECTED = json.loads((MAIL / "expected.json").read_text(encoding="utf-8"))
MESSAGES: dict[str, dict[str, Any]] = EXPECTED["messages"]


def _options(expect: dict[str, Any]) -> dict[str, Any]:
    return {**EXPECTED["default_options"], **expect.get("options", {})}


def test_there_are_enough_fixtures_and_each_has_an_expectation() -> None:
    files = {p.name for p in MAIL.glob("*.eml")}
    assert len(files) >= 80
    assert files == set(MESSAGES)


def test_fixtures_cover_every_kind() -> None:
    kinds = {expect["kind"] for expect in MESSAGES.values()}
    assert kinds == {"human", "auto_reply", "bounce", "list", "spam", "malformed"}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_inspect_reads_fixture_as_expected(name: str) -> None:
    expect = MESSAGES[name]
    report = inspect_file(MAIL / name, **_options(expect))
    json.dumps(report)  # what `mailbot inspect --json` prints must serialise
    assert report["file"].endswith(name)
    assert report["kind"] == expect["kind"], report["reason"]
    if "reason" in expect:
        assert report["reason"] == expect["reason"]
    for key in ("message_id", "in_reply_to", "references", "case_ref", "from", "subject", "date",
                "bounced_message_id", "bounce_status", "is_own"):
        if key in expect:
            assert report[key] == expect[key], key
    if "subject_contains" in expect:
        assert expect["subject_contains"] in report["subject"]
    if "attachments" in expect:
        assert [a["filename"] for a in report["attachments"]] == expect["attachments"]
    if "reply_text_equals" in expect:
        assert report["reply_text"] == expect["reply_text_equals"]
    for fragment in expect.get("reply_text_contains", []):
        assert fragment in report["reply_text"]
    for fragment in expect.get("reply_text_excludes", []):
        assert fragment not in report["reply_text"]
    for fragment in expect.get("text_contains", []):
        assert fragment in report["text"]
    for fragment in expect.get("text_excludes", []):
        assert fragment not in report["text"]


@pytest.mark.parametrize("name", sorted(n for n, e in MESSAGES.items() if e["kind"] != "malformed"))
def test_parse_message_details(name: str) -> None:
    """What the inspect report leaves out: names, recipients, attachment bytes, auth results."""
    expect = MESSAGES[name]
    inbound = parse_message((MAIL / name).read_bytes(), **_options(expect))
    if "from_name" in expect:
        assert inbound.from_name == expect["from_name"]
    if "reply_to" in expect:
        assert inbound.reply_to == expect["reply_to"]
    if "received_at" in expect:
        got = inbound.received_at.isoformat() if inbound.received_at else None
        assert got == expect["received_at"]
    if "bounce_permanent" in expect:
        assert inbound.bounce_permanent is expect["bounce_permanent"]
    if "html_present" in expect:
        assert (inbound.html is not None) is expect["html_present"]
    for address in expect.get("recipients_contains", []):
        assert address in inbound.recipients
    if "attachment_types" in expect:
        assert [a.content_type for a in inbound.attachments] == expect["attachment_types"]
    if "auth_results" in expect:
        assert [[r.authserv_id, r.dkim, r.dmarc, r.spf] for r in inbound.auth_results] == expect["auth_results"]
    skipped = set(expect.get("skipped", []))
    for attachment in inbound.attachments:
        assert attachment.skipped is (attachment.filename in skipped)
        assert (attachment.content is None) is attachment.skipped
        if attachment.content is not None:
            assert len(attachment.content) == attachment.size
    assert inbound.date is None or inbound.date.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("name", sorted(n for n, e in MESSAGES.items() if e["kind"] == "malformed"))
def test_malformed_fixtures_raise_with_the_reason(name: str) -> None:
    with pytest.raises(MalformedMessage) as caught:
        parse_message((MAIL / name).read_bytes(), **_options(MESSAGES[name]))
    assert caught.value.reason == MESSAGES[name]["reason"]
