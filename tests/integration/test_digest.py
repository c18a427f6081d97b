"""The compliance digest on both engines: what the complaints partner reads each morning."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from mailbot.cases import AuditEvent
from mailbot.cli import wiring
from mailbot.config import parse_config
from mailbot.service import tick
from mailbot.service.digest import digest_context, send_digest
from mailbot.store import Store, audit, raw_mail
from mailbot.store.tables import outbox, reminders_fired
from tests.integration.test_reports import HANDLER, add_case, at

NOW = at("2026-05-12 07:00")  # a Tuesday morning
PARTNER = "pat.partner@firm.example"
COMPLIANCE = "cora.compliance@firm.example"


def test_the_digest_names_breaches_new_critical_cases_bounces_and_quarantine(store: Store, tmp_path: Path) -> None:
    app = wiring.build_app(parse_config({
        "firm": {"name": "Example & Co", "complaints_address": "complaints@firm.example", "domain": "firm.example"},
        "approvals": {"authserv_id": "mx.firm.example"},
        "handlers": [{"name": "Hal Jordan", "email": HANDLER},
                     {"name": "Cora Compliance", "email": COMPLIANCE, "roles": ["compliance"]},
                     {"name": "Pat Partner", "email": PARTNER, "roles": ["partner"]}],
        "paths": {"data_dir": str(tmp_path)}}), store=store, with_classifier=False)
    with store.transaction() as conn:
        add_case(conn, "C-2026-0001", NOW - timedelta(weeks=8, days=2), ack=NOW - timedelta(weeks=8, days=2))  # 8 weeks gone
        add_case(conn, "C-2026-0002", NOW - timedelta(hours=3), urgency="critical")
        add_case(conn, "C-2026-0003", NOW - timedelta(days=2), ack=NOW - timedelta(days=2))
        add_case(conn, "C-2026-0004", NOW - timedelta(days=20), ack=NOW - timedelta(days=20), responded=NOW - timedelta(days=1))
        audit.append(conn, [AuditEvent("letter.bounced", "C-2026-0003", "mailbot", NOW - timedelta(hours=1), {"outbox_id": 1})])
        raw_id = raw_mail.record_raw(conn, raw=b"not mail", dedupe_key="q1", content_sha256="q1", message_id=None,
                                   where=None, internaldate=NOW, now=NOW)
        raw_mail.add_quarantine(conn, raw_id, "no From header", NOW)
    tick.deadline_tick(app, now=NOW - timedelta(hours=2))  # the breach of case 1 is recorded overnight

    digest = digest_context(app, now=NOW)

    summary = {line["label"]: line["count"] for line in digest["summary"]}
    assert summary["open cases"] == 3 and summary["open, critical"] == 1
    past = "open past the regulator's deadline with no final response or holding letter in time"
    assert summary[past] == 1
    with store.transaction() as conn:
        fired = conn.execute(select(func.count()).select_from(reminders_fired)).scalar_one()
    assert summary["deadline reminders fired in the last day"] == fired > 0
    assert digest["attention"] == [
        "new critical case C-2026-0002",
        "1 case(s) passed the regulator's deadline in the last day: C-2026-0001",
        "1 letter(s) bounced in the last day",
        "1 message(s) in quarantine (mailbot quarantine list)",
    ]
    assert [c["ref"] for c in digest["cases"]][0] == "C-2026-0002"  # critical first
    assert "C-2026-0004" not in [c["ref"] for c in digest["cases"]]  # answered: not open

    assert send_digest(app, now=NOW) == 2
    with store.transaction() as conn:
        sent = conn.execute(select(outbox.c.recipients, outbox.c.body_text).where(outbox.c.kind == "digest")).all()
    assert sorted(r[0][0] for r in sent) == [COMPLIANCE, PARTNER]
    assert all("passed the regulator's deadline in the last day: C-2026-0001" in body for _to, body in sent)
