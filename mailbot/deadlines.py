"""Working days, due dates, and what the scheduler's tick must do now.

Deadlines are derived, not scheduled: each tick calls `due_actions` with the case's dates
and `now`, and the caller records every returned `Action.key`, so a level fires once even
across restarts. Pure: standard library and `holidays` only; time is always a parameter.

Counting rule (the one the letters promise):
- Receipt on a non-working day, or after close of business (17:30 local by default), counts
  from the next working day (the "start day").
- N working days end at close of business, local time, on the Nth working day after the
  start day. 0 working days means close of business on the start day.
- Calendar-day and week clocks count from the local date of receipt itself and end at the
  end of that local day (23:59:59.999999). They deliberately ignore the start-day shift:
  the ombudsman's 8 weeks run from when the complaint arrived, so shifting would be unsafe.
- Inputs must be timezone-aware; every returned datetime is in UTC.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from .errors import ConfigError
from .profiles import Clock, Profile

CLOSE_OF_BUSINESS = time(17, 30)
STATES = ("new", "acknowledged", "investigating", "awaiting_client", "responded", "closed", "reopened")
ACTIVE_STATES = frozenset({"new", "acknowledged", "investigating", "awaiting_client", "reopened"})
_ONE_DAY = timedelta(days=1)


def _aware(name: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value.isoformat()}")
    return value


@dataclass(frozen=True)
class WorkingCalendar:
    """The firm's working days: its weekend, its public holidays, its time zone."""

    country: str
    subdivision: str | None
    timezone: str
    close_of_business: time = CLOSE_OF_BUSINESS
    _years: dict[int, frozenset[date]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _weekend: frozenset[int] = field(default=frozenset({5, 6}), init=False, repr=False, compare=False)
    _span: tuple[int, int] | None = field(default=None, init=False, repr=False, compare=False)
    _workdays: list[date] = field(default_factory=list, init=False, repr=False, compare=False)
    _zone: ZoneInfo | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "_zone", ZoneInfo(self.timezone))
        except (ZoneInfoNotFoundError, ValueError):
            problem = f"unknown time zone {self.timezone!r} (use an IANA name such as 'Europe/London')"
            raise ConfigError([problem]) from None
        try:
            probe = holidays.country_holidays(self.country, subdiv=self.subdivision, years=())
        except NotImplementedError as exc:
            raise ConfigError([f"no public holidays known for {self.country!r}/{self.subdivision!r}: {exc}"]) from None
        object.__setattr__(self, "_weekend", frozenset(getattr(probe, "weekend", {5, 6})))

    @property
    def zone(self) -> ZoneInfo:
        assert self._zone is not None
        return self._zone

    def local(self, moment: datetime) -> datetime:
        return _aware("datetime", moment).astimezone(self.zone)

    def _holidays(self, year: int) -> frozenset[date]:
        if year not in self._years:  # loaded on first use: a case can span several years
            self._years[year] = frozenset(holidays.country_holidays(self.country, subdiv=self.subdivision, years=year))
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = self.local(day).date()
        return day.weekday() not in self._weekend and day not in self._holidays(day.year)

    def next_working_day(self, day: date) -> date:
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def working_day_on_or_before(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    # A tick asks this about every clock of every case it looks at, several times: memoise.
    @lru_cache(maxsize=1 << 18)  # noqa: B019 - the calendar is immutable and long-lived
    def start_day(self, received_at: datetime) -> date:
        """The day counting starts from: today if received in working hours, else the next working day."""
        local = self.local(received_at)
        if self.is_working_day(local.date()) and local.time() < self.close_of_business:
            return local.date()
        return self.next_working_day(local.date())

    def _index(self, first: int, last: int) -> list[date]:
        """The sorted working days of years first..last (extended on demand, kept contiguous).

        The tick counts working days for every open case; walking day by day made a tick over
        100,000 cases take minutes, while a bisect on this list takes microseconds.
        """
        span = self._span
        if span is None or first < span[0] or last > span[1]:
            lo = min(first, span[0]) if span else first
            hi = max(last, span[1]) if span else last
            day, end, days = date(lo, 1, 1), date(hi, 12, 31), []
            while day <= end:
                if self.is_working_day(day):
                    days.append(day)
                day += _ONE_DAY
            object.__setattr__(self, "_span", (lo, hi))
            object.__setattr__(self, "_workdays", days)
        return self._workdays

    def _rank(self, day: date) -> int:
        """How many working days fall on or before `day` (within the indexed years)."""
        return bisect_right(self._index(day.year - 1, day.year + 1), day)

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """Close of business on the nth working day after the start day (see the module rule)."""
        if n < 0:
            raise ValueError(f"cannot count back {n} working days")
        return self._due_working(self.start_day(start), n)  # the start day is always a working day

    def working_days_between(self, a: datetime, b: datetime) -> int:
        """Working days after a's start day up to and including b's local date (negative if b < a).

        So working_days_between(a, add_working_days(a, n)) == n.
        """
        if b < a:
            return -self.working_days_between(b, a)
        start, end = self.start_day(a), self.local(b).date()
        if end <= start:
            return 0
        self._index(start.year - 1, end.year + 1)
        return self._rank(end) - self._rank(start)

    def at_close(self, day: date) -> datetime:
        return datetime.combine(day, self.close_of_business, tzinfo=self.zone).astimezone(UTC)

    def start_of(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.zone).astimezone(UTC)

    def end_of(self, day: date) -> datetime:
        """The last instant of a local day, safe across DST (the next midnight minus 1 µs)."""
        return self.start_of(day + _ONE_DAY) - timedelta(microseconds=1)

    def due(self, start: datetime, clock: Clock) -> datetime:
        """When a clock started at `start` runs out."""
        if clock.unit == "working_days":
            return self._due_working(self.start_day(start), clock.amount)
        return self._due_calendar(self.local(start).date(), clock.amount * (7 if clock.unit == "weeks" else 1))

    # A due date depends only on the start's day, and thousands of cases share a day: memoise.
    @lru_cache(maxsize=65536)  # noqa: B019 - the calendar is immutable and long-lived
    def _due_working(self, start_day: date, n: int) -> datetime:
        days = self._index(start_day.year - 1, start_day.year + 1 + n // 200)
        return self.at_close(days[bisect_right(days, start_day) - 1 + n])

    @lru_cache(maxsize=65536)  # noqa: B019
    def _due_calendar(self, day: date, n: int) -> datetime:
        return self.end_of(day + timedelta(days=n))

    def periods_elapsed(self, start: datetime, clock: Clock, now: datetime) -> int:
        """How many whole clocks have run out since `start` (0 if none, or if the clock is 0)."""
        if clock.amount == 0 or now < start:
            return 0
        if clock.unit == "working_days":
            k = self.working_days_between(start, now) // clock.amount
        else:
            span = clock.amount * (7 if clock.unit == "weeks" else 1)
            k = (self.local(now).date() - self.local(start).date()).days // span
        while k > 0 and self.due(start, clock.times(k)) > now:
            k -= 1
        return k


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: datetime
    respond_by: datetime | None
    regulator_by: datetime | None
    holding_letter_from: datetime | None
    reminders: tuple[tuple[str, datetime], ...]  # (Action.key, when it fires), earliest first
    summary_resolution_by: datetime | None = None


def case_deadlines(received_at: datetime, profile: Profile, cal: WorkingCalendar) -> Deadlines:
    """Every date a case's clocks produce, for letters ("we will reply by ...") and the tick."""
    _aware("received_at", received_at)
    return _deadlines_for_day(cal.local(received_at).date(), cal.start_day(received_at), profile, cal)


@lru_cache(maxsize=16384)
def _deadlines_for_day(received_day: date, start_day: date, profile: Profile, cal: WorkingCalendar) -> Deadlines:
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
    return Deadlines(
        acknowledge_by=acknowledge_by,
        respond_by=respond_by,
        regulator_by=regulator_by,
        holding_letter_from=cal.start_of(cal.local(holding).date()) if holding else None,
        reminders=_reminders(received_day, regulator_by, respond_by, profile, cal),
        summary_resolution_by=due(profile.summary_resolution),
    )


def _reminders(
    received_day: date, regulator_by: datetime | None, respond_by: datetime | None,
    profile: Profile, cal: WorkingCalendar,
) -> tuple[tuple[str, datetime], ...]:
    """Warnings before the regulator deadline, or before the response deadline where there is none.

    Each fires at the start of its local day, moved back to a working day so that a "2 days
    before" warning is not first read on the deadline day itself after a weekend.
    """
    kind, target = ("regulator_warning", regulator_by) if regulator_by else ("response_warning", respond_by)
    if target is None:
        return ()
    last_day = cal.local(target).date()
    out = []
    for offset in sorted(profile.reminder_offsets_days, reverse=True):
        day = cal.working_day_on_or_before(last_day - timedelta(days=offset))
        if day > received_day:  # a warning before the complaint's own day means nothing
            out.append((f"{kind}:{offset}", cal.start_of(day)))
    return tuple(out)


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
    fired: frozenset[str] = frozenset()  # Action.keys already recorded for this case

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"case {self.ref}: unknown state {self.state!r} (known: {', '.join(STATES)})")
        for name in ("received_at", "acknowledged_at", "last_client_letter_at", "awaiting_client_since",
                     "responded_at", "closed_at"):
            value = getattr(self, name)
            if value is not None:
                _aware(name, value)
        object.__setattr__(self, "fired", frozenset(self.fired))


@dataclass(frozen=True)
class Action:
    """Something the tick must do; the caller records `key` so it never happens twice."""

    # ack_overdue | stalled | info_chaser | regulator_warning | response_warning | holding_letter
    # | regulator_breach
    kind: str
    key: str
    due_at: datetime  # when it became due (UTC)
    detail: str  # for the handler: dates and clocks only, never the complaint's words


def due_actions(case: CaseClock, now: datetime, profile: Profile, cal: WorkingCalendar) -> tuple[Action, ...]:
    """What is due for one case at `now`, minus what `case.fired` says was already done.

    - Closed and responded cases get nothing, except a `regulator_breach` that really
      happened (the final response or closure came after the regulator deadline) and was not
      yet recorded, because compliance must hear of every breach even if the tick was down.
    - A reopened case already had its final response: it gets stall and chaser reminders only.
    - Of several warnings or stall periods due at once (a late tick, an imported case) only
      the latest fires; the earlier ones are superseded, never sent late.
    """
    _aware("now", now)
    d = case_deadlines(case.received_at, profile, cal)
    found: list[Action] = []
    if case.state in ACTIVE_STATES:
        found += _ack(case, now, d, cal)
        waiting = case.state == "awaiting_client"
        found += _chaser(case, now, profile, cal) if waiting else _stall(case, now, profile, cal)
        if case.responded_at is None:
            found += _warning(now, d, profile, cal) + _holding(now, d, profile, cal)
    found += _breach(case, now, d, profile, cal)
    return tuple(sorted((a for a in found if a.key not in case.fired), key=lambda a: (a.due_at, a.key)))


def _day(cal: WorkingCalendar, moment: datetime) -> str:
    return cal.local(moment).strftime("%a %Y-%m-%d")


def _ack(case: CaseClock, now: datetime, d: Deadlines, cal: WorkingCalendar) -> list[Action]:
    if case.acknowledged_at is not None or case.responded_at is not None:
        return []
    fire_at = cal.start_of(cal.local(d.acknowledge_by).date())  # the handler hears on the day it is due
    if now < fire_at:
        return []
    when = f"{cal.local(d.acknowledge_by):%H:%M} on {_day(cal, d.acknowledge_by)} ({cal.timezone})"
    state = "overdue since" if now > d.acknowledge_by else "due by"
    return [Action("ack_overdue", "ack_overdue", fire_at, f"acknowledgement {state} {when}")]


def _silence(kind: str, since: datetime, clock: Clock, now: datetime, cal: WorkingCalendar, what: str) -> list[Action]:
    """One action per whole `clock` of silence since `since`; the key names the period."""
    k = cal.periods_elapsed(since, clock, now)
    if k == 0:
        return []
    due_at = cal.due(since, clock.times(k))
    key = f"{kind}:{cal.local(since).date().isoformat()}:{k}"
    return [Action(kind, key, due_at, f"{what} since {_day(cal, since)} ({clock.times(k)})")]


def _stall(case: CaseClock, now: datetime, profile: Profile, cal: WorkingCalendar) -> list[Action]:
    letters = [t for t in (case.received_at, case.acknowledged_at, case.last_client_letter_at) if t]
    return _silence("stalled", max(letters), profile.stalled_after, now, cal, "no letter to the client")


def _chaser(case: CaseClock, now: datetime, profile: Profile, cal: WorkingCalendar) -> list[Action]:
    # A chaser we sent restarts the wait, so count from the later of the request and our last letter.
    asked = [t for t in (case.awaiting_client_since, case.last_client_letter_at) if t] or [case.received_at]
    what = "no reply from the client to our request for information"
    return _silence("info_chaser", max(asked), profile.info_chaser_after, now, cal, what)


def _warning(now: datetime, d: Deadlines, profile: Profile, cal: WorkingCalendar) -> list[Action]:
    target, clock = (d.regulator_by, profile.regulator) if d.regulator_by else (d.respond_by, profile.full_response)
    due = [(key, at) for key, at in d.reminders if at <= now]
    if not due or target is None or clock is None or now > target:
        return []
    key, at = due[-1]
    days = (cal.local(target).date() - cal.local(now).date()).days
    what = "deadline" if d.regulator_by else "final-response deadline"
    detail = f"{clock.adjective} {what} on {cal.local(target).date().isoformat()} ({days} days)"
    return [Action(key.split(":")[0], key, at, detail)]


def _holding(now: datetime, d: Deadlines, profile: Profile, cal: WorkingCalendar) -> list[Action]:
    if d.holding_letter_from is None or now < d.holding_letter_from:
        return []
    detail = "holding letter due: no final response yet"
    if d.regulator_by and profile.regulator:
        detail += f"; {profile.regulator.adjective} deadline on {cal.local(d.regulator_by).date().isoformat()}"
    return [Action("holding_letter", "holding_letter", d.holding_letter_from, detail)]


def _breach(case: CaseClock, now: datetime, d: Deadlines, profile: Profile, cal: WorkingCalendar) -> list[Action]:
    if d.regulator_by is None or profile.regulator is None or now <= d.regulator_by:
        return []
    ended = case.responded_at or (case.closed_at if case.state == "closed" else None)
    if ended is not None and ended <= d.regulator_by:
        return []
    deadline = f"{profile.regulator.adjective} deadline on {cal.local(d.regulator_by).date().isoformat()}"
    if ended is None:
        late = "with no final response"
    else:
        late = f"{'final response' if case.responded_at else 'closed'} only on {_day(cal, ended)}"
    return [Action("regulator_breach", "regulator_breach", d.regulator_by,
                   f"{deadline} passed, {late}; escalate to compliance")]


def next_due(case: CaseClock, now: datetime, profile: Profile, cal: WorkingCalendar) -> datetime | None:
    """The earliest moment after `now` at which `due_actions` could return something new.

    Conservative by design: every clock's next run-out is a candidate whatever the state, so
    the tick may look at a case a little early, never late. The tick stores this as the case's
    next_check_at and, between changes to the case, reads nothing else.
    """
    _aware("now", now)
    d = case_deadlines(case.received_at, profile, cal)
    times: list[datetime | None] = [cal.start_of(cal.local(d.acknowledge_by).date()), d.holding_letter_from, d.regulator_by]
    times += [at for _key, at in d.reminders]
    letters = [t for t in (case.received_at, case.acknowledged_at, case.last_client_letter_at) if t]
    asked = [t for t in (case.awaiting_client_since, case.last_client_letter_at) if t] or [case.received_at]
    for since, clock in ((max(letters), profile.stalled_after), (max(asked), profile.info_chaser_after)):
        if clock.amount > 0:
            times.append(cal.due(since, clock.times(cal.periods_elapsed(since, clock, now) + 1)))
    future = [t for t in times if t is not None and t > now]
    return min(future) if future else None

