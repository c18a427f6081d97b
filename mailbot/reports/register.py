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
from ..profiles import Profile, get_profile
from ..service.drafting import CLIENT_KINDS
from ..store.tables import cases, outbox
from . import AREA_BY_CATEGORY, UPHELD_OUTCOMES, category_label

ProfileLookup = Callable[[str], Profile]


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
    closed_at: datetime | None, profile: Profile, cal: WorkingCalendar, now: datetime,
) -> tuple[DeadlineCheck, ...]:
    """Each clock of the case's profile against what happened.

    Rule: any letter that acknowledges, a final response, or closure (a withdrawn complaint)
    stops the acknowledgement clock; a final response or closure stops the response and
    regulator clocks. A clock that has not stopped is "missed" once past due, else "pending".
    """
    d = case_deadlines(received_at, profile, cal)
    ended = min((t for t in (responded_at, closed_at) if t), default=None)
    acked = min((t for t in (acknowledged_at, ended) if t), default=None)
    out = []
    for name, due, done in (("acknowledge", d.acknowledge_by, acked), ("respond", d.respond_by, ended),
                            ("regulator", d.regulator_by, ended)):
        if due is None:
            continue
        if done is not None:
            status = "met" if done <= due else "missed"
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

    @property
    def resolved_at(self) -> datetime | None:
        """When the complaint was finished with: the final response, else closure."""
        return self.responded_at or self.closed_at

    def deadline(self, name: str) -> DeadlineCheck | None:
        return next((d for d in self.deadlines if d.name == name), None)


def client_key(address: str, key: bytes) -> str:
    return hmac.new(key, address.strip().lower().encode(), hashlib.sha256).hexdigest()[:10]


_COLUMNS = [c for c in cases.c if c.name not in ("suggestion", "subject", "client_name", "flags")]


def load_case_facts(
    conn: Connection, *, profile_for: ProfileLookup, cal: WorkingCalendar, now: datetime,
    received_from: datetime | None = None, received_to: datetime | None = None, anonymise_key: bytes | None = None,
) -> list[CaseFacts]:
    """Every case received in [received_from, received_to] (UTC bounds, both optional), oldest first.

    Two queries whatever the number of cases; letter bodies are never read.
    """
    q = select(*_COLUMNS).order_by(cases.c.received_at, cases.c.id)
    if received_from is not None:
        q = q.where(cases.c.received_at >= received_from)
    if received_to is not None:
        q = q.where(cases.c.received_at <= received_to)
    rows = list(conn.execute(q))
    letters: dict[int, list[tuple[str, datetime]]] = {}
    sent = select(outbox.c.case_id, outbox.c.kind, outbox.c.sent_at).where(
        outbox.c.status == "sent", outbox.c.kind.in_(sorted(CLIENT_KINDS)), outbox.c.case_id.is_not(None))
    for case_id, kind, sent_at in conn.execute(sent.order_by(outbox.c.sent_at, outbox.c.id)):
        letters.setdefault(case_id, []).append((kind, sent_at))
    key = anonymise_key if anonymise_key is not None else secrets.token_bytes(16)
    return [_facts(r, tuple(letters.get(r.id, ())), profile_for, cal, now, key) for r in rows]


def _facts(r: Any, letters: tuple[tuple[str, datetime], ...], profile_for: ProfileLookup, cal: WorkingCalendar,
           now: datetime, key: bytes) -> CaseFacts:
    return CaseFacts(
        ref=r.ref, state=r.state, is_complaint=r.is_complaint, category=r.category,
        secondary=tuple(r.secondary_categories or ()), urgency=r.urgency, handler=r.handler_email,
        person_complained_about=r.person_complained_about, root_cause=r.root_cause, outcome=r.outcome,
        redress=r.redress, learning=r.learning, received_at=r.received_at, acknowledged_at=r.acknowledged_at,
        responded_at=r.responded_at, closed_at=r.closed_at, letters=letters,
        deadlines=check_deadlines(r.received_at, r.acknowledged_at, r.responded_at, r.closed_at,
                                  profile_for(r.profile), cal, now),
        client_key=client_key(r.client_address, key),
    )


REGISTER_FIELDS = (
    "reference", "date_received", "date_acknowledged", "date_responded", "date_closed", "is_complaint",
    "substance", "category", "secondary_categories", "area_complained_about", "person_complained_about",
    "actions", "outcome", "redress", "resolved", "learning", "root_cause", "handler", "urgency", "state",
    "acknowledge_due", "acknowledge_deadline", "respond_due", "respond_deadline", "regulator_due",
    "regulator_deadline",
)


def _day(cal: WorkingCalendar, moment: datetime | None) -> str:
    return cal.local(moment).date().isoformat() if moment else ""


def substance(f: CaseFacts) -> str:
    """What the complaint is about, in the register's words: categories only."""
    main = category_label(f.category)
    others = [category_label(c) for c in f.secondary if c != f.category]
    return main + (f"; also {', '.join(others)}" if others else "")


def register_row(f: CaseFacts, cal: WorkingCalendar) -> dict[str, str]:
    """One register line. Resolved: a final response was sent or the case is closed, and not reopened."""
    row = {
        "reference": f.ref,
        "date_received": _day(cal, f.received_at),
        "date_acknowledged": _day(cal, f.acknowledged_at),
        "date_responded": _day(cal, f.responded_at),
        "date_closed": _day(cal, f.closed_at),
        "is_complaint": {True: "yes", False: "no", None: "unknown"}[f.is_complaint],
        "substance": substance(f),
        "category": f.category or "",
        "secondary_categories": ";".join(f.secondary),
        "area_complained_about": AREA_BY_CATEGORY.get(f.category or "", ""),
        "person_complained_about": f.person_complained_about or "",
        "actions": "; ".join(f"{kind} {_day(cal, at)}" for kind, at in f.letters),
        "outcome": f.outcome or "",
        "redress": f.redress or "",
        "resolved": "yes" if f.state in ("responded", "closed") else "no",
        "learning": f.learning or "",
        "root_cause": f.root_cause or "",
        "handler": f.handler or "",
        "urgency": f.urgency or "",
        "state": f.state,
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
