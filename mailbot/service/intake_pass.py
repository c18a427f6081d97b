"""One intake pass over the mailbox: UIDs above the watermark, oldest first, a batch at a time.

Per batch: take it in (record every message in one transaction), move it on the server (one
command per folder), advance the watermark, then decide every message (its case, letters and
audit), up to decide.MAX_BATCH messages per transaction, each in its own savepoint. On SQLite
a batch is decided once the next one is taken in, so its attached documents are read meanwhile
(by child processes, on the machine's other core) rather than while the pass waits. On
PostgreSQL, which other instances may share, each batch is decided at once, through the queue
every instance decides (decide_queue.py), one client at a time: there the database server keeps
the other core busy, and deciding later gained nothing (tests/bench/README.md).

A crash between any two steps is repaired by the next pass: it first decides what was recorded
and left undecided (a batch held for deciding included); the record's dedupe turns a re-fetched
message into a no-op, and the message is then moved.

Before a database reads a mailbox for the first time, it checks that no other database has:
mail already in the processed or quarantine folder means one has, and this database would
hand out its case references again (C-2026-0001 to a second client). It refuses, loudly,
until an admin points it at the right database or adopts the mailbox on purpose
(`mailbot db adopt-mailbox --next-reference ...`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from ..cases import AuditEvent
from ..mailbox import FetchedMessage, Mailbox, MailboxError
from ..store import audit, raw_mail, statistics
from ..store import links as links_q
from ..store.raw_mail import MailboxCoordinates
from .context import App, log
from .decide import Pending, decide_batch, decide_undecided, predictions
from .decide_queue import decide_queue
from .links import system_alert
from .record import (Ahead, Arrival, Outcome, Received, Taken, documents_ahead, receipt_time,
                     take_in)


@dataclass
class PassReport:
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    uidvalidity_changed: bool = False
    taking_in_seconds: float = 0.0  # fetch, read, record, move: until the mail is safe and filed
    deciding_seconds: float = 0.0  # routing, cases, triage, letters

    def count(self, status: str) -> None:
        """Count one message's outcome, for the pass's log line and `run --once`."""
        self.outcomes[status] = self.outcomes.get(status, 0) + 1


def intake_pass(
    app: App,
    mailbox: Mailbox,
    *,
    now: Callable[[], datetime],
    should_stop: Callable[[], bool] = lambda: False,
) -> PassReport:
    """Fetch and process everything new; returns counts per outcome."""
    settings = mailbox.settings
    name = settings.name
    report = PassReport()
    uidvalidity = mailbox.uidvalidity()
    last_uid = _starting_uid(app, mailbox, uidvalidity, report, now)
    leftovers = (decide_queue(app, now=now, should_stop=should_stop) if app.store.shared
                 else decide_undecided(app, now=now, should_stop=should_stop))
    for result in leftovers:
        report.count(result.status)
    held: _TakenIn | None = None  # taken in, its documents being read; decided after the next
    try:
        while not should_stop():
            started = time.perf_counter()
            batch = mailbox.fetch_since(last_uid, settings.batch_size)
            if not batch:
                break
            taken_in = _take_in_batch(app, mailbox, batch, now)
            last_uid = batch[-1].uid
            with app.store.transaction() as conn:
                raw_mail.set_watermark(conn, name, uidvalidity, last_uid, now())
            report.fetched += len(batch)
            report.taking_in_seconds += time.perf_counter() - started
            if app.store.shared:  # the queue decides every record at once: nothing is held
                _decide_batch(app, taken_in, report, now, should_stop)
                continue
            previous, held = held, taken_in
            if previous is not None:
                _decide_batch(app, previous, report, now, should_stop)
        if held is not None:
            last, held = held, None
            _decide_batch(app, last, report, now, should_stop)
    finally:
        if held is not None:  # a fault came first: the next pass decides it from its records
            held.cancel()
    with app.store.transaction() as conn:
        if raw_mail.get_watermark(conn, name) is None:
            raw_mail.set_watermark(conn, name, uidvalidity, last_uid, now())
        raw_mail.touch_watermark(conn, name, now())
    return report


def _starting_uid(app: App, mailbox: Mailbox, uidvalidity: int, report: PassReport,
                  now: Callable[[], datetime]) -> int:
    """The UID to fetch above: the watermark's, or 0 when the mailbox is new to this database,
    adopted, or renumbered by the server (then the dedupe keeps reading it again exactly-once)."""
    name = mailbox.settings.name
    with app.store.transaction() as conn:
        mark = raw_mail.get_watermark(conn, name)
    if mark is None:
        with app.store.transaction() as conn:
            # a crash came before the first watermark
            read_before = links_q.has_mail_from(conn, name)
        if not read_before:
            _refuse_a_mailbox_read_elsewhere(mailbox)
        return 0
    if mark.uidvalidity == uidvalidity:
        return mark.last_uid
    if mark.uidvalidity == ADOPTED:
        with app.store.transaction() as conn:
            raw_mail.set_watermark(conn, name, uidvalidity, 0, now())
        log.info("intake.adopted_mailbox", extra={"mailbox": name})
        return 0
    report.uidvalidity_changed = True
    with app.store.transaction() as conn:
        audit.append(conn, [AuditEvent(
            "intake.uidvalidity_changed", None, "mailbot", now(),
            {"mailbox": name, "old": mark.uidvalidity, "new": uidvalidity})])
        raw_mail.set_watermark(conn, name, uidvalidity, 0, now())
    log.warning("intake.uidvalidity_changed", extra={"mailbox": name})
    return 0


@dataclass(frozen=True)
class _TakenIn:
    """A batch recorded and filed away, waiting for its decisions; its attached documents are
    read meanwhile (record.Ahead), by id of each record still to decide."""

    taken: list[Taken]
    ahead: dict[int, Ahead]

    def cancel(self) -> None:
        for reading in self.ahead.values():
            reading.cancel()


def _take_in_batch(app: App, mailbox: Mailbox, batch: list[FetchedMessage],
                   now: Callable[[], datetime]) -> _TakenIn:
    """Record the batch, start reading its attached documents, file it on the server, and tell
    a person of anything quarantined."""
    name = mailbox.settings.name
    arrivals = [
        Arrival(f.raw, MailboxCoordinates(name, f.uidvalidity, f.uid), f.internaldate, f.size)
        for f in batch
    ]
    taken = take_in(app, arrivals, now=now())
    ahead = {item.raw_id: documents_ahead(app, item.msg) for item in taken
             if item.finished is None and item.raw_id is not None and item.msg is not None}
    _file_away(mailbox, batch, taken)
    _tell_of_quarantine(
        app,
        [t.finished for t in taken if t.finished and t.finished.status is Outcome.QUARANTINED],
        now(),
    )
    return _TakenIn(taken, ahead)


def _decide_batch(app: App, taken_in: _TakenIn, report: PassReport,
                  now: Callable[[], datetime], should_stop: Callable[[], bool]) -> None:
    """Decide what was recorded, a transaction per decide.MAX_BATCH messages (a stop leaves the
    rest for the next pass's leftovers). Where other instances may share the database, through
    the queue that they decide too (decide_queue.py)."""
    started = time.perf_counter()
    for item in taken_in.taken:
        if item.finished is not None:
            report.count(item.finished.status)
    try:
        if app.store.shared:
            for result in decide_queue(app, now=now, should_stop=should_stop,
                                       read_already=taken_in.ahead):
                report.count(result.status)
        else:
            pending = _pending(taken_in, now, should_stop)
            for result in decide_batch(app, pending, now=now, should_stop=should_stop,
                                       predicted=predictions(app, pending)):
                report.count(result.status)
    finally:
        taken_in.cancel()  # whatever a stop or another instance left unread
    _refresh_statistics(app)
    report.deciding_seconds += time.perf_counter() - started


def _pending(taken_in: _TakenIn, now: Callable[[], datetime],
             should_stop: Callable[[], bool]) -> list[Pending]:
    """The batch's records to decide, each with its documents' text, in the order taken in."""
    pending = []
    for item in taken_in.taken:
        reading = taken_in.ahead.get(item.raw_id) if item.raw_id is not None else None
        if reading is None or item.raw_id is None:
            continue
        if should_stop():
            break  # left 'received': reading attached files can take seconds each
        msg = reading.message()
        pending.append(Pending(item.raw_id, msg,
                               receipt_time(item.arrival.internaldate, msg, now())))
    return pending


def _refresh_statistics(app: App) -> None:
    """Keep the planner's statistics up with a backlog: statistics.py says why."""
    with app.store.transaction() as conn:
        due = statistics.tables_due(conn)
        statistics.analyze(conn, due)
    if due:
        log.debug("intake.analyzed", extra={"tables": ",".join(due)})


ADOPTED = 0  # the watermark's UIDVALIDITY after `mailbot db adopt-mailbox`: read it all, no alarm


def _refuse_a_mailbox_read_elsewhere(mailbox: Mailbox) -> None:
    settings = mailbox.settings
    held = {
        folder: mailbox.count(folder)
        for folder in (settings.processed_folder, settings.quarantine_folder)
    }
    if any(held.values()):
        where = ", ".join(
            f"{count} in {mailbox.server_name(folder)!r}" for folder, count in held.items() if count
        )
        raise MailboxError(
            f"this database has never read {settings.name}, yet mailbot has filed mail there "
            f"({where}): another mailbot database has been reading this mailbox, and this one "
            "would give its case references out again",
            kind="setup",
            fix="point database.url (or paths.data_dir) at the database that read it; to start "
            "this database on purpose, run `mailbot db adopt-mailbox --next-reference "
            "C-YYYY-NNNN` with a number above the last reference the firm has issued",
        )


def _tell_of_quarantine(app: App, held: list[Received], now: datetime) -> None:
    """Mail held in quarantine may be a complaint (an unusable sender address, a broken message):
    a person hears of it at once, in one notice per batch, never the mail's own words."""
    if not held:
        return
    reasons = "; ".join(sorted({r.detail for r in held if r.detail}))
    with app.store.transaction() as conn:
        system_alert(
            conn, app, now=now, since=now, cause=reasons or "-",
            title=f"Complaints inbox: {len(held)} message(s) held in quarantine",
            what=f"{len(held)} message(s) that arrived in the complaints inbox could not be "
            "taken in as they are and are held in quarantine with their original bytes. Any of "
            "them may be a complaint that nobody has acknowledged.",
            fix="read them (`mailbot quarantine list`, then `mailbot quarantine show ID`) and "
            "answer the sender another way if one is a complaint; `mailbot quarantine retry ID` "
            "after a fix",
        )


def _file_away(mailbox: Mailbox, batch: list[FetchedMessage], taken: list[Taken]) -> None:
    """Everything taken in leaves the inbox: mail that is not an email to quarantine, the rest to
    processed."""
    settings = mailbox.settings
    for kind, folder in (
        ("quarantine", settings.quarantine_folder),
        ("processed", settings.processed_folder),
    ):
        mailbox.move([f.uid for f, t in zip(batch, taken) if t.folder_kind == kind], folder)
