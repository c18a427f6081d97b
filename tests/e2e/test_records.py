"""Records a firm can trust: encryption at rest, tamper evidence, retention with legal hold."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from mailbot.service.retention import PURGED, purge
from mailbot.store import audit
from mailbot.store.tables import audit_events, case_messages, cases, outbox, raw_messages
from tests.e2e.harness import Firm, make_firm
from tests.e2e.test_service import _write_config
from tests.servers.dovecot import DovecotServer

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
PHRASE = "the cat-shaped water stain on the ceiling of number forty-two"


@pytest.fixture
def firm(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> Firm:  # type: ignore[no-untyped-def]
    return make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path)


def _db_path(firm: Firm) -> Path:
    return Path(str(firm.config.database_url).removeprefix("sqlite:///"))


def _complain_and_approve(firm: Firm) -> None:
    firm.client_writes("Survey missed the damp", f"Your surveyor never mentioned {PHRASE}. I want my money back.", at=T0)
    firm.run(T0 + timedelta(minutes=1))
    request = [m for m in firm.inbox(firm.handler) if "Approval needed" in str(m["Subject"])][0]
    firm.reply_as(firm.handler, request, "approve", at=T0 + timedelta(hours=1))
    firm.run(T0 + timedelta(hours=1, minutes=1))


def test_a_phrase_from_a_complaint_is_not_in_the_database_file(firm: Firm) -> None:
    _complain_and_approve(firm)
    firm.app.store.dispose()  # flush WAL into the main file
    files = [p for p in _db_path(firm).parent.glob("mailbot.sqlite3*")]
    blob = b"".join(p.read_bytes() for p in files)
    assert b"surveyor" not in blob and PHRASE.encode() not in blob
    with firm.app.store.transaction() as conn:  # ... yet mailbot reads it back
        bodies = [r.body for r in conn.execute(select(case_messages.c.body)) if r.body]
    assert any(PHRASE in b for b in bodies)


def test_editing_an_audit_row_with_sqlite3_is_detected(firm: Firm, tmp_path: Path) -> None:
    _complain_and_approve(firm)
    firm.app.store.dispose()
    db = sqlite3.connect(_db_path(firm))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE audit_events SET actor = 'someone-else' WHERE id = 3")
    # Someone with the file itself can drop the trigger; the chain still gives them away.
    db.execute("DROP TRIGGER audit_events_no_update")
    db.execute("UPDATE audit_events SET actor = 'someone-else' WHERE id = 3")
    db.commit()
    db.close()
    config = tmp_path / "mailbot.toml"
    _write_config(firm, config)
    result = subprocess.run([sys.executable, "-m", "mailbot", "audit", "verify", "--config", str(config)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "audit event #3" in result.stdout


def test_purge_removes_content_keeps_register_and_respects_hold(firm: Firm) -> None:
    _complain_and_approve(firm)
    firm.client_writes("Another matter", "Second complaint about the invoice being wrong.", at=T0,
                       sender=firm.dovecot.new_user("client2"))
    firm.run(T0 + timedelta(hours=2))
    closed = T0 + timedelta(days=30)
    with firm.app.store.transaction() as conn:
        conn.execute(cases.update().values(state="closed", closed_at=closed))
        conn.execute(cases.update().where(cases.c.ref == "C-2026-0002").values(legal_hold=True))
    assert purge(firm.app, now=closed + timedelta(days=365 * 5)).cases == [], "not yet six years"
    later = closed + timedelta(days=365 * 6 + 2)
    dry = purge(firm.app, now=later, dry_run=True)
    assert dry.cases == ["C-2026-0001"] and dry.held == ["C-2026-0002"]
    purge(firm.app, now=later)
    with firm.app.store.transaction() as conn:
        one = conn.execute(select(cases).where(cases.c.ref == "C-2026-0001")).one()
        assert one.purged_at is not None and one.category is not None  # the register entry stays
        assert all(r.raw is None for r in conn.execute(select(raw_messages).where(raw_messages.c.case_id == one.id)))
        assert all(r.body is None for r in conn.execute(select(case_messages).where(case_messages.c.case_id == one.id)))
        assert {r.body_text for r in conn.execute(select(outbox).where(outbox.c.case_id == one.id))} == {PURGED}
        held = conn.execute(select(cases).where(cases.c.ref == "C-2026-0002")).one()
        assert held.purged_at is None
        assert any(r.body for r in conn.execute(select(case_messages).where(case_messages.c.case_id == held.id)))
        logged = [r.case_ref for r in conn.execute(select(audit_events).where(audit_events.c.kind == "retention.purged"))]
        assert logged == ["C-2026-0001"]
        assert audit.verify(conn) == []


def test_intake_silence_alerts_compliance_once_and_recovery_too(firm: Firm) -> None:
    from mailbot.service.health import check_intake_health

    firm.run(T0)  # a successful (empty) poll
    assert check_intake_health(firm.app, now=T0 + timedelta(minutes=10)) is None
    assert check_intake_health(firm.app, now=T0 + timedelta(minutes=45)) == "stalled"
    assert check_intake_health(firm.app, now=T0 + timedelta(minutes=50)) is None, "announced once"
    firm.run(T0 + timedelta(minutes=55))  # the poll works again ...
    assert check_intake_health(firm.app, now=T0 + timedelta(minutes=56)) == "recovered"
    firm.run(T0 + timedelta(minutes=57))  # ... and the alerts go out
    subjects = [str(m["Subject"]) for m in firm.inbox(firm.compliance)]
    assert len(subjects) == 2 and "no successful mail check" in subjects[0] and "working again" in subjects[1]


def test_logs_at_info_carry_no_complaint_text_or_client_address(firm: Firm, caplog: pytest.LogCaptureFixture) -> None:
    from mailbot.logs import JsonFormatter

    caplog.set_level("INFO")
    _complain_and_approve(firm)
    formatter = JsonFormatter()
    lines = [formatter.format(r) for r in caplog.records if r.levelno >= 20 and r.name.startswith("mailbot")]
    assert any("case.created" in line for line in lines), "the events are logged"
    for line in lines:
        assert PHRASE not in line and "surveyor" not in line
        assert firm.client.address not in line


def test_monthly_trend_report_reaches_the_compliance_role(firm: Firm) -> None:
    from mailbot.service.trend_report import send_monthly_report

    _complain_and_approve(firm)
    first_of_next_month = datetime(2026, 4, 1, 8, 5, tzinfo=timezone.utc)
    assert send_monthly_report(firm.app, now=first_of_next_month) == 1
    firm.run(first_of_next_month + timedelta(minutes=1))
    (mail,) = [m for m in firm.inbox(firm.compliance) if "trend report" in str(m["Subject"]).lower()]
    assert "March 2026" in str(mail["Subject"])
    html = mail.get_body(("html",)).get_content()
    assert html.count("data:image/png;base64,") >= 5, "the charts travel inside the email"
    assert firm.client.address not in html and PHRASE not in html
