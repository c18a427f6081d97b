"""Due dates, and what the scheduler's tick must do now.

Deadlines are derived, not scheduled: each tick calls `evaluate` with the case's dates and
`now`, and the caller records every returned `Level.key`, so a level fires once even across
restarts. The days are counted by working_days.WorkingCalendar (its docstring has the
counting rule). Pure: standard library and `holidays` only; time is always a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from .cases import OPEN_STATES, State
from .profiles import Clock, Profile
from .working_days import WorkingCalendar, require_aware

__all__ = [
    "ACTIVE_STATES", "STATES", "CaseClock", "Deadlines", "Evaluation", "Level", "WorkingCalendar",
    "case_deadlines", "due_actions", "evaluate", "next_due", "summary_resolution_refusal"
]

STATES = tuple(state.value for state in State)
ACTIVE_STATES = frozenset(state.value for state in OPEN_STATES)  # cases.py defines them


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: datetime
    respond_by: datetime | None
    regulator_by: datetime | None
    holding_letter_from: datetime | None
    reminders: tuple[tuple[str, datetime], ...]  # (Level.key, when it fires), earliest first
    summary_resolution_by: datetime | None = None


def case_deadlines(received_at: datetime, profile: Profile, cal: WorkingCalendar) -> Deadlines:
    """Every date a case's clocks produce, for letters ("we will reply by ...") and the tick."""
    require_aware("received_at", received_at)
    return _deadlines_for_day(
        cal.local(received_at).date(), cal.start_day(received_at), profile, cal)


@lru_cache(maxsize=16384)
def _deadlines_for_day(received_day: date, start_day: date, profile: Profile,
                       cal: WorkingCalendar) -> Deadlines:
    """The deadlines depend on the receipt's local day and start day only (see the module rule),
    so the tick computes them once per day of receipt, not once per case."""

    def due(clock: Clock | None) -> datetime | None:
        if clock is None:
            return None
        if clock.unit == "working_days":
            return cal._due_working(start_day, clock.amount)
        return cal._due_calendar(received_day, clock.amount * (7 if clock.unit == "weeks" else 1))

    regulator_by, respond_by = due(profile.regulator), due(profile.full_response)
    holding = due(profile.holding_letter_at)
    acknowledge_by = due(profile.acknowledge)
    assert acknowledge_by is not None
    src = profile.summary_resolution
    if src is not None and src.unit == "working_days" and src.amount > 0:
        # DISP 1.5.1R: "by close of business on the third business day following the day on which
        # it is received": counted from the calendar day of receipt, never shifted (review F10).
        summary_by: datetime | None = cal.close_of_business_days_after(received_day, src.amount)
    else:
        summary_by = due(src)
    return Deadlines(
        acknowledge_by=acknowledge_by,
        respond_by=respond_by,
        regulator_by=regulator_by,
        holding_letter_from=cal.start_of(cal.local(holding).date()) if holding else None,
        reminders=_reminders(received_day, regulator_by, respond_by, profile, cal),
        summary_resolution_by=summary_by,
    )


def _reminders(
    received_day: date, regulator_by: datetime | None, respond_by: datetime | None,
    profile: Profile, cal: WorkingCalendar,
) -> tuple[tuple[str, datetime], ...]:
    """Warnings before the regulator deadline, or before the response deadline where there is none.

    Each fires at the start of its local day, moved back to a working day so that a "2 days
    before" warning is not first read on the deadline day itself after a weekend.
    """
    kind, target = ("regulator_warning", regulator_by) if regulator_by else ("response_warning",
                                                                             respond_by)
    if target is None:
        return ()
    last_day = cal.local(target).date()
    out = []
    for offset in sorted(profile.reminder_offsets_days, reverse=True):
        day = cal.working_day_on_or_before(last_day - timedelta(days=offset))
        if day > received_day:  # a warning before the complaint's own day means nothing
            out.append((f"{kind}:{offset}", cal.start_of(day)))
    return tuple(out)


def summary_resolution_refusal(received_at: datetime, now: datetime, profile: Profile,
                               cal: WorkingCalendar) -> str | None:
    """Why a summary resolution communication may not go out now, or None if it may.

    The FCA allows one (in place of a final response) only for a complaint resolved by close of
    business on the third business day after the day it arrived (DISP 1.5.4R); after that the
    firm owes a final response.
    """
    by = case_deadlines(received_at, profile, cal).summary_resolution_by
    if by is None:
        return (
            "a summary resolution communication is for complaints under the FCA's rules (profile "
            "fca_disp); "
            f"this case's regime is {profile.name}: send a final response (or change the "
            "regime with 'regime fca_disp' if the complaint is about FCA-regulated work)")
    if now > by:
        return (
            "a summary resolution communication had to go out by "
            f"{cal.local(by):%H:%M on %a %d %B %Y} "
            f"(close of business on the third business day): send a final response instead")
    return None


@dataclass(frozen=True)
class CaseClock:
    """The dates of one case that its clocks depend on, as the store records them."""

    ref: str
    state: str
    received_at: datetime
    acknowledged_at: datetime | None = None
    last_client_letter_at: datetime | None = None
    awaiting_client_since: datetime | None = None
    responded_at: datetime | None = None  # the final response
    closed_at: datetime | None = None
    fired: frozenset[str] = frozenset()  # Level.keys already recorded for this case
    # An enquiry (not a complaint) runs no regulator clock: only a person's triage is due.
    is_complaint: bool = True
    triaged: bool = False  # a person has decided whether it is a complaint
    holding_sent_at: datetime | None = None  # the first holding (8-week) letter sent
    # The duties' clocks (duty_clocks.py): a subject access request's, and a breach's 72 hours.
    sar_received_at: datetime | None = None
    sar_due_at: datetime | None = None
    sar_done_at: datetime | None = None
    breach_aware_at: datetime | None = None
    breach_decided_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(
                f"case {self.ref}: unknown state {self.state!r} (known: {', '.join(STATES)})")
        for name in ("received_at", "acknowledged_at", "last_client_letter_at",
                     "awaiting_client_since", "responded_at", "closed_at", "holding_sent_at",
                     "sar_received_at", "sar_due_at", "sar_done_at", "breach_aware_at",
                     "breach_decided_at"):
            value = getattr(self, name)
            if value is not None:
                require_aware(name, value)
        object.__setattr__(self, "fired", frozenset(self.fired))


@dataclass(frozen=True)
class Level:
    """A level of a case's clock now due (a warning, an overdue acknowledgement, a breach): the
    tick acts on it and records `key`, so it never fires twice. Not a handler's command
    (commands.py has those)."""

    # ack_overdue | stalled | info_chaser | regulator_warning | response_warning | holding_letter
    # | regulator_breach | triage_due; and duty_clocks.py's ico_decision | ico_overdue | sar_due
    # | sar_overdue
    kind: str
    key: str
    due_at: datetime  # when it became due (UTC)
    detail: str  # for the handler: dates and clocks only, never the complaint's words


@dataclass(frozen=True)
class Evaluation:
    """One look at a case: what is due now, and when the next look could find something new."""

    actions: tuple[Level, ...]
    next_check: datetime | None  # None: no clock left that could fire while the case is unchanged


# one clock's due actions, and its next run-out after now
_Part = tuple[Sequence[Level], datetime | None]
_NOTHING: _Part = ((), None)


def evaluate(case: CaseClock, now: datetime, profile: Profile, cal: WorkingCalendar) -> Evaluation:
    """What is due for one case at `now` (minus what `case.fired` says was done), and when to look
    again.

    - Closed and responded cases get nothing, except a `regulator_breach` that really
      happened (the final response or closure came after the regulator deadline) and was not
      yet recorded, because compliance must hear of every breach even if the tick was down.
    - A reopened case already had its final response: it gets stall and chaser reminders only.
    - Of several warnings or stall periods due at once (a late tick, an imported case) only
      the latest fires; the earlier ones are superseded, never sent late.

    The next check is exact for the case as it stands: the earliest moment at which one of the
    clocks that apply in its state runs out. Any change to the case (a letter, a new state)
    makes the tick look again, so a clock that only applies in another state is not watched.
    Worked out in the same pass as the actions, because a tick does this for thousands of cases.

    An enquiry (`is_complaint` False) has no complaint clock at all: no acknowledgement, stall,
    holding letter or breach, only a reminder that a person must decide within one working day
    whether it is a complaint. Converted to a complaint, it is clocked from its receipt.
    """
    require_aware("now", now)
    if not case.is_complaint:
        triage = _triage(case, now, cal)
        return Evaluation(tuple(a for a in triage[0] if a.key not in case.fired), triage[1])
    d = case_deadlines(case.received_at, profile, cal)
    parts = [_breach(case, now, d, profile, cal)]
    if case.state in ACTIVE_STATES:
        parts.append(_ack(case, now, d, cal))
        waiting = case.state == "awaiting_client"
        parts.append(
            _chaser(case, now, profile, cal) if waiting else _stall(case, now, profile, cal))
        if case.responded_at is None:
            parts += [_warning(now, d, profile, cal), _holding(case, now, d, profile, cal)]
    found = [a for actions, _next in parts for a in actions if a.key not in case.fired]
    upcoming = [at for _actions, at in parts if at is not None]
    return Evaluation(tuple(sorted(found, key=lambda a: (a.due_at, a.key))),
                      min(upcoming) if upcoming else None)


def due_actions(case: CaseClock, now: datetime, profile: Profile,
                cal: WorkingCalendar) -> tuple[Level, ...]:
    """What is due for one case at `now`, minus what was already done (see `evaluate`)."""
    return evaluate(case, now, profile, cal).actions


def next_due(case: CaseClock, now: datetime, profile: Profile,
             cal: WorkingCalendar) -> datetime | None:
    """The earliest moment after `now` at which `due_actions` could return something new (see
    `evaluate`)."""
    return evaluate(case, now, profile, cal).next_check


def _day(cal: WorkingCalendar, moment: datetime) -> str:
    return cal.local(moment).strftime("%a %Y-%m-%d")


def _ack(case: CaseClock, now: datetime, d: Deadlines, cal: WorkingCalendar) -> _Part:
    if (case.acknowledged_at is not None or case.responded_at is not None
            or "ack_overdue" in case.fired):
        return _NOTHING
    # the handler hears on the day it is due
    fire_at = cal.start_of(cal.local(d.acknowledge_by).date())
    if now < fire_at:
        return [], fire_at
    when = f"{cal.local(d.acknowledge_by):%H:%M} on {_day(cal, d.acknowledge_by)} ({cal.timezone})"
    state = "overdue since" if now > d.acknowledge_by else "due by"
    return [Level("ack_overdue", "ack_overdue", fire_at, f"acknowledgement {state} {when}")], None


TRIAGE_WITHIN = Clock(1, "working_days")


def _triage(case: CaseClock, now: datetime, cal: WorkingCalendar) -> _Part:
    """An enquiry: a person decides within one working day of receipt whether it is a complaint."""
    if case.triaged or case.state not in ACTIVE_STATES or "triage_due" in case.fired:
        return _NOTHING
    due = cal.due(case.received_at, TRIAGE_WITHIN)
    fire_at = cal.start_of(cal.local(due).date())
    if now < fire_at:
        return [], fire_at
    detail = (f"decide whether it is a complaint by {cal.local(due):%H:%M} on {_day(cal, due)} "
              "(reply 'complaint yes' or 'complaint no')")
    return [Level("triage_due", "triage_due", fire_at, detail)], None


def _silence(kind: str, since: datetime, clock: Clock, now: datetime, cal: WorkingCalendar,
             what: str) -> _Part:
    """One action per whole `clock` of silence since `since`; the key names the period."""
    if clock.amount == 0:
        return _NOTHING
    if now < since:
        return (), cal.due(since, clock)
    return _silence_since_day(kind,
                              cal.local(since).date(), cal.start_day(since), clock, now, cal, what)


@lru_cache(maxsize=8192)
def _silence_since_day(kind: str, since_day: date, start_day: date, clock: Clock, now: datetime,
                       cal: WorkingCalendar, what: str) -> _Part:
    """`_silence` once silence began no later than `now`: it then depends on the day it began
    (and the start day its working days count from), so a tick works it out once per day for
    the thousands of cases that share one, not once per case."""
    k = cal.periods_elapsed_from(since_day, start_day, clock, now)
    upcoming = cal.due_from(since_day, start_day, clock.times(k + 1))
    if k == 0:
        return (), upcoming
    due_at = cal.due_from(since_day, start_day, clock.times(k))
    key = f"{kind}:{since_day.isoformat()}:{k}"
    return (Level(kind, key, due_at,
                   f"{what} since {since_day:%a %Y-%m-%d} ({clock.times(k)})"), ), upcoming


def _stall(case: CaseClock, now: datetime, profile: Profile, cal: WorkingCalendar) -> _Part:
    letters = [t for t in (case.received_at, case.acknowledged_at, case.last_client_letter_at) if t]
    return _silence("stalled", max(letters), profile.stalled_after, now, cal,
                    "no letter to the client")


def _chaser(case: CaseClock, now: datetime, profile: Profile, cal: WorkingCalendar) -> _Part:
    # A chaser we sent restarts the wait, so count from the later of the request and our last
    # letter.
    asked = [t for t in (case.awaiting_client_since, case.last_client_letter_at) if t
             ] or [case.received_at]
    what = "no reply from the client to our request for information"
    return _silence("info_chaser", max(asked), profile.info_chaser_after, now, cal, what)


def _warning(now: datetime, d: Deadlines, profile: Profile, cal: WorkingCalendar) -> _Part:
    target, clock = (d.regulator_by,
                     profile.regulator) if d.regulator_by else (d.respond_by,
                                                                profile.full_response)
    if target is None or clock is None or now > target:
        return _NOTHING
    upcoming = min((at for _key, at in d.reminders if now < at <= target), default=None)
    due = [(key, at) for key, at in d.reminders if at <= now]
    if not due:
        return [], upcoming
    key, at = due[-1]
    days = (cal.local(target).date() - cal.local(now).date()).days
    what = "deadline" if d.regulator_by else "final-response deadline"
    detail = f"{clock.adjective} {what} on {cal.local(target).date().isoformat()} ({days} days)"
    return [Level(key.split(":")[0], key, at, detail)], upcoming


def _holding(case: CaseClock, now: datetime, d: Deadlines, profile: Profile,
             cal: WorkingCalendar) -> _Part:
    if d.holding_letter_from is None or "holding_letter" in case.fired \
            or case.holding_sent_at is not None:
        return _NOTHING
    if now < d.holding_letter_from:
        return [], d.holding_letter_from
    detail = "holding letter due: no final response yet"
    if d.regulator_by and profile.regulator:
        regulator_day = cal.local(d.regulator_by).date().isoformat()
        detail += f"; {profile.regulator.adjective} deadline on {regulator_day}"
    return [Level("holding_letter", "holding_letter", d.holding_letter_from, detail)], None


_JUST_AFTER = timedelta(microseconds=1)


def _breach(case: CaseClock, now: datetime, d: Deadlines, profile: Profile,
            cal: WorkingCalendar) -> _Part:
    if d.regulator_by is None or profile.regulator is None or "regulator_breach" in case.fired:
        return _NOTHING
    ended = case.responded_at or (case.closed_at if case.state == "closed" else None)
    if ended is not None and ended <= d.regulator_by:
        return _NOTHING
    # A holding response by the deadline meets it where the regime says so (review F13).
    held = case.holding_sent_at if profile.holding_meets_regulator else None
    if held is not None and held <= d.regulator_by:
        return _NOTHING
    if now <= d.regulator_by:
        return [], d.regulator_by + _JUST_AFTER  # a breach is the deadline passing, not reaching it
    regulator_day = cal.local(d.regulator_by).date().isoformat()
    deadline = f"{profile.regulator.adjective} deadline on {regulator_day}"
    if ended is None:
        late = "with no final response"
        if profile.holding_meets_regulator:
            late += " or holding letter"
    else:
        late = f"{'final response' if case.responded_at else 'closed'} only on {_day(cal, ended)}"
    action = Level("regulator_breach", "regulator_breach", d.regulator_by,
                    f"{deadline} passed, {late}; escalate to compliance")
    return [action], None
