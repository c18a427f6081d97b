"""The firm's working days: weekends, public holidays and time zone, and counting on them.

Counting rule (the one the letters promise):
- Receipt on a non-working day, or after close of business (17:30 local by default), counts
  from the next working day (the "start day").
- N working days end at close of business, local time, on the Nth working day after the
  start day. 0 working days means close of business on the start day.
- Calendar-day and week clocks count from the local date of receipt itself and end at the
  end of that local day (23:59:59.999999). They deliberately ignore the start-day shift:
  the ombudsman's 8 weeks run from when the complaint arrived, so shifting would be unsafe.
- "By close of business on the Nth business day following the day on which it is received"
  (the FCA's summary resolution window, DISP 1.5.1R) counts from the local calendar date of
  receipt with no start-day shift either (`close_of_business_days_after`): a Saturday or an
  after-hours receipt does not buy an extra day (the FCA deleted that allowance, DISP 1.5.3G).
- Public holidays come from the `holidays` package for the country and subdivision, plus any
  days the firm is closed (`closed_days`, e.g. an Irish Christmas closure the statute lacks).
- Inputs must be timezone-aware; every returned datetime is in UTC.

Pure: standard library and `holidays` only.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from .errors import ConfigError
from .profiles import Clock

CLOSE_OF_BUSINESS = time(17, 30)
_ONE_DAY = timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (31 Aug + 6
    months is 28 or 29 Feb): how "within six months of the date of this letter" is printed."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")  # pragma: no cover


def require_aware(name: str, value: datetime) -> datetime:
    """Refuse a naive datetime: read in the machine's zone it would move a deadline by hours."""
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
    closed_days: frozenset[date] = frozenset()
    _years: dict[int, frozenset[date]] = field(default_factory=dict, init=False, repr=False,
                                               compare=False)
    _weekend: frozenset[int] = field(default=frozenset({5, 6}), init=False, repr=False,
                                     compare=False)
    _span: tuple[int, int] | None = field(default=None, init=False, repr=False, compare=False)
    _workdays: list[date] = field(default_factory=list, init=False, repr=False, compare=False)
    _zone: ZoneInfo | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "_zone", ZoneInfo(self.timezone))
        except (ZoneInfoNotFoundError, ValueError):
            problem = (f"unknown time zone {self.timezone!r} "
                       "(use an IANA name such as 'Europe/London')")
            raise ConfigError([problem]) from None
        try:
            probe = holidays.country_holidays(self.country, subdiv=self.subdivision, years=())
        except NotImplementedError as exc:
            raise ConfigError([
                f"no public holidays known for {self.country!r}/{self.subdivision!r}: {exc}"
            ]) from None
        object.__setattr__(self, "_weekend", frozenset(getattr(probe, "weekend", {5, 6})))

    @property
    def zone(self) -> ZoneInfo:
        """The firm's zone: working days and close of business are local."""
        assert self._zone is not None
        return self._zone

    def local(self, moment: datetime) -> datetime:
        """A moment in the firm's local time, where days and close of business are counted."""
        return require_aware("datetime", moment).astimezone(self.zone)

    def _holidays(self, year: int) -> frozenset[date]:
        if year not in self._years:  # loaded on first use: a case can span several years
            public = holidays.country_holidays(self.country, subdiv=self.subdivision, years=year)
            self._years[year] = frozenset(public) | {d for d in self.closed_days if d.year == year}
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        """Not a weekend day, a public holiday or a day the firm is closed; a datetime is judged
        by its local date."""
        if isinstance(day, datetime):
            day = self.local(day).date()
        return day.weekday() not in self._weekend and day not in self._holidays(day.year)

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`: where a clock starts when mail arrives on a non-
        working day or after close."""
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def working_day_on_or_before(self, day: date) -> date:
        """The last working day on or before `day`, so a reminder is never due on a day nobody
        works."""
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    # A tick asks this about every clock of every case it looks at, several times: memoise.
    @lru_cache(maxsize=1 << 18)  # noqa: B019 - the calendar is immutable and long-lived
    def start_day(self, received_at: datetime) -> date:
        """The day counting starts from: today if received in working hours, else the next working
        day."""
        local = self.local(received_at)
        if self.is_working_day(local.date()) and local.time() < self.close_of_business:
            return local.date()
        return self.next_working_day(local.date())

    def _index(self, first: int, last: int) -> list[date]:
        """The sorted working days of years first..last (extended on demand, kept contiguous).

        The tick counts working days for every open case: walking day by day made a large tick
        slow, a bisect on this list does not (tests/bench/README.md).
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
        return self._working_days_after(self.start_day(a), self.local(b).date())

    def _working_days_after(self, start_day: date, end: date) -> int:
        if end <= start_day:
            return 0
        self._index(start_day.year - 1, end.year + 1)  # both ranks from one index
        return self._rank(end) - self._rank(start_day)

    def close_of_business_days_after(self, day: date, n: int) -> datetime:
        """Close of business on the nth working day following the calendar date `day` (n >= 1),
        whatever time of day or kind of day `day` is (see the module rule)."""
        if n < 1:
            raise ValueError(f"count at least one working day after the day, not {n}")
        days = self._index(day.year - 1, day.year + 1 + n // 200)
        return self.at_close(days[bisect_right(days, day) - 1 + n])

    def at_close(self, day: date) -> datetime:
        """Close of business on a local day, in UTC: deadlines expire then, not at midnight."""
        return datetime.combine(day, self.close_of_business, tzinfo=self.zone).astimezone(UTC)

    def start_of(self, day: date) -> datetime:
        """The first instant of a local day, in UTC, for reports that select by local date."""
        return datetime.combine(day, time(0), tzinfo=self.zone).astimezone(UTC)

    def end_of(self, day: date) -> datetime:
        """The last instant of a local day, safe across DST (the next midnight minus 1 µs)."""
        return self.start_of(day + _ONE_DAY) - timedelta(microseconds=1)

    def due(self, start: datetime, clock: Clock) -> datetime:
        """When a clock started at `start` runs out."""
        return self.due_from(self.local(start).date(), self.start_day(start), clock)

    def due_from(self, local_day: date, start_day: date, clock: Clock) -> datetime:
        """`due` for a start known by its local date and its start day, all that a due date depends
        on."""
        if clock.unit == "working_days":
            return self._due_working(start_day, clock.amount)
        return self._due_calendar(local_day, clock.amount * (7 if clock.unit == "weeks" else 1))

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
        return self.periods_elapsed_from(
            self.local(start).date(), self.start_day(start), clock, now)

    def periods_elapsed_from(self, local_day: date, start_day: date, clock: Clock,
                             now: datetime) -> int:
        """`periods_elapsed` for a start no later than `now`, known by its local date and start
        day."""
        if clock.amount == 0:
            return 0
        if clock.unit == "working_days":
            k = self._working_days_after(start_day, self.local(now).date()) // clock.amount
        else:
            span = clock.amount * (7 if clock.unit == "weeks" else 1)
            k = (self.local(now).date() - local_day).days // span
        while k > 0 and self.due_from(local_day, start_day, clock.times(k)) > now:
            k -= 1
        return k
