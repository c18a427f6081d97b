"""Over real Dovecot and SMTP: a handler forwards a client's complaint to the complaints address,
approves the acknowledgement by replying, and the client gets it, dated from their own email."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from tests.e2e.harness import make_firm
from tests.servers.dovecot import DovecotServer

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # a Monday


def test_a_complaint_a_handler_forwards_is_acknowledged_once_approved(  # type: ignore[no-untyped-def]
        dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> None:
    # The test server has one mail domain; the firm's own is another, so the client is outside it.
    firm = make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path,
                     overrides={"firm": {"domain": "harbour-vale.test"}})
    handler, client = firm.handler.address, firm.client.address
    domain = handler.rpartition("@")[2]
    forward = EmailMessage()
    forward["From"], forward["To"] = handler, firm.complaints.address
    forward["Subject"], forward["Date"] = "FW: Completion", format_datetime(T0)
    forward["Message-ID"] = make_msgid(domain=domain)
    forward.set_content(  # Outlook's forward
        "For the complaints log.\n\n________________________________\n"
        f"From: Sam Client <{client}>\nSent: 27 February 2026 16:05\nTo: {handler}\n"
        "Subject: Completion\n\nMy completion slipped twice and nobody has called me back.")
    firm.deliver(forward, at=T0, verdict=f"dkim=pass header.d={domain}; dmarc=pass "
                 f"header.from={domain}")
    firm.run(T0 + timedelta(minutes=1))
    assert firm.inbox(firm.client) == [], "nothing reaches the client unapproved"
    # assigned as any complaint is (the forwarder may be the one complained about)
    (assigned, request), = [(person, m) for person in (firm.handler, firm.other_handler)
                            for m in firm.inbox(person) if "Approval needed" in str(m["Subject"])]
    shown = request.get_body(("plain",)).get_content()
    assert "forwarded to the complaints address" in shown
    assert "nobody has called me back" in shown, "the handler sees what the client wrote"
    firm.reply_as(assigned, request, "approve", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    (ack,) = firm.inbox(firm.client)
    text = ack.get_body(("plain",)).get_content()
    assert "We have received your complaint" in str(ack["Subject"])
    assert "27 February 2026" in text, "dated from when the firm first had it"
