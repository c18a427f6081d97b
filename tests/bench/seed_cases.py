"""Seed a database with N realistic complaint cases spread over about 18 months.

Each case gets the client's email (raw bytes and case message), an acknowledgement, often a
holding letter and a final response (outbox rows, sent), handler-recorded outcome, redress,
root cause and learning, and the audit events the service would have written, hash-chained
in time order with store.audit's own hash. Deadlines are met by most cases and missed by
some; the most recent cases are still open. Rows go in through the schema's tables in bulk
(the one-row query functions take minutes for thousands). Deterministic for a given seed.

    python tests/bench/seed_cases.py sqlite:///var/bench.sqlite3 --cases 5000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

if __name__ == "__main__" and __package__ is None:  # run as a script from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import Connection, Table, select

from mailbot.cases import AuditEvent
from mailbot.deadlines import WorkingCalendar
from mailbot.store import Store, audit, raw_mail
from mailbot.store.sealing import Sealer
from mailbot.store.tables import audit_events, case_messages, cases, outbox, raw_messages, ref_counters

FIRM = "complaints@firm.example"
HANDLERS = ("priya.shah", "tom.baker", "amara.okafor", "li.wei", "sarah.jones", "dan.murphy")
HANDLER_WEIGHTS = (30, 24, 18, 12, 10, 6)
STAFF = ("Mark Ellis", "Joanne Price", "Ravi Patel", "Claire Dunn", "Owen Hughes")
FIRST = ("Alice", "Ben", "Chloe", "David", "Emma", "Farah", "George", "Hannah", "Ivan", "Julia", "Kwame", "Laura")
LAST = ("Adams", "Brown", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hall", "Iqbal", "Jackson", "Khan", "Lewis")
CATEGORY_WEIGHTS = {"communication": 22, "delay": 18, "costs_information": 12, "costs_excessive": 10,
                    "advice_quality": 10, "staff_conduct": 6, "instructions": 5, "documents_funds": 5,
                    "other": 5, "complaint_handling": 4, "data_security": 2, "integrity_misconduct": 1}
COMPLAINTS = {  # the client's words: they must never reach the register or the report
    "communication": "Nobody has returned my calls about the sale of {place} for three weeks now.",
    "delay": "The probate on my mother's estate at {place} has stalled since the spring.",
    "costs_information": "Your estimate said £{amount} but the bill for {place} is far higher.",
    "costs_excessive": "The invoice of £{amount} for the lease extension at {place} is outrageous.",
    "advice_quality": "You told me the boundary at {place} was fine and now the neighbour is suing.",
    "staff_conduct": "The trainee who phoned me about {place} was rude and hung up on me.",
    "instructions": "I told you not to accept the offer on {place} and you accepted it anyway.",
    "documents_funds": "The deeds to {place} and my deposit of £{amount} have not been returned.",
    "other": "I would like to give some feedback about the move to {place}.",
    "complaint_handling": "My earlier complaint about {place} was never answered.",
    "data_security": "You emailed my bank statements for {place} to a stranger.",
    "integrity_misconduct": "I believe money from the sale of {place} was taken from the client account.",
}
PLACES = ("14 Elm Road", "3 Mill Lane", "Flat 2, 88 Harbour Street", "The Old Rectory", "27 Station Approach")
ROOT_CAUSES = {
    "communication": ("Calls not logged", "Fee earner absence not covered", "No update diary entry"),
    "delay": ("Matter not diarised", "Fee earner absence not covered", "Third-party delay not explained"),
    "costs_information": ("Estimate not updated", "Costs letter unclear"),
    "costs_excessive": ("Scope creep not agreed", "Estimate not updated"),
    "advice_quality": ("Supervision gap", "Searches misread"), "staff_conduct": ("Training need", "Workload pressure"),
    "instructions": ("Instructions not recorded", "Supervision gap"),
    "documents_funds": ("Completion checklist missed", "Storage process failure"),
    "other": ("No fault found",), "complaint_handling": ("Complaint not logged",),
    "data_security": ("Email autocomplete error",), "integrity_misconduct": ("Referred to compliance",),
}
LEARNING = ("Team briefing held", "Checklist updated", "Diary reminder added for every matter", "Training booked",
            "Template letter rewritten")


@dataclass(frozen=True)
class SeedSummary:
    cases: int
    messages: int
    letters: int
    audit_events: int
    first_day: date
    last_day: date


_LATER = ("acknowledged_at", "responded_at", "closed_at", "last_client_letter_at", "awaiting_client_since",
          "outcome", "redress", "root_cause", "learning")


@dataclass
class _Plan:
    """One case as it will be written: the row, the client's mail, our letters, the other events."""

    case: dict[str, Any]
    mails: list[tuple[str, str, str, datetime]] = field(default_factory=list)  # kind, subject, body, at
    letters: list[tuple[str, str, datetime, str]] = field(default_factory=list)  # kind, text, sent at, approver
    events: list[AuditEvent] = field(default_factory=list)


class _Planner:
    def __init__(self, rng: random.Random, cal: WorkingCalendar, end: datetime) -> None:
        self.rng, self.cal, self.end = rng, cal, end
        self.counters: dict[int, int] = {}  # references per year, as casebook.next_reference numbers them

    def _working_moment(self, moment: datetime) -> datetime:
        """The same moment, or 10:00-16:00 local on the next working day if it falls outside hours."""
        local = self.cal.local(moment)
        if self.cal.is_working_day(local.date()) and 9 <= local.hour < 17:
            return moment
        early = self.cal.is_working_day(local.date()) and local.hour < 9
        day = local.date() if early else self.cal.next_working_day(local.date())
        return self.cal.start_of(day) + timedelta(hours=10, minutes=self.rng.randrange(360))

    def _ack(self, received: datetime) -> datetime | None:
        roll = self.rng.random()
        if roll < 0.85:
            return received + timedelta(minutes=self.rng.randrange(1, 20))
        if roll < 0.97:  # acknowledged by a handler: usually within 3 working days, sometimes not
            due = self.cal.add_working_days(received, self.rng.choice((1, 2, 2, 3, 3, 4, 6)))
            return max(received + timedelta(minutes=30), due - timedelta(hours=self.rng.randrange(1, 7)))
        return None

    def plan(self, received: datetime, client: tuple[str, str]) -> _Plan:
        rng = self.rng
        name, address = client
        category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        handler = rng.choices(HANDLERS, weights=HANDLER_WEIGHTS)[0] + "@firm.example"
        year = self.cal.local(received).year
        self.counters[year] = self.counters.get(year, 0) + 1
        ref = f"C-{year}-{self.counters[year]:04d}"
        body = COMPLAINTS[category].format(place=rng.choice(PLACES), amount=rng.randrange(800, 9000))
        subject = rng.choice(("Complaint", "Very unhappy", "Formal complaint", "Re: my matter", "Not good enough"))
        p = _Plan({
            "ref": ref, "state": "new", "category": category,
            "secondary_categories": [rng.choice([c for c in CATEGORY_WEIGHTS if c != category])] if rng.random() < 0.3 else [],
            "urgency": rng.choices(("low", "normal", "high", "critical"), weights=(15, 60, 20, 5))[0],
            "is_complaint": category != "other" or rng.random() < 0.5, "flags": [], "suggestion": None,
            "client_address": address, "client_name": name, "handler_email": handler, "subject": subject,
            "profile": "ew_sra", "received_at": received, "legal_hold": False,
            "person_complained_about": rng.choice(STAFF) if rng.random() < 0.6 else None,
            "created_at": received, "updated_at": received, **dict.fromkeys(_LATER, None),
        })
        p.mails.append(("complaint", subject, body, received))
        p.events += [AuditEvent("case.created", ref, "mailbot", received, {"received_at": received.isoformat()}),
                     AuditEvent("case.assigned", ref, "mailbot", received, {"handler": handler})]
        ack = self._ack(received)
        ack = ack if ack is not None and ack <= self.end else None
        if ack is not None:
            p.letters.append(("acknowledgement", f"We acknowledge complaint {ref}.", ack,
                              "auto" if ack - received < timedelta(hours=1) else handler))
            p.events.append(_move(ref, ack, "new", "acknowledged", "acknowledge"))
        days = min(150.0, math.exp(rng.gauss(math.log(19), 0.6)) + (90 if rng.random() < 0.02 else 0))
        answer = self._working_moment(received + timedelta(days=days))
        responded = answer if answer <= self.end else None
        if days > 49 and received + timedelta(days=49) < self.end:
            p.letters.append(("holding_letter", f"We need more time on {ref}.",
                              self._working_moment(received + timedelta(days=49)), handler))
        if rng.random() < 0.2 and (responded or self.end) - received > timedelta(days=5):
            p.mails.append(("follow_up", f"Re: {subject} [{ref}]", "Any news? " + body, received + timedelta(days=4)))
        values: dict[str, Any] = {"acknowledged_at": ack, "last_client_letter_at": ack}
        if responded is None:
            values["state"] = "new" if ack is None else rng.choice(("acknowledged", "investigating", "awaiting_client"))
        else:
            self._finish(p, values, responded, handler)
        p.case.update(values, updated_at=min(self.end, values.get("closed_at") or values.get("responded_at") or received))
        return p

    def _finish(self, p: _Plan, values: dict[str, Any], responded: datetime, handler: str) -> None:
        rng, ref = self.rng, p.case["ref"]
        p.letters.append(("final_response", f"This is our final response on {ref}. Legal Ombudsman.", responded, handler))
        closing = responded + timedelta(days=rng.randrange(0, 15))
        closed = closing if closing <= self.end else None
        values.update(state="closed" if closed else "responded", responded_at=responded, closed_at=closed,
                      outcome=rng.choices(("upheld", "partly", "not"), weights=(25, 20, 55))[0],
                      last_client_letter_at=responded)
        if values["outcome"] != "not" and rng.random() < 0.6:
            values["redress"] = f"GBP {rng.choice((50, 100, 150, 250, 400, 750, 1500))} goodwill payment"
        if rng.random() < 0.85:
            values["root_cause"] = rng.choice(ROOT_CAUSES[p.case["category"]])
            values["learning"] = rng.choice(LEARNING)
        p.events.append(_move(ref, responded, "investigating", "responded", "respond"))
        for key in ("outcome", "redress", "root_cause"):
            if values.get(key):
                p.events.append(AuditEvent(f"case.{key}_set", ref, handler, responded, {"value": values[key]}))
        if closed:
            p.events.append(_move(ref, closed, "responded", "closed", "close"))


def _move(ref: str, at: datetime, old: str, new: str, event: str) -> AuditEvent:
    return AuditEvent("case.transition", ref, "mailbot", at, {"from": old, "to": new, "event": event})


def _insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert returning the new ids in the order given (one statement, not one per row)."""
    if not rows:
        return []
    result = conn.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows)
    return [r[0] for r in result]


def _raw_mail(ref: str, sender: str, kind: str, subject: str, body: str, at: datetime) -> tuple[str, bytes]:
    """A plain RFC 5322 message (formatted directly: the email package is too slow for thousands)."""
    mid = f"{hashlib.sha1(f'{ref}{kind}{at}'.encode()).hexdigest()[:20]}@mail.example.org"
    head = (f"From: {sender}\r\nTo: {FIRM}\r\nSubject: {subject}\r\nDate: {format_datetime(at)}\r\n"
            f"Message-ID: <{mid}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n")
    return mid, (head + body + "\r\n").encode("utf-8")


def _write(conn: Connection, plans: list[_Plan], events: list[AuditEvent]) -> tuple[int, int]:
    case_ids = _insert_many(conn, cases, [p.case for p in plans])
    raws, raw_meta, letters, letter_meta = [], [], [], []
    for p, case_id in zip(plans, case_ids):
        ref, address = p.case["ref"], p.case["client_address"]
        for kind, subject, body, at in p.mails:
            mid, raw = _raw_mail(ref, address, kind, subject, body, at)
            digest = hashlib.sha256(raw).hexdigest()
            raws.append({"dedupe_key": digest, "message_id": mid, "content_sha256": digest, "internaldate": at,
                         "size": len(raw), "raw": raw, "kind": "human", "status": "processed", "case_id": case_id,
                         "created_at": at})
            raw_meta.append((case_id, kind, mid, address, subject, body, at))
        for kind, text, at, approver in p.letters:
            auto = approver == "auto"
            created = at - timedelta(minutes=1 if auto else 45)
            mid = f"{hashlib.sha1(f'{ref}{kind}{at}'.encode()).hexdigest()[:24]}@firm.example"
            letters.append({"case_id": case_id, "kind": kind, "status": "sent", "requires_approval": not auto,
                            "handler_email": None if auto else approver, "sender": FIRM, "recipients": [address],
                            "message_id": mid, "subject": f"Your complaint [{ref}]", "body_text": text,
                            "references": [], "reply_to": FIRM, "auto_submitted": "auto-replied", "attempts": 1,
                            "created_at": created, "approved_at": created if auto else at - timedelta(minutes=5),
                            "approved_by": approver, "sent_at": at})
            letter_meta.append((ref, kind, approver, created, at, mid))
    raw_ids = _insert_many(conn, raw_messages, raws)
    letter_ids = _insert_many(conn, outbox, letters)
    messages = [{"case_id": c, "direction": "in", "kind": k, "message_id": m, "from_addr": a, "subject": s,
                 "body": b, "at": at, "raw_message_id": rid, "outbox_id": None}
                for (c, k, m, a, s, b, at), rid in zip(raw_meta, raw_ids)]
    messages += [{"case_id": row["case_id"], "direction": "out", "kind": row["kind"], "message_id": row["message_id"],
                  "from_addr": FIRM, "subject": row["subject"], "body": row["body_text"], "at": row["sent_at"],
                  "outbox_id": oid, "raw_message_id": None} for row, oid in zip(letters, letter_ids)]
    conn.execute(case_messages.insert(), messages)
    for (ref, kind, approver, created, at, mid), oid in zip(letter_meta, letter_ids):
        if approver != "auto":
            events.append(AuditEvent("approval.requested", ref, "mailbot", created, {"outbox_id": oid, "kind": kind}))
            events.append(AuditEvent("letter.approved", ref, approver, at - timedelta(minutes=5), {"outbox_id": oid, "kind": kind}))
        events.append(AuditEvent("letter.sent", ref, "mailbot", at, {"outbox_id": oid, "kind": kind, "message_id": mid}))
    for p in plans:
        events += p.events
    return len(messages) - len(letters), len(letters)


def _chain(conn: Connection, events: list[AuditEvent]) -> None:
    """Append to the audit trail exactly as store.audit.append does, but as one bulk insert."""
    prev = conn.execute(select(audit_events.c.hash).order_by(audit_events.c.id.desc()).limit(1)).scalar() or audit.GENESIS
    rows = []
    for ev in events:
        detail = json.loads(json.dumps(dict(ev.detail), default=str))
        digest = audit.chain_hash(prev, ev.at, ev.kind, ev.case_ref, ev.actor, detail)
        rows.append({"at": ev.at, "kind": ev.kind, "case_ref": ev.case_ref, "actor": ev.actor, "detail": detail,
                     "prev_hash": prev, "hash": digest})
        prev = digest
    if rows:
        conn.execute(audit_events.insert(), rows)


def seed_cases(url: str, n: int, *, end: datetime = datetime(2026, 3, 1, 12, tzinfo=UTC), months: int = 18,
               seed: int = 7, batch: int = 1000, sealer: Sealer | None = None) -> SeedSummary:
    """Create `n` cases received over the `months` before `end` in the database at `url` (upgraded first).

    Meant for an empty database: references restart at C-YYYY-0001. Pass the firm's `sealer`
    to store content encrypted, as the service does.
    """
    store = Store.from_url(url, sealer)
    store.upgrade()
    rng = random.Random(seed)
    cal = WorkingCalendar("GB", "ENG", "Europe/London")
    start = end - timedelta(days=round(months * 30.44))
    span = (end - start).total_seconds()
    # Growth over the period: later months get more complaints (density rising by half).
    days = [start + timedelta(seconds=span * (math.sqrt(1 + 3 * rng.random()) - 1)) for _ in range(n)]
    hours = (8, 9, 10, 11, 12, 14, 15, 16, 19, 22)  # office hours mostly, some evenings
    moments = sorted(min(end - timedelta(hours=1), cal.local(d).replace(hour=rng.choice(hours)).astimezone(UTC))
                     for d in days)
    # Most clients complain once; some come back (8% of cases); a few serial complainants (2%).
    clients: list[tuple[str, str]] = []
    serial = [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"serial{i:03d}@example.org") for i in range(max(1, n // 500))]

    def client() -> tuple[str, str]:
        roll = rng.random()
        if roll < 0.02:
            return rng.choice(serial)
        if roll < 0.10 and clients:
            return rng.choice(clients)
        clients.append((f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"client{len(clients):05d}@example.org"))
        return clients[-1]

    planner = _Planner(rng, cal, end)
    plans = []
    for moment in moments:
        plans.append(planner.plan(moment, client()))
    events: list[AuditEvent] = []
    messages = letters = 0
    try:
        for offset in range(0, n, batch):
            with store.transaction() as conn:
                m, l = _write(conn, plans[offset:offset + batch], events)
                messages, letters = messages + m, letters + l
        events.sort(key=lambda e: e.at)  # one chain in time order, as the service would have written it
        with store.transaction() as conn:
            _chain(conn, events)
            for year, last in planner.counters.items():
                raw_mail.insert_ignoring_conflict(conn, ref_counters, {"year": year, "last": last}, ["year"])
    finally:
        store.dispose()
    first = cal.local(moments[0]).date() if moments else start.date()
    return SeedSummary(n, messages, letters, len(events), first, cal.local(end).date())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="database URL, e.g. sqlite:///var/bench.sqlite3")
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(seed_cases(args.url, args.cases, seed=args.seed))


if __name__ == "__main__":
    main()
