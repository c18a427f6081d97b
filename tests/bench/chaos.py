"""Kill `mailbot run --once` at random points, again and again, then check what people would.

A firm on loopback (Dovecot, an SMTP server delivering into Dovecot, SQLite or PostgreSQL):
each iteration new complaints arrive (some delivered twice), clients write again and
handlers answer approval requests by email; then `mailbot run --once` runs in a child
process that is SIGKILLed at a seeded random point (after its k-th committed message,
after its k-th sent letter, at a random moment, or not at all). After a last clean run the
checks are: every complaint has exactly one case, every client got exactly one
acknowledgement, no client letter but the acknowledgement went out without a handler's
approval, nothing is left in INBOX or deleted, and the audit chain is whole.

The children run the real command line (`mailbot.cli.main`, what `python -m mailbot` runs)
with a config file written here. By default they are forked from a "zygote" process that has
already imported mailbot, because each fresh interpreter spends seconds importing (mostly
scikit-learn); `--exec` starts every run as `python -m mailbot run --once --config ...`.

    python -m tests.bench.chaos --iterations 200 --seed 1 [--db postgres] [--exec]
    python -m tests.bench.chaos --iterations 200 --seed 3 --db postgres --instances 2

With `--instances 2` every run is two instances side by side on one PostgreSQL database (the
second starts once the first has recorded mail, and helps decide it), and the kill takes the
first, the second or both.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select as fdselect  # sqlalchemy.select is the other one
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from cryptography.fernet import Fernet
from imapclient import IMAPClient
from sqlalchemy import func, select

from mailbot.config import Config
from mailbot.letters import CLIENT_KINDS
from mailbot.store import audit
from mailbot.store.tables import audit_events, cases, outbox, raw_messages
from tests.bench import genmail
from tests.e2e.harness import Firm, complaint_folders, make_firm
from tests.servers.dovecot import DovecotServer, ImapUser
from tests.servers.smtp import SmtpServer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
STEP = timedelta(minutes=10)  # longer than the outbox lease (5 min): a killed sender's claim has lapsed next run
REPO = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT = 180.0
Mode = Literal["fork", "exec"]


# the config file ----------------------------------------------------------------------


def _toml(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)  # strings, numbers and booleans are written alike in TOML and JSON


def write_toml(config: Config, path: Path, changes: dict[str, dict[str, Any]] | None = None) -> None:
    """The validated config back as a file, with some keys changed (a port, the database URL)."""
    data = config.model_dump(by_alias=True, exclude_none=True, mode="json")
    for section, values in (changes or {}).items():
        data.setdefault(section, {}).update(values)
    lines: list[str] = []
    for section, values in data.items():
        if isinstance(values, list):
            for entry in values:
                lines += [f"[[{section}]]"] + [f"{k} = {_toml(v)}" for k, v in entry.items()]
        elif values:
            lines += [f"[{section}]"] + [f"{k} = {_toml(v)}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# child processes ----------------------------------------------------------------------

# A process that imports mailbot once and forks one `mailbot ARGV` child per request: a fresh
# interpreter spends seconds importing (scikit-learn above all) before it touches any mail.
# Single-threaded, so forking it is safe. It reports each child's pid and, later, its exit
# code, but reaps the child only when the next request comes: until then the pid stays taken
# (a zombie), so a late SIGKILL can never hit an unrelated process that reused it.
ZYGOTE = r"""
import json, os, sys, traceback
import mailbot.cli, mailbot.triage.classifier
out = os.fdopen(os.dup(1), "w", buffering=1)
exited = None
for line in sys.stdin:
    if exited:
        os.waitpid(exited, 0)
        exited = None
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            sys.argv = ["mailbot", *job["argv"]]
            mailbot.cli.main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    out.write(f"started {pid}\n")
    info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    signalled = info.si_code in (os.CLD_KILLED, os.CLD_DUMPED)
    out.write(f"exited {-info.si_status if signalled else info.si_status}\n")
    exited = pid
if exited:
    os.waitpid(exited, 0)
"""


class Child(Protocol):
    def exitcode(self) -> int | None: ...
    def kill(self) -> None: ...
    def wait(self, timeout: float) -> int: ...


class _Exec:
    """`python -m mailbot ARGV` in a fresh interpreter."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process

    def exitcode(self) -> int | None:
        return self._process.poll()

    def kill(self) -> None:
        self._process.send_signal(signal.SIGKILL)

    def wait(self, timeout: float) -> int:
        return self._process.wait(timeout)


class _Forked:
    """A child of the zygote: killed by its pid; its exit code arrives on the zygote's pipe."""

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self._zygote = zygote
        self.pid = pid
        self._code: int | None = None

    def exitcode(self) -> int | None:
        if self._code is None:
            line = self._zygote.read_line(timeout=0)
            if line is not None:
                self._code = int(line.removeprefix("exited "))
        return self._code

    def kill(self) -> None:
        if self._code is None:
            os.kill(self.pid, signal.SIGKILL)  # safe: the zygote has not reaped it, so the pid is still its

    def wait(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while self.exitcode() is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"child {self.pid} did not exit")
            time.sleep(0.005)
        assert self._code is not None
        return self._code


class Zygote:
    """Starts forked `mailbot` children, one at a time; `close()` ends it."""

    def __init__(self, import_timeout: float = 300.0) -> None:
        self._process = subprocess.Popen([sys.executable, "-c", ZYGOTE], cwd=REPO,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._buffer = b""
        self._import_timeout = import_timeout

    def read_line(self, timeout: float | None) -> str | None:
        assert self._process.stdout is not None
        fd = self._process.stdout.fileno()
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._buffer:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = fdselect.select([fd], [], [], wait)
            if not ready:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError(f"the zygote died (exit {self._process.wait()})")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode()

    def start(self, argv: list[str], log: Path) -> _Forked:
        assert self._process.stdin is not None
        self._process.stdin.write((json.dumps({"argv": argv, "log": str(log)}) + "\n").encode())
        self._process.stdin.flush()
        line = self.read_line(timeout=self._import_timeout)  # the first start waits for the imports
        if line is None or not line.startswith("started "):
            raise RuntimeError(f"the zygote did not start a child: {line!r}")
        return _Forked(self, int(line.removeprefix("started ")))

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=30)


class Launcher:
    """`mailbot ARGV` as a fork of the zygote (default) or as a fresh `python -m mailbot`."""

    def __init__(self, mode: Mode = "fork", slots: int = 1) -> None:
        self.mode = mode
        # a zygote runs one child at a time: one per instance that runs side by side
        self._zygotes = [Zygote() for _ in range(slots)] if mode == "fork" else []

    def start(self, argv: list[str], log: Path, slot: int = 0) -> Child:
        if self._zygotes:
            return self._zygotes[slot].start(argv, log)
        with log.open("ab") as out:
            return _Exec(subprocess.Popen([sys.executable, "-m", "mailbot", *argv], cwd=REPO,
                                          stdout=out, stderr=subprocess.STDOUT))

    def close(self) -> None:
        for zygote in self._zygotes:
            zygote.close()


# the world ------------------------------------------------------------------------------


@dataclass
class Tally:
    iterations: int = 0
    kills: int = 0
    finished: int = 0  # runs that ended by themselves (0 or an error)
    failed_runs: int = 0  # of those, non-zero exits (a fault injected by a test, for instance)
    by_plan: dict[str, int] = field(default_factory=dict)


@dataclass
class Expected:
    """What was put in the complaints mailbox, counted as it was delivered."""

    delivered: int = 0  # every copy
    logical: int = 0  # distinct messages (a re-delivery is not one)
    complainants: list[str] = field(default_factory=list)  # one address per complaint: each a new client


class World:
    """One firm and its people; `iteration()` is one round of mail and one (maybe killed) run."""

    def __init__(self, dovecot: DovecotServer, smtp: SmtpServer, tmp: Path, launcher: Launcher, *, seed: int,
                 db_url: str | None = None, instances: int = 1) -> None:
        self.dovecot, self.smtp, self.tmp = dovecot, smtp, tmp
        self.instances = instances
        self.rng = random.Random(seed)  # the mail; how much of it there is depends on how runs went
        self.plan_rng = random.Random(seed)  # the kills: the same plans for the same seed
        models = tmp / "no-model"
        models.mkdir(parents=True, exist_ok=True)
        key = tmp / "data.key"
        key.write_text(Fernet.generate_key().decode() + "\n")
        self.firm: Firm = make_firm(dovecot, smtp, tmp, db_url=db_url, overrides={
            "database": {"encryption_key_file": str(key)},
            "intake": {"auto_reply_limit_per_hour": 100_000},
            "paths": {"model_dir": str(models)},
            "imap": {"batch_size": 10},
        })
        self.config_path = tmp / "mailbot.toml"
        write_toml(self.firm.config, self.config_path)
        self.launcher = launcher
        self.now = T0
        self.expected = Expected()
        self.clients: list[ImapUser] = []
        self.raws: dict[str, bytes] = {}  # each client's complaint as delivered
        self.answered: set[str] = set()
        self.seen_uid: dict[str, int] = {}
        self.tally = Tally()
        self.runs = 0

    # counting -----------------------------------------------------------------------------

    def count(self, what: Literal["records", "sent"]) -> int:
        query = (select(func.count()).select_from(raw_messages) if what == "records"
                 else select(func.count()).select_from(outbox).where(outbox.c.status == "sent"))
        with self.firm.app.store.transaction() as conn:
            return int(conn.execute(query).scalar_one())

    # mail arriving -----------------------------------------------------------------------------

    def deliver(self, raw: bytes, *, logical: bool) -> None:
        self.dovecot.append(self.firm.complaints, "INBOX", raw, internaldate=self.now - timedelta(minutes=1))
        self.expected.delivered += 1
        self.expected.logical += int(logical)

    def new_complaint(self) -> ImapUser:
        client = self.dovecot.new_user("client")
        at = self.now - timedelta(minutes=2)
        mid = f"{self.rng.getrandbits(64):016x}@mail.client.example"
        name = f"{self.rng.choice(genmail.FIRST)} {self.rng.choice(genmail.LAST)}"
        raw = genmail.complaint(self.rng, sender=client.address, name=name, to=self.firm.complaints.address,
                                at=at, message_id=mid)
        self.deliver(raw, logical=True)
        self.clients.append(client)
        self.expected.complainants.append(client.address)
        self.raws[client.address] = raw
        return client

    def redeliver(self) -> None:
        """The same complaint again with a new trace header (a resync, a second MX)."""
        client = self.rng.choice(self.clients)
        trace = f"Received: from mx2.relay.example by mx.firm.example; {format_datetime(self.now)}\r\n".encode()
        self.deliver(trace + self.raws[client.address], logical=False)

    def client_writes_again(self) -> None:
        """A client replies to what they were sent: a follow-up on their case."""
        client = self.rng.choice(self.clients)
        letters = self.firm.inbox(client)
        if not letters:
            return
        parent = letters[-1]
        reply = EmailMessage()
        reply["From"] = client.address
        reply["To"] = self.firm.complaints.address
        reply["Subject"] = f"Re: {parent['Subject']}"
        reply["Date"] = format_datetime(self.now - timedelta(minutes=2))
        reply["Message-ID"] = f"<{self.rng.getrandbits(64):016x}@mail.client.example>"
        reply["In-Reply-To"] = parent["Message-ID"]
        reply["References"] = f"{parent.get('References', '')} {parent['Message-ID']}".strip()
        reply.set_content("I still have not heard anything useful. Please call me this week.\n")
        self.deliver(bytes(reply), logical=True)

    def new_mail(self, user: ImapUser) -> list[EmailMessage]:
        """What arrived in `user`'s INBOX since the last look (reading it all each time grows slow)."""
        last = self.seen_uid.get(user.username, 0)
        with IMAPClient(user.host, user.port, ssl=False, timeout=30) as client:
            client.login(user.username, user.password)
            if not client.folder_exists("INBOX"):
                return []
            client.select_folder("INBOX", readonly=True)
            uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)  # `n:*` quirk
            data = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        if uids:
            self.seen_uid[user.username] = uids[-1]
        return [BytesParser(policy=default_policy).parsebytes(data[u][b"BODY[]"]) for u in uids]  # type: ignore[misc]

    def handlers_answer(self) -> None:
        """Each approval request is answered once, by the handler it was sent to (mostly: approve)."""
        for handler in (self.firm.handler, self.firm.other_handler):
            for request in self.new_mail(handler):
                mid = str(request["Message-ID"])
                if "+a-" not in str(request.get("Reply-To", "")) or mid in self.answered:
                    continue
                self.answered.add(mid)
                word = "approve" if self.rng.random() < 0.85 else "reject not yet, I will phone them"
                self.firm.reply_as(handler, request, word, at=self.now - timedelta(minutes=1))
                self.expected.delivered += 1
                self.expected.logical += 1

    def mail_arrives(self) -> None:
        for _ in range(self.rng.randint(1, 3)):
            self.new_complaint()
        if self.rng.random() < 0.3:
            self.redeliver()
        if self.rng.random() < 0.25:
            self.client_writes_again()
        self.handlers_answer()

    # running ---------------------------------------------------------------------------------

    def write_config(self, **changes: dict[str, Any]) -> None:
        write_toml(self.firm.config, self.config_path, changes)

    def start(self, slot: int = 0) -> Child:
        self.runs += 1
        argv = ["run", "--once", "--config", str(self.config_path), "--now", self.now.isoformat()]
        return self.launcher.start(argv, self.tmp / f"run-{self.runs:04d}.log", slot)

    def run(self, when: Callable[[], bool] | None = None, then: Callable[[Child], None] | None = None,
            *, jitter: float = 0.0) -> int:
        """One run; when `when()` turns true, `then(child)` is done once. Returns the exit code."""
        child = self.start()
        deadline = time.monotonic() + CHILD_TIMEOUT
        fired = when is None
        while child.exitcode() is None:
            if time.monotonic() > deadline:
                child.kill()
                raise TimeoutError(f"mailbot run did not finish in {CHILD_TIMEOUT}s; see {self.tmp}")
            if not fired and when is not None and when():
                fired = True
                if jitter:
                    time.sleep(jitter)
                if then is not None:
                    then(child)
            time.sleep(0.003)
        return child.wait(30)

    def killed_run(self) -> str:
        """Run once and SIGKILL the child at a seeded random point; returns the plan's name."""
        if self.instances == 2:
            return self.killed_pair()
        rng = self.plan_rng
        plan = rng.choices(("none", "after_record", "after_sent", "at_time"), weights=(15, 35, 30, 20))[0]
        jitter = rng.uniform(0, 0.03)
        if plan == "after_record":
            target = self.count("records") + rng.randint(1, 4)
            code = self.run(lambda: self.count("records") >= target, _kill, jitter=jitter)
        elif plan == "after_sent":
            target = self.count("sent") + rng.randint(1, 6)
            code = self.run(lambda: self.count("sent") >= target, _kill, jitter=jitter)
        elif plan == "at_time":
            start, delay = time.monotonic(), rng.uniform(0.0, 2.5)
            code = self.run(lambda: time.monotonic() - start >= delay, _kill)
        else:
            code = self.run()
        self.count_run(plan, [code])
        return plan

    def count_run(self, plan: str, codes: list[int]) -> None:
        """Tally one run (its children's exit codes) under its plan."""
        self.tally.by_plan[plan] = self.tally.by_plan.get(plan, 0) + 1
        for code in codes:
            if code == -signal.SIGKILL:
                self.tally.kills += 1
            else:
                self.tally.finished += 1
                self.tally.failed_runs += int(code != 0)

    def killed_pair(self) -> str:
        """Two instances on one PostgreSQL database: the first leads (takes the mail in), the second
        starts once the first has recorded mail and helps decide it (service/decide_queue.py).
        At a seeded random point one of them, or both, is SIGKILLed."""
        rng = self.plan_rng
        plan = rng.choices(("none", "after_record", "after_sent", "at_time"), weights=(15, 35, 30, 20))[0]
        victims = rng.choice(("first", "second", "both"))
        jitter = rng.uniform(0, 0.03)
        records, sent, began = self.count("records"), self.count("sent"), time.monotonic()
        target = {"after_record": records + rng.randint(1, 4), "after_sent": sent + rng.randint(1, 6),
                  "at_time": rng.uniform(0.0, 2.5)}.get(plan, 0)
        due: dict[str, Callable[[], bool]] = {
            "after_record": lambda: self.count("records") >= target,
            "after_sent": lambda: self.count("sent") >= target,
            "at_time": lambda: time.monotonic() - began >= target}
        deadline = time.monotonic() + CHILD_TIMEOUT
        first = self.start()
        while first.exitcode() is None and self.count("records") == records:
            if time.monotonic() > deadline:
                break
            time.sleep(0.003)
        second = self.start(slot=1)
        children = [first, second]
        chosen = {"first": [first], "second": [second], "both": children}[victims]
        fired = plan == "none"
        while any(child.exitcode() is None for child in children):
            if time.monotonic() > deadline:
                for child in children:
                    child.kill()
                raise TimeoutError(f"mailbot run did not finish in {CHILD_TIMEOUT}s; see {self.tmp}")
            if not fired and due[plan]():
                fired = True
                time.sleep(jitter)
                for child in chosen:
                    if child.exitcode() is None:
                        child.kill()
            time.sleep(0.003)
        self.count_run(f"{plan}:{victims}" if plan != "none" else plan,
                       [child.wait(30) for child in children])
        return plan

    def iteration(self) -> None:
        self.now += STEP
        self.mail_arrives()
        self.killed_run()
        self.tally.iterations += 1

    def settle(self, runs: int = 4) -> None:
        """Clean runs (never killed) until nothing is left to do: the state a person finds next morning."""
        for _ in range(runs):
            self.now += STEP
            before = (self.count("records"), self.count("sent"))
            code = self.run()
            if code != 0:
                raise RuntimeError(f"a clean run failed with {code}; see {self.tmp}")
            if (self.count("records"), self.count("sent")) == before:
                return

    def check(self) -> Findings:
        return check_world(self)


# the checks -------------------------------------------------------------------------------


@dataclass
class Findings:
    """What a person auditing the firm afterwards would count; `problems` says where."""

    iterations: int = 0
    kills: int = 0
    complaints: int = 0
    cases: int = 0
    losses: int = 0
    duplicates: int = 0
    double_acks: int = 0
    unapproved_letters: int = 0
    resent_copies: int = 0  # the same letter (same Message-ID) delivered again: the documented SMTP window
    resent_kinds: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (f"iterations={self.iterations} kills={self.kills} complaints={self.complaints} cases={self.cases} "
                f"losses={self.losses} duplicates={self.duplicates} double_acks={self.double_acks} "
                f"unapproved_letters={self.unapproved_letters} resent_copies={self.resent_copies}")

    def problem(self, counter: str | None, text: str, amount: int = 1) -> None:
        if counter:
            setattr(self, counter, getattr(self, counter) + amount)
        self.problems.append(text)


def check_world(world: World) -> Findings:
    firm = world.firm
    found = Findings(world.tally.iterations, world.tally.kills, len(world.expected.complainants))
    with firm.app.store.transaction() as conn:
        records = int(conn.execute(select(func.count()).select_from(raw_messages)).scalar_one())
        owners = list(conn.execute(select(cases.c.client_address)).scalars())
        letters = {row.message_id: row for row in conn.execute(select(outbox))}
        approvals = {int(r.detail["outbox_id"]) for r in conn.execute(
            select(audit_events).where(audit_events.c.kind == "letter.approved"))}
        chain = audit.verify(conn)
    found.cases = len(owners)
    _check_records(found, world.expected, records, owners)
    handlers = {firm.handler.address.lower(), firm.other_handler.address.lower()}

    def approved(row: Any) -> bool:
        return bool(row.requires_approval and row.approved_by in handlers and row.id in approvals)

    for client in world.clients:
        ids = [str(m["Message-ID"]).strip("<>") for m in firm.inbox(client)]
        _check_client_mail(found, client.address, ids, letters, approved)
    for row in letters.values():
        if row.kind in CLIENT_KINDS and row.status == "sent" and row.kind != "acknowledgement" and not approved(row):
            found.problem("unapproved_letters", f"outbox #{row.id} ({row.kind}) sent without a handler's approval")
        if row.status == "approved":
            found.problem("losses", f"outbox #{row.id} ({row.kind}) approved but never sent")
    held = _folders(firm)
    if held.get("INBOX"):
        found.problem("losses", f"{held['INBOX']} messages left in INBOX", held["INBOX"])
    if sum(held.values()) != world.expected.delivered:
        found.problem(None, f"the mailbox holds {sum(held.values())} messages, {world.expected.delivered} were delivered")
    for link in chain:
        found.problem(None, f"audit event {link.event_id}: {link.problem}")
    return found


def _check_records(found: Findings, expected: Expected, records: int, owners: list[str]) -> None:
    """One raw record per distinct message; one case per complaint, each its sender's only one."""
    if records != expected.logical:
        counter = "duplicates" if records > expected.logical else "losses"
        found.problem(counter, f"{records} raw records for {expected.logical} distinct messages delivered",
                      abs(records - expected.logical))
    for address in expected.complainants:
        n = owners.count(address)
        if n != 1:
            found.problem("losses" if n == 0 else "duplicates", f"{address}: {n} cases", max(1, n - 1))
    strangers = set(owners) - set(expected.complainants)
    if strangers:
        found.problem("duplicates", f"cases for senders who never complained: {sorted(strangers)}", len(strangers))


def _check_client_mail(found: Findings, address: str, ids: list[str], letters: dict[str, Any],
                       approved: Callable[[Any], bool]) -> None:
    """A client's mailbox: one acknowledgement, and nothing else that a handler did not approve."""
    acks = 0
    for mid in set(ids):
        copies = ids.count(mid)
        row = letters.get(mid)
        if copies > 1:
            kind = row.kind if row is not None else "unknown"
            found.resent_copies += copies - 1
            found.resent_kinds[kind] = found.resent_kinds.get(kind, 0) + copies - 1
        if row is None:
            found.problem("unapproved_letters", f"{address}: a letter mailbot has no record of ({mid})")
        elif row.kind == "acknowledgement" and not row.requires_approval:
            acks += 1
        elif not approved(row):
            found.problem("unapproved_letters", f"{address}: {row.kind} #{row.id} went out unapproved")
    if acks == 0:
        found.problem("losses", f"{address}: no acknowledgement")
    elif acks > 1:
        found.problem("double_acks", f"{address}: {acks} different acknowledgements")


def _folders(firm: Firm) -> dict[str, int]:
    """Messages per folder of the complaints mailbox; mail flagged \\Deleted is not counted (so totals show it)."""
    return {name: len(client.search(["NOT", "DELETED"])) for name, client in complaint_folders(firm)}


def _kill(child: Child) -> None:
    child.kill()


@contextmanager
def servers(db: str) -> Iterator[tuple[DovecotServer, SmtpServer, str | None]]:
    """Dovecot, an SMTP server delivering into it and (for --db postgres) a fresh schema."""
    from tests.servers.postgres import PgSchema

    schema = PgSchema() if db == "postgres" else None
    try:
        with DovecotServer() as dovecot, SmtpServer(deliver_to=dovecot) as smtp:
            yield dovecot, smtp, schema.url_with_schema() if schema else None
    finally:
        if schema is not None:
            schema.drop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Kill mailbot at random points; check exactly-once.")
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--exec", dest="mode", action="store_const", const="exec", default="fork",
                        help="start each run as a fresh `python -m mailbot` (slow: seconds of imports per run)")
    parser.add_argument("--keep", type=Path, help="keep the logs and the database in this directory")
    parser.add_argument("--instances", type=int, choices=(1, 2), default=1,
                        help="2: each run is two instances side by side (PostgreSQL only)")
    args = parser.parse_args(argv)
    if args.instances == 2 and args.db != "postgres":
        parser.error("--instances 2 needs --db postgres: SQLite is one instance by design")
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="mailbot-chaos-"))
    tmp.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    launcher = Launcher(args.mode, slots=args.instances)
    try:
        with servers(args.db) as (dovecot, smtp, db_url):
            world = World(dovecot, smtp, tmp, launcher, seed=args.seed, db_url=db_url, instances=args.instances)
            for i in range(args.iterations):
                world.iteration()
                if (i + 1) % 25 == 0:
                    print(f"... {i + 1} iterations, {world.tally.kills} kills, {time.monotonic() - started:.0f}s",
                          flush=True)
            world.settle()
            findings = world.check()
            world.firm.app.store.dispose()
    finally:
        launcher.close()
    print(f"db={args.db} instances={args.instances} mode={args.mode} seed={args.seed} plans={world.tally.by_plan} "
          f"finished_runs={world.tally.finished} failed_runs={world.tally.failed_runs} "
          f"seconds={time.monotonic() - started:.0f} logs={tmp}")
    print(findings.summary(), f"resent_kinds={findings.resent_kinds}")
    for problem in findings.problems[:20]:
        print("  problem:", problem)
    return 0 if findings.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
