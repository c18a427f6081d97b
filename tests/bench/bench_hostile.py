"""Memory under hostile mail: peak RSS for the worst single messages, and RSS over a stream of them.

Each case runs in a fresh child process that wires mailbot as the CLI does (SQLite, the shipped
classifier) and hands messages to `service.decide.receive` (take-in and decision, exactly as a
pass does), then prints its peak resident memory (VmHWM) and current resident memory (VmRSS):

  word-2MB / word-10MB   one complaint whose body is a single 2 MB (10 MB) "word"
  oversize-60MB          a 60 MB message (above intake.max_message_bytes): kept unread, quarantined
  stream                 N hostile complaints in a row (long words, huge lines, many short lines,
                         deep quoting), RSS printed every 10 messages: it should stay flat

    python -m tests.bench.bench_hostile [--stream 60]

Before the caps (commit 50d0594) the outside test measured 1.1 GB for the 2 MB word and 4.8 GB
for 10 MB, and about 350 MB kept per such message in a running service.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _status(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _mail(i: int, body: str) -> bytes:
    return (f"From: Client {i} <client{i}@clients.example>\r\nTo: complaints@bench.example\r\n"
            f"Subject: complaint {i}\r\nMessage-ID: <hostile{i}@clients.example>\r\n"
            f"Date: Mon, 02 Mar 2026 09:00:00 +0000\r\n\r\n{body}\r\n").encode()


def _hostile_body(i: int, rng: random.Random) -> str:
    kind = i % 4
    if kind == 0:  # one long random word
        return "".join(rng.choices(string.ascii_letters, k=1_000_000))
    if kind == 1:  # a huge single line of short random words
        return " ".join("".join(rng.choices(string.ascii_lowercase, k=8)) for _ in range(150_000))
    if kind == 2:  # many short lines
        return "I want my money back.\n" * 80_000
    return "\n".join("> " * 200 + "quoted" for _ in range(3000))  # deep quoting


def child(spec: dict[str, Any]) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from mailbot.cli import wiring
    from mailbot.config import parse_config
    from mailbot.service.decide import receive

    work = Path(spec["dir"])
    config = parse_config({
        "firm": {"name": "Bench & Co", "complaints_address": "complaints@bench.example", "domain": "bench.example"},
        "approvals": {"authserv_id": "mx.bench.example"},
        "intake": {"auto_reply_limit_per_hour": 10**9},
        "database": {"url": f"sqlite:///{work / 'mailbot.sqlite3'}"},
        "paths": {"data_dir": str(work)},
        "handlers": [{"name": "Priya Shah", "email": "priya@bench.example", "roles": ["handler"]}],
    })
    app = wiring.build_app(config)
    after_start = _status("VmRSS")
    rng = random.Random(7)
    out: dict[str, Any] = {"case": spec["case"], "start_rss_mb": round(after_start)}
    if spec["case"].startswith("word-"):
        size = int(spec["case"].removeprefix("word-").removesuffix("MB")) * 1_000_000
        result = receive(app, _mail(0, "A" * size), now=T0)
        out["status"] = result.status
    elif spec["case"] == "oversize-60MB":
        result = receive(app, _mail(0, "B" * 60_000_000), now=T0)
        out["status"] = f"{result.status}: {result.detail[:60]}"
    else:
        rss = []
        for i in range(spec["stream"]):
            receive(app, _mail(i, _hostile_body(i, rng)), now=T0 + timedelta(seconds=i))
            if i % 10 == 9:
                rss.append(round(_status("VmRSS")))
        out["rss_every_10_mb"] = rss
    out["peak_rss_mb"] = round(_status("VmHWM"))
    out["end_rss_mb"] = round(_status("VmRSS"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stream", type=int, default=60)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    print(f"{'case':<16} {'result':<44} {'start MB':>9} {'peak MB':>8} {'end MB':>7}  RSS every 10 messages")
    for case in ("word-2MB", "word-10MB", "oversize-60MB", "stream"):
        with tempfile.TemporaryDirectory(prefix="mailbot-hostile-") as tmp:
            spec = {"case": case, "dir": tmp, "stream": args.stream}
            done = subprocess.run([sys.executable, "-m", "tests.bench.bench_hostile", "--child", json.dumps(spec)],
                                  cwd=REPO, capture_output=True, text=True, check=True)
            row = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{case:<16} {str(row.get('status', f'{args.stream} messages')):<44} {row['start_rss_mb']:>9} "
                  f"{row['peak_rss_mb']:>8} {row['end_rss_mb']:>7}  {row.get('rss_every_10_mb', '')}")


if __name__ == "__main__":
    main()
