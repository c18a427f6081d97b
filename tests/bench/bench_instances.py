"""Several mailbot instances sharing one PostgreSQL database: intake rate, memory, exactly-once.

Loads N generated complaints into a throwaway Dovecot, then starts K instances (fresh child
interpreters) against one fresh PostgreSQL schema. Each does what `mailbot run` does for
intake: while it holds the leader lock (service/leader.py), it runs intake passes; otherwise
it decides the queue of recorded mail (service/decide_queue.py). All start together (a
barrier), so they really compete. The clock runs from the start signal until every message is
decided; afterwards the parent checks that each message became exactly one record and each
complainant exactly one case, and prints what each instance fetched and decided.

    python -m tests.bench.bench_instances --n 2000 --instances 1 --instances 2 --instances 4
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.bench.bench_intake import REPO, T0, Row, _peak_rss_mb, mailbot_config, run_child, table


def child_instance(spec: dict[str, Any]) -> dict[str, Any]:
    from datetime import datetime

    from sqlalchemy import func, select

    from mailbot.cli import wiring
    from mailbot.config import parse_config
    from mailbot.mailbox import Mailbox
    from mailbot.service.leader import LeaderLock
    from mailbot.service.decide_queue import decide_queue
    from mailbot.service.intake_pass import intake_pass
    from mailbot.store.tables import raw_messages

    config = parse_config(spec["config"])
    app = wiring.build_app(config, with_classifier=spec["classifier"])
    now = datetime.fromisoformat(spec["now"])
    leader = LeaderLock(app.store)
    ready = _peak_rss_mb()
    Path(spec["ready"]).touch()
    while not Path(spec["go"]).exists():
        time.sleep(0.01)

    def all_decided() -> bool:
        with app.store.transaction() as conn:
            done = conn.execute(select(func.count()).select_from(raw_messages)
                                .where(raw_messages.c.status.notin_(["received", "deciding"]))).scalar_one()
        return int(done) >= spec["expect"]

    started = time.perf_counter()
    passes = fetched = decided = 0
    taking_in = 0.0
    while True:
        if leader.held():
            with Mailbox(wiring.mailbox_settings(config)) as mailbox:
                report = intake_pass(app, mailbox, now=lambda: now)
            passes += 1
            fetched += report.fetched
            decided += sum(report.outcomes.values()) - report.outcomes.get("duplicate", 0)
            taking_in += report.taking_in_seconds
            if report.fetched == 0 and all_decided():
                break
        elif helped := decide_queue(app, now=lambda: now):
            decided += len(helped)  # what `mailbot run` does when not leading (service/runner.py)
        elif all_decided():
            break
        else:
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    leader.release()
    app.store.dispose()
    return {"seconds": seconds, "passes": passes, "fetched": fetched, "decided": decided,
            "taking_in_seconds": taking_in, "ready_mb": ready,
            "peak_mb": _peak_rss_mb()}


def run_instances(k: int, n: int, user: Any, work: Path, *, classifier: bool, batch_size: int) -> list[Row]:
    from cryptography.fernet import Fernet
    from sqlalchemy import func, select

    from mailbot.store.tables import cases, raw_messages
    from tests.servers.postgres import PgSchema

    work.mkdir()
    key = work / "data.key"
    key.write_text(Fernet.generate_key().decode() + "\n")
    schema = PgSchema()
    try:
        config = mailbot_config(work, user, schema.url_with_schema(), key, batch_size)
        children = []
        for i in range(k):
            spec = {"config": config, "classifier": classifier, "now": (T0 + timedelta(seconds=n + 60)).isoformat(),
                    "ready": str(work / f"ready-{i}"), "go": str(work / "go"), "expect": n}
            log = (work / f"instance-{i}.log").open("wb")
            child = subprocess.Popen([sys.executable, "-m", "tests.bench.bench_instances", "--child"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, cwd=REPO)
            assert child.stdin is not None
            child.stdin.write(json.dumps(spec).encode())
            child.stdin.close()
            children.append(child)
        while not all((work / f"ready-{i}").exists() for i in range(k)):
            if any(c.poll() not in (None, 0) for c in children):
                raise RuntimeError(f"an instance failed to start; see {work}/instance-*.log")
            time.sleep(0.05)
        (work / "go").touch()
        results = []
        for i, child in enumerate(children):
            assert child.stdout is not None
            out = child.stdout.read().decode()
            if child.wait() != 0:
                raise RuntimeError(f"instance {i} failed ({child.returncode}); see {work}/instance-{i}.log")
            results.append(json.loads(out.strip().splitlines()[-1]))
        engine = schema.engine()
        with engine.connect() as conn:
            records = conn.execute(select(func.count()).select_from(raw_messages)).scalar_one()
            opened = conn.execute(select(func.count()).select_from(cases)).scalar_one()
            clients = conn.execute(select(func.count(cases.c.client_address.distinct()))).scalar_one()
        engine.dispose()
    finally:
        schema.drop()
    seconds = max(r["seconds"] for r in results)
    note = (f"records={records} cases={opened} distinct clients={clients} (want {n} each); "
            f"fetched per instance={[r['fetched'] for r in results]}, "
            f"decided per instance={[r['decided'] for r in results]}")
    if not records == opened == clients == n:
        raise RuntimeError(f"exactly-once broken with {k} instances: {note}")
    ready, peak = max(r["ready_mb"] for r in results), max(r["peak_mb"] for r in results)
    return [Row(n, f"mailbot take-in (postgres, {k} inst.)", n, sum(r["taking_in_seconds"] for r in results), ready, peak),
            Row(n, f"mailbot whole pass (postgres, {k} inst.)", n, seconds, ready, peak, note)]


def measure(n: int, counts: list[int], *, classifier: bool, batch_size: int, seed: int) -> list[Row]:
    from tests.bench import genmail
    from tests.servers.dovecot import DovecotServer

    rows: list[Row] = []
    with DovecotServer() as dovecot:
        tmp = Path(tempfile.mkdtemp(prefix="mailbot-instances-"))
        try:
            # The floor in the same run, on its own copy of the same mail (bench_intake.py).
            user = dovecot.new_user("floor")
            mail = genmail.complaints(n, seed=seed, to=user.address, start=T0, spacing=timedelta(seconds=1))
            genmail.deliver(user.host, user.port, user.username, user.password, "INBOX", mail)
            got = run_child("floor", {"host": user.host, "port": user.port, "username": user.username,
                                      "password": user.password, "batch_size": batch_size}, tmp / "floor.log")
            rows.append(Row(n, "floor: imapclient fetch + email parse", got["messages"], got["seconds"],
                            got["ready_mb"], got["peak_mb"]))
            for k in counts:
                user = dovecot.new_user(f"inst{k}")
                mail = genmail.complaints(n, seed=seed, to=user.address, start=T0, spacing=timedelta(seconds=1))
                genmail.deliver(user.host, user.port, user.username, user.password, "INBOX", mail)
                rows.extend(run_instances(k, n, user, tmp / f"k{k}", classifier=classifier, batch_size=batch_size))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Several instances on one PostgreSQL database.")
    parser.add_argument("--n", type=int, default=2000, help="messages to load")
    parser.add_argument("--instances", type=int, action="append", help="repeatable; default 1 and 2")
    parser.add_argument("--no-classifier", action="store_true")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child_instance(json.loads(sys.stdin.read()))))
        return 0
    rows = measure(args.n, args.instances or [1, 2], classifier=not args.no_classifier, batch_size=args.batch_size,
                   seed=args.seed)
    print(table(rows), flush=True)
    for row in rows[1:]:
        if "whole pass" in row.what:
            print(f"  {row.what}: {row.rate / rows[0].rate:.1%} of the floor", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
