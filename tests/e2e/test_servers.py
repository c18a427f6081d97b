"""The intake and approval path, end to end, on every IMAP server set-up in the suite.

Dovecot as the suite always ran it ("" and "."), Dovecot with the Courier-style `INBOX.`
namespace (as Courier and Debian's Cyrus have it), and GNU Mailutils imap4d ("" and "/", no
MOVE, no UIDPLUS, blind to `UID SEARCH UID n:*`). The config is the same on all three: folder
names written once, as the example writes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.e2e.harness import Firm, make_firm
from tests.servers.imap import ImapTestServer

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # a Monday
COMPLAINT = (
    "I instructed you on the sale of my flat in January and nobody has returned my calls for three "
    "weeks. The buyer's solicitors say they are still waiting for replies. I am very unhappy."
)
PROCESSED = {
    "dovecot": "mailbot.processed",
    "dovecot_inbox_prefix": "INBOX.mailbot.processed",
    "imap4d": "mailbot/processed",
}


@pytest.fixture
def firm(imap_server: ImapTestServer, make_smtp_server, tmp_path: Path) -> Firm:  # type: ignore
    return make_firm(imap_server, make_smtp_server(deliver_to=imap_server), tmp_path)


def _subjects(firm: Firm, who: object) -> list[str]:
    return [str(m["Subject"]) for m in firm.inbox(who)]  # type: ignore[arg-type]


def test_complaint_acknowledged_approved_by_reply_and_the_letter_reaches_the_client(
    firm: Firm, request: pytest.FixtureRequest
) -> None:
    setup = request.node.callspec.params["imap_server"]
    complaint_id = firm.client_writes("Sale of 4 Elm Road", COMPLAINT, at=T0)

    first = firm.run(T0 + timedelta(minutes=1))
    assert first.intake.fetched == 1 and first.intake.outcomes == {"new_case": 1}
    (ack,) = firm.inbox(firm.client)
    assert "[C-2026-0001]" in str(ack["Subject"]) and ack["In-Reply-To"] == f"<{complaint_id}>"
    (approval,) = [m for m in firm.inbox(firm.handler) if "Approval needed" in str(m["Subject"])]

    # The complaint left the inbox for the processed folder, under the server's own name for it.
    assert firm.server.fetch_all(firm.complaints, "INBOX") == []
    assert PROCESSED[setup] in firm.server.folder_list(firm.complaints)
    assert len(firm.server.fetch_all(firm.complaints, "mailbot/processed")) == 1

    firm.reply_as(firm.handler, approval, "approve", at=T0 + timedelta(hours=2))
    second = firm.run(T0 + timedelta(hours=2, minutes=1))
    assert second.intake.outcomes == {"handler_reply": 1}
    letters = firm.inbox(firm.client)
    assert len(letters) == 2, "the acknowledgement, then the approved letter"
    assert "[C-2026-0001]" in str(letters[1]["Subject"]) and complaint_id in str(
        letters[1]["References"]
    )
    assert firm.server.fetch_all(firm.complaints, "INBOX") == []

    assert firm.run(T0 + timedelta(hours=3)).intake.fetched == 0, "nothing is read twice"
