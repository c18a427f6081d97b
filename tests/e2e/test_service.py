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
