"""Benchmark: one deadline tick over N open cases (issue 6 target: < 2 s for 100,000).

    .venv/bin/python tests/bench/bench_tick.py --cases 100000 [--db sqlite|postgres]

Seeds N open cases received over the last 10 weeks (so every kind of reminder is due for some),
then times three ticks (see main) and prints the figures.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mailbot.cli import wiring  # noqa: E402
from mailbot.config import parse_config  # noqa: E402
from mailbot.service.tick import deadline_tick  # noqa: E402
from mailbot.store.tables import cases  # noqa: E402

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


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
                     "handler_email": None})  # unassigned: measures the tick, not the mail it would write
    with app.store.transaction() as conn:
        for start in range(0, n, 5000):
            conn.execute(cases.insert(), rows[start:start + 5000])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        raw = {"firm": {"name": "Bench", "complaints_address": "c@bench.example", "domain": "bench.example"},
               "handlers": [{"name": "H", "email": "h@bench.example"}], "paths": {"data_dir": tmp}}
        schema = None
        if args.db == "postgres":
            from tests.servers.postgres import PgSchema

            schema = PgSchema(args.pg_url)
            raw["database"] = {"url": schema.url_with_schema()}
            key = Path(tmp) / "key"
            from mailbot.store.sealing import new_key

            key.write_text(new_key())
            raw["database"]["encryption_key_file"] = str(key)
        app = wiring.build_app(parse_config(raw), with_classifier=False)
        try:
            seed(app, args.cases)
            timings = []
            # 1: the backlog (every level due over 10 weeks fires at once: only on first start or an import);
            # 2: five minutes later, no boundary passed: only changed cases are looked at;
            # 3: at the next close of business, a boundary: every open case is looked at again.
            for label, moment in (("first tick (backlog)", NOW), ("tick 5 min later", NOW + timedelta(minutes=5)),
                                  ("tick at a boundary", NOW.replace(hour=16, minute=31))):
                started = time.perf_counter()
                report = deadline_tick(app, now=moment)
                timings.append((label, time.perf_counter() - started, report))
        finally:
            app.store.dispose()
            if schema is not None:
                schema.drop()
    print(f"db={args.db} open_cases={args.cases}")
    for label, seconds, report in timings:
        print(f"{label:<22} {seconds:7.2f} s  cases looked at={report.evaluated:<7} levels fired={len(report.fired)}")


if __name__ == "__main__":
    main()
