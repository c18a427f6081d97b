"""A stored message that kills every pass deciding it is quarantined after a few, not tried first forever.

The kill is simulated by SystemExit from inside the decision (what an out-of-memory kill or a
crash looks like to the record: taken in, never decided); on both engines.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from mailbot.cli import wiring
from mailbot.config import parse_config
from mailbot.service import decide as intake_service
from mailbot.service.record import Arrival, take_in
from mailbot.store import Store
from mailbot.store.tables import cases, quarantine, raw_messages

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _mail(i: int, body: str) -> bytes:
    return (f"From: client{i}@clients.example\r\nTo: complaints@firm.example\r\nSubject: complaint {i}\r\n"
            f"Message-ID: <m{i}@clients.example>\r\n\r\n{body}\r\n").encode()


def test_a_message_that_kills_every_pass_is_quarantined_and_the_rest_go_on(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = wiring.build_app(parse_config({
        "firm": {"name": "F", "complaints_address": "complaints@firm.example", "domain": "firm.example"},
        "approvals": {"authserv_id": "mx.firm.example"},
        "handlers": [{"name": "H", "email": "h@firm.example"}], "paths": {"data_dir": str(tmp_path)}}),
        store=store, with_classifier=False)
    (poison,) = take_in(app, [Arrival(_mail(1, "POISON: my solicitor lost my deeds."))], now=NOW)
    real = intake_service.new_complaint

    def dies_on_poison(conn, app, msg, **kwargs):  # type: ignore[no-untyped-def]
        if "POISON" in msg.text:
            raise SystemExit("killed while deciding")  # not an Exception: nothing catches it, as with a kill
        return real(conn, app, msg, **kwargs)

    monkeypatch.setattr(intake_service, "new_complaint", dies_on_poison)
    passes_killed = 0
    for n in range(5):
        take_in(app, [Arrival(_mail(10 + n, "My solicitor has not replied for a month."))], now=NOW)
        try:
            intake_service.decide_undecided(app, now=lambda: NOW + timedelta(minutes=n), should_stop=lambda: False)
        except SystemExit:
            passes_killed += 1
    # The pass that took it in is not counted (here the record was only taken in): then it gets
    # MAX_LEFTOVER_ATTEMPTS more passes, and the next one sets it aside.
    assert passes_killed == intake_service.MAX_LEFTOVER_ATTEMPTS, "tried a few times, then set aside"
    with store.transaction() as conn:
        status = conn.execute(select(raw_messages.c.status).where(raw_messages.c.id == poison.raw_id)).scalar_one()
        reasons = conn.execute(select(quarantine.c.reason)).scalars().all()
        opened = conn.execute(select(cases.c.client_address)).scalars().all()
    assert status == "quarantined" and reasons and "never finished" in reasons[0]
    assert sorted(opened) == [f"client{10 + n}@clients.example" for n in range(5)], "every other complaint got its case"
    # After the fix, a person retries it (`mailbot quarantine retry`): decided once, like any record.
    monkeypatch.setattr(intake_service, "new_complaint", real)
    assert intake_service.reprocess(app, poison.raw_id, NOW + timedelta(hours=1)).status == "new_case"
    assert intake_service.reprocess(app, poison.raw_id, NOW + timedelta(hours=2)).status == "duplicate"
    with store.transaction() as conn:
        assert conn.execute(select(cases.c.client_address).where(
            cases.c.client_address == "client1@clients.example")).scalars().all() == ["client1@clients.example"]
