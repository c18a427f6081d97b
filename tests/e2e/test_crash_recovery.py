"""Crashes, outages and a locked database, through real servers and the real command line.

The short version of tests/bench/chaos.py: `mailbot run --once` is SIGKILLed at seeded
random points while complaints, follow-ups and handlers' approvals keep arriving; then the
checks a firm would make: one case per complaint, one acknowledgement per client, no
letter but the acknowledgement sent without a handler's approval, nothing left in INBOX,
nothing deleted, the audit chain whole. Then an SMTP server that dies mid-run, and a
database that is briefly locked, unreachable or cut off.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from mailbot.cli.operations import status_report
from mailbot.store.tables import outbox, raw_messages
from tests.bench.chaos import STEP, Child, Launcher, World
from tests.servers.dovecot import DovecotServer, free_port
from tests.servers.smtp import ReceivedMail, SmtpServer

pytestmark = pytest.mark.dovecot

ITERATIONS = 15
SEED = 20260302


@pytest.fixture(scope="module")
def launcher() -> Iterator[Launcher]:
    """Forks `mailbot` children from one process that imported it once (seconds saved per run)."""
    started = Launcher("fork")
    yield started
    started.close()


def make_world(dovecot: DovecotServer, make_smtp_server: Callable[..., SmtpServer], tmp_path: Path,
               launcher: Launcher, db_url: str | None = None) -> World:
    return World(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path, launcher, seed=SEED, db_url=db_url)


@pytest.fixture
def world(dovecot: DovecotServer, make_smtp_server: Callable[..., SmtpServer], tmp_path: Path,
          launcher: Launcher) -> Iterator[World]:
    built = make_world(dovecot, make_smtp_server, tmp_path, launcher)
    yield built
    built.firm.app.store.dispose()


def test_runs_killed_at_random_points_lose_double_and_leak_nothing(world: World) -> None:
    for _ in range(ITERATIONS):
        world.iteration()
    world.settle()
    found = world.check()
    print(found.summary(), world.tally.by_plan)
    assert found.kills > 0, "no run was killed: the test proved nothing"
    assert found.problems == []
    assert found.cases == found.complaints


@pytest.mark.postgres
def test_two_instances_killed_at_random_points_lose_double_and_leak_nothing(
        dovecot: DovecotServer, make_smtp_server: Callable[..., SmtpServer], tmp_path: Path,
        pg_schema: Any) -> None:
    """Each run is two instances on one PostgreSQL database, the second helping decide what the
    first takes in (service/decide_queue.py); the kill takes one of them or both."""
    pair = Launcher("fork", slots=2)
    world = World(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path, pair, seed=SEED,
                  db_url=pg_schema.url_with_schema(), instances=2)
    try:
        for _ in range(ITERATIONS):
            world.iteration()
        world.settle()
        found = world.check()
    finally:
        world.firm.app.store.dispose()
        pair.close()
    print(found.summary(), world.tally.by_plan)
    assert found.kills > 0, "no run was killed: the test proved nothing"
    assert found.problems == []
    assert found.cases == found.complaints


def test_smtp_server_dying_mid_run_leaves_letters_approved_until_it_is_back(
    world: World, dovecot: DovecotServer, make_smtp_server: Callable[..., SmtpServer]
) -> None:
    world.now += STEP
    for _ in range(8):  # 16 letters: the server stops after the second
        world.new_complaint()
    smtp = world.smtp
    relay_name = f"smtp:{smtp.host}:{smtp.port}"
    code = world.run(lambda: world.count("sent") >= 2, lambda _child: smtp.stop())
    assert code == 0, "a refused connection is a temporary failure, not a crash"
    with world.firm.app.store.transaction() as conn:
        rows = list(conn.execute(select(outbox)))
    waiting = [r for r in rows if r.status == "approved"]
    assert waiting, "the server stopped after every letter had gone: nothing was tested"
    # One reconnect policy: the first letter to meet the dead relay records the try, and the
    # flush stops there instead of knocking on a closed door once per letter.
    tried = [r for r in waiting if r.attempts == 1 and r.last_error]
    assert len(tried) == 1 and all(r.attempts == 0 for r in waiting if r not in tried)
    assert not [r for r in rows if r.status == "failed"], "an outage is not a reason to give up on a letter"
    relay = status_report(world.firm.config, world.now)["links"]
    relays = [(link["link"], link["status"]) for link in relay if link["link"].startswith("smtp:")]
    assert relays == [(relay_name, "failing")]

    world.smtp = make_smtp_server(deliver_to=dovecot)  # back, on a new port: the config file is updated
    world.write_config(smtp={"port": world.smtp.port})
    world.settle()
    found = world.check()
    assert found.problems == []
    # A letter in flight when the server died may arrive twice, with one Message-ID that
    # mail programs show once; every other letter arrives exactly once.
    assert found.resent_copies <= 1


class PausingSmtp(SmtpServer):
    """Delivers each letter, then holds back its "250 OK" until released: the moment when the
    letter has reached the client but mailbot does not know it yet."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.delivered = threading.Event()
        self.release = threading.Event()

    def _record(self, mail: ReceivedMail) -> None:
        super()._record(mail)
        self.delivered.set()
        self.release.wait(30)


@pytest.mark.xfail(strict=True, reason=(
    "at-least-once sending: a crash after the SMTP server accepted a letter and before mailbot "
    "committed it as sent resends the letter on the next run (same Message-ID, so a client that "
    "folds duplicates shows one; sending.py documents this trade-off). chaos.py counts these as "
    "resent_copies."))
def test_crash_between_delivery_and_record_still_delivers_the_letter_once(
    dovecot: DovecotServer, tmp_path: Path, launcher: Launcher
) -> None:
    smtp = PausingSmtp(deliver_to=dovecot)
    smtp.start()
    world = World(dovecot, smtp, tmp_path, launcher, seed=SEED)
    try:
        world.now += STEP
        client = world.new_complaint()

        def crash(child: Child) -> None:
            child.kill()
            smtp.release.set()

        assert world.run(smtp.delivered.is_set, crash) < 0, "the run was killed mid-send"
        world.settle()
        letters = [str(m["Message-ID"]) for m in world.firm.inbox(client)]
        assert len(set(letters)) == 1, "one acknowledgement, however many copies"
        assert len(letters) == 1, f"the acknowledgement arrived {len(letters)} times"
    finally:
        world.firm.app.store.dispose()
        smtp.release.set()
        smtp.stop()


def test_database_locked_for_a_moment_only_delays_the_run(world: World) -> None:
    world.now += STEP
    for _ in range(3):
        world.new_complaint()
    database = make_url(world.firm.config.database_url).database
    assert database is not None

    def hold_lock(_child: Child) -> None:
        locker = sqlite3.connect(database, timeout=30)
        locker.execute("BEGIN EXCLUSIVE")
        threading.Event().wait(1.5)  # the run wants to write meanwhile, and waits
        locker.rollback()
        locker.close()

    assert world.run(lambda: world.count("records") >= 1, hold_lock) == 0
    world.settle()
    found = world.check()
    assert found.problems == []


@pytest.mark.postgres
def test_postgres_unreachable_or_cut_off_leaves_nothing_half_done(
    dovecot: DovecotServer, make_smtp_server: Callable[..., SmtpServer], tmp_path: Path, launcher: Launcher,
    pg_schema: Any,
) -> None:
    world = make_world(dovecot, make_smtp_server, tmp_path, launcher, db_url=pg_schema.url_with_schema())
    try:
        world.now += STEP
        for _ in range(3):
            world.new_complaint()
        closed = f"postgresql://postgres@127.0.0.1:{free_port()}/test"
        world.write_config(database={"url": closed})
        assert world.run() != 0, "a run without its database must fail, not carry on"
        assert half_done(world) == []
        assert len(world.firm.dovecot.fetch_all(world.firm.complaints, "INBOX")) == 3, "nothing was moved"
        assert all(world.firm.inbox(c) == [] for c in world.clients), "nothing was sent"

        # Now the database drops the run's connections while it works.
        child_url = f"{pg_schema.url_with_schema()}&application_name=mailbot-chaos-{pg_schema.name}"
        world.write_config(database={"url": child_url})
        world.now += STEP
        for _ in range(4):
            world.new_complaint()

        def cut_off(_child: Child) -> None:
            with world.firm.app.store.transaction() as conn:
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :n"),
                             {"n": f"mailbot-chaos-{pg_schema.name}"})

        world.run(lambda: world.count("records") >= 2, cut_off)  # it may fail or reconnect: both are fine
        assert half_done(world) == []

        world.settle()
        assert half_done(world, settled=True) == []
        found = world.check()
        assert found.problems == []
    finally:
        world.firm.app.store.dispose()


def half_done(world: World, *, settled: bool = False) -> list[str]:
    """Signs of a message handled in part: a decision half applied, a case without its letters.

    A record still 'received' is taken in and queued for its decision (the next pass makes it):
    a problem only once runs have settled.
    """
    problems = []
    with world.firm.app.store.transaction() as conn:
        for row in conn.execute(select(raw_messages.c.id, raw_messages.c.status)):
            if row.status == "deciding":
                problems.append(f"raw message {row.id} left half decided")
            if settled and row.status == "received":
                problems.append(f"raw message {row.id} recorded but never decided")
        letters = list(conn.execute(select(outbox.c.case_id, outbox.c.kind)))
        case_ids = {r.case_id for r in letters} | set(conn.execute(text("SELECT id FROM cases")).scalars())
    for case_id in case_ids:
        kinds = [r.kind for r in letters if r.case_id == case_id]
        if kinds.count("acknowledgement") != 1 or "approval_request" not in kinds:
            problems.append(f"case {case_id} has letters {sorted(kinds)}")
    return problems
