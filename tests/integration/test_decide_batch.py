"""A fetched batch is decided in one transaction, each message in its own savepoint (issue 21).

What a person would check after the pass: a message that breaks deciding is held in quarantine
while the rest of its batch got their cases, letters and audit events; a database that fails
mid-batch leaves every message of the batch waiting, and the next pass decides each exactly
once; a new client's second message in the same batch joins the case the first one opened.
On both engines.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from mailbot.cli import wiring
from mailbot.config import parse_config
from mailbot.service import decide as deciding
from mailbot.service.context import App
from mailbot.service.decide import Pending, decide_batch, decide_undecided
from mailbot.service.record import Arrival, take_in
from mailbot.store import Store, audit
from mailbot.store.tables import audit_events, cases, outbox, quarantine, raw_messages

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
COMPLAINT = "My solicitor has not replied to me for a month about my house purchase."


def _mail(i: int, body: str = COMPLAINT, sender: str | None = None) -> bytes:
    sender = sender or f"client{i}@clients.example"
    return (f"From: {sender}\r\nTo: complaints@firm.example\r\nSubject: complaint {i}\r\n"
            f"Message-ID: <m{i}@clients.example>\r\n\r\n{body}\r\n").encode()


@pytest.fixture
def app(store: Store, tmp_path: Path) -> App:
    return wiring.build_app(parse_config({
        "firm": {"name": "F", "complaints_address": "complaints@firm.example", "domain": "firm.example"},
        "approvals": {"authserv_id": "mx.firm.example"},
        "handlers": [{"name": "H", "email": "h@firm.example"}], "paths": {"data_dir": str(tmp_path)}}),
        store=store, with_classifier=False)


def taken_in(app: App, mail: list[bytes]) -> list[Pending]:
    taken = take_in(app, [Arrival(raw) for raw in mail], now=NOW)
    return [Pending(t.raw_id, t.msg, NOW) for t in taken if t.raw_id is not None and t.msg is not None]


def statuses(store: Store) -> dict[int, str]:
    with store.transaction() as conn:
        rows = conn.execute(select(raw_messages.c.id, raw_messages.c.status).order_by(raw_messages.c.id))
        return {row.id: row.status for row in rows}


def count(store: Store, table: Any) -> int:
    with store.transaction() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def chain_is_whole(store: Store) -> bool:
    with store.transaction() as conn:
        return audit.verify(conn) == []


def test_a_poison_message_mid_batch_is_quarantined_and_the_rest_are_decided(
        app: App, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    pending = taken_in(app, [_mail(1), _mail(2), _mail(3, "POISON " + COMPLAINT), _mail(4), _mail(5)])
    real = deciding.new_complaint

    def fails_on_poison(conn, app, msg, **kwargs):  # type: ignore[no-untyped-def]
        ref = real(conn, app, msg, **kwargs)  # its case, letters and audit events written first...
        if "POISON" in msg.text:
            raise ValueError("a bug met half-way through")  # ...then undone to its savepoint
        return ref

    monkeypatch.setattr(deciding, "new_complaint", fails_on_poison)
    results = decide_batch(app, pending, now=lambda: NOW)

    assert [r.status for r in results] == ["new_case", "new_case", "quarantined", "new_case", "new_case"]
    poison = pending[2].raw_id
    assert statuses(store) == {p.raw_id: "quarantined" if p.raw_id == poison else "processed" for p in pending}
    with store.transaction() as conn:
        clients = sorted(conn.execute(select(cases.c.client_address)).scalars())
        reasons = conn.execute(select(quarantine.c.reason)).scalars().all()
        acks = conn.execute(select(outbox.c.recipients).where(outbox.c.kind == "acknowledgement")).scalars().all()
    assert clients == [f"client{i}@clients.example" for i in (1, 2, 4, 5)], "nothing of the poison's case is left"
    assert len(reasons) == 1 and "ValueError" in reasons[0]
    assert sorted(r[0] for r in acks) == clients
    assert chain_is_whole(store), "the events after the poison chain onto the last one kept"


def test_a_database_fault_mid_batch_leaves_it_waiting_and_the_next_pass_decides_each_once(
        app: App, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    pending = taken_in(app, [_mail(i, ("FAULT " if i == 3 else "") + COMPLAINT) for i in range(1, 6)])
    real = deciding.new_complaint

    def database_fails(conn, app, msg, **kwargs):  # type: ignore[no-untyped-def]
        ref = real(conn, app, msg, **kwargs)
        if "FAULT" in msg.text:
            raise OperationalError("INSERT INTO outbox ...", {}, Exception("disk I/O error"))
        return ref

    monkeypatch.setattr(deciding, "new_complaint", database_fails)
    with pytest.raises(OperationalError):
        decide_batch(app, pending, now=lambda: NOW)
    assert set(statuses(store).values()) == {"received"}, "nothing of the batch is committed"
    assert count(store, cases) == count(store, outbox) == count(store, quarantine) == 0
    assert count(store, audit_events) == 0

    monkeypatch.setattr(deciding, "new_complaint", real)  # the database is back
    results = decide_undecided(app, now=lambda: NOW + timedelta(minutes=1), should_stop=lambda: False)
    again = decide_undecided(app, now=lambda: NOW + timedelta(minutes=2), should_stop=lambda: False)
    assert Counter(r.status for r in results) == {"new_case": 5} and again == []
    assert set(statuses(store).values()) == {"processed"}
    with store.transaction() as conn:
        clients = conn.execute(select(cases.c.client_address)).scalars().all()
        acks = conn.execute(select(outbox.c.recipients).where(outbox.c.kind == "acknowledgement")).scalars().all()
    assert sorted(clients) == [f"client{i}@clients.example" for i in range(1, 6)]
    assert sorted(r[0] for r in acks) == sorted(clients), "each client acknowledged once"
    assert chain_is_whole(store)


def test_a_new_clients_second_message_in_the_same_batch_joins_the_first_ones_case(app: App, store: Store) -> None:
    same = "sam@clients.example"
    pending = taken_in(app, [_mail(1, sender=same), _mail(2), _mail(3, "And another thing.", sender=same)])
    results = decide_batch(app, pending, now=lambda: NOW)
    assert [r.status for r in results] == ["new_case", "new_case", "follow_up"]
    assert results[2].case_ref == results[0].case_ref
    with store.transaction() as conn:
        clients = conn.execute(select(cases.c.client_address)).scalars().all()
    assert sorted(clients) == ["client2@clients.example", same], "one case per client"


def test_a_stop_mid_batch_commits_what_was_decided_and_leaves_the_rest(app: App, store: Store) -> None:
    pending = taken_in(app, [_mail(i) for i in range(1, 5)])
    asked = iter([False, False, True])
    results = decide_batch(app, pending, now=lambda: NOW, should_stop=lambda: next(asked, True))
    assert [r.status for r in results] == ["new_case", "new_case"]
    assert list(statuses(store).values()) == ["processed", "processed", "received", "received"]
    rest = decide_undecided(app, now=lambda: NOW, should_stop=lambda: False)
    assert [r.status for r in rest] == ["new_case", "new_case"]
    assert count(store, cases) == 4 and chain_is_whole(store)


def test_a_batch_larger_than_a_transaction_is_decided_in_several(
        app: App, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deciding, "MAX_BATCH", 2)
    pending = taken_in(app, [_mail(i) for i in range(1, 6)])
    assert [r.status for r in decide_batch(app, pending, now=lambda: NOW)] == ["new_case"] * 5
    assert set(statuses(store).values()) == {"processed"} and chain_is_whole(store)
