"""How fast is intake, and how far is it from the floor? Messages per second and peak memory.

Loads N generated complaints (tests/bench/genmail.py) into a throwaway Dovecot, then measures
in a fresh child process each:
  floor    imapclient fetches the mailbox in batches and `email` parses every message
           (BytesParser(policy=default)): the least any IMAP intake in Python can do;
  mailbot  `intake_pass` over the same mail into a fresh database (SQLite, or PostgreSQL
           with --db postgres): record, parse, route, triage, open the case, queue the
           acknowledgement and the approval request, audit, move; up to 50 decisions per
           transaction, a savepoint per message (service/decide.py).
The clock starts after imports and setup, so messages/s is the steady rate; peak RSS is the
child's own high-water mark, so it includes the imports (and the classifier, when loaded).

    python -m tests.bench.bench_intake --n 1000 --n 2000 [--db sqlite --db postgres] [--no-classifier]

Every complainant is new, and the per-hour acknowledgement limit is raised, so every message
takes the full new-case path (the heaviest one).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]


# children ----------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    """This program's own peak resident memory (VmHWM).

    Not ru_maxrss alone: Linux carries the parent's peak across fork+exec into the child's
    ru_maxrss, so a child of this (message-holding) parent would report the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_floor(spec: dict[str, Any]) -> dict[str, Any]:
    from email.parser import BytesParser
    from email.policy import default

    from imapclient import IMAPClient

    parser = BytesParser(policy=default)
    ready = _peak_rss_mb()
    started = time.perf_counter()
    parsed = 0
    with IMAPClient(spec["host"], spec["port"], ssl=False, timeout=60) as client:
        client.login(spec["username"], spec["password"])
        client.select_folder("INBOX", readonly=True)
        uids = sorted(client.search(["ALL"]))
        for start in range(0, len(uids), spec["batch_size"]):
            batch = uids[start : start + spec["batch_size"]]
            data = client.fetch(batch, ["BODY.PEEK[]", "INTERNALDATE"])
            for uid in batch:
                parser.parsebytes(data[uid][b"BODY[]"])
                parsed += 1
    return {"seconds": time.perf_counter() - started, "messages": parsed, "ready_mb": ready, "peak_mb": _peak_rss_mb()}


def child_mailbot(spec: dict[str, Any]) -> dict[str, Any]:
    from mailbot.cli import wiring
    from mailbot.config import parse_config
    from mailbot.mailbox import Mailbox
    from mailbot.service.intake_pass import intake_pass

    config = parse_config(spec["config"])
    app = wiring.build_app(config, with_classifier=spec["classifier"])
    now = datetime.fromisoformat(spec["now"])
    ready = _peak_rss_mb()
    profile = cProfile.Profile() if spec.get("profile") else None
    started = time.perf_counter()
    if profile:
        profile.enable()
    with Mailbox(wiring.mailbox_settings(config)) as mailbox:
        report = intake_pass(app, mailbox, now=lambda: now)
    seconds = time.perf_counter() - started
    if profile:
        profile.disable()
        profile.dump_stats(spec["profile"])
    app.store.dispose()
    return {"seconds": seconds, "messages": report.fetched, "outcomes": report.outcomes, "ready_mb": ready,
            "taking_in_seconds": report.taking_in_seconds, "deciding_seconds": report.deciding_seconds,
            "peak_mb": _peak_rss_mb(), "classifier": app.triage.classifier is not None}


def run_child(kind: str, spec: dict[str, Any], log: Path) -> dict[str, Any]:
    """A fresh interpreter per measurement, so its peak RSS is this measurement's alone."""
    with log.open("wb") as err:
        out = subprocess.run([sys.executable, "-m", "tests.bench.bench_intake", f"--child={kind}"],
                             input=json.dumps(spec).encode(), stdout=subprocess.PIPE, stderr=err, cwd=REPO,
                             check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} child failed ({out.returncode}); see {log}")
    result: dict[str, Any] = json.loads(out.stdout.decode().strip().splitlines()[-1])
    return result


# the parent ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    n: int
    what: str
    messages: int
    seconds: float
    ready_mb: float
    peak_mb: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def mailbot_config(tmp: Path, user: Any, db_url: str, key: Path, batch_size: int) -> dict[str, Any]:
    secret = tmp / "imap.secret"
    secret.write_text(user.password)
    return {
        "firm": {"name": "Bench & Co", "complaints_address": user.address, "domain": user.address.split("@")[1],
                 "timezone": "Europe/London", "country": "GB", "subdivision": "ENG", "profile": "ew_sra"},
        "imap": {"host": user.host, "port": user.port, "security": "none", "username": user.username,
                 "password_file": str(secret), "batch_size": batch_size, "timeout_seconds": 60},
        "database": {"url": db_url, "encryption_key_file": str(key)},
        "paths": {"data_dir": str(tmp / "var")},
        "intake": {"auto_reply_limit_per_hour": 10**9},
        "approvals": {"authserv_id": "mx." + user.address.split("@")[1]},
        "handlers": [{"name": "Priya Shah", "email": "priya@bench.example", "roles": ["handler"]},
                     {"name": "Tom Reilly", "email": "tom@bench.example", "roles": ["handler"]}],
    }


def measure(n: int, dbs: list[str], *, classifier: bool, batch_size: int, seed: int, mix: bool,
            profile: Path | None = None) -> list[Row]:
    """The floor, then mailbot on each database, each on its own copy of the same N messages."""
    from tests.bench import genmail
    from tests.servers.dovecot import DovecotServer, ImapUser

    with DovecotServer() as dovecot:
        def loaded(prefix: str) -> ImapUser:
            user = dovecot.new_user(prefix)
            make = genmail.mailbox_mix if mix else genmail.complaints
            mail = make(n, seed=seed, to=user.address, start=T0, spacing=timedelta(seconds=1))
            genmail.deliver(user.host, user.port, user.username, user.password, "INBOX", mail)
            return user

        tmp = Path(tempfile.mkdtemp(prefix="mailbot-bench-"))
        try:
            user = loaded("floor")
            spec = {"host": user.host, "port": user.port, "username": user.username, "password": user.password,
                    "batch_size": batch_size}
            got = run_child("floor", spec, tmp / "floor.log")
            rows = [Row(n, "floor: imapclient fetch + email parse", got["messages"], got["seconds"], got["ready_mb"],
                        got["peak_mb"])]
            for db in dbs:
                stats = profile.resolve() / f"intake-{db}-{n}.prof" if profile else None
                rows.extend(_mailbot(n, db, loaded(f"mailbot-{db}"), tmp / db, classifier=classifier,
                                     batch_size=batch_size, profile=stats))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return rows


def _mailbot(n: int, db: str, user: Any, work: Path, *, classifier: bool, batch_size: int,
             profile: Path | None = None) -> list[Row]:
    from cryptography.fernet import Fernet

    from tests.servers.postgres import PgSchema

    work.mkdir()
    key = work / "data.key"
    key.write_text(Fernet.generate_key().decode() + "\n")
    schema = PgSchema() if db == "postgres" else None
    url = schema.url_with_schema() if schema else f"sqlite:///{work / 'mailbot.sqlite3'}"
    try:
        spec = {"config": mailbot_config(work, user, url, key, batch_size), "classifier": classifier,
                "now": (T0 + timedelta(seconds=n + 60)).isoformat(), "profile": str(profile) if profile else None}
        got = run_child("mailbot", spec, work / "child.log")
    finally:
        if schema is not None:
            schema.drop()
    note = f"classifier={'loaded' if got['classifier'] else 'none'} outcomes={got['outcomes']}"
    # One pass, two clocks: taking in (fetch, read, record, move) ends when the mail is safe and
    # filed; the whole pass also decides every message (case, triage, letters, audit).
    return [Row(n, f"mailbot take-in ({db})", got["messages"], got["taking_in_seconds"], got["ready_mb"],
                got["peak_mb"]),
            Row(n, f"mailbot whole pass ({db})", got["messages"], got["seconds"], got["ready_mb"], got["peak_mb"], note)]


def table(rows: list[Row]) -> str:
    head = f"| {'N':>6} | {'what':<40} | {'msgs':>6} | {'seconds':>8} | {'msgs/s':>8} | {'RSS ready MB':>12} | {'peak RSS MB':>11} |"
    lines = [head, "|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|"]
    for r in rows:
        lines.append(f"| {r.n:>6} | {r.what:<40} | {r.messages:>6} | {r.seconds:>8.1f} | {r.rate:>8.1f} | "
                     f"{r.ready_mb:>12.0f} | {r.peak_mb:>11.0f} |")
    notes = [f"  {r.n} {r.what}: {r.note}" for r in rows if r.note]
    return "\n".join(lines + notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Intake throughput and peak memory against Dovecot.")
    parser.add_argument("--n", type=int, action="append", help="messages to load (repeatable; default 2000)")
    parser.add_argument("--db", action="append", choices=("sqlite", "postgres", "none"),
                        help="repeatable; default sqlite; 'none' measures only the floor")
    parser.add_argument("--no-classifier", action="store_true", help="build the app without the triage classifier")
    parser.add_argument("--batch-size", type=int, default=100, help="IMAP fetch batch (mailbot's imap.batch_size)")
    parser.add_argument("--mix", action="store_true", help="the awkward mix (duplicates, no Message-ID, ...) instead")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="write each mailbot child's cProfile stats into this folder")
    parser.add_argument("--child", choices=("floor", "mailbot"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(sys.stdin.read())
        result = child_floor(spec) if args.child == "floor" else child_mailbot(spec)
        print(json.dumps(result))
        return 0
    rows: list[Row] = []
    for n in args.n or [2000]:
        dbs = [db for db in (args.db or ["sqlite"]) if db != "none"]
        rows += measure(n, dbs, classifier=not args.no_classifier, batch_size=args.batch_size,
                        seed=args.seed, mix=args.mix, profile=args.profile)
        print(table(rows), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
