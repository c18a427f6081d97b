"""Benchmark: one deadline tick over N open cases (issue 6 target: < 2 s for 100,000).

    .venv/bin/python tests/bench/bench_tick.py --cases 100000 [--db sqlite|postgres] [--handlers 40] [--no-assigned]
        [--boundaries 3] [--profile DIR]

Seeds N open cases received over the last 10 weeks (so every kind of reminder is due for some),
then times a tick over that backlog, one 5 minutes later, and one just after each of the next
--boundaries closes of business (see `_moments`); after each tick, the letters step that writes
the reminders and drafts it queued (as `mailbot run` does). Twice, on a fresh database each
time, with the same cases:

- unassigned: no case has a handler, so the tick records levels and audits them and queues
  nothing but breaches for compliance;
- assigned: after the backlog tick (run unassigned, as in the first pass), every case is given
  one of --handlers handlers, so the later ticks also queue a reminder line per level and a
  draft for many, which the letters step writes: the drafts with their approval requests, and
  one reminder letter per handler. (Assigned by a bench-only UPDATE that leaves updated_at
  alone, so the tick 5 minutes later still has nothing to look at.) A first start with every
  case assigned is not measured: it would draft a letter for most of the N cases.
"""

from __future__ import annotations

import argparse
import cProfile
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import bindparam, func, select, text, update  # noqa: E402

from mailbot.cli import wiring  # noqa: E402
from mailbot.config import parse_config  # noqa: E402
from mailbot.service.deadline_letters import LettersReport, write_deadline_letters  # noqa: E402
from mailbot.service.tick import TickReport, deadline_tick  # noqa: E402
from mailbot.store.tables import cases, outbox  # noqa: E402

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)  # a Monday
# The backlog: every level due over 10 weeks fires at once (only on first start or an import).
_BACKLOG = ("first tick (backlog)", NOW)


def _moments(boundaries: int) -> list[tuple[str, datetime]]:
    """After the backlog: a tick 5 minutes later, then ticks at the day's two boundaries for
    each of the next weekdays: just after local midnight (warnings, holding letters and
    acknowledgements fall due at the start of a day) and just after close of business
    (working-day clocks run out then). In service, a tick every few minutes meets each
    boundary like this; between them, ticks find next to nothing."""
    out = [("tick 5 min later", NOW + timedelta(minutes=5))]
    day = NOW.replace(hour=16, minute=31)  # 17:31 in London (BST)
    while len(out) <= boundaries:
        if day.weekday() < 5:
            if day.date() != NOW.date():
                out.append((f"tick at start of day {day:%a} 00:01", day.replace(hour=23, minute=1) - timedelta(days=1)))
            out.append((f"tick at close of business {day:%a}", day))
        day += timedelta(days=1)
    return out[:boundaries + 1]
    return out


def seed(app, n: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    rows = []
    for i in range(n):
        received = NOW - timedelta(minutes=rng.randint(0, 70 * 24 * 60))
        rows.append({"ref": f"C-2026-{i + 1:06d}", "state": rng.choice(["acknowledged", "investigating", "awaiting_client"]),
                     "client_address": f"client{i}@example.org", "profile": "ew_sra", "received_at": received,
                     "acknowledged_at": received + timedelta(hours=1), "last_client_letter_at": received + timedelta(hours=1),
                     "awaiting_client_since": received + timedelta(days=2), "created_at": received, "updated_at": received,
                     "category": "delay", "urgency": "normal", "flags": [], "secondary_categories": [], "legal_hold": False,
                     "handler_email": None})
    with app.store.transaction() as conn:
        for start in range(0, n, 5000):
            conn.execute(cases.insert(), rows[start:start + 5000])


def assign(app, handlers: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Give every case a handler, round robin, without touching updated_at (bench shortcut)."""
    with app.store.transaction() as conn:
        ids = conn.execute(select(cases.c.id).order_by(cases.c.id)).scalars().all()
        params = [{"cid": case_id, "who": handlers[i % len(handlers)]} for i, case_id in enumerate(ids)]
        conn.execute(update(cases).where(cases.c.id == bindparam("cid")).values(handler_email=bindparam("who")), params)


def refresh_statistics(app) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: ANALYZE the tick's tables, untimed, before each tick. In service, hours pass
    between boundaries and autovacuum re-analyses a table once a tenth of it has changed; here
    the ticks follow each other within seconds of a bulk load, and the planner, left with the
    empty tables' statistics, scans all 100,000 cases for a tick that needs eleven (0.15 s
    instead of 4 ms). Only the tick's tables: the letters tables start empty here (no case has
    a letter), and statistics taken while they are empty would have the letters step scan
    them whole for every draft as they fill (about twice as slow), which a running firm's
    tables, analysed at their real size, do not."""
    if app.store.engine.dialect.name == "postgresql":
        with app.store.transaction() as conn:
            conn.execute(text("ANALYZE cases, case_checks, reminders_fired"))


def outbox_counts(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with app.store.transaction() as conn:
        return dict(conn.execute(select(outbox.c.kind, func.count()).group_by(outbox.c.kind)).all())  # type: ignore[arg-type]


Timing = tuple[str, float, TickReport, float, LettersReport, dict[str, int]]


def _timed(call: Any, profile: Path | None) -> tuple[Any, float]:
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = call()
    seconds = time.perf_counter() - started
    if profiler and profile:
        profiler.disable()
        profile.parent.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(profile)
    return result, seconds


def run(args: argparse.Namespace, *, assigned: bool) -> list[Timing]:
    handlers = [f"h{i:02d}@bench.example" for i in range(args.handlers)]
    with tempfile.TemporaryDirectory() as tmp:
        raw: dict[str, Any] = {
            "firm": {"name": "Bench", "complaints_address": "c@bench.example", "domain": "bench.example"},
            "approvals": {"authserv_id": "mx.bench.example"},
            "handlers": [{"name": f"Handler {i}", "email": email} for i, email in enumerate(handlers)]
            + [{"name": "Compliance", "email": "compliance@bench.example", "roles": ["compliance"]}],
            "paths": {"data_dir": tmp},
        }
        schema = None
        if args.db == "postgres":
            from mailbot.store.sealing import new_key
            from tests.servers.postgres import PgSchema

            schema = PgSchema(args.pg_url)
            key = Path(tmp) / "key"
            key.write_text(new_key())
            raw["database"] = {"url": schema.url_with_schema(), "encryption_key_file": str(key)}
        app = wiring.build_app(parse_config(raw), with_classifier=False)
        timings = []
        try:
            seed(app, args.cases)
            for label, moment in (_BACKLOG, *_moments(args.boundaries)):
                refresh_statistics(app)
                before = outbox_counts(app)
                prof = None
                if args.profile:
                    moment_name = ("backlog", "later", *(f"boundary{i}" for i in range(1, args.boundaries + 1)))[len(timings)]
                    prof = args.profile / f"{args.db}-{'assigned' if assigned else 'unassigned'}-{moment_name}"
                report, seconds = _timed(lambda: deadline_tick(app, now=moment), prof and prof.with_suffix(".tick.prof"))
                letters, letters_seconds = _timed(lambda: write_deadline_letters(app, now=moment),
                                                  prof and prof.with_suffix(".letters.prof"))
                after = outbox_counts(app)
                written = {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k, 0) != before.get(k, 0)}
                timings.append((label, seconds, report, letters_seconds, letters, written))
                if assigned and label == _BACKLOG[0]:
                    assign(app, handlers)
        finally:
            app.store.dispose()
            if schema is not None:
                schema.drop()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--handlers", type=int, default=40, help="handlers sharing the cases in the assigned pass")
    parser.add_argument("--no-assigned", action="store_true", help="run only the unassigned pass")
    parser.add_argument("--boundaries", type=int, default=3, help="boundaries to tick at (starts of day and closes of business, weekdays)")
    parser.add_argument("--profile", type=Path, help="write each timed tick's cProfile stats into this folder "
                        "(the timings then include the profiler's overhead)")
    args = parser.parse_args()
    print(f"db={args.db} open_cases={args.cases} handlers(assigned pass)={args.handlers}", flush=True)
    for assigned in (False, True):
        if assigned and args.no_assigned:
            continue
        name = "assigned" if assigned else "unassigned"
        for label, seconds, report, letters_seconds, letters, written in run(args, assigned=assigned):
            mail = ", ".join(f"{k}={v}" for k, v in sorted(written.items())) or "none"
            if assigned and label == _BACKLOG[0]:
                label += ", unassigned"
            print(f"{name:<10} {label:<38} tick {seconds:6.2f} s  cases looked at={report.evaluated:<7} "
                  f"levels fired={len(report.fired):<6} | letters step {letters_seconds:6.2f} s: {letters.drafted} drafts, "
                  f"{letters.reminders_sent} reminders | outbox rows: {mail}", flush=True)


if __name__ == "__main__":
    main()
