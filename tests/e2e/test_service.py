"""`mailbot run` as a real long-running process: IDLE wakes intake, SIGTERM stops it cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from tests.e2e.harness import make_firm
from tests.servers.dovecot import DovecotServer


def _toml(value: object) -> str:
    return json.dumps(value)


def _write_config(firm, path: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = firm.config
    lines = ["[firm]"]
    for key in ("name", "timezone", "country", "subdivision", "profile", "complaints_address", "domain"):
        lines.append(f"{key} = {_toml(getattr(cfg.firm, key))}")
    lines += ["[imap]"] + [f"{k} = {_toml(getattr(cfg.imap, k))}" for k in
                           ("host", "port", "security", "username", "password_file", "timeout_seconds")]
    lines += ["poll_seconds = 5", "idle_seconds = 30"]
    smtp_keys = ("host", "port", "security", "auth")
    lines += ["[smtp]"] + [f"{k} = {_toml(getattr(cfg.smtp, k))}" for k in smtp_keys]
    lines += ["[database]", f"url = {_toml(cfg.database.url)}", "[paths]", f"data_dir = {_toml(cfg.paths.data_dir)}"]
    lines += ["[approvals]", f"authserv_id = {_toml(cfg.approvals.authserv_id)}"]
    for h in cfg.handlers:
        lines += ["[[handlers]]", f"name = {_toml(h.name)}", f"email = {_toml(h.email)}", f"roles = {_toml(list(h.roles))}"]
    path.write_text("\n".join(lines) + "\n")


def test_service_answers_new_mail_and_stops_on_sigterm(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    firm = make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path)
    config = tmp_path / "mailbot.toml"
    _write_config(firm, config)
    proc = subprocess.Popen([sys.executable, "-m", "mailbot", "run", "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        firm.client_writes("Complaint about my bill", "Your bill is far higher than the estimate you gave me.",
                           at=datetime.now(timezone.utc))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not firm.inbox(firm.client):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            time.sleep(0.5)
        acks = firm.inbox(firm.client)
        assert len(acks) == 1 and "[C-" in str(acks[0]["Subject"])
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0, proc.stderr.read().decode() if proc.stderr else ""


def test_two_services_on_postgresql_both_decide_and_open_one_case_per_client(  # type: ignore[no-untyped-def]
        dovecot: DovecotServer, make_smtp_server, tmp_path: Path, pg_schema) -> None:
    """Two `mailbot run` processes on one PostgreSQL database, as an admin runs them on two hosts:
    the first leads and reads the mailbox, the second decides part of what it takes in
    (service/decide_queue.py); every complaint becomes one case, and both stop on SIGTERM."""
    import pytest
    from cryptography.fernet import Fernet
    from sqlalchemy import func, select

    from mailbot.store.tables import cases, raw_messages
    from tests.bench import genmail

    pytest.importorskip("psycopg")
    key = tmp_path / "data.key"
    key.write_text(Fernet.generate_key().decode() + "\n")
    firm = make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path,
                     db_url=pg_schema.url_with_schema(),
                     overrides={"database": {"encryption_key_file": str(key)},
                                "intake": {"auto_reply_limit_per_hour": 100_000}})
    config = tmp_path / "mailbot.toml"
    _write_config(firm, config)
    # the shared database's key, and no limit on acknowledgements
    config.write_text(config.read_text().replace(
        "[database]\n", "[intake]\nauto_reply_limit_per_hour = 100000\n"
        f"[database]\nencryption_key_file = {_toml(str(key))}\n"))
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    procs = []

    def wait_for(log: Path, words: str) -> None:
        deadline = time.monotonic() + 120
        while words not in log.read_text():
            assert time.monotonic() < deadline and procs[-1].poll() is None, log.read_text()
            time.sleep(0.2)

    try:
        # The first leads before the second starts; the mail comes once both are running.
        for log, ready in zip(logs, ("leader.acquired", "run.started")):
            with log.open("wb") as out:
                procs.append(subprocess.Popen([sys.executable, "-m", "mailbot", "run", "--config", str(config)],
                                              stdout=out, stderr=subprocess.STDOUT))
            wait_for(log, ready)
        time.sleep(2)  # the second's first intake job has asked for the lead and been refused
        n = 120
        mail = genmail.complaints(n, seed=7, to=firm.complaints.address, start=datetime.now(timezone.utc))
        user = firm.complaints
        genmail.deliver(user.host, user.port, user.username, user.password, "INBOX", mail)
        deadline = time.monotonic() + 180
        decided = 0
        while time.monotonic() < deadline and decided < n:
            for proc, log in zip(procs, logs):
                assert proc.poll() is None, log.read_text()
            with firm.app.store.transaction() as conn:
                decided = conn.execute(select(func.count()).select_from(raw_messages)
                                       .where(raw_messages.c.status != "received")).scalar_one()
            time.sleep(0.5)
        assert decided == n
        with firm.app.store.transaction() as conn:
            opened = conn.execute(select(func.count()).select_from(cases)).scalar_one()
            clients = conn.execute(select(func.count(cases.c.client_address.distinct()))).scalar_one()
        assert opened == clients == n
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(timeout=90) for proc in procs]
        firm.app.store.dispose()
    assert codes == [0, 0], [log.read_text()[-2000:] for log in logs]
    first, second = (log.read_text() for log in logs)
    assert "intake.received" in first
    assert "intake.helped" in second, "the instance that does not lead decided mail too"
