"""Deciding the queue of recorded mail side by side with other instances (PostgreSQL).

Take-in stays with the leader (one reader of the mailbox; it runs near the floor), but deciding
is most of a pass's time, and every instance can do it. A round: look at the parties (order
keys, decide_order.py) of the oldest undecided records, lock as many as are free (a session
advisory lock each, store/party_locks.py), read those parties' undecided records oldest first,
count one start of deciding for each, read them (attached files too) and classify them outside
any transaction, and decide them as a pass decides a batch (decide.decide_batch: claimed in the
transaction that applies them, so exactly once whatever happens between). Then let the parties
go. With a party locked, nobody else is deciding its mail, so the records read are all there
is, and the oldest goes first: one client's flood is decided by one instance, in order.

A process that dies lets its locks go with its session; its records, still 'received', are
counted on their next start, and one that has stopped its decider too often is quarantined
(as decide.decide_undecided does on one instance).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from ..errors import MalformedMessage
from ..store import DATABASE_FAULT, raw_mail, worth_retrying
from ..store.party_locks import PartyLocks
from .context import App, log
from .decide import (MAX_BATCH, MAX_LEFTOVER_ATTEMPTS, Pending, decide_batch, poisoned,
                     predictions)
from .record import Ahead, Received, documents_ahead, quarantine, read, receipt_time

SCAN = 4 * MAX_BATCH  # parties with undecided mail looked at for free ones, per round
# Every start is counted here, the first included (decide_undecided counts from the second).
MAX_STARTS = MAX_LEFTOVER_ATTEMPTS + 1
MAX_RETRIES = 5  # rounds rolled back by a deadlock, per call, before the fault is raised


def decide_queue(app: App, *, now: Callable[[], datetime],
                 should_stop: Callable[[], bool] = lambda: False,
                 read_already: Mapping[int, Ahead] | None = None) -> list[Received]:
    """Decide undecided records, round after round, until none is left that another instance
    is not deciding. `read_already`: records this instance has just taken in, by id, so they
    are not read again (their attached documents already being read)."""
    results: list[Received] = []
    locks = PartyLocks(app.store.engine)
    retries = 0
    try:
        while not should_stop():
            with app.store.transaction() as conn:
                front = raw_mail.queue_front(conn, limit=SCAN)
            parties = locks.take(front, most=MAX_BATCH)
            if not parties:
                break  # nothing undecided, or all of it in other instances' hands
            rows: list[raw_mail.Queued] = []
            try:
                with app.store.transaction() as conn:
                    rows = raw_mail.queued_of(conn, parties, limit=MAX_BATCH)
                    starts = raw_mail.count_attempts(conn, [row.id for row in rows])
                done = _decide_rows(app, rows, starts, read_already or {}, now, should_stop)
                results.extend(done)
                decided = {result.raw_id for result in done}
                if len(decided) < len(rows):  # a stop came first: not a start that failed
                    with app.store.transaction() as conn:
                        raw_mail.uncount_attempts(
                            conn, [row.id for row in rows if row.id not in decided])
            except DATABASE_FAULT as exc:
                # Two instances' transactions can meet on a shared row in opposite orders (a
                # handler's reply and its client's mail, say); PostgreSQL rolls one back whole.
                retries += 1
                if not worth_retrying(exc) or retries > MAX_RETRIES:
                    raise
                log.warning("intake.decide_retried", extra={"error": type(exc).__name__})
                with app.store.transaction() as conn:
                    raw_mail.uncount_attempts(conn, [row.id for row in rows])
            finally:
                locks.release()
    finally:
        locks.close()
    return results


def _decide_rows(app: App, rows: list[raw_mail.Queued], starts: Mapping[int, int],
                 read_already: Mapping[int, Ahead], now: Callable[[], datetime],
                 should_stop: Callable[[], bool]) -> list[Received]:
    """Read and classify outside any transaction, then decide as a pass's batch is decided."""
    results: list[Received] = []
    pending: list[Pending] = []
    for row in rows:
        if should_stop():
            break  # left 'received': reading attached files can take seconds each
        if starts.get(row.id, 0) > MAX_STARTS:
            with app.store.transaction() as conn:
                results.append(poisoned(conn, row.id, starts[row.id], now()))
            continue
        ahead = read_already.get(row.id)
        if ahead is None:
            try:
                ahead = documents_ahead(app, read(app, row.raw or b""))
            except MalformedMessage as exc:
                with app.store.transaction() as conn:
                    results.append(quarantine(conn, row.id, exc.reason, now()))
                continue
        msg = ahead.message()
        pending.append(Pending(row.id, msg, receipt_time(row.internaldate, msg, now())))
    results.extend(decide_batch(app, pending, now=now, should_stop=should_stop,
                                predicted=predictions(app, pending)))
    return results
