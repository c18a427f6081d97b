"""The trend report, for the CLI, the monthly mail to the compliance role and the demo."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..compose import RenderedLetter
from ..reports import register as reg
from ..reports import trends
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
    names = {h.email.lower(): h.name for h in app.config.handlers}
    figures = trends.compute_trends(facts, start, end, cal, handler_names=names)
    summary = trends.summarise(figures)
    ack = profile.acknowledge.amount if profile.acknowledge.unit == "working_days" else None
    regulator = None
    if profile.regulator is not None and profile.regulator.unit != "working_days":
        regulator = profile.regulator.amount * (7 if profile.regulator.unit == "weeks" else 1)
    page = charts.render_html(figures, summary, firm_name=app.config.firm.name,
                              generated=f"{cal.local(now):%Y-%m-%d %H:%M %Z}", ack_target=ack, regulator_days=regulator)
    return page, list(summary.lines)


def previous_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def send_monthly_report(app: App, *, now: datetime) -> int:
    """Last month's report to every compliance-role person, the page itself as the HTML part."""
    start, end = previous_month(app.calendar.local(now).date())
    page, lines = build_report(app, start, end, now=now)
    people = [h.email.lower() for h in app.config.handlers if "compliance" in h.roles]
    text = "\n".join([f"Complaints trend report, {start:%B %Y}", ""] + [f"- {line}" for line in lines]
                     + ["", "The charts are in the HTML part of this email.",
                        "Protect yourself from fraud: we will never change our bank details by email."])
    letter = RenderedLetter("trend_report", f"Complaints trend report: {start:%B %Y}", text + "\n", page)
    with app.store.transaction() as conn:
        for person in people:
            insert_staff_letter(conn, app, letter, to=person, now=now)
    return len(people)
