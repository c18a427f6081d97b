"""The complaints register: one row per case with the fields DOMAIN records require.

The register must survive the purge of message bodies and be safe to show a regulator, so
it is built only from the case's structured columns and the dates letters were sent: never
the subject line, the complaint's words or the client's address.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Connection, select

from ..deadlines import WorkingCalendar, case_deadlines
from ..letters import CLIENT_KINDS, LetterKind
from ..profiles import Profile, get_profile
from ..store.tables import cases, outbox
from . import UPHELD_OUTCOMES, category_label

ProfileLookup = Callable[[str], Profile]
CalendarLookup = Callable[[str], WorkingCalendar]
# Why a case closed without a final response, from the first word of the handler's reason (F12).
CLOSE_KINDS = ("withdrawn", "accepted", "duplicate")


def close_kind(reason: str | None) -> str | None:
    """'withdrawn', 'accepted', 'duplicate' or 'other' for a handler's reason; None without one."""
    if not reason or not reason.strip():
        return None
    first = reason.strip().split(None, 1)[0].strip(".,:;-").lower()
    return first if first in CLOSE_KINDS else "other"


def profiles_for(default: Profile) -> ProfileLookup:
    """Each case keeps the profile it was opened under; the firm's own uses its overrides."""
    cache: dict[str, Profile] = {default.name: default}

    def lookup(name: str) -> Profile:
        if name not in cache:
            cache[name] = get_profile(name)
        return cache[name]

    return lookup


@dataclass(frozen=True)
class DeadlineCheck:
    name: str  # acknowledge | respond | regulator
    due: datetime
    done_at: datetime | None
    status: str  # met | missed | pending


def check_deadlines(
    received_at: datetime, acknowledged_at: datetime | None, responded_at: datetime | None,
    closed_at: datetime | None, profile: Profile, cal: WorkingCalendar, now: datetime, *,
    holding_sent_at: datetime | None = None, close_reason: str | None = None,
    is_complaint: bool | None = True,
) -> tuple[DeadlineCheck, ...]:
    """Each clock of the case's profile against what happened.

    Rule: any letter that acknowledges, a final response, or closure stops the acknowledgement
    clock. A final response stops the response and regulator clocks; so does closing because
    the complainant accepted our response in writing (DISP 1.6.4R). Any other closure before a
    final response (withdrawn, duplicate...) is its own status, "closed_without_final_response",
    never "met" (F12). Where the regime says so, a holding letter by the regulator deadline
    meets that deadline (F13). A clock that has not stopped is "missed" once past due, else
    "pending". An enquiry (not a complaint) has no clocks.
    """
    if is_complaint is False:
        return ()
    d = case_deadlines(received_at, profile, cal)
    early = closed_at is not None and (responded_at is None or closed_at < responded_at)
    early_close = closed_at if early else None
    accepted = early_close is not None and close_kind(close_reason) == "accepted"
    answered = responded_at or (early_close if accepted else None)
    acked = min((t for t in (acknowledged_at, responded_at, closed_at) if t), default=None)
    held = holding_sent_at if profile.holding_meets_regulator else None
    out = []
    clocks = (("acknowledge", d.acknowledge_by, acked), ("respond", d.respond_by, answered),
              ("regulator", d.regulator_by, answered))
    for name, due, done in clocks:
        if due is None:
            continue
        if name == "regulator" and held is not None and held <= due \
                and (done is None or done > due):
            done = held
        if done is not None:
            status = "met" if done <= due else "missed"
        elif name != "acknowledge" and early_close is not None:
            status = "closed_without_final_response"
            done = early_close
        else:
            status = "missed" if now > due else "pending"
        out.append(DeadlineCheck(name, due, done, status))
    return tuple(out)


@dataclass(frozen=True)
class CaseFacts:
    """What may be reported about one case: structured fields and dates, no confidential text."""

    ref: str
    state: str
    is_complaint: bool | None
    complaint_decided: bool  # a person (not only triage) said whether it is a complaint
    category: str | None
    secondary: tuple[str, ...]
    urgency: str | None
    handler: str | None
    person_complained_about: str | None
    root_cause: str | None
    outcome: str | None
    redress: str | None
    learning: str | None
    received_at: datetime
    acknowledged_at: datetime | None
    responded_at: datetime | None
    closed_at: datetime | None
    letters: tuple[tuple[str, datetime], ...]  # client letters sent: (kind, sent_at), oldest first
    deadlines: tuple[DeadlineCheck, ...]
    client_key: str  # keyed hash of the client's address: repeats can be counted, nobody named
    profile: str = ""
    complainant: str = "client"
    channel: str = "email"
    close_kind: str | None = None  # why it closed before a final response (close_kind())
    holding_sent_at: datetime | None = None
    # Issue 19 (F19, F24, F16, F17): the area of law (never the category), whether the complainant
    # accepted our answer (not whether the case is finished), reasonable adjustments, and the
    # data protection clocks' outcomes.
    area_of_law: str | None = None
    resolved: str | None = None  # yes | no | None (unknown)
    adjustments: str | None = None
    sar_due_at: datetime | None = None  # a subject access request's month (UK GDPR art. 12)
    sar_done_at: datetime | None = None
    breach_aware_at: datetime | None = None  # starts the 72 hours to tell the ICO (art. 33)
    breach_decided_at: datetime | None = None
    breach_notifiable: bool | None = None

    @property
    def resolved_at(self) -> datetime | None:
        """When the complaint was finished with: the final response, else closure."""
        return self.responded_at or self.closed_at

    @property
    def answered_at(self) -> datetime | None:
        """When the complaint was answered: the final response, or a closure because the
        complainant accepted our response (DISP 1.6.4R); None for a closure without one."""
        if self.responded_at:
            return self.responded_at
        return self.closed_at if self.close_kind == "accepted" else None

    @property
    def closed_without_final_response(self) -> bool:
        return (self.closed_at is not None and self.responded_at is None
                and self.close_kind != "accepted")

    def deadline(self, name: str) -> DeadlineCheck | None:
        return next((d for d in self.deadlines if d.name == name), None)


def client_key(address: str, key: bytes) -> str:
    return hmac.new(key, address.strip().lower().encode(), hashlib.sha256).hexdigest()[:10]


_COLUMNS = [c for c in cases.c if c.name not in ("suggestion", "subject", "client_name", "flags",
                                                 "escalated")]



def load_case_facts(conn: Connection, *, profile_for: ProfileLookup, cal: WorkingCalendar,
                    now: datetime, received_from: datetime | None = None,
                    received_to: datetime | None = None, anonymise_key: bytes | None = None,
                    calendar_for: CalendarLookup | None = None,
                    ) -> list[CaseFacts]:
    """Every case received in [received_from, received_to] (UTC bounds, both optional), oldest
    first.

    Each case's clocks are judged under its own regime: `profile_for` and `calendar_for` (default:
    `cal` for every case) look them up by the case's stored profile name. Two queries whatever
    the number of cases; letter bodies are never read.
    """
    q = select(*_COLUMNS).order_by(cases.c.received_at, cases.c.id)
    if received_from is not None:
        q = q.where(cases.c.received_at >= received_from)
    if received_to is not None:
        q = q.where(cases.c.received_at <= received_to)
    rows = list(conn.execute(q))
    letters: dict[int, list[tuple[str, datetime]]] = {}
    sent = select(outbox.c.case_id, outbox.c.kind,
                  outbox.c.sent_at).where(outbox.c.status == "sent",
                                          outbox.c.kind.in_(sorted(CLIENT_KINDS)),
                                          outbox.c.case_id.is_not(None))
    for case_id, kind, sent_at in conn.execute(sent.order_by(outbox.c.sent_at, outbox.c.id)):
        letters.setdefault(case_id, []).append((kind, sent_at))
    key = anonymise_key if anonymise_key is not None else secrets.token_bytes(16)
    calendars = calendar_for or (lambda _name: cal)
    return [_facts(r, tuple(letters.get(r.id, ())), profile_for, calendars(r.profile), now, key)
            for r in rows]


def _facts(r: Any, letters: tuple[tuple[str, datetime], ...], profile_for: ProfileLookup,
           cal: WorkingCalendar, now: datetime, key: bytes) -> CaseFacts:
    holding = next((at for kind, at in letters if kind == LetterKind.HOLDING_LETTER), None)
    return CaseFacts(
        ref=r.ref, state=r.state, is_complaint=r.is_complaint,
        complaint_decided=r.complaint_decided_by is not None, category=r.category,
        secondary=tuple(r.secondary_categories or ()), urgency=r.urgency, handler=r.handler_email,
        person_complained_about=r.person_complained_about, root_cause=r.root_cause,
        outcome=r.outcome, redress=r.redress, learning=r.learning, received_at=r.received_at,
        acknowledged_at=r.acknowledged_at, responded_at=r.responded_at, closed_at=r.closed_at,
        letters=letters,
        deadlines=check_deadlines(r.received_at, r.acknowledged_at, r.responded_at, r.closed_at,
                                  profile_for(r.profile), cal, now, holding_sent_at=holding,
                                  close_reason=r.close_reason, is_complaint=r.is_complaint),
        client_key=client_key(r.client_address, key), profile=r.profile, complainant=r.complainant,
        channel=r.channel, close_kind=close_kind(r.close_reason), holding_sent_at=holding,
        area_of_law=r.area_of_law, resolved=r.resolved, adjustments=r.adjustments,
        sar_due_at=r.sar_due_at, sar_done_at=r.sar_done_at, breach_aware_at=r.breach_aware_at,
        breach_decided_at=r.breach_decided_at, breach_notifiable=r.breach_notifiable,
    )


REGISTER_FIELDS = ("reference", "regime", "channel", "complainant", "date_received",
                   "date_acknowledged", "date_holding_letter", "date_responded", "date_closed",
                   "closed_without_final_response", "is_complaint", "complaint_decided_by_person",
                   "substance", "category", "secondary_categories", "area_complained_about",
                   "person_complained_about", "actions", "outcome", "redress", "finished",
                   "resolved", "learning", "root_cause", "handler", "urgency", "state",
                   "adjustments", "subject_access_due", "subject_access_answered",
                   "data_breach_ico_decision", "acknowledge_due", "acknowledge_deadline",
                   "respond_due", "respond_deadline", "regulator_due", "regulator_deadline",
                   )


def _day(cal: WorkingCalendar, moment: datetime | None) -> str:
    return cal.local(moment).date().isoformat() if moment else ""


def substance(f: CaseFacts) -> str:
    """What the complaint is about, in the register's words: categories only."""
    main = category_label(f.category)
    others = [category_label(c) for c in f.secondary if c != f.category]
    return main + (f"; also {', '.join(others)}" if others else "")


def _ico(f: CaseFacts) -> str:
    if f.breach_aware_at is None:
        return ""
    if f.breach_decided_at is None:
        return "pending"
    return "notifiable" if f.breach_notifiable else "not notifiable"


def register_row(f: CaseFacts, cal: WorkingCalendar) -> dict[str, str]:
    """One register line. Finished: a final response was sent, or the case was closed (a case
    closed before a final response says so, with why: withdrawn, duplicate, other). Resolved is
    apart from that (F19): whether the complainant accepted our answer, as a handler recorded it
    (`resolved yes|no`, or closing because they accepted it); "unknown" until then."""
    row = {
        "reference": f.ref,
        "regime": f.profile,
        "channel": f.channel,
        "complainant": f.complainant,
        "date_received": _day(cal, f.received_at),
        "date_acknowledged": _day(cal, f.acknowledged_at),
        "date_holding_letter": _day(cal, f.holding_sent_at),
        "date_responded": _day(cal, f.responded_at),
        "date_closed": _day(cal, f.closed_at),
        "closed_without_final_response": ((f.close_kind or "other")
                                          if f.closed_without_final_response else ""),
        "is_complaint": {True: "yes", False: "no", None: "unknown"}[f.is_complaint],
        "complaint_decided_by_person": "yes" if f.complaint_decided else "no",
        "substance": substance(f),
        "category": f.category or "",
        "secondary_categories": ";".join(f.secondary),
        "area_complained_about": f.area_of_law or "",
        "person_complained_about": f.person_complained_about or "",
        "actions": "; ".join(f"{kind} {_day(cal, at)}" for kind, at in f.letters),
        "outcome": f.outcome or "",
        "redress": f.redress or "",
        "finished": ("closed without final response"
                     if f.closed_without_final_response and f.state == "closed"
                     else "yes" if f.state in ("responded", "closed") else "no"),
        "resolved": f.resolved or "unknown",
        "learning": f.learning or "",
        "root_cause": f.root_cause or "",
        "handler": f.handler or "",
        "urgency": f.urgency or "",
        "state": f.state,
        "adjustments": f.adjustments or "",
        "subject_access_due": _day(cal, f.sar_due_at),
        "subject_access_answered": _day(cal, f.sar_done_at),
        "data_breach_ico_decision": _ico(f),
    }
    for name in ("acknowledge", "respond", "regulator"):
        check = f.deadline(name)
        row[f"{name}_due"] = _day(cal, check.due) if check else ""
        row[f"{name}_deadline"] = check.status if check else "n/a"
    return row


def is_upheld(outcome: str | None) -> bool:
    return (outcome or "") in UPHELD_OUTCOMES


def _cell(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; handler text must stay text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_csv(rows: Iterable[dict[str, str]], stream: IO[str]) -> int:
    writer = csv.DictWriter(stream, fieldnames=REGISTER_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
        count += 1
    return count
