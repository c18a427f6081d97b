"""A deadline tick cut off before its letters were written: nothing is lost, nothing doubled.

The tick records a level and queues its reminder line and draft in one transaction; the letters
step writes them afterwards. If the service dies in between, an administrator sees them counted
in `mailbot status`, and the next pass delivers the handler's reminder and the draft's approval
request exactly once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mailbot.cli.operations import status_report
from mailbot.service.tick import deadline_tick
from tests.e2e.harness import Firm, make_firm
from tests.servers.dovecot import DovecotServer

pytestmark = pytest.mark.dovecot

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday


@pytest.fixture
def firm(dovecot: DovecotServer, make_smtp_server, tmp_path: Path) -> Firm:  # type: ignore[no-untyped-def]
    return make_firm(dovecot, make_smtp_server(deliver_to=dovecot), tmp_path)


def _subjects(firm: Firm) -> list[str]:
    return [str(m["Subject"]) for m in firm.inbox(firm.handler)]


def test_letters_queued_by_a_tick_that_died_are_written_once_by_the_next_pass(firm: Firm) -> None:
    firm.client_writes("Sale of 4 Elm Road", "Nobody has told me anything about my sale for weeks.", at=T0)
    firm.run(T0 + timedelta(minutes=1))  # the case is opened, assigned and acknowledged
    before = _subjects(firm)
    stall_day = firm.app.calendar.due(T0 + timedelta(minutes=1), firm.app.profile.stalled_after)

    tick = deadline_tick(firm.app, now=stall_day + timedelta(hours=1))  # ... and the process dies here
    assert (len(tick.fired), tick.notices_queued, tick.drafts_queued) == (1, 1, 1)
    queued = status_report(firm.config, stall_day + timedelta(hours=1, minutes=5))["deadline_letters_queued"]
    assert queued == {"drafts": 1, "reminder_lines": 1}
    assert _subjects(firm) == before, "nothing reached the handler yet"

    report = firm.run(stall_day + timedelta(hours=2))
    assert report.tick.fired == [], "the level is not fired again"
    assert (report.deadline_letters.drafted, report.deadline_letters.reminders_sent) == (1, 1)
    new = [s for s in _subjects(firm) if s not in before]
    assert len([s for s in new if s.startswith("Reminder")]) == 1
    assert len([s for s in new if "progress update" in s.lower()]) == 1
    reminder = next(m for m in firm.inbox(firm.handler) if str(m["Subject"]).startswith("Reminder"))
    assert "a progress update is drafted for you" in reminder.get_body(("plain",)).get_content()
    assert status_report(firm.config, stall_day + timedelta(hours=2, minutes=5))["deadline_letters_queued"] == {
        "drafts": 0, "reminder_lines": 0}

    firm.run(stall_day + timedelta(hours=3))
    assert len(_subjects(firm)) == len(before) + 2, "written once: no second reminder or request"
    assert len(firm.inbox(firm.client)) == 1, "the draft waits for approval; only the acknowledgement went out"
