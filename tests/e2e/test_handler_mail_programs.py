"""Handlers reply from the mail programs they really use, through the gateways firms really run.

End to end over Dovecot and SMTP. The replies are shaped as each program and gateway shapes
them (tests/fixtures/handler_replies/shapes.py, with provenance per shape). What must hold for
every shape: a plain "approve" sends the draft exactly as drafted (no gateway link, no link
copy, no wrapping), and an edit sends exactly the edited words, laid out as the draft was,
after the handler approved the letter shown back to them.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from mailbot.store.tables import outbox
from tests.e2e.harness import Firm, make_firm
from tests.fixtures.handler_replies.shapes import GATEWAYS, PROGRAMS, PROVENANCE, as_message, through_gateway
from tests.servers.dovecot import DovecotServer

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
COMPLAINT = "Nobody has returned my calls about the sale of my flat for three weeks and the buyer may pull out."
WEBSITE = "https://www.example-firm.co.uk/complaints-procedure"
OLD = "is reviewing your file"
NEW = ("has spoken to the buyer's solicitors today, who confirm that they are still committed to the purchase, "
       "and is reviewing your file")


@pytest.fixture
def firm(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> Firm:  # type: ignore[no-untyped-def]
    return make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path, overrides={"firm": {"website": WEBSITE}})


def _requests(firm: Firm) -> list[EmailMessage]:
    return [m for m in firm.inbox(firm.handler) if str(m["Subject"]).startswith("Approval needed")]


def _send(firm: Firm, program: str, gateway: str | None, request: EmailMessage, top: str,
          change: tuple[str, str] | None, at: datetime) -> None:
    reply = PROGRAMS[program](request, top, change)
    if gateway:
        reply = through_gateway(reply, gateway, firm.handler.address)
    message = as_message(reply, request, sender=firm.handler.address, at=at)
    domain = firm.handler.address.rpartition("@")[2]
    firm.deliver(message, at=at, verdict=f"dkim=pass header.d={domain}; dmarc=pass header.from={domain}")


def _draft_text(firm: Firm) -> str:
    with firm.app.store.transaction() as conn:
        return conn.execute(select(outbox.c.body_text).where(outbox.c.kind == "progress_update")).scalar_one()


def _letter(firm: Firm) -> str:
    letters = firm.inbox(firm.client)
    assert len(letters) == 2, f"expected the acknowledgement and the letter, got {len(letters)}"
    return letters[1].get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]


def _start(firm: Firm) -> EmailMessage:
    firm.client_writes("Sale of my flat", COMPLAINT, at=T0)
    firm.run(T0 + timedelta(minutes=1))
    (request,) = _requests(firm)
    return request


CASES = [(p, None) for p in PROGRAMS] + [(p, g) for p in ("outlook_desktop", "gmail_web", "outlook_plain_text",
                                                            "gmail_plain_text") for g in GATEWAYS]


@pytest.mark.parametrize(("program", "gateway"), CASES, ids=[f"{p}+{g}" if g else p for p, g in CASES])
def test_approve_sends_the_draft_exactly_as_drafted(firm: Firm, program: str, gateway: str | None) -> None:
    request = _start(firm)
    drafted = _draft_text(firm)
    assert WEBSITE in drafted, "the draft carries a link for gateways and programs to rewrite"
    _send(firm, program, gateway, request, "approve", None, T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert _letter(firm) == drafted


@pytest.mark.parametrize(("program", "gateway"), CASES, ids=[f"{p}+{g}" if g else p for p, g in CASES])
def test_an_edit_sends_exactly_the_edited_words_after_one_more_approve(firm: Firm, program: str,
                                                                       gateway: str | None) -> None:
    request = _start(firm)
    drafted = _draft_text(firm)
    _send(firm, program, gateway, request, "approve", (OLD, NEW), T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert len(firm.inbox(firm.client)) == 1, "nothing goes out on the strength of the edit"
    confirm = _requests(firm)[-1]
    assert "This is the letter exactly as it will go out" in confirm.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    _send(firm, program, gateway, confirm, "approve", None, T0 + timedelta(hours=2))
    firm.run(T0 + timedelta(hours=2, minutes=1))
    assert _letter(firm) == drafted.replace(OLD, NEW)


@pytest.mark.parametrize("top", ["Yes, approve", "Approved, thanks!", "approve with the amendments below"])
def test_natural_forms_are_understood(firm: Firm, top: str) -> None:
    request = _start(firm)
    drafted = _draft_text(firm)
    change = (OLD, NEW) if "amendments" in top else None
    _send(firm, "outlook_desktop", None, request, top, change, T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    if change:
        _send(firm, "outlook_desktop", None, _requests(firm)[-1], "approve", None, T0 + timedelta(hours=2))
        firm.run(T0 + timedelta(hours=2, minutes=1))
    assert _letter(firm) == (drafted.replace(OLD, NEW) if change else drafted)


@pytest.mark.parametrize("top", ["Please hold this, do not approve yet", "approve but change the date", "ok?"])
def test_ambiguous_replies_send_nothing_and_say_what_to_write(firm: Firm, top: str) -> None:
    request = _start(firm)
    _send(firm, "gmail_web", None, request, top, None, T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert len(firm.inbox(firm.client)) == 1
    help_mail = [m for m in firm.inbox(firm.handler) if "could not act" in str(m["Subject"]).lower()]
    assert help_mail and "approve" in help_mail[-1].get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_one_click_links_open_an_approving_reply(firm: Firm) -> None:
    """The Approve link is what most handlers use: a new message with no quote at all."""
    request = _start(firm)
    drafted = _draft_text(firm)
    html = request.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert 'href="mailto:' in html and "Approve and send" in html
    from urllib.parse import parse_qs, unquote, urlsplit
    link = html.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    parts = urlsplit(link)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    message = EmailMessage()
    message["From"] = firm.handler.address
    message["To"] = unquote(parts.path)
    message["Subject"] = query["subject"]
    message.set_content(query["body"])
    domain = firm.handler.address.rpartition("@")[2]
    firm.deliver(message, at=T0 + timedelta(hours=1), verdict=f"dmarc=pass header.from={domain}")
    firm.run(T0 + timedelta(hours=1, minutes=1))
    assert _letter(firm) == drafted


def test_every_shape_has_its_provenance() -> None:
    assert set(PROGRAMS) | set(GATEWAYS) <= set(PROVENANCE)
    assert all(len(PROVENANCE[name]) > 40 for name in PROVENANCE)
