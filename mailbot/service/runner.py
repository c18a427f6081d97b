"""`mailbot run`: one pass, or the long-running service around the same pass.

A pass is: intake (mailbox -> cases and outbox rows), then flush the outbox. The service
repeats it, waiting in IDLE (or sleeping, where the server has no IDLE) between passes, and
stops cleanly after the current message on SIGTERM or Ctrl-C.
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
from .tick import TickReport, deadline_tick


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class RunReport:
    intake: PassReport = field(default_factory=PassReport)
    tick: TickReport = field(default_factory=TickReport)
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


def run_forever(
    app: App,
    mailbox_settings: MailboxSettings,
    smtp_settings: SmtpSettings | None,
    *,
    stop: StopFlag,
    idle_seconds: int = 300,
    clock: Callable[[], datetime] = system_clock,
) -> None:
    failures = 0
    while not stop():
        try:
            with Mailbox(mailbox_settings) as mailbox:
                failures = 0
                while not stop():
                    intake_pass(app, mailbox, now=clock, should_stop=stop)
                    if smtp_settings is not None:
                        asyncio.run(flush_outbox(app, smtp_settings, now=clock()))
                    if stop():
                        break
                    # Wake at least once a minute so retries and approvals go out promptly.
                    mailbox.idle_wait(min(idle_seconds, 60))
        except (MailboxError, MailbotError, OSError) as exc:
            failures += 1
            delay = min(5 * 2**failures, 300)
            log.error("run.pass_failed", extra={"error": type(exc).__name__, "retry_in_s": delay})
            stop._event.wait(delay)  # noqa: SLF001 - interruptible sleep
    log.info("run.stopped")

