"""`mailbot check-config --connect`: log in to IMAP and SMTP as the service would, send nothing.

It proves what the file alone cannot: the host answers, TLS is trusted (or `ca_file` is
needed), the login works, the server's namespace takes the configured folder names (they are
created if missing, as `run` would), and the relay accepts the login. Each line says what
was checked; each failure says the cause and the fix. It never touches the database or the
reconnect policy's state: it is a person's explicit try.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ..config import Config, ImapConfig, SmtpConfig
from ..errors import ConfigError, DeliveryFailed
from ..mailbox import Mailbox, MailboxError
from ..smtp import check as smtp_check
from . import wiring


@dataclass(frozen=True)
class Finding:
    """One line of the check's output: what was checked and, for a failure, the fix."""

    ok: bool
    text: str
    fix: str = ""


def check_connections(config: Config) -> list[Finding]:
    """Log in to each configured server as `run` would; every line names what it proved."""
    findings: list[Finding] = []
    if config.imap is not None:
        findings += _attempt("imap", partial(_imap, config, config.imap))
    if config.smtp is not None:
        findings += _attempt("smtp", partial(_smtp, config, config.smtp))
    return findings


def _attempt(section: str, check: Callable[[], list[Finding]]) -> list[Finding]:
    """The check's findings, or the one failure that stopped it with its cause and fix."""
    try:
        return check()
    except (MailboxError, DeliveryFailed) as exc:
        return [Finding(False, f"{section}: {exc.reason}", exc.fix)]
    except ConfigError as exc:
        return [Finding(False, f"{section}: {'; '.join(exc.problems)}",
                        f"correct the [{section}] keys named")]


def _imap(config: Config, imap: ImapConfig) -> list[Finding]:
    with Mailbox(wiring.mailbox_settings(config)) as mailbox:
        info = mailbox.info
        assert info is not None
        processed = mailbox.count(imap.processed_folder)
    where = f"{imap.host}:{imap.port} ({imap.security})"
    found = [
        Finding(True, f"imap: logged in as {imap.username} at {where}"),
        Finding(True, f"imap: capabilities {' '.join(info.capabilities)}"),
        Finding(True, f"imap: {info.namespace.describe()}"),
    ]
    waiting = "IDLE" if info.idle else "polling (the server has no IDLE)"
    for key, name in info.folders.items():
        state = "created now" if name in info.created else "exists"
        found.append(
            Finding(
                True,
                f"imap: imap.{key} = {getattr(imap, key)!r} is {name!r} on the server ({state})",
            )
        )
    found += [
        Finding(
            True,
            f"imap: {info.exists} message(s) waiting in {info.folders['folder']!r}; "
            f"{processed} already in the processed folder",
        ),
        Finding(
            True,
            f"imap: new mail is noticed with {waiting}; handled mail is moved with "
            f"{info.move_method}",
        ),
    ]
    return found


def _smtp(config: Config, smtp: SmtpConfig) -> list[Finding]:
    extensions = asyncio.run(smtp_check(wiring.smtp_settings(config)))
    login = (
        'without a login (auth = "none")'
        if smtp.auth == "none"
        else f"logged in as {smtp.username}"
    )
    return [
        Finding(
            True, f"smtp: {login} at {smtp.host}:{smtp.port} ({smtp.security}); nothing was sent"
        ),
        Finding(True, f"smtp: the relay offers {' '.join(extensions) or 'no extensions'}"),
        Finding(True, f"smtp: at most {smtp.max_per_minute} letters a minute will be sent"),
    ]
