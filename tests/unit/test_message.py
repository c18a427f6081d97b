"""parse_message: the reading of one email that routing, triage and records rely on."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from mailbot.errors import MalformedMessage
from mailbot.cli.inspect_mail import inspect_bytes, inspect_file
from mailbot.message import CASE_REF_RE, parse_message


def raw(*headers: str, body: str | bytes = "Body text.\n") -> bytes:
    head = "\n".join(headers).encode("utf-8", "surrogateescape")
    return head + b"\n\n" + (body if isinstance(body, bytes) else body.encode())


BASIC = ("From: Jane <jane@example.com>", "To: complaints@hv.example", "Subject: Complaint")


def test_ids_lose_their_brackets_and_keep_their_order() -> None:
    inbound = parse_message(raw(*BASIC, "Message-ID:  <a1@x.example> ", "In-Reply-To: <p2@x.example> (Jane's message)",
                                "References: <r1@x.example>\n <r2@x.example> <r1@x.example>\n\t<p2@x.example>"))
    assert inbound.message_id == "a1@x.example"
    assert inbound.in_reply_to == "p2@x.example"
    assert inbound.references == ("r1@x.example", "r2@x.example", "p2@x.example")


def test_missing_and_bare_message_ids() -> None:
    assert parse_message(raw(*BASIC)).message_id is None
    assert parse_message(raw(*BASIC, "Message-ID: bare-id@x.example")).message_id == "bare-id@x.example"
    assert parse_message(raw(*BASIC, "Message-ID: <>")).message_id is None


def test_addresses_are_lower_cased_and_recipients_gathered() -> None:
    inbound = parse_message(raw(
        'From: "Whitfield, Jane" <Jane.Whitfield@Example.COM>', "To: Complaints <Complaints@HV.example>, bob@example.com",
        "Cc: bob@example.com, Carol <carol@example.com>", "Delivered-To: complaints+c-abc@hv.example",
        "X-Original-To: complaints+c-abc@hv.example", "Reply-To: Jane <JANE@home.example>", "Subject: x"))
    assert (inbound.from_addr, inbound.from_name) == ("jane.whitfield@example.com", "Whitfield, Jane")
    assert inbound.to == ("complaints@hv.example", "bob@example.com")
    assert inbound.cc == ("bob@example.com", "carol@example.com")
    assert inbound.recipients == ("complaints@hv.example", "bob@example.com", "carol@example.com",
                                  "complaints+c-abc@hv.example")
    assert inbound.reply_to == "jane@home.example"


def test_unquoted_comma_and_encoded_display_names() -> None:
    unquoted = parse_message(raw("From: Müller, Hans <hans@example.de>", "Subject: x"))
    encoded = parse_message(raw("From: =?utf-8?q?Fran=C3=A7oise_L=C3=A9vy?= <f@example.fr>", "Subject: x"))
    assert (unquoted.from_name, unquoted.from_addr) == ("Müller, Hans", "hans@example.de")
    assert (encoded.from_name, encoded.from_addr) == ("Françoise Lévy", "f@example.fr")


def test_subject_is_decoded_and_whitespace_normalised() -> None:
    inbound = parse_message(raw("From: j@example.com", "Subject: =?utf-8?B?UmU6IFtDLTIwMjYtMDAwMV0=?=\n\t  about   the\tbill"))
    assert inbound.subject == "Re: [C-2026-0001] about the bill"
    assert inbound.case_ref == "C-2026-0001"


@pytest.mark.parametrize("subject, ref", [
    ("Re: [C-2026-0001] Your complaint", "C-2026-0001"), ("c-2026-12345 follow up", "C-2026-12345"),
    ("Complaint C-26-0001", None), ("Order XC-2026-0001", None), ("About C-2026-001", None),
])
def test_case_reference_in_the_subject(subject: str, ref: str | None) -> None:
    assert parse_message(raw("From: j@example.com", f"Subject: {subject}")).case_ref == ref
    assert (CASE_REF_RE.search(subject) is not None) is (ref is not None)


def test_dates_are_aware_utc() -> None:
    inbound = parse_message(raw(
        *BASIC, "Date: Wed, 4 Mar 2026 09:12:00 +0100",
        "Received: from a by mx.hv.example; Wed, 4 Mar 2026 08:13:05 +0000",
        "Received: from b by relay.example; Wed, 4 Mar 2026 08:12:30 +0000"))
    assert inbound.date == datetime(2026, 3, 4, 8, 12, tzinfo=UTC)
    assert inbound.received_at == datetime(2026, 3, 4, 8, 13, 5, tzinfo=UTC)


@pytest.mark.parametrize("value, expected", [
    ("Wed, 4 Mar 2026 09:12:00 -0000", datetime(2026, 3, 4, 9, 12, tzinfo=UTC)),
    ("4 Mar 2026 09:12 GMT", datetime(2026, 3, 4, 9, 12, tzinfo=UTC)),
    ("yesterday afternoon", None), ("Wed, 45 Mar 2026 09:12:00 +0000", None), ("", None),
])
def test_odd_dates(value: str, expected: datetime | None) -> None:
    assert parse_message(raw(*BASIC, f"Date: {value}")).date == expected


def test_plain_text_is_preferred_and_html_kept() -> None:
    body = ('--A\nContent-Type: text/plain; charset=utf-8\n\nPlain words.\n'
            '--A\nContent-Type: text/html; charset=utf-8\n\n<p>HTML <b>words</b>.</p>\n--A--\n')
    inbound = parse_message(raw(*BASIC, 'Content-Type: multipart/alternative; boundary="A"', body=body))
    assert inbound.text == "Plain words."
    assert inbound.html is not None and "<b>words</b>" in inbound.html


def test_text_is_never_trimmed_but_reply_text_is() -> None:
    body = "New words.\n\nOn Tue, 3 Mar 2026 at 10:00, Firm <c@hv.example> wrote:\n> old words\n"
    inbound = parse_message(raw(*BASIC, body=body))
    assert inbound.reply_text == "New words."
    assert "> old words" in inbound.text


def attachment_mail(data: bytes, name: str = "report.pdf") -> bytes:
    import base64
    encoded = base64.encodebytes(data).decode()
    body = (f'--M\nContent-Type: text/plain\n\nSee attached.\n--M\nContent-Type: application/pdf; name="{name}"\n'
            f'Content-Disposition: attachment; filename="{name}"\nContent-Transfer-Encoding: base64\n\n{encoded}--M--\n')
    return raw(*BASIC, 'Content-Type: multipart/mixed; boundary="M"', body=body)


def test_attachment_over_the_cap_is_listed_without_its_bytes() -> None:
    data = bytes(range(256)) * 8192  # 2 MiB, made here rather than stored in the repository
    big = parse_message(attachment_mail(data), max_attachment_bytes=1024 * 1024)
    small = parse_message(attachment_mail(data), max_attachment_bytes=len(data))
    (skipped,), (kept,) = big.attachments, small.attachments
    assert (skipped.filename, skipped.size, skipped.skipped, skipped.content) == ("report.pdf", len(data), True, None)
    assert skipped.sha256 == hashlib.sha256(data).hexdigest() == kept.sha256
    assert (kept.skipped, kept.content) == (False, data)


def test_eight_bit_headers_and_body_without_mime_headers() -> None:
    message = raw("From: Zoë <zoe@example.com>", "Subject: Café lease – late", body="Déjà trois mois.\n".encode())
    inbound = parse_message(message)
    assert (inbound.from_name, inbound.subject, inbound.text) == ("Zoë", "Café lease – late", "Déjà trois mois.")


def test_unknown_charset_falls_back() -> None:
    inbound = parse_message(raw(*BASIC, "Content-Type: text/plain; charset=klingon-8",
                                body="Fees: £300\n".encode("cp1252")))
    assert inbound.text == "Fees: £300"


def test_missing_boundary_is_recovered() -> None:
    body = "--X1\nContent-Type: text/plain\n\nThe words.\n--X1\nContent-Type: text/plain\n\nMore words.\n--X1--\n"
    inbound = parse_message(raw(*BASIC, "Content-Type: multipart/mixed", body=body))
    assert inbound.text == "The words.\n\nMore words."


def test_unrecoverable_multipart_is_read_as_text() -> None:
    inbound = parse_message(raw(*BASIC, 'Content-Type: multipart/mixed; boundary="nowhere"', body="Just words.\n"))
    assert inbound.text == "Just words."


def test_headers_keep_a_few_useful_values() -> None:
    inbound = parse_message(raw(*BASIC, "Auto-Submitted: no", "X-Spam-Status: No, score=0.1", "X-Other: dropped"))
    assert dict(inbound.headers) == {"auto-submitted": "no", "x-spam-status": "No, score=0.1"}


@pytest.mark.parametrize("data, reason", [
    (b"", "empty message"), (b" \r\n\t\n", "empty message"),
    (bytes(range(256)) * 4, "no email headers"), (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "no email headers"),
    (b"To: a@example.com\nSubject: hi\n\n", "no sender and no body"),
])
def test_what_is_not_an_email_is_malformed(data: bytes, reason: str) -> None:
    with pytest.raises(MalformedMessage) as caught:
        parse_message(data)
    assert caught.value.reason == reason


@pytest.mark.parametrize("message", [
    raw("To: a@example.com", "Subject: no sender", body="But a complaint all the same.\n"),
    raw("From: j@example.com", body=""),
    raw("From: j@example.com", "Content-Type: multipart/mixed", body=""),
    raw("From j@example.com", "Subject: x", body="mbox-ish first line\n"),
])
def test_small_defects_are_not_malformed(message: bytes) -> None:
    parse_message(message)


def test_inspect_reports_the_json_fields() -> None:
    report = inspect_bytes(attachment_mail(b"%PDF-1.4 small"), file="a.eml")
    assert json.loads(json.dumps(report)) == report
    assert report["attachments"] == [{"filename": "report.pdf", "content_type": "application/pdf", "size": 14,
                                      "sha256": hashlib.sha256(b"%PDF-1.4 small").hexdigest()}]
    assert (report["file"], report["kind"], report["from"], report["text"]) == ("a.eml", "human", "jane@example.com",
                                                                                 "See attached.")


def test_inspect_never_raises(tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = inspect_bytes(raw(*BASIC))
    bad = inspect_bytes(b"\x00\x01garbage")
    missing = inspect_file(tmp_path / "nope.eml")
    assert set(bad) == set(good) == set(missing)
    assert (bad["kind"], bad["reason"]) == ("malformed", "no email headers")
    assert missing["kind"] == "malformed" and missing["reason"].startswith("cannot read file")


def test_mislabelled_utf8_is_found_even_late_in_a_long_body() -> None:
    body = ("a" * 10_000 + " Müller paid £1,200.\n").encode()
    inbound = parse_message(raw(*BASIC, "Content-Type: text/plain; charset=iso-8859-1", body=body))
    assert inbound.text.endswith("Müller paid £1,200.")


def test_attachment_names_lose_paths_and_control_characters() -> None:
    inbound = parse_message(attachment_mail(b"x", name="../../etc/pass\\x\x07wd.pdf"))
    assert inbound.attachments[0].filename == ".._.._etc_pass_xwd.pdf"


def test_a_forward_with_only_an_attached_message_has_no_new_text() -> None:
    inner = "From: tom@example.net\nSubject: My bill\n\nI was overcharged.\n"
    body = f"--F\nContent-Type: message/rfc822\n\n{inner}--F--\n"
    inbound = parse_message(raw(*BASIC, 'Content-Type: multipart/mixed; boundary="F"', body=body))
    assert inbound.reply_text == ""
    assert "I was overcharged." in inbound.text and "Subject: My bill" in inbound.text
    assert [a.filename for a in inbound.attachments] == ["My bill.eml"]


# The firm's web form: its mail comes from the website, for the client in its Reply-To.
FORM = "noreply@hv.example"


def test_a_web_forms_mail_is_the_clients_from_its_reply_to() -> None:
    msg = parse_message(raw(f"From: Harbour & Vale website <{FORM}>", "To: complaints@hv.example",
                            "Reply-To: Jo Bloggs <Jo@Client.example>", "Subject: Complaint form",
                            body="Name: Jo Bloggs\nMessage: Nobody returns my calls.\n"),
                        form_senders=[FORM.upper()])
    assert (msg.from_addr, msg.from_name, msg.via_form) == ("jo@client.example", "Jo Bloggs", FORM)
    assert msg.kind.value == "human", "a no-reply sender the firm named is its form, not a robot"


def test_a_web_forms_automatic_marks_do_not_make_it_an_automatic_reply() -> None:
    """Form plugins mark their mail as sent by a robot; it is still the client's complaint."""
    headers = (f"From: {FORM}", "To: complaints@hv.example", "Reply-To: jo@client.example",
               "Subject: Complaint form", "Auto-Submitted: auto-generated", "Precedence: bulk")
    assert parse_message(raw(*headers), form_senders=[FORM]).kind.value == "human"
    assert parse_message(raw(*headers)).kind.value == "auto_reply", "unnamed, as before"


def test_a_web_forms_fields_give_the_client_when_it_sets_no_reply_to() -> None:
    msg = parse_message(raw(f"From: {FORM}", "To: complaints@hv.example", "Subject: Complaint",
                            body="Your name: Jo Bloggs\nEmail: <Jo@Client.example>\n"
                                 "Phone: 07700 900123\nMessage: Nobody returns my calls.\n"),
                        form_senders=[FORM])
    assert (msg.from_addr, msg.from_name, msg.kind.value) == ("jo@client.example", "Jo Bloggs",
                                                              "human")


def test_a_web_forms_mail_without_the_clients_address_is_kept_for_a_person() -> None:
    with pytest.raises(MalformedMessage, match="web form without a Reply-To or an Email field"):
        parse_message(raw(f"From: {FORM}", "To: complaints@hv.example", "Subject: Complaint",
                          body="Name: Jo\nMessage: I was emailed the wrong file.\n"),
                      form_senders=[FORM])


def test_an_address_not_named_as_a_form_is_read_as_before() -> None:
    msg = parse_message(raw(f"From: {FORM}", "To: complaints@hv.example",
                            "Reply-To: jo@client.example", "Subject: Complaint"))
    assert (msg.from_addr, msg.via_form, msg.kind.value) == (FORM, None, "auto_reply")
