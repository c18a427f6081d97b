"""Attacks from outside, over real Dovecot and SMTP: each one the outside test found working.

Forged and smuggled approvals, a wrongly trusted Authentication-Results, flooding the firm's
own staff, and complaints that used to vanish without anybody being told. Every test asserts
what the client, the handler or compliance would see in their inbox, and what the record says.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from sqlalchemy import select, text

from mailbot.store.tables import audit_events, cases, outbox, quarantine
from tests.document_samples import make_pdf
from tests.e2e.harness import Firm, draft_block, make_firm
from tests.integration.test_document_reader import _deflated_spaces, _pdf_with_stream
from tests.servers.dovecot import DovecotServer

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # a Monday
COMPLAINT = ("I instructed you on the sale of my flat in January and nobody has returned my calls for three "
             "weeks. I am very unhappy.")
BANK = "Please now pay the refund to our new account, sort code 40-11-22, account 99887766."


@pytest.fixture
def firm(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> Firm:  # type: ignore[no-untyped-def]
    return make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path)


def _request(firm: Firm) -> EmailMessage:
    found = [m for m in firm.inbox(firm.handler) if str(m["Subject"]).strip().startswith("Approval needed")]
    assert found, "no approval request reached the handler"
    return found[-1]


def _complaint(firm: Firm, *, sender: str | None = None, body: str = COMPLAINT, subject: str = "Sale of my flat",
               at: datetime = T0, extra: dict[str, str] | None = None) -> None:
    msg = EmailMessage()
    if sender != "":
        msg["From"] = f"Sam Client <{sender or firm.client.address}>"
    msg["To"] = firm.complaints.address
    msg["Subject"] = subject
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = make_msgid(domain="client.example")
    for name, value in (extra or {}).items():
        msg[name] = value
    msg.set_content(body)
    firm.deliver(msg, at=at)


def _audit(firm: Firm, kind: str) -> list[dict]:  # type: ignore[type-arg]
    with firm.app.store.transaction() as conn:
        return [dict(r.detail) for r in conn.execute(select(audit_events).where(audit_events.c.kind == kind))]


def _client_words(firm: Firm) -> str:
    return "\n".join(m.get_body(("plain",)).get_content() for m in firm.inbox(firm.client))  # type: ignore[union-attr]


# --- forged and forwarded approvals ----------------------------------------------------------


def _forwarded_request_reply(firm: Firm, request: EmailMessage, body: str, *, verdict: str | None,
                             change: tuple[str, str] | None = None) -> None:
    """An attacker who was forwarded the approval request replies with the handler's From."""
    firm.reply_as(firm.handler, request, body, at=T0 + timedelta(hours=2), verdict=verdict, change=change)


@pytest.mark.parametrize("verdict", [None, "dmarc=fail header.from={domain}", "dkim=fail; dmarc=none"])
def test_a_forwarded_request_with_a_forged_from_approves_nothing(firm: Firm, verdict: str | None) -> None:
    _complaint(firm)
    firm.run(T0 + timedelta(minutes=1))
    request = _request(firm)
    domain = firm.handler.address.rpartition("@")[2]
    draft = draft_block(request)
    first_line = draft.split("\n")[1]
    _forwarded_request_reply(firm, request, "approve", verdict=verdict and verdict.format(domain=domain),
                             change=(first_line, first_line + "\n" + BANK))
    firm.run(T0 + timedelta(hours=2, minutes=1))
    assert len(firm.inbox(firm.client)) == 1, "only the acknowledgement"
    assert "99887766" not in _client_words(firm)
    assert [d["reason"] for d in _audit(firm, "approval.refused")] == ["authentication_failed"]
    assert not _audit(firm, "letter.approved")
    told = [m for m in firm.inbox(firm.handler) if str(m["Subject"]).strip().startswith("Not accepted")]
    assert told, "the real handler hears that someone wrote in their name"


def test_without_sender_authentication_an_edit_still_goes_back_to_the_real_handler(
        dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A firm that explicitly turned sender checks off: a forger holding a forwarded request can
    edit, but the edited letter comes back to the real handler's mailbox, never to the client."""
    firm = make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path,
                     overrides={"approvals": {"require_dkim": False}})
    _complaint(firm)
    firm.run(T0 + timedelta(minutes=1))
    request = _request(firm)
    line = draft_block(request).split("\n")[1]
    _forwarded_request_reply(firm, request, "approve", verdict=None, change=(line, line + "\n" + BANK))
    firm.run(T0 + timedelta(hours=2, minutes=1))
    firm.run(T0 + timedelta(hours=2, minutes=2))
    assert "99887766" not in _client_words(firm)
    assert len(firm.inbox(firm.client)) == 1
    shown = _request(firm).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "This is the letter exactly as it will go out" in shown and "99887766" in shown


def test_a_reply_threaded_to_one_case_with_another_cases_token_changes_nothing(firm: Firm) -> None:
    for i, subject in enumerate(("Flat sale", "Probate delay", "Lease extension")):
        _complaint(firm, sender=f"client{i}@clients.example", subject=subject, at=T0 + timedelta(minutes=i))
    firm.run(T0 + timedelta(minutes=5))
    # Three cases over two handlers: one handler holds two of them, X and Y.
    owner = max((firm.handler, firm.other_handler), key=lambda u: len(firm.inbox(u)))
    x_request, y_request = [m for m in firm.inbox(owner) if str(m["Subject"]).strip().startswith("Approval needed")][:2]
    reply = EmailMessage()
    reply["From"] = owner.address
    reply["To"] = str(y_request["Reply-To"])
    reply["Subject"] = f"Re: {x_request['Subject']}"
    reply["Message-ID"] = make_msgid(domain="handler.example")
    reply["In-Reply-To"] = x_request["Message-ID"]
    reply["References"] = x_request["Message-ID"]
    reply.set_content("approve\n\n" + draft_block(x_request).replace("Dear", BANK + "\nDear"))
    domain = owner.address.rpartition("@")[2]
    firm.deliver(reply, at=T0 + timedelta(hours=1), verdict=f"dmarc=pass header.from={domain}")
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert [d["reason"] for d in _audit(firm, "approval.refused")] == ["wrong_conversation"]
    assert not _audit(firm, "letter.approved") and not _audit(firm, "letter.edited")
    with firm.app.store.transaction() as conn:
        assert conn.execute(select(outbox).where(outbox.c.body_text.is_not(None), outbox.c.status == "approved",
                                                 outbox.c.kind == "progress_update")).first() is None


# --- Authentication-Results ------------------------------------------------------------------


def _raw_reply(firm: Firm, request: EmailMessage, headers_above: str) -> bytes:
    reply = EmailMessage()
    reply["From"] = firm.handler.address
    reply["To"] = str(request["Reply-To"])
    reply["Subject"] = f"Re: {request['Subject']}"
    reply["Message-ID"] = make_msgid(domain="handler.example")
    reply["In-Reply-To"] = request["Message-ID"]
    reply.set_content("approve")
    return headers_above.encode() + bytes(reply)


@pytest.mark.parametrize("shape", ["pass_below_our_fail", "attackers_own_domain", "no_server_header"])
def test_authentication_results_the_attacker_wrote_are_not_believed(firm: Firm, shape: str) -> None:
    _complaint(firm)
    firm.run(T0 + timedelta(minutes=1))
    request = _request(firm)
    ours, domain = firm.authserv_id, firm.handler.address.rpartition("@")[2]
    received = f"Received: from evil.example by {ours}; {format_datetime(T0)}\r\n"
    forged_pass = f"Authentication-Results: {ours}; dkim=pass header.d={domain}; dmarc=pass header.from={domain}\r\n"
    headers = {
        "pass_below_our_fail": f"Authentication-Results: {ours}; dmarc=fail header.from={domain}\r\n"
                               + received + forged_pass,
        "attackers_own_domain": f"Authentication-Results: {ours}; dkim=pass header.d=evil.example; "
                                f"dmarc=fail header.from={domain}\r\n" + received,
        "no_server_header": received + forged_pass,
    }[shape]
    firm.dovecot.append(firm.complaints, "INBOX", _raw_reply(firm, request, headers), internaldate=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert len(firm.inbox(firm.client)) == 1
    assert not _audit(firm, "letter.approved")
    assert [d["reason"] for d in _audit(firm, "approval.refused")] == ["authentication_failed"]


# --- smuggled draft markers ------------------------------------------------------------------


@pytest.mark.parametrize("hidden", ["\u200b", "\u00ad", "\u2060", ""])
def test_a_draft_block_in_a_complaint_never_becomes_the_letter(firm: Firm, hidden: str) -> None:
    smuggled = (f"{COMPLAINT}\n\n----- DR{hidden}AFT START: edit below this line -----\n"
                "We accept liability in full and will pay you GBP 50,000 within 7 days.\n"
                f"----- DRAFT{hidden} END -----\n")
    _complaint(firm, body=smuggled)
    firm.run(T0 + timedelta(minutes=1))
    request = _request(firm)
    firm.reply_as(firm.handler, request, "approve", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    letters = firm.inbox(firm.client)
    assert len(letters) == 2, "the acknowledgement and the approved draft"
    assert "50,000" not in _client_words(firm) and "accept liability" not in _client_words(firm)
    assert not _audit(firm, "letter.edited")


# --- floods ----------------------------------------------------------------------------------


def test_a_flood_from_one_sender_gives_the_handler_one_approval_request(firm: Firm) -> None:
    for i in range(25):
        _complaint(firm, body=f"{COMPLAINT} (message {i})", at=T0 + timedelta(minutes=i))
    firm.run(T0 + timedelta(minutes=30))
    for i in range(25, 40):  # more after the first request was sent
        _complaint(firm, body=f"{COMPLAINT} (message {i})", at=T0 + timedelta(minutes=i + 10))
    firm.run(T0 + timedelta(hours=1))
    requests = [m for m in firm.inbox(firm.handler) if str(m["Subject"]).strip().startswith("Approval needed")]
    assert len(requests) == 1
    assert len(firm.inbox(firm.client)) == 1, "one acknowledgement"


def test_guessed_tokens_under_a_forged_handler_from_do_not_flood_the_handler(firm: Firm) -> None:
    _complaint(firm)
    firm.run(T0 + timedelta(minutes=1))
    request = _request(firm)
    for i in range(30):
        guess = f"{i:032x}"
        reply = EmailMessage()
        reply["From"] = firm.handler.address
        reply["To"] = firm.complaints.address.replace("@", f"+a-{guess}@")
        reply["Subject"] = f"Re: approve [a-{guess}]"
        reply["Message-ID"] = make_msgid(domain="evil.example")
        reply.set_content("approve")
        firm.deliver(reply, at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    refusals = _audit(firm, "approval.refused")
    assert len(refusals) == 30 and {d["reason"] for d in refusals} == {"unknown_token"}
    notices = [m for m in firm.inbox(firm.handler) if str(m["Subject"]).strip().startswith("Not accepted")]
    assert len(notices) == 1, "told at once, once"
    firm.run(T0 + timedelta(hours=2, minutes=5))  # the period is over: one summary of the rest
    notices = [m for m in firm.inbox(firm.handler) if str(m["Subject"]).strip().startswith("Not accepted")]
    assert len(notices) == 2 and "29 more replies" in str(notices[-1]["Subject"])
    assert request is not None


def test_a_ticket_system_answering_our_acknowledgement_from_new_addresses_gets_no_acknowledgement(firm: Firm) -> None:
    _complaint(firm)
    firm.run(T0 + timedelta(minutes=1))
    ack = firm.inbox(firm.client)[0]
    for i in range(5):
        reply = EmailMessage()
        reply["From"] = f"ticket-{i}@helpdesk.example"
        reply["To"] = firm.complaints.address
        reply["Subject"] = f"[Ticket #{1000 + i}] Re: {ack['Subject']}"
        reply["Message-ID"] = make_msgid(domain="helpdesk.example")
        reply["In-Reply-To"] = ack["Message-ID"]
        reply["References"] = ack["Message-ID"]
        # A ticket system that files each message under a new address and sends the thread on.
        reply.set_content("Your request has been logged.\n\nOriginal message:\n" + COMPLAINT)
        firm.deliver(reply, at=T0 + timedelta(minutes=5 + i))
        firm.run(T0 + timedelta(minutes=6 + i))
    with firm.app.store.transaction() as conn:
        acks = conn.execute(select(outbox.c.recipients).where(outbox.c.kind == "acknowledgement",
                                                              outbox.c.status != "draft")).scalars().all()
    assert acks == [[firm.client.address]], "nothing automatic went to the ticket system"
    assert len(_audit(firm, "acknowledgement.held")) == 5, "each one is held for a person"


# --- nothing vanishes quietly ----------------------------------------------------------------


def test_a_complaint_with_a_tag_shaped_subject_is_a_complaint(firm: Firm) -> None:
    _complaint(firm, subject="Invoice [a-0123456789abcdef0123456789abcdef] is wrong")
    firm.run(T0 + timedelta(minutes=1))
    with firm.app.store.transaction() as conn:
        assert conn.execute(select(cases.c.ref)).scalars().all() == ["C-2026-0001"]
    assert len(firm.inbox(firm.client)) == 1


def test_a_forward_in_a_handlers_name_the_server_did_not_vouch_for_opens_nothing(
        firm: Firm) -> None:
    """An authentic forward opens a case for the client (tests/e2e/test_forwarded_by_staff.py);
    one the server gave no verdict for may be forged: kept for a person, the handler told (a
    failed DMARC on the firm's own domain is filed as spam before any of this)."""
    fwd = EmailMessage()
    fwd["From"] = firm.handler.address
    fwd["To"] = firm.complaints.address
    fwd["Subject"] = "Fwd: complaint about my conveyancing"
    fwd["Message-ID"] = make_msgid(domain="handler.example")
    fwd.set_content("---------- Forwarded message ---------\nFrom: Jo Client <jo@client.example>\n\n" + COMPLAINT)
    firm.deliver(fwd, at=T0, verdict=None)
    firm.run(T0 + timedelta(minutes=1))
    with firm.app.store.transaction() as conn:
        assert conn.execute(select(cases)).first() is None
    told = [m for m in firm.inbox(firm.handler) if str(m["Subject"]).strip().startswith("Kept for you")]
    assert len(told) == 1 and "did not answer an approval request" in told[0].get_body(("plain",)).get_content()
    with firm.app.store.transaction() as conn:
        kept = conn.execute(select(quarantine.c.reason)).scalars().all()
    assert kept and "forwarded complaint" in kept[0]
    assert not _audit(firm, "approval.refused")


def test_mail_without_a_sender_reaches_compliance(firm: Firm) -> None:
    _complaint(firm, sender="")
    firm.run(T0 + timedelta(minutes=1))
    told = [m for m in firm.inbox(firm.compliance) if str(m["Subject"]).strip().startswith("Kept for you")]
    assert len(told) == 1 and "without a sender" in str(told[0]["Subject"])
    assert len(firm.dovecot.fetch_all(firm.complaints, "mailbot/quarantine")) == 1


def test_flags_and_triage_reasons_are_stored_encrypted(firm: Firm) -> None:
    _complaint(firm, body="My mother has dementia and is very distressed. " + COMPLAINT)
    firm.run(T0 + timedelta(minutes=1))
    with firm.app.store.engine.connect() as conn:
        flags, suggestion = conn.execute(text("SELECT flags, suggestion FROM cases")).one()
    assert b"vulnerab" not in bytes(flags) and b"dementia" not in bytes(suggestion)
    with firm.app.store.transaction() as conn:
        case = conn.execute(select(cases)).one()
    assert "vulnerability" in case.flags, "mailbot itself still reads them"


# --- one message cannot stop intake ---------------------------------------------------------------


def test_a_message_over_the_size_limit_is_never_downloaded_and_intake_goes_on(
        dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    firm = make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path,
                     overrides={"intake": {"max_message_bytes": 1024 * 1024}})
    _complaint(firm, body="A" * 3_000_000, subject="Huge")
    _complaint(firm, sender="ordinary@clients.example", subject="My flat sale", at=T0 + timedelta(minutes=1))
    report = firm.run(T0 + timedelta(minutes=5))
    assert report.intake.outcomes.get("quarantined") == 1 and report.intake.outcomes.get("new_case") == 1
    kept = firm.dovecot.fetch_all(firm.complaints, "mailbot/quarantine")
    assert len(kept) == 1 and len(kept[0]) > 3_000_000, "the message stays whole on the server"
    with firm.app.store.transaction() as conn:
        stored = conn.execute(select(text("raw")).select_from(text("raw_messages"))
                              .where(text("status = 'quarantined'"))).scalar_one()
        reason = conn.execute(select(quarantine.c.reason)).scalar_one()
    assert len(firm.app.store.engine.dialect.mailbot_sealer.open(bytes(stored))) < 10_000, "only its headers"
    assert "larger than intake.max_message_bytes" in reason and "quarantine folder" in reason


def test_hostile_attachments_cost_seconds_and_smuggle_nothing(firm: Firm) -> None:
    """A complaint carrying a PDF that inflates without end, a zipped Word bomb and a letter
    with a smuggled draft block: intake goes on, the handler is told which files were not read,
    and nothing in a file reaches the client."""
    smuggled = make_pdf([["Dear Sirs,", COMPLAINT[:70], COMPLAINT[70:],
                          "----- DRAFT START: edit below this line -----",
                          "We accept liability in full and will pay you GBP 50,000 within 7 days.",
                          "----- DRAFT END -----"]])
    bomb = _pdf_with_stream(_deflated_spaces(b"BT /F1 11 Tf 72 760 Td (x) Tj ET\n", 800))
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (64 * 1024 * 1024))
    msg = EmailMessage()
    msg["From"], msg["To"] = f"Sam Client <{firm.client.address}>", firm.complaints.address
    msg["Subject"], msg["Date"] = "Complaint", format_datetime(T0)
    msg["Message-ID"] = make_msgid(domain="client.example")
    msg.set_content("Please see the attached.")
    for name, data, subtype in (("letter.pdf", smuggled, "pdf"), ("bomb.pdf", bomb, "pdf"),
                                ("bomb.docx", zipped.getvalue(), "octet-stream")):
        msg.add_attachment(data, maintype="application", subtype=subtype, filename=name)
    firm.dovecot.append(firm.complaints, "INBOX", bytes(msg), internaldate=T0)
    _complaint(firm, sender="ordinary@clients.example", at=T0 + timedelta(minutes=1))
    report = firm.run(T0 + timedelta(minutes=5))
    assert report.intake.outcomes == {"new_case": 2}, "intake went on past the hostile files"
    (request,) = [m for m in firm.inbox(firm.handler) if "Attached document: letter.pdf"
                  in m.get_body(("plain",)).get_content()]  # type: ignore[union-attr]
    shown = request.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Attached document: bomb.pdf" in shown and "Attached document: bomb.docx" in shown
    assert shown.count("[Not read:") == 2, "the handler is told which files were not read"
    firm.reply_as(firm.handler, request, "approve", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert "50,000" not in _client_words(firm) and "accept liability" not in _client_words(firm)
    assert not _audit(firm, "letter.edited")
