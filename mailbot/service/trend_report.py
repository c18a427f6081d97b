"""The trend report, for the CLI, the monthly mail to the compliance role and the demo."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..compose import RenderedLetter
from ..reports import duties
from ..reports import register as reg
from ..reports import trends
from ..reports.trends import Summary
from ..store import actions as actions_q
from .context import App
from .drafting import insert_staff_letter


def build_report(app: App, start: date, end: date, *, now: datetime) -> tuple[str, list[str]]:
    """(self-contained HTML page, summary lines) for cases received start..end (local dates)."""
    from ..reports import charts  # matplotlib is slow to import: only report builders pay for it

    cal, profile = app.calendar, app.profile
    with app.store.transaction() as conn:
        facts = reg.load_case_facts(conn, profile_for=lambda name: app.regime(name).profile,
                                    cal=cal, now=now, received_from=cal.start_of(start),
                                    received_to=cal.end_of(end),
                                    calendar_for=lambda name: app.regime(name).calendar)
        actions = duties.action_facts(actions_q.list_actions(conn))
    names = {h.email.lower(): h.name for h in app.config.handlers}
    figures = trends.compute_trends(facts, start, end, cal, handler_names=names)
    extra, lines = _duties(app, facts, actions, start, end, now)
    summary = Summary(trends.summarise(figures).lines + tuple(lines))
    ack = profile.acknowledge.amount if profile.acknowledge.unit == "working_days" else None
    regulator = None
    if profile.regulator is not None and profile.regulator.unit != "working_days":
        regulator = profile.regulator.amount * (7 if profile.regulator.unit == "weeks" else 1)
    page = charts.render_html(figures, summary, firm_name=app.config.firm.name,
                              generated=f"{cal.local(now):%Y-%m-%d %H:%M %Z}", ack_target=ack,
                              regulator_days=regulator, extra_html=extra)
    return page, list(summary.lines)


def _duties(app: App, facts: list[reg.CaseFacts], actions: list[duties.ActionFacts], start: date,
            end: date, now: datetime) -> tuple[str, list[str]]:
    """The report's corrective actions, policy review and lessons: (HTML, summary lines)."""
    cal = app.calendar
    today = cal.local(now).date()
    in_period = [f for f in facts if start <= cal.local(f.received_at).date() <= end]
    used = dict.fromkeys([app.regimes.default.name, *(r.profile for r in app.regimes.rules),
                          *(f.profile for f in in_period)])
    reviews = duties.review_items(((n, app.regime(n).profile.reviewed_on) for n in used),
                                  app.config.firm.details_reviewed_on,
                                  app.config.review.every_months)
    learnt = duties.lessons(in_period)
    html = duties.render_sections(actions, duties.causes_by_category(in_period, actions, today),
                                  reviews, learnt, today)
    return html, duties.summary_lines(actions, reviews, learnt, today)


def previous_month(today: date) -> tuple[date, date]:
    """The first and last day of the month before `today`: the monthly report covers a whole
    month."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def report_readers(app: App) -> list[str]:
    """Every compliance-role person, and the training lead (review.training_lead), once each."""
    people = [h.email.lower() for h in app.config.handlers if "compliance" in h.roles]
    lead = app.config.review.training_lead
    return list(dict.fromkeys(people + ([lead.lower()] if lead else [])))


def send_monthly_report(app: App, *, now: datetime) -> int:
    """Last month's report to compliance and the training lead, the page as the HTML part."""
    start, end = previous_month(app.calendar.local(now).date())
    return mail_report(app, start, end, report_readers(app), now=now)


def mail_report(app: App, start: date, end: date, people: list[str], *, now: datetime) -> int:
    """The report for start..end queued to `people`; returns how many."""
    page, lines = build_report(app, start, end, now=now)
    one_month = (start.year, start.month) == (end.year, end.month)
    title = f"{start:%B %Y}" if one_month else f"{start} to {end}"
    text = "\n".join(
        [f"Complaints trend report, {title}", ""] + [f"- {line}" for line in lines] + [
            "", "The charts are in the HTML part of this email.",
            "Protect yourself from fraud: we will never change our bank details by email."
        ])
    letter = RenderedLetter("trend_report", f"Complaints trend report: {title}", text + "\n", page)
    with app.store.transaction() as conn:
        for person in people:
            insert_staff_letter(conn, app, letter, to=person, now=now)
    return len(people)
