"""The trend report's duties (issue 19): corrective actions, policy review and the lessons.

- Corrective actions: which are open and overdue, which were done and whether they worked, and
  the period's root causes by category with what was done about each, so the firm sees that a
  cause was fixed rather than only counted.
- Policy review: each regime in use and the firm's own contact details, when last reviewed and
  when the next review is due (`review.every_months`).
- Lessons for training: the period's learning notes and its upheld complaints by cause.

Figures are computed from facts (pure) and drawn as plain HTML tables: text comes from structured
fields and what handlers recorded (causes, learning notes, action texts), never a client's words.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..working_days import add_months
from . import UPHELD_OUTCOMES, category_label
from .register import CaseFacts

NOT_RECORDED = "(no root cause recorded)"


@dataclass(frozen=True)
class ActionFacts:
    id: int
    case_ref: str
    text: str
    owner: str
    due_on: date
    category: str | None
    root_cause: str | None
    status: str  # open | done
    done_at: datetime | None
    worked: str | None  # yes | no | None

    def overdue(self, today: date) -> bool:
        """Whether the action is open past its due day, on the firm's local `today`."""
        return self.status == "open" and self.due_on < today

    def state(self, today: date) -> str:
        """The action's state in the report's words, including whether it worked: an action done
        but not known to work is not yet a fix."""
        if self.status == "open":
            return "overdue" if self.overdue(today) else "open"
        return {"yes": "done, worked", "no": "done, did not work"}.get(self.worked or "",
                                                                      "done, effect not confirmed")


def action_facts(rows: Iterable[Any]) -> list[ActionFacts]:
    """From store.actions.list_actions rows: the case's category and cause as they stand now."""
    return [ActionFacts(r.id, r.case_ref, r.text, r.owner, r.due_on,
                        r.case_category or r.category, r.case_root_cause or r.root_cause, r.status,
                        r.done_at, r.worked) for r in rows]


@dataclass(frozen=True)
class CauseLine:
    category: str
    cause: str
    complaints: int
    actions: tuple[str, ...]  # "#3 done, worked"

    @property
    def fixed(self) -> bool:
        """Whether any action against this cause is known to have worked."""
        return any(a.endswith("done, worked") for a in self.actions)


def _tidy(cause: str | None) -> str:
    text = " ".join((cause or "").split()).rstrip(".")
    return text[:1].upper() + text[1:] if text else NOT_RECORDED


def causes_by_category(facts: Sequence[CaseFacts], actions: Sequence[ActionFacts],
                       today: date) -> list[CauseLine]:
    """Each (category, root cause) of the period's complaints, with the actions taken on it."""
    complaints = Counter((f.category or "other", _tidy(f.root_cause)) for f in facts
                         if f.is_complaint is not False)
    taken: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in actions:
        taken[(a.category or "other", _tidy(a.root_cause))].append(f"#{a.id} {a.state(today)}")
    keys = sorted(set(complaints) | set(taken), key=lambda k: (-complaints[k], k))
    return [CauseLine(cat, cause, complaints[(cat, cause)], tuple(taken[(cat, cause)]))
            for cat, cause in keys]


@dataclass(frozen=True)
class ReviewItem:
    what: str
    reviewed_on: date | None
    due_on: date | None

    def status(self, today: date) -> str:
        """When the review is due, in words; one never recorded is due now."""
        if self.reviewed_on is None or self.due_on is None:
            return "never recorded: review now"
        if self.due_on < today:
            return f"overdue since {self.due_on.isoformat()}"
        if self.due_on <= add_months(today, 1):
            return f"due by {self.due_on.isoformat()}"
        return f"next due {self.due_on.isoformat()}"


def review_items(profiles: Iterable[tuple[str, date | None]], firm_reviewed: date | None,
                 every_months: int) -> list[ReviewItem]:
    """The firm's contact details and each regime in use, with when their review is due."""
    def item(what: str, reviewed: date | None) -> ReviewItem:
        return ReviewItem(what, reviewed, add_months(reviewed, every_months) if reviewed else None)

    items = [item("The firm's contact details and complaints procedure", firm_reviewed)]
    items += [item(f"Profile {name} (its clocks, letters and ombudsman's details)", reviewed)
              for name, reviewed in profiles]
    return items


@dataclass(frozen=True)
class Lessons:
    notes: tuple[tuple[str, str, str], ...]  # (reference, category, learning)
    upheld_by_cause: tuple[tuple[str, int], ...]
    upheld: int


def lessons(facts: Sequence[CaseFacts]) -> Lessons:
    """What complaints taught the firm: handlers' lessons, and the causes of upheld complaints,
    most frequent first, for training."""
    chosen = [f for f in facts if f.is_complaint is not False]
    notes = tuple((f.ref, category_label(f.category), " ".join(f.learning.split()))
                  for f in chosen if f.learning and f.learning.strip())
    upheld = [f for f in chosen if (f.outcome or "") in UPHELD_OUTCOMES]
    by_cause = Counter(_tidy(f.root_cause) for f in upheld)
    return Lessons(notes, tuple(by_cause.most_common()), len(upheld))


def summary_lines(actions: Sequence[ActionFacts], reviews: Sequence[ReviewItem], learnt: Lessons,
                  today: date) -> list[str]:
    """The monthly report's headline lines on the firm's duties, so overdue actions and reviews
    are seen without opening the report."""
    open_now = [a for a in actions if a.status == "open"]
    overdue = [a for a in open_now if a.overdue(today)]
    unconfirmed = [a for a in actions if a.status == "done" and a.worked is None]
    lines = [f"Corrective actions: {len(open_now)} open ({len(overdue)} overdue), "
             f"{len(unconfirmed)} done with the effect not yet confirmed, "
             f"{sum(a.worked == 'yes' for a in actions)} confirmed to have worked."]
    due = [r for r in reviews if not r.status(today).startswith("next due")]
    if due:
        named = [f"{r.what.split(' (')[0]} ({r.status(today)})" for r in due]
        lines.append("Policy review due: " + "; ".join(named) + ".")
    lines.append(f"Lessons for training: {len(learnt.notes)} learning note(s); {learnt.upheld} "
                 "complaint(s) upheld in full or in part.")
    return lines


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body or '<tr><td colspan=9>none</td></tr>'}</table>"


def render_sections(actions: Sequence[ActionFacts], causes: Sequence[CauseLine],
                    reviews: Sequence[ReviewItem], learnt: Lessons, today: date) -> str:
    """The duties' part of the HTML report: corrective actions, causes, reviews and lessons."""
    def section(title: str, note: str) -> str:
        return f"<h2>{html.escape(title)}</h2><p class='note'>{html.escape(note)}</p>"

    shown = [a for a in actions if a.status == "open" or a.worked != "yes"]
    return "".join([
        section("Corrective actions", "Open and overdue actions, and those done whose effect "
                "nobody has confirmed yet ('action N worked yes|no'). Owners are reminded by "
                "email."),
        _table(("Action", "Complaint", "What will change", "Owner", "Due", "State"),
               ((f"#{a.id}", a.case_ref, a.text, a.owner, a.due_on.isoformat(), a.state(today))
                for a in shown)),
        section("Root causes by category, and what was done", "Each cause recorded on the "
                "period's complaints, with the actions taken on it: a cause is fixed when an "
                "action on it is confirmed to have worked."),
        _table(("Category", "Root cause", "Complaints", "Actions", "Fixed"),
               ((category_label(c.category), c.cause, c.complaints, ", ".join(c.actions) or "none",
                 "yes" if c.fixed else "no") for c in causes)),
        section("Lessons for training", "Learning notes recorded on the period's complaints, and "
                "the upheld complaints (in full or in part) by root cause."),
        _table(("Complaint", "Category", "Learning"), learnt.notes),
        _table(("Root cause of upheld complaints", "Upheld"), learnt.upheld_by_cause),
        section("Policy review", "When each regime's rules and the firm's contact details were "
                "last checked, and when the next review is due."),
        _table(("What", "Last reviewed", "Review"),
               ((r.what, r.reviewed_on.isoformat() if r.reviewed_on else "-", r.status(today))
                for r in reviews)),
    ])
