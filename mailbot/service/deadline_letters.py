"""The letters the deadline tick queued: reminder letters to staff, and drafts for approval.

The tick records each reminder level and, in the same row (reminders_fired), queues what the
level calls for: a reminder line for the case's handler (or, for a breach, compliance), and
for a stalled case, a week-7 case or a silent client, a draft (a progress update, a holding
letter, a chaser). This step writes them afterwards: the drafts first, then one reminder
letter per person listing every line queued for them, so the reminder follows the drafts it
mentions. A level is one row of a bulk statement, while a letter must be rendered and sealed,
far dearer (tests/bench/README.md), so keeping them apart keeps the tick short when thousands
of levels fall due at one close of business; and what a crash leaves queued is written next
time. The drafts of a chunk are written together (drafting.draft_all): each kind of row they
need (the drafts, their approval requests, tokens and audit events) in one statement a chunk.

Everything is claimed (pending -> drafted / sent) in the transaction that writes it, so a
rerun or a second instance never writes it twice. A draft the case no longer needs (a final
response or closure since the tick, or no handler any more) is not written: the level is
marked 'skipped' and the audit trail says why.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import Connection

from ..cases import AuditEvent
from ..deadlines import ACTIVE_STATES
from ..letters import LetterKind
from ..records import Case
from ..store import audit, casebook
from ..store import levels as levels_q
from ..store.levels import PENDING
from .context import App, log
from .drafting import DraftNeed, draft_all, staff_mail, supersede_all
from .tick import COMPLIANCE_TOLD, compliance_people

DRAFTS_PER_TRANSACTION = 50  # a transaction holds the drafts' claims (and SQLite's write lock)

# A reminder line says what fell due, and what was drafted for it only if that draft exists.
WHAT = {
    "ack_overdue": "acknowledgement due",
    "stalled": "no letter to the client for too long",
    "info_chaser": "the client has not answered our request for information",
    "regulator_warning": "regulator deadline approaching",
    "response_warning": "response deadline approaching",
    "holding_letter": "the 8-week deadline is near",
    "regulator_breach": "regulator deadline passed without a final response",
    "triage_due": "a message held as an enquiry waits for you to say whether it is a complaint",
    "ico_decision": "a possible personal-data breach: the ICO notification decision is due",
    "ico_overdue": "a possible personal-data breach: 72 hours have passed with no ICO decision",
    "sar_due": "a subject access request must be answered",
    "sar_overdue": "a subject access request is overdue",
}
DRAFTED = {
    LetterKind.PROGRESS_UPDATE: "a progress update",
    LetterKind.REQUEST_INFO: "a chaser",
    LetterKind.HOLDING_LETTER: "a holding letter",
}


def _what(kind: str, draft_kind: str | None, draft_status: str | None) -> str:
    what = WHAT.get(kind, kind)
    if draft_kind and draft_status == "drafted":
        return f"{what}: {DRAFTED[LetterKind(draft_kind)]} is drafted for you"
    if draft_kind and draft_status == PENDING:  # queued by a tick that ran while this step did
        return f"{what}: {DRAFTED[LetterKind(draft_kind)]} will be drafted for you"
    return f"{what}: a holding letter is due" if kind == "holding_letter" else what


@dataclass
class LettersReport:
    drafted: int = 0
    skipped: int = 0
    reminders_sent: int = 0


def write_deadline_letters(app: App, *, now: datetime,
                           should_stop: Callable[[], bool] = lambda: False) -> LettersReport:
    report = LettersReport()
    _write_drafts(app, now, report, should_stop)
    if not should_stop():
        with app.store.transaction() as conn:
            report.reminders_sent = _write_reminders(conn, app, now)
    if report.drafted or report.skipped or report.reminders_sent:
        log.info(
            "tick.letters_written", extra={
                "drafted": report.drafted,
                "skipped": report.skipped,
                "reminders": report.reminders_sent
            })
    return report


def _write_drafts(app: App, now: datetime, report: LettersReport,
                  should_stop: Callable[[], bool]) -> None:
    with app.store.transaction() as conn:
        waiting = levels_q.pending_drafts(conn)  # read once, claimed chunk by chunk
    for start in range(0, len(waiting), DRAFTS_PER_TRANSACTION):
        if should_stop():
            break
        with app.store.batch_transaction() as conn:  # its audit events go in together at the end
            claimed = levels_q.claim_drafts(conn, waiting[start:start + DRAFTS_PER_TRANSACTION])
            _write_chunk(conn, app, claimed, now, report)


def _write_chunk(conn: Connection, app: App, claimed: list[levels_q.ClaimedDraft],
                 now: datetime, report: LettersReport) -> None:
    """The chunk's drafts, written together: a statement per chunk for each kind of row rather
    than one per draft. A case with two levels in the chunk gets its second draft in a later
    round, superseding the first, as writing them one by one would."""
    cases = casebook.cases_by_ids(conn, [level.case_id for level in claimed])
    waiting: list[tuple[levels_q.ClaimedDraft, Case]] = []
    for level in claimed:
        case = cases.get(level.case_id)
        if case is None:  # reminders_fired.case_id is a foreign key: a broken record
            raise LookupError(f"case #{level.case_id} is not in the database")
        why_not = _not_needed(case)
        if why_not:
            _skip(conn, level, case, why_not, now)
            report.skipped += 1
        else:
            waiting.append((level, case))
    while waiting:
        this_round: list[tuple[levels_q.ClaimedDraft, Case]] = []
        later: list[tuple[levels_q.ClaimedDraft, Case]] = []
        seen: set[int] = set()
        for level, case in waiting:
            (later if case.id in seen else this_round).append((level, case))
            seen.add(case.id)
        waiting = later
        supersede_all(conn, [case for _level, case in this_round], now=now)  # newest need wins
        draft_all(conn, app, [
            DraftNeed(case, level.draft_kind,
                      _what(level.key.split(":")[0], level.draft_kind, "drafted"))
            for level, case in this_round], now=now)
        report.drafted += len(this_round)


def _skip(conn: Connection, level: levels_q.ClaimedDraft, case: Case, why_not: str,
          now: datetime) -> None:
    levels_q.skip_draft(conn, level.id)
    audit.append(conn, [
        AuditEvent("deadline.draft_skipped", case.ref, "mailbot", now, {
            "key": level.key,
            "draft": level.draft_kind,
            "why": why_not
        })
    ])


def _not_needed(case: Case) -> str | None:
    if case.state not in ACTIVE_STATES:
        return f"the case is {case.state}"
    if not case.handler_email:
        return "the case has no handler"
    return None


# A reminder lists this many lines at most, the most urgent and earliest due first, and says how
# many more there are: after a first start on a large backlog a handler could otherwise get one
# email with thousands of lines. Every line still counts as sent; the cases and the partner's
# digest list them all.
REMINDER_LINES_SHOWN = 200
_URGENCY_RANK = {"critical": 0, "high": 1, "normal": 2, "low": 3}


def _write_reminders(conn: Connection, app: App, now: datetime) -> int:
    """One reminder letter per person for every line queued; returns how many letters.

    Claimed first, then read with their cases, then marked sent: one transaction, so the lines
    are in exactly one letter or still queued (levels_q.claim_lines says how instances wait).
    """
    if not levels_q.claim_lines(conn):
        return 0
    lines = levels_q.claimed_lines(conn)
    compliance = compliance_people(app)
    per_person: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        kind = line.key.split(":")[0]
        told = (([line.handler_email] if line.handler_email else [])
                + (compliance if kind in COMPLIANCE_TOLD else []))
        what = _what(kind, line.draft_kind, line.draft_status)
        item = {
            "ref": line.ref,
            "what": f"{what} ({line.detail})",
            "due": line.due_at,
            "urgency": line.urgency
        }
        for person in dict.fromkeys(told):
            per_person[person].append(item)
    for person, items in per_person.items():
        items.sort(key=lambda item:
                   (_URGENCY_RANK.get(item["urgency"] or "normal", 2), item["due"], item["ref"]))
        shown = items[:REMINDER_LINES_SHOWN]
        staff_mail(conn, app, "reminder", person, case=None, now=now,
                   extra={"items": shown, "total": len(items), "more": len(items) - len(shown)})
    levels_q.mark_lines_sent(conn)
    return len(per_person)
