"""`mailbot run`: one pass, or the long-running service around the same pass.

A pass is: intake (mailbox -> cases and outbox rows), the deadline tick and the letters it
queued, reminders to corrective actions' owners, then flush the outbox. The service repeats
it, waiting in IDLE (or polling, where the server has no IDLE) between passes, and stops
cleanly after the current message on SIGTERM or Ctrl-C. Every connection to a mail server goes
through service/links.py, so the intake job, the IDLE watcher and the outbox obey one
reconnect policy: a refused login is tried once and then left alone until its credentials
change or an admin runs `mailbot retry-login`.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..errors import MailbotError
from ..mailbox import MailboxError
from ..smtp import SmtpSettings
from ..store import DATABASE_FAULT
from ..store import links as links_q
from .actions import remind_owners
from .context import App, log
from .deadline_letters import LettersReport, write_deadline_letters
from .digest import send_digest
from .health import check_intake_health
from .leader import LeaderLock
from .links import MailboxSource, NotNow, current, imap_link, intake_worked, open_mailbox
from .decide_queue import decide_queue
from .intake_pass import PassReport, intake_pass
from .sending import FlushReport, flush_outbox
from .tick import TickReport, deadline_tick
from .trend_report import send_monthly_report
from ..scheduler import Schedule, build_scheduler

BLOCKED_RECHECK_SECONDS = (
    30.0  # how often a blocked link looks for new credentials or a retry order
)
STOP_GRACE_SECONDS = 50.0  # jobs finish the message in hand; systemd's TimeoutStopSec is 60


def system_clock() -> datetime:
    """The real time, UTC; passes take a clock so tests and the demo can move it."""
    return datetime.now(timezone.utc)


@dataclass
class RunReport:
    intake: PassReport = field(default_factory=PassReport)
    tick: TickReport = field(default_factory=TickReport)
    deadline_letters: LettersReport = field(default_factory=LettersReport)
    sending: FlushReport = field(default_factory=FlushReport)
    actions_reminded: int = 0  # corrective actions' owners told what is due (service/actions.py)


def run_once(
    app: App,
    mailbox_settings: MailboxSource,
    smtp_settings: SmtpSettings | None,
    *,
    clock: Callable[[], datetime] = system_clock,
    should_stop: Callable[[], bool] = lambda: False,
) -> RunReport:
    """One pass. An intake failure still lets the tick and the outbox run, then is raised.

    Where another instance leads (PostgreSQL), the pass helps decide what it takes in and sends,
    as `mailbot run` does when not leading: one reader of the mailbox, one tick."""
    report = RunReport()
    leader = LeaderLock(app.store)
    try:
        if not leader.held():
            report.intake = _helping_pass(app, clock, should_stop)
            if smtp_settings is not None and not should_stop():
                report.sending = asyncio.run(
                    flush_outbox(app, smtp_settings, now=clock(), should_stop=should_stop))
            return report
        return _leading_pass(app, mailbox_settings, smtp_settings, report, clock, should_stop)
    finally:
        leader.release()


def _helping_pass(app: App, clock: Callable[[], datetime],
                  should_stop: Callable[[], bool]) -> PassReport:
    """What `run --once` takes in is the leader's to take: it decides what is waiting."""
    intake = PassReport()
    for result in decide_queue(app, now=clock, should_stop=should_stop):
        intake.count(result.status)
    return intake


def _leading_pass(app: App, mailbox_settings: MailboxSource, smtp_settings: SmtpSettings | None,
                  report: RunReport, clock: Callable[[], datetime],
                  should_stop: Callable[[], bool]) -> RunReport:
    intake_error: MailboxError | None = None
    try:
        with open_mailbox(app, mailbox_settings, now=clock) as mailbox:
            report.intake = intake_pass(app, mailbox, now=clock, should_stop=should_stop)
        intake_worked(app, current(mailbox_settings), clock())
    except MailboxError as exc:
        intake_error = exc
    if not should_stop():
        report.tick = deadline_tick(app, now=clock())
    if not should_stop():
        report.deadline_letters = write_deadline_letters(app, now=clock(), should_stop=should_stop)
    if not should_stop():
        report.actions_reminded = remind_owners(app, now=clock())
    if smtp_settings is not None and not should_stop():
        report.sending = asyncio.run(
            flush_outbox(app, smtp_settings, now=clock(), should_stop=should_stop)
        )
    if intake_error is not None:
        raise intake_error
    return report


class StopFlag:
    """Set by SIGTERM/SIGINT; checked between messages so a stop never cuts one in half."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def install(self) -> None:
        """Stop on SIGTERM (systemd) and Ctrl-C after the message in hand, never in the middle of
        one."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.set())

    def set(self) -> None:
        """Ask everything to stop after its current message."""
        self._event.set()

    def __call__(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> None:
        """Sleep up to `seconds`, waking at once when a stop is asked for."""
        self._event.wait(seconds)


def run_forever(
    app: App,
    mailbox_settings: MailboxSource,
    smtp_settings: SmtpSettings | None,
    *,
    stop: StopFlag,
    idle_seconds: int = 30,
    clock: Callable[[], datetime] = system_clock,
) -> None:
    """The service: scheduled jobs, plus an IDLE watcher that runs the intake job at once on new
    mail."""
    asyncio.run(
        _serve(
            app, mailbox_settings, smtp_settings, stop=stop, idle_seconds=idle_seconds, clock=clock
        )
    )
    log.info("run.stopped")


class _Running:
    """How many jobs are in hand, so a stop can wait for them instead of cancelling them."""

    def __init__(self) -> None:
        self.count = 0

    def wrap(self, job: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def tracked() -> None:
            self.count += 1
            try:
                await job()
            finally:
                self.count -= 1

        return tracked


@dataclass
class _Jobs:
    """The scheduled jobs. All but the outbox run only on the instance that holds the leader
    lock, so two instances never read the same mailbox or fire the same deadline twice; the
    others help decide the mail it takes in (PostgreSQL)."""

    app: App
    mailbox_settings: MailboxSource
    smtp_settings: SmtpSettings | None
    leader: LeaderLock
    stop: StopFlag
    clock: Callable[[], datetime]
    announced: threading.Event = field(default_factory=threading.Event)

    async def intake(self) -> None:
        if await asyncio.to_thread(self.leader.held):
            await asyncio.to_thread(_intake_job, self.app, self.mailbox_settings, self.clock,
                                    self.stop, self.announced)
        elif self.app.store.shared:
            await asyncio.to_thread(_help_decide, self.app, self.clock, self.stop)

    async def outbox(self) -> None:
        if self.smtp_settings is not None:
            await flush_outbox(self.app, self.smtp_settings, now=self.clock(),
                               should_stop=self.stop)

    async def tick(self) -> None:
        app, clock = self.app, self.clock
        if await asyncio.to_thread(self.leader.held):
            await asyncio.to_thread(deadline_tick, app, now=clock())
            await asyncio.to_thread(write_deadline_letters, app, now=clock(),
                                    should_stop=self.stop)
            await asyncio.to_thread(remind_owners, app, now=clock())
            await asyncio.to_thread(check_intake_health, app, now=clock())

    async def digest(self) -> None:
        if await asyncio.to_thread(self.leader.held):
            await asyncio.to_thread(send_digest, self.app, now=self.clock())

    async def monthly(self) -> None:
        if await asyncio.to_thread(self.leader.held):
            await asyncio.to_thread(send_monthly_report, self.app, now=self.clock())


async def _serve(
    app: App,
    mailbox_settings: MailboxSource,
    smtp_settings: SmtpSettings | None,
    *,
    stop: StopFlag,
    idle_seconds: int,
    clock: Callable[[], datetime],
) -> None:
    config = app.config
    leader = LeaderLock(app.store)
    running = _Running()
    jobs = _Jobs(app, mailbox_settings, smtp_settings, leader, stop, clock)
    imap = config.imap
    poll_seconds = imap.poll_seconds if imap else 60
    log.info(
        "run.started",
        extra={
            "mailbox": current(mailbox_settings).name,
            "idle_seconds": idle_seconds,
            "sweep_seconds": poll_seconds,
            "smtp": f"{smtp_settings.host}:{smtp_settings.port}" if smtp_settings else "-",
            "max_per_minute": config.smtp_max_per_minute,
        },
    )
    schedule = Schedule(poll_seconds=poll_seconds, timezone=config.firm.timezone)
    scheduler = build_scheduler(
        schedule,
        intake=running.wrap(jobs.intake),
        outbox=running.wrap(jobs.outbox),
        tick=running.wrap(jobs.tick),
        digest=running.wrap(jobs.digest),
        monthly=running.wrap(jobs.monthly),
    )
    scheduler.start()
    loop = asyncio.get_running_loop()
    for job_id in ("intake", "deadlines", "outbox"):
        scheduler.get_job(job_id).modify(next_run_time=datetime.now(scheduler.timezone))

    def wake_intake() -> None:
        loop.call_soon_threadsafe(
            lambda: scheduler.get_job("intake").modify(
                next_run_time=datetime.now(scheduler.timezone)
            )
        )

    watcher = threading.Thread(
        target=_idle_watcher,
        args=(app, mailbox_settings, idle_seconds, stop, wake_intake, clock),
        name="imap-idle",
        daemon=True,
    )
    watcher.start()
    while not stop():
        await asyncio.sleep(0.5)
    # Let the jobs in hand finish their current message rather than cancelling them mid-way
    # (a cancelled job would log a CancelledError traceback and redo its message next time).
    scheduler.pause()
    waited = 0.0
    while running.count and waited < STOP_GRACE_SECONDS:
        await asyncio.sleep(0.1)
        waited += 0.1
    scheduler.shutdown(wait=False)
    leader.release()


def _intake_job(
    app: App,
    source: MailboxSource,
    clock: Callable[[], datetime],
    stop: StopFlag,
    announced: threading.Event,
) -> None:
    try:
        with open_mailbox(app, source, now=clock, announce=not announced.is_set()) as mailbox:
            announced.set()
            intake_pass(app, mailbox, now=clock, should_stop=stop)
        intake_worked(app, current(source), clock())
    except NotNow:
        pass  # the reconnect policy holds the link back; `mailbot status` says why
    except MailboxError:
        pass  # logged with its cause and fix, stored and alerted by service/links.py
    except (MailbotError, OSError) as exc:
        log.error(
            "intake.pass_failed",
            extra={
                "error": type(exc).__name__,
                "cause": str(exc),
                "fix": getattr(exc, "fix", "") or "-",
            },
        )


def _help_decide(app: App, clock: Callable[[], datetime], stop: StopFlag) -> None:
    """Not leading: decide the queue the leader fills (decide_queue.py), until it has stayed
    empty for HELP_IDLE_SECONDS (the next intake job, or new mail seen in IDLE, starts again)."""
    idle = 0.0
    decided = 0
    try:
        while not stop() and idle < HELP_IDLE_SECONDS:
            done = decide_queue(app, now=clock, should_stop=stop)
            decided += len(done)
            if done:
                idle = 0.0
            else:
                stop.wait(HELP_POLL_SECONDS)
                idle += HELP_POLL_SECONDS
    except (MailbotError, DATABASE_FAULT) as exc:
        log.error("intake.helping_failed", extra={
            "error": type(exc).__name__, "fix": getattr(exc, "fix", "") or "-"})
    if decided:
        log.info("intake.helped", extra={"decided": decided})


HELP_IDLE_SECONDS = 10.0
HELP_POLL_SECONDS = 0.5


def _idle_watcher(
    app: App,
    source: MailboxSource,
    idle_seconds: int,
    stop: StopFlag,
    wake: Callable[[], None],
    clock: Callable[[], datetime],
) -> None:
    """IDLE only shortens the wait; the scheduled intake job is the catch-up that never misses."""
    while not stop():
        try:
            with open_mailbox(app, source, now=clock) as mailbox:
                while not stop():
                    if mailbox.idle_wait(idle_seconds):
                        wake()
        except (MailboxError, MailbotError, OSError):
            stop.wait(_pause(app, source, clock))


def _pause(app: App, source: MailboxSource, clock: Callable[[], datetime]) -> float:
    """Until the policy allows the next attempt: the stored backoff, or a recheck while blocked."""
    try:
        with app.store.transaction() as conn:
            state = links_q.get_link(conn, imap_link(current(source)))
    except Exception:  # noqa: BLE001 - the database may be what is down: wait, look again
        return BLOCKED_RECHECK_SECONDS
    if state is None or state.retry_after is None:
        return BLOCKED_RECHECK_SECONDS
    return min(
        max((state.retry_after - clock()).total_seconds(), 1.0), BLOCKED_RECHECK_SECONDS * 10
    )
