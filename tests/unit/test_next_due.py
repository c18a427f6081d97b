"""next_due is safe: until the moment it names, no new action can fall due for an unchanged case."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from mailbot.deadlines import CaseClock, WorkingCalendar, due_actions, next_due
from mailbot.profiles import PROFILES, Clock

CAL = WorkingCalendar("GB", "ENG", "Europe/London")
START = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)


def _case(rng: random.Random) -> CaseClock:
    received = START + timedelta(minutes=rng.randint(0, 60 * 24 * 60))
    acked = received + timedelta(hours=rng.randint(0, 100)) if rng.random() < 0.8 else None
    letter = (acked or received) + timedelta(days=rng.randint(0, 30)) if rng.random() < 0.5 else None
    state = rng.choice(["new", "acknowledged", "investigating", "awaiting_client", "responded", "closed", "reopened"])
    awaiting = (letter or received) + timedelta(days=1) if state == "awaiting_client" else None
    responded = received + timedelta(days=rng.randint(10, 80)) if state in ("responded", "closed", "reopened") else None
    closed = responded + timedelta(days=3) if state == "closed" and responded else None
    return CaseClock(ref="C-2026-0001", state=state, received_at=received, acknowledged_at=acked,
                     last_client_letter_at=letter, awaiting_client_since=awaiting, responded_at=responded,
                     closed_at=closed)


def test_nothing_new_falls_due_before_next_due() -> None:
    rng = random.Random(11)
    checked = 0
    for name in ("ew_sra", "scot_slcc", "generic", "fca_disp"):
        profile = PROFILES[name]
        for _ in range(60):
            case = _case(rng)
            now = case.received_at + timedelta(hours=rng.randint(0, 24 * 100))
            keys_now = {a.key for a in due_actions(case, now, profile, CAL)}
            upcoming = next_due(case, now, profile, CAL)
            horizon = upcoming or now + timedelta(days=400)
            assert upcoming is None or upcoming > now
            for _ in range(8):
                t = now + (horizon - now) * rng.random()
                if t >= horizon:
                    continue
                assert {a.key for a in due_actions(case, t, profile, CAL)} <= keys_now, (name, case, now, t, upcoming)
                checked += 1
    assert checked > 1000


def test_next_due_names_a_moment_when_something_new_is_due() -> None:
    """Exact, not just safe: each look the tick schedules finds work, so a boundary tick reads
    only the cases that fire (a case in one state is not woken by another state's clock)."""
    rng = random.Random(12)
    checked = 0
    for name in ("ew_sra", "scot_slcc", "generic", "fca_disp", "ie_lsra"):
        profile = PROFILES[name]
        for _ in range(80):
            case = _case(rng)
            now = case.received_at + timedelta(hours=rng.randint(0, 24 * 100))
            upcoming = next_due(case, now, profile, CAL)
            if upcoming is None:
                continue
            keys_now = {a.key for a in due_actions(case, now, profile, CAL)}
            keys_then = {a.key for a in due_actions(case, upcoming, profile, CAL)}
            assert keys_then - keys_now, (name, case, now, upcoming)
            checked += 1
    assert checked > 200


def test_a_breach_is_seen_by_a_tick_at_the_very_deadline() -> None:
    """A tick at the regulator deadline's last instant finds no breach yet; its next look must come.

    The silence clocks are off here, so nothing else would wake the case again.
    """
    off = Clock(0, "working_days")
    profile = replace(PROFILES["ew_sra"], stalled_after=off, info_chaser_after=off)
    case = CaseClock(ref="C-2026-0002", state="investigating", received_at=START, acknowledged_at=START,
                     last_client_letter_at=START)
    deadline = next(a for a in due_actions(case, START + timedelta(days=80), profile, CAL) if a.kind == "regulator_breach").due_at
    quiet = CaseClock(**{**case.__dict__, "fired": frozenset(a.key for a in due_actions(case, deadline, profile, CAL))})
    assert "regulator_breach" not in {a.kind for a in due_actions(quiet, deadline, profile, CAL)}
    upcoming = next_due(quiet, deadline, profile, CAL)
    assert upcoming is not None and upcoming > deadline
    assert "regulator_breach" in {a.kind for a in due_actions(quiet, upcoming, profile, CAL)}
