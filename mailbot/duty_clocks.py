"""The clocks of the firm's duties beside the complaint's own (issue 19). Pure.

- A personal-data breach: 72 hours from when the firm became aware of it to decide whether to
  notify the Information Commissioner (UK GDPR Art 33(1)); reminders 48, 24 and 6 hours before,
  and once the 72 hours have passed with no decision.
- A subject access request: one month from receipt (Art 12(3)), counted as the ICO counts it (the
  same day next month, or that month's last day), to the end of that day; two more months when a
  person extends it for a complex request. Reminders 14, 7 and 2 days before, and once overdue.
- A corrective action: its owner is reminded a week before it is due, on the day, and each week
  it is overdue; once done, someone is asked whether it worked, and asked again a month later.

Like deadlines.evaluate, each clock says what is due now (minus what was recorded as fired) and
when it could next produce something; the tick records the keys, so each fires once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from .deadlines import Level, CaseClock, Evaluation
from .working_days import WorkingCalendar, add_months

ICO_WINDOW = timedelta(hours=72)
ICO_HOURS_LEFT = (48, 24, 6)  # reminders this many hours before the 72 hours are up
SAR_MONTHS = 1
SAR_EXTENSION_MONTHS = 2
SAR_DAYS_LEFT = (14, 7, 2)
ACTION_NOTICE_DAYS = 7  # an action's owner hears this long before it is due (and weekly if late)
WORKED_CHECK_DAYS = 30  # a done action nobody said worked: asked again this long after it was done
# The reminder kinds the data protection officer's role (compliance) hears besides the handler.
COMPLIANCE_KINDS = frozenset({"ico_decision", "ico_overdue", "sar_due", "sar_overdue"})

_Part = tuple[Sequence[Level], datetime | None]
_NOTHING: _Part = ((), None)


def ico_due(aware_at: datetime) -> datetime:
    """When the ICO must be told of a notifiable breach: 72 hours from awareness (UK GDPR Art
    33), counted in hours, not working days."""
    return aware_at + ICO_WINDOW


def sar_due(received_at: datetime, cal: WorkingCalendar, *, months: int = SAR_MONTHS) -> datetime:
    """The end of the local day one month (or `months`) after the request was received."""
    return cal.end_of(add_months(cal.local(received_at).date(), months))


def evaluate_duties(case: CaseClock, now: datetime, cal: WorkingCalendar) -> Evaluation:
    """What the breach and subject access clocks of one case call for at `now`."""
    parts = [_ico(case, now, cal), _sar(case, now, cal)]
    found = [a for actions, _next in parts for a in actions if a.key not in case.fired]
    upcoming = [at for _actions, at in parts if at is not None]
    return Evaluation(tuple(sorted(found, key=lambda a: (a.due_at, a.key))),
                      min(upcoming) if upcoming else None)


def _when(cal: WorkingCalendar, moment: datetime) -> str:
    return f"{cal.local(moment):%H:%M on %a %Y-%m-%d} ({cal.timezone})"


def _ico(case: CaseClock, now: datetime, cal: WorkingCalendar) -> _Part:
    if case.breach_aware_at is None or case.breach_decided_at is not None:
        return _NOTHING
    due = ico_due(case.breach_aware_at)
    stamp = case.breach_aware_at.strftime("%Y%m%d%H%M")  # a later breach has keys of its own
    if f"ico_overdue:{stamp}" in case.fired:
        return _NOTHING
    if now >= due:
        detail = (f"72 hours since the firm learnt of a possible personal-data breach ended at "
                  f"{_when(cal, due)} with no decision recorded: decide now whether to notify the "
                  "ICO (reply 'breach notifiable yes|no REASON')")
        return [Level("ico_overdue", f"ico_overdue:{stamp}", due, detail)], None
    marks = [(f"ico_decision:{stamp}:{hours}", due - timedelta(hours=hours))
             for hours in ICO_HOURS_LEFT]
    reached = [(key, at) for key, at in marks if at <= now]
    upcoming = min([at for _key, at in marks if at > now] + [due])
    if not reached:
        return [], upcoming
    key, at = reached[-1]  # of several at once (a late tick) only the latest fires
    detail = (f"decide by {_when(cal, due)} whether to notify the ICO of a possible personal-data "
              "breach (reply 'breach notifiable yes|no REASON')")
    return [Level("ico_decision", key, at, detail)], upcoming


def _sar(case: CaseClock, now: datetime, cal: WorkingCalendar) -> _Part:
    if case.sar_due_at is None or case.sar_done_at is not None:
        return _NOTHING
    due = case.sar_due_at
    overdue_key = f"sar_overdue:{cal.local(due).date().isoformat()}"
    if overdue_key in case.fired:
        return _NOTHING
    if now > due:
        detail = (f"the subject access request's time ran out at {_when(cal, due)}: answer it now "
                  "('mailbot export-person', then reply 'sar done')")
        return [Level("sar_overdue", overdue_key, due, detail)], None
    last_day = cal.local(due).date()
    marks = []
    for days in SAR_DAYS_LEFT:
        day = cal.working_day_on_or_before(last_day - timedelta(days=days))
        start = cal.start_of(day)
        if case.sar_received_at is None or start > case.sar_received_at:
            marks.append((f"sar_due:{last_day.isoformat()}:{days}", start))
    reached = [(key, at) for key, at in marks if at <= now]
    upcoming = min([at for _key, at in marks if at > now] + [due + timedelta(microseconds=1)])
    if not reached:
        return [], upcoming
    key, at = reached[-1]
    detail = (f"answer the subject access request by {_when(cal, due)} ('mailbot export-person', "
              "then reply 'sar done'; 'sar extend REASON' for a complex request)")
    return [Level("sar_due", key, at, detail)], upcoming


def action_reminder(due_on: date, created_on: date, today: date,
                    reminded: str | None) -> str | None:
    """The reminder an open action's owner is due today, or None: 'due_soon' (a week before, if
    the action was made earlier than that), 'due' (on the day), 'overdue:N' (N weeks late).
    Only one newer than `reminded`, the last one sent; a late run skips to the latest."""
    levels: list[str] = []
    soon = due_on - timedelta(days=ACTION_NOTICE_DAYS)
    if created_on < soon <= today:
        levels.append("due_soon")
    if today >= due_on:
        levels.append("due")
        weeks = (today - due_on).days // ACTION_NOTICE_DAYS
        if weeks:
            levels.append(f"overdue:{weeks}")
    if not levels or _rank(levels[-1]) <= _rank(reminded):
        return None
    return levels[-1]


def worked_check(done_on: date, today: date, reminded: str | None) -> str | None:
    """'check' when a done action nobody has said worked is due its second question."""
    if reminded == "check" or today < done_on + timedelta(days=WORKED_CHECK_DAYS):
        return None
    return "check"


def _rank(level: str | None) -> int:
    if level is None:
        return -1
    if level.startswith("overdue:"):
        return 1 + int(level.split(":", 1)[1])
    return {"due_soon": 0, "due": 1}.get(level, 99)
