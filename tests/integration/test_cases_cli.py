"""`mailbot cases open` and `mailbot cases received` (issue 17, review F2): complaints that did not
come by email, and the real date of receipt, from the command line against a real database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from mailbot.cli import app as cli_app
from mailbot.cli import wiring
from mailbot.config import load_config
from mailbot.store.tables import audit_events, cases, outbox

HANDLER, PARTNER = "hal@firm.example", "pat@firm.example"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "mailbot.toml"
    path.write_text(
        '[firm]\nname = "Example & Co"\ncomplaints_address = "complaints@firm.example"\n'
        'domain = "firm.example"\nsubdivision = "ENG"\n'
        'complaints_procedure_url = "https://firm.example/complaints"\n'
        'fos_leaflet_url = "https://firm.example/fos-leaflet.pdf"\n'
        '[approvals]\nauthserv_id = "mx.firm.example"\n'
        f'[database]\nurl = "sqlite:///{tmp_path / "mailbot.sqlite3"}"\n'
        f'[paths]\ndata_dir = "{tmp_path}"\n'
        '[[regimes]]\nprofile = "fca_disp"\n'
        f'[[handlers]]\nname = "Hal Jordan"\nemail = "{HANDLER}"\nroles = ["handler"]\n'
        f'[[handlers]]\nname = "Pat Partner"\nemail = "{PARTNER}"\nroles = ["partner"]\n',
        encoding="utf-8")
    return path


def mailbot(config: Path, *args: str) -> Any:
    return CliRunner().invoke(cli_app, [*args, "--config", str(config)])


def rows(config: Path, query: Any) -> list[Any]:
    store = wiring.build_store(load_config(config))
    try:
        with store.transaction() as conn:
            return list(conn.execute(query))
    finally:
        store.dispose()


def longdate(day: Any) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def open_case(config: Path, email: str, received: str, channel: str, *more: str) -> Any:
    return mailbot(config, "cases", "open", "--from", email, "--name", "A Person", "--received",
                   received, "--channel", channel, *more)


def test_a_phone_complaint_is_clocked_from_the_call_and_waits_for_approval(config: Path) -> None:
    call = (datetime.now(timezone.utc) - timedelta(days=3)).date()  # the CLI works at the real now
    result = open_case(config, "Ann.Caller@example.org", f"{call.isoformat()}T14:30", "phone",
                       "--summary", "Rang about the delay.")
    assert result.exit_code == 0, result.output
    ref = result.output.split(":", 1)[0]
    [case] = rows(config, select(cases).where(cases.c.ref == ref))
    assert case.channel == "phone" and case.is_complaint is True
    assert case.client_address == "ann.caller@example.org"
    cal = wiring.build_app(load_config(config), with_classifier=False).calendar
    local = cal.local(case.received_at).replace(tzinfo=None)
    assert local == datetime(call.year, call.month, call.day, 14, 30)
    assert case.complaint_decided_by == "cli"
    letters = {r.kind: r for r in rows(config, select(outbox).where(outbox.c.case_id == case.id))}
    ack = letters["acknowledgement"]
    assert ack.status == "draft" and ack.requires_approval, "nothing goes to the caller unseen"
    assert "We have recorded the complaint you made by phone" in ack.body_text
    eight_weeks = call + timedelta(weeks=8)  # from the call, not from when it was recorded
    assert f"Received:        {longdate(call)}\n" in ack.body_text
    assert (f"by {longdate(eight_weeks)}, you may refer your complaint to the Legal Ombudsman"
            in ack.body_text)
    assert "Rang about the delay." in letters["approval_request"].body_text
    assert "A complaint made by phone" in letters["approval_request"].body_text


def test_cases_open_refuses_what_it_cannot_record(config: Path) -> None:
    bad = open_case(config, "a@example.org", "2026-02-23", "carrier_pigeon")
    assert bad.exit_code == 1 and "channel must be one of" in bad.output
    future = open_case(config, "a@example.org", "2999-01-01", "letter")
    assert future.exit_code == 1 and "future" in future.output
    unfit = open_case(config, "a@example.org", "2026-02-23", "letter", "--regime", "scot_slcc")
    assert unfit.exit_code == 1 and "SCT" in unfit.output
    assert rows(config, select(cases)) == []


def test_an_fca_complaint_by_letter(config: Path) -> None:
    posted = (datetime.now(timezone.utc) - timedelta(days=2)).date().isoformat()
    result = open_case(config, "b@example.org", posted, "letter", "--regime", "fca_disp")
    assert result.exit_code == 0, result.output
    [case] = rows(config, select(cases))
    assert case.profile == "fca_disp"
    [ack] = rows(config, select(outbox.c.body_text).where(outbox.c.kind == "acknowledgement"))
    assert "Financial Ombudsman Service" in ack.body_text
    assert "https://firm.example/complaints" in ack.body_text


def test_the_date_of_receipt_moves_earlier_freely_later_only_with_a_partner(config: Path) -> None:
    opened = open_case(config, "c@example.org", "2026-03-02", "in_person")
    ref = opened.output.split(":", 1)[0]
    earlier = mailbot(config, "cases", "received", ref, "2026-02-16")
    assert earlier.exit_code == 0, earlier.output
    assert "1 pending draft(s) written again" in earlier.output
    [case] = rows(config, select(cases))
    assert case.received_at == datetime(2026, 2, 16, tzinfo=timezone.utc)
    drafts = rows(config, select(outbox.c.body_text).where(outbox.c.kind == "acknowledgement",
                                                           outbox.c.status == "draft"))
    assert len(drafts) == 1 and "Monday 16 February 2026" in drafts[0].body_text

    later = mailbot(config, "cases", "received", ref, "2026-02-20")
    assert later.exit_code == 1 and "needs a partner" in later.output
    not_partner = mailbot(config, "cases", "received", ref, "2026-02-20", "--partner", HANDLER)
    assert not_partner.exit_code != 0 and "partner role" in not_partner.output
    allowed = mailbot(config, "cases", "received", ref, "2026-02-20", "--partner", PARTNER)
    assert allowed.exit_code == 0, allowed.output
    changed = select(audit_events).where(audit_events.c.kind == "case.received_set")
    details = [r.detail for r in rows(config, changed)]
    assert [d["later"] for d in details] == [False, True] and details[1]["partner"] == PARTNER


def test_returns_for_a_regime_the_firm_does_not_have_is_refused(config: Path) -> None:
    period = ("--from", "2026-01-01", "--to", "2026-06-30")
    bad = mailbot(config, "returns", *period, "--regime", "scot_slcc")
    assert bad.exit_code != 0 and "not one of this firm's regimes" in bad.output
    good = mailbot(config, "returns", *period, "--regime", "fca_disp")
    assert good.exit_code == 0 and "(regime fca_disp)" in good.output
