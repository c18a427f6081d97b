"""`mailbot run`: one pass, or the long-running service around the same pass.

A pass is: intake (mailbox -> cases and outbox rows), the deadline tick and the letters it
queued, then flush the outbox. The service repeats it, waiting in IDLE (or sleeping, where the
server has no IDLE) between passes, and stops cleanly after the current message on SIGTERM or
Ctrl-C.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from ..errors import MailbotError
from ..mailbox import Mailbox, MailboxError, MailboxSettings
from ..smtp import SmtpSettings
from .context import App, log
from .poll import PassReport, intake_pass
from .sending import FlushReport, flush_outbox
from .deadline_letters import LettersReport, write_deadline_letters
from .tick import TickReport, deadline_tick
from .digest import send_digest
from .health import check_intake_health
from .leader import LeaderLock
from .trend_report import send_monthly_report
from ..scheduler import Schedule, build_scheduler


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class RunReport:
    intake: PassReport = field(default_factory=PassReport)
    tick: TickReport = field(default_factory=TickReport)
    deadline_letters: LettersReport = field(default_factory=LettersReport)
    sending: FlushReport = field(default_factory=FlushReport)


def run_once(
    app: App,
    mailbox_settings: MailboxSettings,
    smtp_settings: SmtpSettings | None,
    *,
    clock: Callable[[], datetime] = system_clock,
    should_stop: Callable[[], bool] = lambda: False,
) -> RunReport:
    report = RunReport()
    with Mailbox(mailbox_settings) as mailbox:
        report.intake = intake_pass(app, mailbox, now=clock, should_stop=should_stop)
    if not should_stop():
        report.tick = deadline_tick(app, now=clock())
    if not should_stop():
        report.deadline_letters = write_deadline_letters(app, now=clock(), should_stop=should_stop)
    if smtp_settings is not None and not should_stop():
        report.sending = asyncio.run(flush_outbox(app, smtp_settings, now=clock()))
    return report


class StopFlag:
    """Set by SIGTERM/SIGINT; checked between messages so a stop never cuts one in half."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def install(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.set())

    def set(self) -> None:
        self._event.set()

    def __call__(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> None:
        self._event.wait(seconds)


def run_forever(
    app: App,
    mailbox_settings: MailboxSettings,
    smtp_settings: SmtpSettings | None,
    *,
    stop: StopFlag,
    idle_seconds: int = 300,
    clock: Callable[[], datetime] = system_clock,
) -> None:
    """The service: scheduled jobs, plus an IDLE watcher that runs the intake job at once on new mail."""
    asyncio.run(_serve(app, mailbox_settings, smtp_settings, stop=stop, idle_seconds=idle_seconds, clock=clock))
    log.info("run.stopped")


async def _serve(app: App, mailbox_settings: MailboxSettings, smtp_settings: SmtpSettings | None, *,
                 stop: StopFlag, idle_seconds: int, clock: Callable[[], datetime]) -> None:
    config = app.config

    leader = LeaderLock(app.store.engine)

    async def intake() -> None:
        if await asyncio.to_thread(leader.held):
            await asyncio.to_thread(_intake_job, app, mailbox_settings, clock, stop)

    async def outbox() -> None:
        if smtp_settings is not None:
            report = await flush_outbox(app, smtp_settings, now=clock())
            if report.stopped:
                log.error("outbox.stopped", extra={"why": report.stopped})

    async def tick() -> None:
        if await asyncio.to_thread(leader.held):
            await asyncio.to_thread(deadline_tick, app, now=clock())
            await asyncio.to_thread(write_deadline_letters, app, now=clock(), should_stop=stop)
            await asyncio.to_thread(check_intake_health, app, now=clock())

    async def digest() -> None:
        if await asyncio.to_thread(leader.held):
            await asyncio.to_thread(send_digest, app, now=clock())

    async def monthly() -> None:
        if await asyncio.to_thread(leader.held):
            await asyncio.to_thread(send_monthly_report, app, now=clock())

    schedule = Schedule(poll_seconds=config.imap.poll_seconds if config.imap else 60, timezone=config.firm.timezone)
    scheduler = build_scheduler(schedule, intake=intake, outbox=outbox, tick=tick, digest=digest, monthly=monthly)
    scheduler.start()
    loop = asyncio.get_running_loop()
    for job_id in ("intake", "deadlines", "outbox"):
        scheduler.get_job(job_id).modify(next_run_time=datetime.now(scheduler.timezone))

    def wake_intake() -> None:
        loop.call_soon_threadsafe(lambda: scheduler.get_job("intake").modify(next_run_time=datetime.now(scheduler.timezone)))

    watcher = threading.Thread(target=_idle_watcher, args=(mailbox_settings, idle_seconds, stop, wake_intake),
                               name="imap-idle", daemon=True)
    watcher.start()
    while not stop():
        await asyncio.sleep(0.5)
    scheduler.shutdown(wait=True)
    leader.release()


def _intake_job(app: App, settings: MailboxSettings, clock: Callable[[], datetime], stop: StopFlag) -> None:
    try:
        with Mailbox(settings) as mailbox:
            intake_pass(app, mailbox, now=clock, should_stop=stop)
    except (MailboxError, MailbotError, OSError) as exc:
        log.error("intake.pass_failed", extra={"error": type(exc).__name__})


def _idle_watcher(settings: MailboxSettings, idle_seconds: int, stop: StopFlag, wake: Callable[[], None]) -> None:
    """IDLE only shortens the wait; the scheduled intake job is the catch-up that never misses."""
    failures = 0
    while not stop():
        try:
            with Mailbox(settings) as mailbox:
                failures = 0
                while not stop():
                    if mailbox.idle_wait(min(idle_seconds, 30)):
                        wake()
        except (MailboxError, MailbotError, OSError) as exc:
            failures += 1
            delay = min(5 * 2**failures, 300)
            log.warning("idle.reconnect", extra={"error": type(exc).__name__, "retry_in_s": delay})
            stop.wait(delay)
