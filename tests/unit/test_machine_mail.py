"""Machine mail: the verdict that decides whether mailbot may answer automatically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailbot.message import Inbound, MailKind, parse_message

OWN = "complaints@hv.example"
DOMAIN = "hv.example"
OUR_ID = "mb.0123456789abcdef0123456789abcdef@hv.example"


def read(*headers: str, body: str = "My completion is three weeks late.\n", sender: str = "Jane <jane@example.com>",
         subject: str = "Complaint", content_type: str = "text/plain; charset=utf-8") -> Inbound:
    lines = [f"From: {sender}", f"To: {OWN}", f"Subject: {subject}", "Date: Tue, 3 Mar 2026 10:00:00 +0000",
             "Message-ID: <abc123@example.com>", *headers, "MIME-Version: 1.0", f"Content-Type: {content_type}"]
    raw = "\n".join(lines) + "\n\n" + body
    return parse_message(raw.encode(), own_addresses=[OWN], own_domain=DOMAIN)


def report(report_type: str, *parts: tuple[str, str], subject: str = "Undelivered Mail Returned to Sender",
           sender: str = "MAILER-DAEMON@mx.hv.example (Mail Delivery System)", extra: tuple[str, ...] = ()) -> Inbound:
    body = "".join(f"--B\n{head}\n\n{payload}\n" for head, payload in parts) + "--B--\n"
    return read(*extra, body=body, sender=sender, subject=subject,
                content_type=f'multipart/report; report-type={report_type}; boundary="B"')


def status(*recipients: tuple[str, str]) -> tuple[str, str]:
    blocks = "\n".join(f"Final-Recipient: rfc822; r{i}@example.com\nAction: {action}\nStatus: {code}\n"
                       for i, (action, code) in enumerate(recipients))
    return "Content-Type: message/delivery-status", "Reporting-MTA: dns; mx.hv.example\n\n" + blocks


ORIGINAL = ("Content-Type: message/rfc822",
            f"Message-ID: <{OUR_ID}>\nFrom: {OWN}\nX-Mailbot-Loop: {DOMAIN}\nSubject: Ack\n\nDear client\n")
NOTICE = ("Content-Type: text/plain", "Your message could not be delivered.")


def test_a_person_is_human() -> None:
    inbound = read()
    assert (inbound.kind, inbound.reason, inbound.is_own) == (MailKind.HUMAN, "human", False)


@pytest.mark.parametrize("header, reason", [
    (f"X-Mailbot-Loop: {DOMAIN}", "own_mail: loop_header"),
    (f"X-Mailbot-Loop: {DOMAIN.upper()}", "own_mail: loop_header"),
])
def test_our_loop_header_marks_own_mail(header: str, reason: str) -> None:
    inbound = read(header)
    assert inbound.is_own and inbound.kind is MailKind.AUTO_REPLY and inbound.reason == reason


def test_another_systems_loop_header_is_not_ours() -> None:
    assert not read("X-Mailbot-Loop: other-firm.example").is_own


@pytest.mark.parametrize("sender", [OWN, "Complaints <COMPLAINTS@HV.EXAMPLE>", "complaints+a-1234@hv.example"])
def test_mail_from_our_own_address_is_own(sender: str) -> None:
    assert read(sender=sender).reason == "own_mail: from_own_address"


def test_a_colleague_at_our_domain_is_not_own_mail() -> None:
    inbound = read(sender="Emma <emma.clarke@hv.example>")
    assert not inbound.is_own and inbound.kind is MailKind.HUMAN


def test_a_message_id_we_minted_is_own_only_with_our_domain() -> None:
    raw = f"From: Jane <jane@example.com>\nTo: {OWN}\nSubject: x\nMessage-ID: <{{}}>\n\nbody\n"
    ours = parse_message(raw.format(OUR_ID).encode(), own_domain=DOMAIN)
    theirs = parse_message(raw.format(OUR_ID.replace("hv.example", "other.example")).encode(), own_domain=DOMAIN)
    assert ours.reason == "own_mail: own_message_id"
    assert not theirs.is_own


def test_own_mail_is_decided_before_bounces() -> None:
    inbound = report("delivery-status", NOTICE, status(("failed", "5.1.1")), extra=(f"X-Mailbot-Loop: {DOMAIN}",))
    assert inbound.is_own and inbound.kind is MailKind.AUTO_REPLY


def test_dsn_failure_names_the_bounced_letter() -> None:
    inbound = report("delivery-status", NOTICE, status(("failed", "5.1.1 (user unknown)")), ORIGINAL)
    assert inbound.kind is MailKind.BOUNCE and inbound.reason == "dsn"
    assert (inbound.bounced_message_id, inbound.bounce_status, inbound.bounce_permanent) == (OUR_ID, "5.1.1", True)
    assert not inbound.is_own  # the returned copy carries our loop header, the report does not


def test_dsn_one_failed_recipient_among_delivered_ones_is_a_bounce() -> None:
    inbound = report("delivery-status", NOTICE, status(("delivered", "2.0.0"), ("failed", "5.2.2")), ORIGINAL)
    assert (inbound.kind, inbound.bounce_status, inbound.bounce_permanent) == (MailKind.BOUNCE, "5.2.2", True)


def test_dsn_delay_is_a_temporary_bounce() -> None:
    headers = ("Content-Type: text/rfc822-headers", f"Message-ID: <{OUR_ID}>\nSubject: Ack\n")
    inbound = report("delivery-status", NOTICE, status(("delayed", "4.4.7")), headers)
    assert (inbound.kind, inbound.reason) == (MailKind.BOUNCE, "dsn_delayed")
    assert (inbound.bounced_message_id, inbound.bounce_status, inbound.bounce_permanent) == (OUR_ID, "4.4.7", False)


@pytest.mark.parametrize("action, code", [("delivered", "2.0.0"), ("relayed", "2.0.0"), ("expanded", "2.1.5")])
def test_dsn_success_is_not_a_failure(action: str, code: str) -> None:
    inbound = report("delivery-status", NOTICE, status((action, code)), ORIGINAL)
    assert (inbound.kind, inbound.reason) == (MailKind.AUTO_REPLY, "delivery_success_report")
    assert inbound.bounced_message_id is None


def test_dsn_without_a_returned_copy_finds_the_id_in_the_text() -> None:
    notice = ("Content-Type: text/plain", f"Original headers follow:\n  Message-ID: <{OUR_ID}>\n")
    inbound = report("delivery-status", notice, status(("failed", "5.7.1")))
    assert inbound.bounced_message_id == OUR_ID


def test_read_receipts_and_feedback_reports_are_automatic() -> None:
    receipt = report("disposition-notification", NOTICE,
                     ("Content-Type: message/disposition-notification", "Disposition: manual-action/MDN-sent-manually; displayed"),
                     subject="Read: Ack", sender="Jane <jane@example.com>")
    feedback = report("feedback-report", NOTICE, ("Content-Type: message/feedback-report", "Feedback-Type: abuse"),
                      subject="Abuse report", sender="fbl@isp.example")
    assert (receipt.kind, receipt.reason) == (MailKind.AUTO_REPLY, "read_receipt")
    assert (feedback.kind, feedback.reason) == (MailKind.AUTO_REPLY, "feedback_report")


@pytest.mark.parametrize("subject", ["Undelivered Mail Returned to Sender", "Delivery Status Notification (Failure)",
                                     "Undeliverable: Your complaint", "failure notice", "Mail delivery failed",
                                     "Unzustellbar: Ihre Beschwerde", "Non remis : Votre réclamation"])
def test_non_standard_bounces_from_daemons(subject: str) -> None:
    body = f"Sorry, no mailbox here by that name. (#5.1.1)\n\n--- copy ---\nMessage-ID: <{OUR_ID}>\nSubject: Ack\n"
    inbound = read(body=body, sender="MAILER-DAEMON@mail.isp.example", subject=subject)
    assert inbound.kind is MailKind.BOUNCE
    assert (inbound.bounced_message_id, inbound.bounce_status, inbound.bounce_permanent) == (OUR_ID, "5.1.1", True)


def test_a_person_writing_undeliverable_in_a_subject_is_not_a_bounce() -> None:
    assert read(subject="Undeliverable promises from your firm").kind is MailKind.HUMAN


def test_a_non_standard_delay_notice_is_temporary() -> None:
    inbound = read(body="Delivery to the recipient has been delayed. Will retry for 4 days.\n",
                   sender="postmaster@isp.example", subject="Delivery Status Notification (Delay)")
    assert inbound.kind is MailKind.BOUNCE and inbound.bounce_permanent is False


def test_bounces_come_before_auto_submitted() -> None:
    inbound = report("delivery-status", NOTICE, status(("failed", "5.1.1")), extra=("Auto-Submitted: auto-replied",))
    assert inbound.kind is MailKind.BOUNCE


@pytest.mark.parametrize("header, reason", [
    ("Auto-Submitted: auto-replied", "auto_submitted: auto-replied"),
    ("Auto-Submitted: Auto-Generated", "auto_submitted: auto-generated"),
    ("Auto-Submitted: auto-notified; owner-email=x@example.com", "auto_submitted: auto-notified"),
    ("X-Autoreply: yes", "x_autoreply"),
    ("X-Autorespond: vacation", "x_autorespond"),
    ("Precedence: bulk", "precedence: bulk"),
    ("Precedence: junk", "precedence: junk"),
    ("Precedence: auto_reply", "precedence: auto_reply"),
])
def test_auto_reply_headers(header: str, reason: str) -> None:
    inbound = read(header)
    assert (inbound.kind, inbound.reason) == (MailKind.AUTO_REPLY, reason)
    assert inbound.headers[header.split(":")[0].lower()]


def test_auto_submitted_no_is_a_person() -> None:
    assert read("Auto-Submitted: no").kind is MailKind.HUMAN


@pytest.mark.parametrize("sender, reason", [
    ("no-reply@portal.example", "sender: noreply"), ("NoReply@portal.example", "sender: noreply"),
    ("do-not-reply@bank.example", "sender: noreply"), ("donotreply+x@bank.example", "sender: noreply"),
    ("MAILER-DAEMON@mx.example", "sender: mailer-daemon"), ("postmaster@mx.example", "sender: postmaster"),
])
def test_robot_senders(sender: str, reason: str) -> None:
    assert read(sender=sender).reason == reason


def test_a_person_called_noreen_is_not_a_noreply_sender() -> None:
    assert read(sender="noreen.reilly@example.com").kind is MailKind.HUMAN


@pytest.mark.parametrize("subject", ["Automatic reply: Complaint", "Réponse automatique : réclamation",
                                     "Automatische Antwort: Beschwerde", "Respuesta automática: queja",
                                     "Automatisch antwoord: klacht", "Risposta automatica: reclamo",
                                     "Resposta automática: reclamação", "Out of Office: Complaint"])
def test_out_of_office_subject_needs_a_second_signal(subject: str) -> None:
    alone = read(subject=subject)
    with_suppress = read("X-Auto-Response-Suppress: All", subject=subject)
    assert alone.kind is MailKind.HUMAN
    assert (with_suppress.kind, with_suppress.reason) == (MailKind.AUTO_REPLY,
                                                         "weak: ooo_subject+x_auto_response_suppress")


def test_x_auto_response_suppress_alone_is_a_person() -> None:
    assert read("X-Auto-Response-Suppress: All").kind is MailKind.HUMAN


@pytest.mark.parametrize("header, reason", [
    ("List-Id: Members <members.lists.example.org>", "list_id"),
    ("List-Unsubscribe: <mailto:unsub@bulk.example>", "list_unsubscribe"),
    ("List-Post: <mailto:members@lists.example.org>", "list_post"),
    ("X-Mailman-Version: 3.3.9", "x_mailman_version"),
    ("Precedence: list", "precedence: list"),
])
def test_list_mail(header: str, reason: str) -> None:
    inbound = read(header)
    assert (inbound.kind, inbound.reason) == (MailKind.LIST, reason)


def test_our_own_group_address_is_not_list_mail() -> None:
    inbound = read(f"List-Id: <complaints.{DOMAIN}>", f"List-Post: <mailto:{OWN}>")
    assert inbound.kind is MailKind.HUMAN


def test_auto_reply_comes_before_list() -> None:
    assert read("List-Id: <x.lists.example.org>", "Auto-Submitted: auto-generated").kind is MailKind.AUTO_REPLY


@pytest.mark.parametrize("header, reason", [("X-Spam-Flag: YES", "x_spam_flag"),
                                            ("X-Spam-Status: Yes, score=7.5", "x_spam_status")])
def test_spam_verdicts(header: str, reason: str) -> None:
    assert (read(header).kind, read(header).reason) == (MailKind.SPAM, reason)


def test_spam_no_is_a_person() -> None:
    assert read("X-Spam-Flag: NO", "X-Spam-Status: No, score=0.1").kind is MailKind.HUMAN


def test_list_comes_before_spam() -> None:
    assert read("X-Spam-Flag: YES", "List-Id: <x.lists.example.org>").kind is MailKind.LIST


def test_dmarc_fail_counts_only_from_our_own_server_on_top() -> None:
    ours = f"Authentication-Results: mx.{DOMAIN}; dkim=fail header.d=example.com; dmarc=fail (p=reject) header.from=example.com"
    upstream = "Authentication-Results: mx.relay.example; dmarc=fail header.from=example.com"
    assert read(ours).reason == "dmarc_fail"
    assert read(upstream).kind is MailKind.HUMAN
    assert read(f"Authentication-Results: mx.{DOMAIN}; dmarc=pass", ours.replace("mx.", "mx2.")).kind is MailKind.HUMAN


def test_auth_results_are_parsed_per_header() -> None:
    inbound = read(f"Authentication-Results: mx.{DOMAIN} 1; dkim=fail (bad sig) header.d=a.example;"
                   " dkim=pass (good) header.d=example.com; spf=softfail smtp.mailfrom=example.com; dmarc=pass")
    (result,) = inbound.auth_results
    assert (result.authserv_id, result.dkim, result.spf, result.dmarc) == (f"mx.{DOMAIN}", "pass", "softfail", "pass")


BOUNCES = Path(__file__).resolve().parents[1] / "fixtures" / "bounces"


@pytest.mark.parametrize("name, recipient, permanent", [
    ("qmail_01.txt", "userx@example.de", True),  # qmail's plain notice
    ("yahoo_02.txt", "userx@example.es", True),  # Yahoo's own format
    ("groupwise_01.txt", "userx@example.edu", True),  # Novell GroupWise
    ("simple_01.txt", "bbbsss@example.com", True),  # MDaemon
    ("llnl_01.txt", "user1@example.gov", True),  # a site's own Sendmail text
    ("simple_03.txt", "userx@example.za", False),  # Exim's "delayed 24 hours" warning
])
def test_real_plain_text_bounces_give_the_failed_recipient(name: str, recipient: str, permanent: bool) -> None:
    """flufl.bounce's real samples (Apache-2.0, tests/fixtures/bounces/manifest.json)."""
    inbound = parse_message((BOUNCES / "flufl" / name).read_bytes())
    assert inbound.kind is MailKind.BOUNCE
    assert recipient in inbound.bounce_recipients
    assert inbound.bounce_permanent is permanent


def test_a_dsn_names_its_failed_recipient_and_not_the_delivered_one() -> None:
    inbound = report("delivery-status", NOTICE, status(("delivered", "2.0.0"), ("failed", "5.1.1")))
    assert inbound.kind is MailKind.BOUNCE and inbound.bounce_recipients == ("r1@example.com",)


@pytest.mark.parametrize("subject, sender", [
    ("Undelivered parcel", "Jane <jane@example.com>"),
    ("Fwd: Undeliverable: your letter", "Jane <jane@example.com>"),
])
def test_a_person_writing_about_undelivered_things_is_human(subject: str, sender: str) -> None:
    body = "The parcel could not be delivered and was returned to sender. Delivery failed twice.\n"
    assert read(subject=subject, sender=sender, body=body).kind is MailKind.HUMAN


def test_a_gateway_notice_from_an_ordinary_address_needs_a_status_code() -> None:
    body = "Your message could not be delivered to jane@example.org.\nRemote server said: 550 5.1.1 user unknown\n"
    inbound = read(subject="Delivery failure notification", sender="gateway@av.example", body=body)
    assert (inbound.kind, inbound.bounce_status, inbound.bounce_permanent) == (MailKind.BOUNCE, "5.1.1", True)


def test_every_bounce_fixture_is_in_the_manifest_with_its_source() -> None:
    manifest = json.loads((BOUNCES / "manifest.json").read_text())
    assert manifest["source"]["licence"] == "Apache-2.0" and "flufl.bounce" in manifest["about"]
    listed = {item["file"] for item in manifest["items"]}
    assert listed == {f"flufl/{p.name}" for p in (BOUNCES / "flufl").glob("*.txt")}
    assert not any("sisimai" in name or "set-of-emails" in name for name in listed)
