"""Several instances decide the queue of recorded mail side by side on one PostgreSQL database.

What a firm running two instances would check: every message decided exactly once, one case
per client even when a client's flood is split between instances, a client's messages decided
in the order they came, and an instance that does not lead never reads the mailbox.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from sqlalchemy import select, update

from mailbot.cli import wiring
from mailbot.decide_order import address_key
from mailbot.service.context import App
from mailbot.service.decide_queue import MAX_STARTS, decide_queue
from mailbot.service.leader import LeaderLock
from mailbot.service.record import Arrival, Received, take_in
from mailbot.store import Store
from mailbot.store.party_locks import PartyLocks
from mailbot.store.tables import case_messages, cases, outbox, quarantine, raw_messages
from tests.e2e.harness import Firm
from tests.integration.test_intake_exactly_once import build_firm
from tests.servers.dovecot import DovecotServer
from tests.servers.postgres import PgSchema
from tests.servers.smtp import SmtpServer

pytestmark = [pytest.mark.dovecot, pytest.mark.postgres]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
FLOODER = "sam.flood@clients.example"


@pytest.fixture
def firm(dovecot: DovecotServer, smtp_server: SmtpServer, tmp_path: Path,
         pg_schema: PgSchema) -> Iterator[Firm]:
    built = build_firm(dovecot, smtp_server, tmp_path, pg_schema.url_with_schema())
    yield built
    built.app.store.dispose()


def _complaint(sender: str, n: int, at: datetime) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "complaints@harbourvale.example"
    msg["Subject"] = f"Complaint {n}"
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = make_msgid(domain="clients.example")
    msg.set_content(f"Message {n}. I want to complain: my bill is wrong and nobody answers my "
                    "emails about it.")
    return bytes(msg)


def _take_in(app: App, senders: list[str]) -> list[int]:
    """Record one message per sender (in this order) as the leader's take-in would."""
    arrivals = [Arrival(_complaint(s, n, T0 + timedelta(seconds=n)), None,
                        T0 + timedelta(seconds=n)) for n, s in enumerate(senders)]
    taken = take_in(app, arrivals, now=T0 + timedelta(minutes=5))
    return [t.raw_id for t in taken if t.raw_id is not None]


def _statuses(app: App, ids: list[int]) -> list[str]:
    with app.store.transaction() as conn:
        rows = dict(conn.execute(select(raw_messages.c.id, raw_messages.c.status)
                                 .where(raw_messages.c.id.in_(ids))).all())
    return [rows[i] for i in ids]


def _cases_of(app: App, address: str) -> list[int]:
    with app.store.transaction() as conn:
        return list(conn.execute(select(cases.c.id).where(cases.c.client_address == address))
                    .scalars())


def _now() -> datetime:
    return T0 + timedelta(minutes=10)


def test_a_client_another_instance_is_deciding_is_left_to_it_then_decided_in_order(
        firm: Firm, pg_schema: PgSchema) -> None:
    others = [f"client{n}@clients.example" for n in range(6)]
    senders = [FLOODER, others[0], FLOODER, others[1], others[2], FLOODER, others[3], others[4],
               FLOODER, others[5], FLOODER]
    ids = _take_in(firm.app, senders)
    flood = [i for i, s in zip(ids, senders) if s == FLOODER]

    elsewhere = PartyLocks(pg_schema.engine())  # another instance, deciding this client now
    try:
        assert elsewhere.take([address_key(FLOODER)], most=1) == [address_key(FLOODER)]
        decided = decide_queue(firm.app, now=_now)
        assert sorted(r.raw_id for r in decided if r.raw_id) == sorted(set(ids) - set(flood))
        assert _statuses(firm.app, flood) == ["received"] * len(flood), \
            "nothing of a client another instance holds is decided here"
    finally:
        elsewhere.close()

    decided = decide_queue(firm.app, now=_now)
    assert [r.raw_id for r in decided] == flood, "the client's messages, oldest first"
    assert [r.status for r in decided] == ["new_case"] + ["follow_up"] * (len(flood) - 1)
    (case_id,) = _cases_of(firm.app, FLOODER)
    with firm.app.store.transaction() as conn:
        filed = conn.execute(select(case_messages.c.raw_message_id)
                             .where(case_messages.c.case_id == case_id,
                                    case_messages.c.direction == "in")
                             .order_by(case_messages.c.id)).scalars().all()
    assert list(filed) == flood


def test_a_flood_another_instance_is_deciding_does_not_hide_the_clients_behind_it(
        firm: Firm, pg_schema: PgSchema) -> None:
    from mailbot.service.decide_queue import SCAN

    behind = ["ann@clients.example", "bob@clients.example"]
    ids = _take_in(firm.app, [FLOODER] * (SCAN + 10) + behind)
    elsewhere = PartyLocks(pg_schema.engine())
    try:
        elsewhere.take([address_key(FLOODER)], most=1)
        decided = decide_queue(firm.app, now=_now)
    finally:
        elsewhere.close()
    assert [r.raw_id for r in decided] == ids[-2:]
    assert [len(_cases_of(firm.app, who)) for who in behind] == [1, 1]


def test_two_instances_side_by_side_decide_everything_once(
        firm: Firm, pg_schema: PgSchema) -> None:
    """A flood from one client spread over the whole queue, between 120 other clients: two
    instances deciding at once open one case per client and acknowledge each client once."""
    others = [f"client{n}@clients.example" for n in range(120)]
    senders = []
    for n, other in enumerate(others):
        senders.append(other)
        if n % 4 == 0:
            senders.append(FLOODER)
    ids = _take_in(firm.app, senders)
    second = wiring.build_app(firm.config, with_classifier=False)  # its own engine and key
    start = threading.Barrier(2)
    decided: dict[str, list[Received]] = {}
    failed: list[BaseException] = []

    def instance(name: str, app: App) -> None:
        start.wait()
        try:
            decided[name] = decide_queue(app, now=_now)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failed.append(exc)

    try:
        threads = [threading.Thread(target=instance, args=(name, app))
                   for name, app in (("first", firm.app), ("second", second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        second.store.dispose()
    assert not failed, failed
    every = [r.raw_id for results in decided.values() for r in results]
    assert sorted(every) == sorted(ids), "each message decided once, by one instance"
    assert "received" not in _statuses(firm.app, ids)
    assert len(_cases_of(firm.app, FLOODER)) == 1, "one client's flood opens one case"
    with firm.app.store.transaction() as conn:
        opened = conn.execute(select(cases.c.client_address)).scalars().all()
        acks = conn.execute(select(outbox.c.recipients)
                            .where(outbox.c.kind == "acknowledgement")).scalars().all()
    assert Counter(opened) == Counter([*others, FLOODER])
    assert sorted(r[0] if isinstance(r, list) else r for r in acks) == sorted([*others, FLOODER])


def test_a_pass_that_does_not_lead_decides_and_leaves_the_mailbox_alone(
        firm: Firm, pg_schema: PgSchema) -> None:
    """`mailbot run --once` beside a running service: it helps decide; the leader reads mail."""
    ids = _take_in(firm.app, ["ann@clients.example", "bob@clients.example"])
    firm.client_writes("Complaint", "Nobody has answered me for weeks.", at=T0)
    leader = LeaderLock(Store(pg_schema.engine()))
    try:
        assert leader.held()
        report = firm.run(_now())
    finally:
        leader.release()
    assert report.intake.fetched == 0
    assert report.intake.outcomes == {"new_case": 2}
    assert "received" not in _statuses(firm.app, ids)
    assert len(firm.dovecot.fetch_all(firm.complaints, "INBOX")) == 1, "the mail is the leader's"


def test_a_message_that_keeps_stopping_its_decider_is_quarantined(firm: Firm) -> None:
    (raw_id,) = _take_in(firm.app, ["ann@clients.example"])
    with firm.app.store.transaction() as conn:  # started MAX_STARTS times, killed each time
        conn.execute(update(raw_messages).where(raw_messages.c.id == raw_id)
                     .values(decide_attempts=MAX_STARTS))
    (result,) = decide_queue(firm.app, now=_now)
    assert result.status == "quarantined"
    with firm.app.store.transaction() as conn:
        reason = conn.execute(select(quarantine.c.reason)
                              .where(quarantine.c.raw_message_id == raw_id)).scalar_one()
    assert "never finished" in reason


def test_a_deadlock_between_two_instances_is_one_to_try_again(pg_schema: PgSchema) -> None:
    """Two transactions that take two locks in opposite orders: PostgreSQL rolls one back, and
    the queue tries its round again rather than failing the pass (worth_retrying)."""
    from sqlalchemy import text

    from mailbot.store import worth_retrying

    engines = [pg_schema.engine(), pg_schema.engine()]
    faults: list[BaseException] = []
    both_hold = threading.Barrier(2)

    def take(engine_index: int, first: int, second: int) -> None:
        try:
            with engines[engine_index].begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": first})
                both_hold.wait()
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": second})
        except Exception as exc:  # noqa: BLE001 - the one PostgreSQL chose is looked at below
            faults.append(exc)

    threads = [threading.Thread(target=take, args=(0, 9_001, 9_002)),
               threading.Thread(target=take, args=(1, 9_002, 9_001))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for engine in engines:
            engine.dispose()
    assert len(faults) == 1
    assert worth_retrying(faults[0])
    assert not worth_retrying(ValueError("not a database fault"))


def test_the_service_that_does_not_lead_helps_decide(firm: Firm, pg_schema: PgSchema,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`mailbot run` beside a leader: its intake job decides the queue instead of standing by."""
    import asyncio

    from mailbot.service import runner

    ids = _take_in(firm.app, ["ann@clients.example", "bob@clients.example", FLOODER])
    firm.client_writes("Complaint", "Nobody has answered me for weeks.", at=T0)
    monkeypatch.setattr(runner, "HELP_IDLE_SECONDS", 1.0)  # back after a second with no work
    leader = LeaderLock(Store(pg_schema.engine()))
    ours = LeaderLock(firm.app.store)
    try:
        assert leader.held()
        jobs = runner._Jobs(firm.app, wiring.mailbox_source(firm.config), None, ours,
                            runner.StopFlag(), _now)
        asyncio.run(jobs.intake())
    finally:
        ours.release()
        leader.release()
    assert "received" not in _statuses(firm.app, ids)
    assert len(firm.dovecot.fetch_all(firm.complaints, "INBOX")) == 1, "the mail is the leader's"


def test_a_reply_taken_in_while_its_message_waits_is_queued_in_that_clients_line(
        firm: Firm) -> None:
    (first,) = _take_in(firm.app, [FLOODER])
    with firm.app.store.transaction() as conn:
        mid = conn.execute(select(raw_messages.c.message_id)
                           .where(raw_messages.c.id == first)).scalar_one()
    reply = EmailMessage()
    reply["From"] = "colleague@clients.example"
    reply["To"] = "complaints@harbourvale.example"
    reply["Subject"] = "Re: Complaint 0"
    reply["Message-ID"] = make_msgid(domain="clients.example")
    reply["In-Reply-To"] = reply["References"] = f"<{mid}>"
    reply.set_content("I was copied in: all of this is true.")
    (taken,) = take_in(firm.app, [Arrival(bytes(reply), None, T0)], now=T0 + timedelta(minutes=6))
    with firm.app.store.transaction() as conn:
        keys = conn.execute(select(raw_messages.c.order_key).order_by(raw_messages.c.id))
        assert list(keys.scalars()) == [address_key(FLOODER)] * 2
    assert [r.raw_id for r in decide_queue(firm.app, now=_now)] == [first, taken.raw_id]


def test_a_round_rolled_back_by_a_deadlock_is_tried_again_and_not_counted_against_the_mail(
        firm: Firm, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL rolls back one of two instances' transactions that met in opposite orders: the
    round is tried again at once, and the start it cost is not held against its messages (three
    such starts would quarantine a message as one that keeps stopping its decider)."""
    from sqlalchemy.exc import OperationalError

    from mailbot.service import decide_queue as queue

    class Deadlock(Exception):
        sqlstate = "40P01"

    ids = _take_in(firm.app, ["ann@clients.example", "bob@clients.example"])
    real = queue.decide_batch
    calls: list[int] = []

    def deadlocked_once(*args: object, **kwargs: object) -> list[Received]:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("UPDATE cases ...", {}, Deadlock("deadlock detected"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(queue, "decide_batch", deadlocked_once)
    decided = decide_queue(firm.app, now=_now)
    assert [r.status for r in decided] == ["new_case", "new_case"]
    assert len(calls) == 2
    with firm.app.store.transaction() as conn:
        starts = conn.execute(select(raw_messages.c.decide_attempts)
                              .where(raw_messages.c.id.in_(ids))).scalars().all()
    assert list(starts) == [1, 1], "the rolled-back start was taken back"


def test_a_stop_before_a_message_is_decided_is_not_counted_against_it(firm: Firm) -> None:
    """SIGTERM between reading the queue and deciding: the messages wait for the next pass with
    no start held against them (only a start that never finished counts)."""
    ids = _take_in(firm.app, ["ann@clients.example", "bob@clients.example"])
    asked = iter([False, False, True])  # the round begins, the first message, then a stop
    decided = decide_queue(firm.app, now=_now, should_stop=lambda: next(asked, True))
    assert decided == []
    assert _statuses(firm.app, ids) == ["received", "received"]
    with firm.app.store.transaction() as conn:
        starts = conn.execute(select(raw_messages.c.decide_attempts)
                              .where(raw_messages.c.id.in_(ids))).scalars().all()
    assert list(starts) == [0, 0]


def test_party_locks_take_only_as_many_as_wanted_and_skip_those_held(pg_schema: PgSchema) -> None:
    first, second = PartyLocks(pg_schema.engine()), PartyLocks(pg_schema.engine())
    try:
        assert first.take([11, 12, 13, 14], most=2) == [11, 12], "no more than wanted are held"
        assert second.take([11, 12, 13, 14, 15], most=2) == [13, 14]
        assert second.take([11, 15], most=5) == [15]
        first.release()
        assert second.take([11, 12], most=5) == [11, 12], "released parties are free again"
    finally:
        first.close()
        second.close()


def test_a_quarantine_retry_waits_for_the_instance_deciding_that_clients_mail(
        firm: Firm, pg_schema: PgSchema, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mailbot quarantine retry` decides one message outside the queue: it too takes its
    client's lock, so it never decides beside another instance deciding that client."""
    import functools

    from mailbot.errors import MailbotError
    from mailbot.service import decide as deciding
    from mailbot.store import party_locks, raw_mail

    (raw_id,) = _take_in(firm.app, [FLOODER])
    with firm.app.store.transaction() as conn:
        raw_mail.add_quarantine(conn, raw_id, "a parser bug, since fixed", T0)
    monkeypatch.setattr(deciding, "party_locked",
                        functools.partial(party_locks.party_locked, wait_seconds=1.0))
    elsewhere = PartyLocks(pg_schema.engine())
    try:
        elsewhere.take([address_key(FLOODER)], most=1)
        with pytest.raises(MailbotError, match="another instance"):
            deciding.reprocess(firm.app, raw_id, _now())
        assert _statuses(firm.app, [raw_id]) == ["quarantined"], "left as it was"
    finally:
        elsewhere.close()
    assert deciding.reprocess(firm.app, raw_id, _now()).status == "new_case"
