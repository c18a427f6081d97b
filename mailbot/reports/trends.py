"""The numbers behind the trend report: case facts in, counts and durations out.

Kept apart from the drawing so the figures can be checked (and reused) without matplotlib.
Every case is placed by the firm's local month of receipt. Clients appear only as keyed
hashes (CaseFacts.client_key) and handlers by display name: the page names no client.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median

from ..deadlines import ACTIVE_STATES, WorkingCalendar
from . import CATEGORIES
from .register import CaseFacts

DEADLINE_NAMES = ("acknowledge", "respond", "regulator")
ACK_BANDS = ("same working day", "next working day", "2-3 working days", "over 3 working days",
             "not acknowledged")
# fewer decided deadlines than this in a month: no percentage (it would swing wildly)
MIN_FOR_RATE = 10
# a month with more still running than this: no percentage (only quick cases count yet)
MAX_PENDING_SHARE = 0.1
TOP_ROOT_CAUSES = 15
TOP_REPEATERS = 15
OTHER_CAUSES = "Other causes"


@dataclass(frozen=True)
class DeadlineTally:
    name: str
    met: int
    missed: int
    pending: int
    met_rate_by_month: tuple[float | None, ...]  # % met of those decided, per month

    @property
    def decided(self) -> int:
        """Deadlines whose outcome is known (met or missed): only those count towards a rate."""
        return self.met + self.missed


@dataclass(frozen=True)
class HandlerLoad:
    label: str
    received: int  # cases received in the period now assigned to them
    open_now: int  # of those, still open


@dataclass(frozen=True)
class TrendFigures:
    period_from: date
    period_to: date
    months: tuple[str, ...]  # "2025-01", ... every month of the period, empty ones too
    by_category: tuple[tuple[str, tuple[int, ...]], ...]  # (category, count per month), fixed order
    # per month: working days from receipt to acknowledgement
    ack_working_days: tuple[tuple[int, ...], ...]
    # per month: cases with no acknowledgement (nor final response) yet
    unacknowledged: tuple[int, ...]
    # per month: calendar days from receipt to final response
    response_days: tuple[tuple[float, ...], ...]
    deadlines: tuple[DeadlineTally, ...]
    # most common first; the rest folded into "other causes"
    root_causes: tuple[tuple[str, int], ...]
    root_cause_missing: int
    clients: int
    repeat_clients: int  # clients with more than one case in the period
    top_repeaters: tuple[tuple[str, int], ...]  # (anonymous label, cases)
    handler_load: tuple[HandlerLoad, ...]
    total: int
    resolved: int
    still_open: int


def month_keys(start: date, end: date) -> tuple[str, ...]:
    """Every month of the period as YYYY-MM, so a month without complaints still shows as zero."""
    keys, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(keys)


def anonymous_label(key: str) -> str:
    """A stable label for a client that names nobody: the trend report leaves the firm by email."""
    return f"client {key[:6]}"


def _tidy(cause: str | None) -> str:
    text = " ".join((cause or "").split()).rstrip(".")
    return text[:1].upper() + text[1:] if text else ""


def compute_trends(facts: Iterable[CaseFacts], start: date, end: date, cal: WorkingCalendar, *,
                   handler_names: Mapping[str, str] | None = None) -> TrendFigures:
    """Figures for complaints received on local dates start..end inclusive (others are ignored).

    Enquiries (cases held or marked as not a complaint) are not complaints and are left out,
    as the returns leave them out (F3): a thank-you note is no missed acknowledgement.
    """
    months = month_keys(start, end)
    index = {m: i for i, m in enumerate(months)}
    chosen = [f for f in facts
              if start <= cal.local(f.received_at).date() <= end and f.is_complaint is not False]
    month_of = [index[cal.local(f.received_at).strftime("%Y-%m")] for f in chosen]
    counts = {c: [0] * len(months) for c in CATEGORIES}
    ack: list[list[int]] = [[] for _ in months]
    unacked = [0] * len(months)
    resp: list[list[float]] = [[] for _ in months]
    for f, i in zip(chosen, month_of):
        counts.setdefault(f.category or "other", [0] * len(months))[i] += 1
        if f.acknowledged_at:
            ack[i].append(cal.working_days_between(f.received_at, f.acknowledged_at))
        elif not f.resolved_at:
            unacked[i] += 1
        if f.responded_at:
            resp[i].append(round((f.responded_at - f.received_at).total_seconds() / 86400, 2))
    causes = Counter(_tidy(f.root_cause) for f in chosen)
    missing = causes.pop("", 0)
    top = causes.most_common(TOP_ROOT_CAUSES)
    rest = sum(causes.values()) - sum(n for _, n in top)
    per_client = Counter(f.client_key for f in chosen)
    repeaters = [(k, n) for k, n in per_client.most_common() if n > 1]
    return TrendFigures(
        period_from=start, period_to=end, months=months, by_category=tuple(
            (c, tuple(v))
            for c, v in counts.items()), ack_working_days=tuple(tuple(v) for v in ack),
        unacknowledged=tuple(unacked), response_days=tuple(tuple(v) for v in resp),
        deadlines=_deadlines(chosen, month_of, len(months)),
        root_causes=tuple(top + ([(OTHER_CAUSES, rest)] if rest else [])),
        root_cause_missing=missing, clients=len(per_client), repeat_clients=len(repeaters),
        top_repeaters=tuple((anonymous_label(k), n) for k, n in repeaters[:TOP_REPEATERS]),
        handler_load=_handler_load(chosen, handler_names or
                                   {}), total=len(chosen), resolved=sum(1 for f in chosen
                                                                        if f.resolved_at),
        still_open=sum(1 for f in chosen if f.state in ACTIVE_STATES),
    )


def _deadlines(chosen: Sequence[CaseFacts], month_of: Sequence[int],
               n_months: int) -> tuple[DeadlineTally, ...]:
    out = []
    for name in DEADLINE_NAMES:
        tally = Counter[str]()
        met, decided, pending = [0] * n_months, [0] * n_months, [0] * n_months
        for f, i in zip(chosen, month_of):
            check = f.deadline(name)
            if check is None:
                continue
            tally[check.status] += 1
            if check.status == "pending":
                pending[i] += 1
            else:
                decided[i] += 1
                met[i] += check.status == "met"
        if sum(tally.values()):
            rates = tuple(
                round(100 * m / d, 1) if _settled(d, p) else None
                for m, d, p in zip(met, decided, pending))
            out.append(DeadlineTally(name, tally["met"], tally["missed"], tally["pending"], rates))
    return tuple(out)


def _settled(decided: int, pending: int) -> bool:
    return decided >= MIN_FOR_RATE and pending <= MAX_PENDING_SHARE * (decided + pending)


def ack_bands(t: TrendFigures) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Per month, how many complaints were acknowledged within each band of working days."""
    def band(days: int) -> str:
        return ACK_BANDS[0] if days <= 0 else ACK_BANDS[
            1] if days == 1 else ACK_BANDS[2] if days <= 3 else ACK_BANDS[3]

    counts = {b: [0] * len(t.months) for b in ACK_BANDS}
    for i, month in enumerate(t.ack_working_days):
        for days in month:
            counts[band(days)][i] += 1
        counts[ACK_BANDS[4]][i] = t.unacknowledged[i]
    return tuple((b, tuple(v)) for b, v in counts.items())


def handler_label(email: str | None, names: Mapping[str, str]) -> str:
    """A handler's name where configured, else the address's local part: reports are read by
    people."""
    if not email:
        return "Unassigned"
    return names.get(email.lower()) or email.split("@", 1)[0]


def _handler_load(chosen: Sequence[CaseFacts], names: Mapping[str, str]) -> tuple[HandlerLoad, ...]:
    received = Counter(handler_label(f.handler, names) for f in chosen)
    open_now = Counter(handler_label(f.handler, names) for f in chosen if f.state in ACTIVE_STATES)
    return tuple(HandlerLoad(h, n, open_now[h]) for h, n in received.most_common())


@dataclass(frozen=True)
class Summary:
    lines: tuple[str, ...]


def summarise(t: TrendFigures) -> Summary:
    """A few plain sentences for the top of the page."""
    if not t.total:
        return Summary((f"No complaints were received between {t.period_from} and {t.period_to}.",))
    totals = sorted(((sum(v), c) for c, v in t.by_category), reverse=True)
    top = ", ".join(f"{c.replace('_', ' ')} ({n})" for n, c in totals[:3] if n)
    monthly = [sum(v[i] for _, v in t.by_category) for i in range(len(t.months))]
    busiest = max(range(len(t.months)), key=lambda i: monthly[i])
    lines = [
        (f"{t.total} complaints received between {t.period_from} and {t.period_to}; "
         f"{t.resolved} have had a final response or were closed, {t.still_open} are still open."),
        (f"Most common categories: {top}. "
         f"Busiest month: {t.months[busiest]} ({monthly[busiest]} complaints)."),
    ]
    acks = [d for month in t.ack_working_days for d in month]
    resp = [d for month in t.response_days for d in month]
    if acks or resp:
        parts = []
        if acks:
            same = sum(1 for d in acks if d <= 0)
            parts.append(
                f"{100 * same / len(acks):.0f}% of acknowledgements went out the same working day")
        if resp:
            parts.append(f"median time to final response {median(resp):.0f} calendar days")
        lines.append("; ".join(parts).capitalize() + ".")
    rates = [
        f"{d.name} {100 * d.met / d.decided:.0f}% met ({d.missed} missed)" for d in t.deadlines
        if d.decided
    ]
    if rates:
        lines.append("Deadlines: " + "; ".join(rates) + ".")
    lines.append(
        f"{t.repeat_clients} of {t.clients} clients complained more than once in the period.")
    return Summary(tuple(lines))
