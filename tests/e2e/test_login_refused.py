"""A wrong password, as the service meets it: one failed login, one alert, and `status` says why.

Retrying a refused login every minute locks a Microsoft 365 account or gets the address banned
(EMAIL.md rule 22). The service here is the real `mailbot run` process with a short sweep, so
the intake job and the IDLE watcher both want the mailbox; the count of refused logins is read
from Dovecot's own log.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from mailbot.store.tables import cases, outbox
from tests.e2e.harness import Firm, make_firm, mailbot_cli
from tests.e2e.test_service import _write_config
from tests.servers.dovecot import DovecotServer


def _refused_logins(dovecot: DovecotServer, username: str) -> int:
    log = dovecot.log_path.read_text(encoding="utf-8", errors="replace")
    return sum(
        1 for line in log.splitlines() if "auth failed" in line and f"user=<{username}>" in line
    )


def _alerts(firm: Firm) -> list[str]:
    with firm.app.store.transaction() as conn:
        rows = conn.execute(
            select(outbox.c.subject, outbox.c.recipients).where(outbox.c.kind == "system_alert")
        )
        return [row.subject for row in rows if firm.compliance.address in row.recipients]


def _cases(firm: Firm) -> list[str]:
    with firm.app.store.transaction() as conn:
        return list(conn.execute(select(cases.c.ref)).scalars())


def _wait_for(condition: Callable[[], bool], seconds: float, proc: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the service died"
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def test_a_wrong_password_is_tried_once_alerts_once_and_status_says_why(
    dovecot: DovecotServer, make_smtp_server, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    firm = make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path)
    secret = Path(str(firm.config.imap.password_file))  # type: ignore[union-attr]
    secret.write_text("not-the-password")
    config = tmp_path / "mailbot.toml"
    _write_config(firm, config)  # poll_seconds = 5: the intake job would try every 5 s
    firm.client_writes(
        "Complaint about my bill",
        "Your bill is far higher than the estimate you gave me.",
        at=datetime.now(timezone.utc),
    )
    user = firm.complaints.username
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailbot", "run", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert _wait_for(lambda: _refused_logins(dovecot, user) >= 1, 30, proc)
        time.sleep(12)  # two sweeps (every 5 s) and the IDLE watcher would each have tried again
        assert _refused_logins(dovecot, user) == 1, "one failed login, never a retry loop"
        assert _alerts(firm) == ["Complaints inbox: the mail server refused mailbot's login"]

        status = json.loads(mailbot_cli("status", "--config", str(config)).stdout)
        (link,) = [entry for entry in status["links"] if entry["link"].startswith("imap:")]
        assert link["status"] == "blocked" and "Authentication failed" in link["last_error"]
        assert "imap.password_file" in link["fix"] or "imap.password_env" in link["fix"]
        assert "mailbot retry-login" in link["fix"]

        # An admin says retry without fixing anything: exactly one more try, and one more alert.
        assert mailbot_cli("retry-login", "--config", str(config)).returncode == 0
        assert _wait_for(lambda: _refused_logins(dovecot, user) >= 2, 30, proc)
        time.sleep(8)
        assert _refused_logins(dovecot, user) == 2 and len(_alerts(firm)) == 2

        # The admin fixes the password file: the service sees new credentials, logs in, works.
        secret.write_text(dovecot.password)
        assert _wait_for(lambda: bool(_cases(firm)), 60, proc), "the complaint was taken in"
        assert _refused_logins(dovecot, user) == 2
        assert any(subject.startswith("Resolved:") for subject in _alerts(firm))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    log = err.decode()
    assert proc.returncode == 0, log
    assert "imap.login_refused" in log and "fix=" in log and "MailboxError" not in log
    assert "CancelledError" not in log and "Traceback" not in log
