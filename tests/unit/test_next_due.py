"""next_due is safe: until the moment it names, no new action can fall due for an unchanged case."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from mailbot.deadlines import CaseClock, WorkingCalendar, due_actions, next_due
from mailbot.profiles import PROFILES

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
