"""One intake pass over the mailbox: UIDs above the watermark, oldest first.

IDLE only shortens the wait before the next pass; every pass is this same path. Order per
message: commit the record (intake.receive), then move it on the server, then advance the
watermark. A crash between any two steps is repaired by the next pass: the record's dedupe
turns the repeat into a no-op, and the message is then moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from ..cases import AuditEvent
from ..mailbox import Mailbox
from ..store import audit, intake
from ..store.intake import MailboxCoordinates
from .context import App, log
from .intake import Received, receive


@dataclass
class PassReport:
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    uidvalidity_changed: bool = False

    def count(self, status: str) -> None:
        self.outcomes[status] = self.outcomes.get(status, 0) + 1


def intake_pass(
    app: App,
    mailbox: Mailbox,
    *,
    now: Callable[[], datetime],
    should_stop: Callable[[], bool] = lambda: False,
) -> PassReport:
    """Fetch and process everything new; returns counts per outcome."""
    settings = mailbox.settings
    name = f"{settings.username}@{settings.host}/{settings.folder}"
    report = PassReport()
    uidvalidity = mailbox.uidvalidity()
    with app.store.transaction() as conn:
        mark = intake.get_watermark(conn, name)
    last_uid = 0
    if mark is not None and mark.uidvalidity == uidvalidity:
        last_uid = mark.last_uid
    elif mark is not None:
        # The server renumbered the mailbox: read it all again; the dedupe keeps it exactly-once.
        report.uidvalidity_changed = True
        with app.store.transaction() as conn:
            audit.append(conn, [AuditEvent("intake.uidvalidity_changed", None, "mailbot", now(),
                                           {"mailbox": name, "old": mark.uidvalidity, "new": uidvalidity})])
            intake.set_watermark(conn, name, uidvalidity, 0, now())
        log.warning("intake.uidvalidity_changed", extra={"mailbox": name})
    while not should_stop():
        batch = mailbox.fetch_since(last_uid, settings.batch_size)
        if not batch:
            break
        for fetched in batch:
            if should_stop():
                break
            result = receive(
                app,
                fetched.raw,
                now=now(),
                where=MailboxCoordinates(name, fetched.uidvalidity, fetched.uid),
                internaldate=fetched.internaldate,
            )
            report.fetched += 1
            report.count(result.status)
            _file_away(mailbox, fetched.uid, result)
            last_uid = fetched.uid
            with app.store.transaction() as conn:
                intake.set_watermark(conn, name, uidvalidity, last_uid, now())
    with app.store.transaction() as conn:
        if intake.get_watermark(conn, name) is None:
            intake.set_watermark(conn, name, uidvalidity, last_uid, now())
        intake.touch_watermark(conn, name, now())
    return report


def _file_away(mailbox: Mailbox, uid: int, result: Received) -> None:
    folder = mailbox.settings.quarantine_folder if result.folder_kind == "quarantine" else mailbox.settings.processed_folder
    mailbox.move([uid], folder)
