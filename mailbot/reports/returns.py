"""Figures for a regulator's complaints return (the FCA's twice-yearly return and similar).

Counting rules, stated once because returns are compared across firms and years:
- Only complaints count: a case a person marked as not a complaint is left out, and so is one
  triage read as not a complaint that no person has looked at yet; both numbers are reported
  beside the figures, the second as "to check" (F11: nothing drops out silently).
- regime: with `regime` set, only cases under that regime count (the FCA return is for the
  firm's FCA-regulated complaints, not its legal-services ones).
- received: received on a local date inside the period.
- closed: the final response, or a closure because the complainant accepted our response
  (DISP 1.6.4R), falls inside the period, whenever the complaint arrived. Closed cases fall in
  exactly one time band, measured from receipt: by close of business on the 3rd business day
  following the day of receipt, counted from its calendar date (the FCA's summary resolution
  window, DISP 1.5.1R, F10), else within 8 weeks (end of the local day 56 days after receipt),
  else later. A case closed without a final response (withdrawn, duplicate...) is not "closed"
  here: it is counted on its own line (F12).
- still_open: received on or before the period's last day and not closed by its end.
- upheld: closed in the period with outcome "upheld" or "partly": like the FCA, a complaint
  upheld in part counts as upheld.
- redress: the amounts recorded for complaints closed in the period, totalled per currency
  (a bare number has currency "unspecified").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..working_days import WorkingCalendar
from ..profiles import Clock
from .register import CaseFacts, is_upheld

_SYMBOLS = {"£": "GBP", "$": "USD", "€": "EUR"}
_AMOUNT = re.compile(r"^\s*(?:([A-Z]{3})\s*|([£$€])\s*)?(\d[\d,]*(?:\.\d+)?)")
THREE_BUSINESS_DAYS = 3
EIGHT_WEEKS = Clock(8, "weeks")


@dataclass(frozen=True)
class ReturnsFigures:
    period_from: date
    period_to: date
    received: int
    closed: int
    closed_within_3_business_days: int
    closed_within_8_weeks: int  # after 3 business days, within 8 weeks
    closed_later: int
    still_open: int
    upheld: int
    redress_total: tuple[tuple[str, Decimal], ...]  # (currency, total), sorted by currency
    not_complaints: int  # received in the period, marked by a person as not a complaint
    unconfirmed_enquiries: int = 0  # received, read by triage as not a complaint, nobody checked
    closed_without_final_response: int = 0  # closed in the period without a final response
    regime: str | None = None

    @property
    def upheld_percent(self) -> float | None:
        """Upheld as a share of closed complaints, as regulators' returns ask; None when nothing
        closed."""
        return round(100 * self.upheld / self.closed, 1) if self.closed else None


def parse_redress(text: str | None) -> tuple[str, Decimal] | None:
    """("GBP", 250) from "GBP 250 goodwill payment" or "£250"; None when no amount is recorded."""
    m = _AMOUNT.match(text or "")
    if not m:
        return None
    try:
        amount = Decimal(m.group(3).replace(",", ""))
    except InvalidOperation:
        return None
    currency = m.group(1) or _SYMBOLS.get(m.group(2) or "") or "unspecified"
    return currency, amount


def compute_returns(facts: Iterable[CaseFacts], start: date, end: date, cal: WorkingCalendar, *,
                    regime: str | None = None) -> ReturnsFigures:
    """The return for local dates start..end inclusive; `facts` may include cases from any date."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    period = (cal.start_of(start), cal.end_of(end))
    tally: Counter[str] = Counter()
    redress: dict[str, Decimal] = {}
    for f in facts:
        if regime is not None and f.profile != regime:
            continue
        lines = _lines_counted(f, period, cal)
        tally.update(lines)
        money = parse_redress(f.redress) if "closed" in lines else None
        if money:
            redress[money[0]] = redress.get(money[0], Decimal(0)) + money[1]
    return ReturnsFigures(period_from=start, period_to=end, received=tally["received"],
                          closed=tally["closed"], closed_within_3_business_days=tally["fast"],
                          closed_within_8_weeks=tally["in_8"], closed_later=tally["later"],
                          still_open=tally["still_open"], upheld=tally["upheld"],
                          redress_total=tuple(sorted(redress.items())),
                          not_complaints=tally["not_complaints"],
                          unconfirmed_enquiries=tally["unconfirmed"],
                          closed_without_final_response=tally["without"], regime=regime,
                          )


def _lines_counted(f: CaseFacts, period: tuple[datetime, datetime],
                   cal: WorkingCalendar) -> list[str]:
    """The lines of the return one case counts on (the module docstring's rules)."""
    start, end = period
    in_period = start <= f.received_at <= end
    if f.is_complaint is False:
        if not in_period:
            return []
        return ["not_complaints" if f.complaint_decided else "unconfirmed"]
    lines = ["received"] if in_period else []
    finished = f.resolved_at
    if f.received_at <= end and (finished is None or finished > end):
        lines.append("still_open")
    return lines + _closing_lines(f, period, cal)


def _closing_lines(f: CaseFacts, period: tuple[datetime, datetime],
                   cal: WorkingCalendar) -> list[str]:
    """A complaint closed in the period counts in exactly one time band, from receipt."""
    start, end = period
    finished = f.resolved_at
    if finished is not None and start <= finished <= end and f.closed_without_final_response:
        return ["without"]
    done = f.answered_at
    if done is None or not start <= done <= end:
        return []
    day = cal.local(f.received_at).date()
    if done <= cal.close_of_business_days_after(day, THREE_BUSINESS_DAYS):
        band = "fast"
    elif done <= cal.due(f.received_at, EIGHT_WEEKS):
        band = "in_8"
    else:
        band = "later"
    return ["closed", band] + (["upheld"] if is_upheld(f.outcome) else [])


def as_json(fig: ReturnsFigures) -> dict[str, Any]:
    """The figures with the counting rules beside them, so a return can be checked years later."""
    return {
        "period": {"from": fig.period_from.isoformat(), "to": fig.period_to.isoformat()},
        "received": fig.received,
        "closed": fig.closed,
        "closed_within_3_business_days": fig.closed_within_3_business_days,
        "closed_after_3_business_days_within_8_weeks": fig.closed_within_8_weeks,
        "closed_after_8_weeks": fig.closed_later,
        "still_open": fig.still_open,
        "upheld": fig.upheld,
        "upheld_percent": fig.upheld_percent,
        "redress_total": {cur: str(amount) for cur, amount in fig.redress_total},
        "not_complaints_excluded": fig.not_complaints,
        "unconfirmed_enquiries_to_check": fig.unconfirmed_enquiries,
        "closed_without_final_response": fig.closed_without_final_response,
        "regime": fig.regime or "all",
        "rules": {
            "upheld": "outcome upheld or partly (a complaint upheld in part counts as upheld)",
            "closed": "final response, or closure on the complainant's acceptance, inside the "
                      "period; bands measured from receipt (3 business days following the "
                      "calendar day of receipt)",
            "closed_without_final_response": "closed inside the period before any final "
                                             "response (withdrawn, duplicate, other): not counted "
                                             "as closed",
            "still_open": "received by the end of the period and not closed by then",
        },
    }


def as_text(fig: ReturnsFigures) -> str:
    """The figures as a person fills them into a regulator's form, with what was not counted said
    out loud."""
    money = ", ".join(f"{cur} {amount:,.2f}" for cur, amount in fig.redress_total) or "none"
    pct = f" ({fig.upheld_percent}% of closed)" if fig.upheld_percent is not None else ""
    lines = [
        f"Complaints return {fig.period_from} to {fig.period_to}"
        + (f" (regime {fig.regime})" if fig.regime else ""),
        f"  received                                   {fig.received:>7}",
        f"  closed                                     {fig.closed:>7}",
        f"    within 3 business days                   {fig.closed_within_3_business_days:>7}",
        f"    after 3 business days, within 8 weeks    {fig.closed_within_8_weeks:>7}",
        f"    after 8 weeks                            {fig.closed_later:>7}",
        f"  still open at the end of the period        {fig.still_open:>7}",
        f"  upheld (incl. partly upheld)               {fig.upheld:>7}{pct}",
        f"  redress paid or offered                    {money}",
    ]
    if fig.closed_without_final_response:
        lines.append("  closed without a final response (withdrawn, duplicate...) "
                     f"{fig.closed_without_final_response:>7}")
    if fig.not_complaints:
        lines.append(f"  (not counted: {fig.not_complaints} case(s) marked by a person as not a "
                     "complaint)")
    if fig.unconfirmed_enquiries:
        lines.append(f"  (not counted, TO CHECK: {fig.unconfirmed_enquiries} message(s) triage "
                     "read as not a complaint that no person has confirmed)")
    return "\n".join(lines)
