"""APScheduler wiring only: which job runs when. The jobs themselves live in service/.

Every job coalesces missed runs, never overlaps itself (max_instances=1) and tolerates a late
start (misfire grace), because the work is derived from the database each time: a skipped or
late run loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

Job = Callable[[], Awaitable[Any]]
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}


@dataclass(frozen=True)
class Schedule:
    poll_seconds: int
    outbox_seconds: int = 30
    tick_seconds: int = 300
    digest_hour: int = 8
    timezone: str = "Europe/London"


def build_scheduler(schedule: Schedule, *, intake: Job, outbox: Job, tick: Job, digest: Job,
                    monthly: Job) -> AsyncIOScheduler:
    """One scheduler with every job, in the firm's time zone so the digest and the monthly report
    come at local office hours."""
    zone = ZoneInfo(schedule.timezone)
    scheduler = AsyncIOScheduler(timezone=zone, job_defaults=JOB_DEFAULTS)
    scheduler.add_job(intake, IntervalTrigger(seconds=schedule.poll_seconds), id="intake",
                      name="intake pass")
    scheduler.add_job(outbox, IntervalTrigger(seconds=schedule.outbox_seconds), id="outbox",
                      name="outbox flush")
    scheduler.add_job(tick, IntervalTrigger(seconds=schedule.tick_seconds), id="deadlines",
                      name="deadline tick")
    scheduler.add_job(digest, CronTrigger(hour=schedule.digest_hour, minute=0, timezone=zone),
                      id="digest", name="daily digest")
    scheduler.add_job(monthly,
                      CronTrigger(day=1, hour=schedule.digest_hour, minute=5, timezone=zone),
                      id="monthly", name="monthly trend report")
    return scheduler
