"""The evidence pack for one case: what an ombudsman, regulator or insurer asks to see.

A zip holding the client's emails as received (.eml, the stored bytes), our letters rebuilt
from their outbox rows, approvals, every audit event with the result of checking the hash
chain, the deadlines met or missed, and a README.txt that indexes it all with checksums.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, select

from ..compose import RenderedLetter, build_message
from ..config import FirmConfig
from ..letters import CLIENT_KINDS, LetterKind
from ..records import Case, Letter
from ..working_days import WorkingCalendar
from ..store import audit, casebook
from ..store import outbox as outbox_q
from ..store.tables import raw_messages
from .register import CalendarLookup, ProfileLookup, check_deadlines

APPROVAL_EVENTS = frozenset({
    "approval.requested", "approval.refused", "letter.approved", "letter.edited",
    "letter.rejected", "letter.superseded", "letter.gate_refused", "letter.queued"
})


def plain(value: Any) -> Any:
    """Rows, cases, letters and values as JSON: datetimes in ISO 8601 UTC, bytes left out."""
    if isinstance(value, Row):
        value = dict(value._mapping)
    if isinstance(value, (Case, Letter)):
        value = asdict(value)
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items() if not isinstance(v, (bytes, memoryview))}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def to_json(value: Any) -> bytes:
    return (json.dumps(plain(value), indent=2, ensure_ascii=False, default=str) +
            "\n").encode("utf-8")


def letter_eml(row: Letter, firm: FirmConfig, case_ref: str | None) -> bytes:
    """The letter as it went out (headers rebuilt from the row; Date is when it was sent)."""
    letter = RenderedLetter(kind=row.kind, subject=row.subject, text=row.body_text,
                            html=row.body_html)
    msg = build_message(letter, from_addr=firm.complaints_address, from_name=firm.name,
                        to=list(row.recipients), message_id=f"<{row.message_id}>",
                        in_reply_to=f"<{row.in_reply_to}>" if row.in_reply_to else None,
                        references=[f"<{r}>" for r in row.references or []], reply_to=row.reply_to,
                        auto_submitted=row.auto_submitted, loop_domain=firm.domain,
                        case_ref=case_ref, date=row.sent_at or row.created_at,
                        )
    return msg.as_bytes()


def letter_txt(row: Letter) -> bytes:
    """An unsent letter (draft, rejected, superseded, failed): its text, clearly marked."""
    head = (f"NOT SENT - status: {row.status}\nKind: {row.kind}\nTo: {', '.join(row.recipients)}\n"
            f"Subject: {row.subject}\nWritten: {row.created_at.isoformat()}\n\n")
    return (head + row.body_text).encode("utf-8")


def raw_email_files(conn: Connection, case_id: int, prefix: str) -> dict[str, bytes]:
    """Every stored inbound message of the case, as received; a purged one leaves a note."""
    files: dict[str, bytes] = {}
    rows = conn.execute(
        select(raw_messages).where(raw_messages.c.case_id == case_id).order_by(raw_messages.c.id))
    for n, r in enumerate(rows, 1):
        when = (r.internaldate or r.created_at).date().isoformat()
        stem = f"{prefix}{n:02d}-{when}-{r.kind or 'message'}"
        if r.raw is not None:
            files[f"{stem}.eml"] = bytes(r.raw)
        else:
            files[f"{stem}-purged.txt"] = (
                "The original message was purged under the retention policy.\nMessage-ID: "
                f"{r.message_id}\n"
                f"Size: {r.size} bytes\nSHA-256 of the original: {r.content_sha256}\n").encode()
    return files


def letter_files(conn: Connection, case_id: int, case_ref: str, firm: FirmConfig,
                 prefix: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    client_letters = [r for r in outbox_q.letters_for_case(conn, case_id) if r.kind in CLIENT_KINDS]
    for n, r in enumerate(client_letters, 1):
        if r.status == "sent" and r.sent_at is not None:
            files[
                f"{prefix}{n:02d}-{r.kind}-sent-{r.sent_at.date().isoformat()}.eml"] = letter_eml(
                    r, firm, case_ref)
        else:
            files[f"{prefix}{n:02d}-{r.kind}-{r.status}.txt"] = letter_txt(r)
    return files


def audit_record(conn: Connection, case_ref: str) -> dict[str, Any]:
    """The case's events, each re-hashed, plus the verification of the whole chain they belong to.
    """
    events = audit.for_case(conn, case_ref)
    problems = audit.verify(conn)
    ids = {e.id for e in events}
    listed = [{**plain(e.as_dict()), "hash_matches_content": e.content_matches()} for e in events]
    return {
        "chain": {
            "verified": not problems,
            "checked": "the whole audit trail, from its first event, by mailbot's verify",
            "problems": [{
                "event_id": p.event_id,
                "problem": p.problem
            } for p in problems],
            "problems_in_this_case": [p.event_id for p in problems if p.event_id in ids],
            "how_to_check": "hash = sha256(prev_hash + '\\n' + canonical JSON of at, kind, "
                            "case_ref, actor, detail); canonical: keys sorted, no spaces, times "
                            "in ISO 8601 UTC with microseconds; each event's prev_hash is the "
                            "hash of the event before it in the whole trail",
            "how_to_check_levels": "a deadline.fired entry with recorded_in is one of the levels "
                                   "a deadline tick recorded together: its leaf is sha256 of "
                                   "case_ref, key and due_at (ISO 8601 UTC with microseconds) "
                                   "joined by line breaks, and is listed in that event "
                                   "(audit/batches/EVENT_ID.json), whose hash is checked as above",
        },
        "events": listed,
        "batches": {
            e.batch.id: plain(e.batch)
            for e in events if e.batch is not None
        },
    }


@dataclass(frozen=True)
class EvidencePack:
    ref: str
    files: dict[str, bytes] = field(default_factory=dict)
    chain_verified: bool = False

    def write_zip(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in self.files.items():
                zf.writestr(f"{self.ref}/{name}", data)


def build_evidence_pack(conn: Connection, ref: str, *, firm: FirmConfig, profile_for: ProfileLookup,
                        cal: WorkingCalendar, now: datetime,
                        calendar_for: CalendarLookup | None = None) -> EvidencePack | None:
    """Everything about case `ref`, or None when there is no such case; its deadlines under its own
    regime (`profile_for`, and `calendar_for` when the regimes' calendars differ)."""
    case = casebook.case_by_ref(conn, ref)
    if case is None:
        return None
    if calendar_for is not None:
        cal = calendar_for(case.profile)
    files: dict[str, bytes] = {"case.json": to_json(case)}
    files.update(raw_email_files(conn, case.id, "emails/"))
    files.update(letter_files(conn, case.id, case.ref, firm, "letters/"))
    trail = audit_record(conn, case.ref)
    for event_id, batch in trail.pop("batches").items():
        files[f"audit/batches/{event_id}.json"] = to_json(batch)
    files["audit/events.json"] = to_json(trail)
    letters = [r for r in outbox_q.letters_for_case(conn, case.id) if r.kind in CLIENT_KINDS]
    files["approvals.json"] = to_json({
        "letters": [{
            k: getattr(r, k)
            for k in ("id", "kind", "status", "requires_approval", "handler_email", "created_at",
                      "approved_at", "approved_by", "sent_at", "message_id")
        } for r in letters],
        "events": [e for e in trail["events"] if e["kind"] in APPROVAL_EVENTS],
    })
    holding = min((r.sent_at for r in letters if r.kind == LetterKind.HOLDING_LETTER and r.sent_at),
                  default=None)
    checks = check_deadlines(case.received_at,
                             case.acknowledged_at, case.responded_at, case.closed_at,
                             profile_for(case.profile), cal, now, holding_sent_at=holding,
                             close_reason=case.close_reason, is_complaint=case.is_complaint)
    files["deadlines.json"] = to_json({
        "profile": case.profile, "time_zone": cal.timezone, "as_of": now,
        "deadlines": [{"deadline": c.name, "due": c.due, "due_local": cal.local(c.due).isoformat(),
                       "done_at": c.done_at, "status": c.status} for c in checks],
    })
    verified = bool(trail["chain"]["verified"])
    files["README.txt"] = _readme(case, files, checks, verified, now, cal)
    return EvidencePack(ref=case.ref, files=dict(sorted(files.items())), chain_verified=verified)


_DESCRIBE = {
    "case.json": "the case record: dates, category, urgency, handler, outcome, redress, learning",
    "approvals.json": ("each client letter's approval: who approved it and when, with the approval "
                       "events"),
    "deadlines.json": ("each deadline of the case's policy profile: due date, when it was met, met "
                       "or missed"),
    "audit/events.json": ("every audit event of the case, and the result of verifying the hash "
                          "chain"),
}


def _describe_by_folder(name: str) -> str:
    if name.startswith("emails/"):
        return "an email from the client, exactly as received"
    if name.startswith("audit/batches/"):
        return ("a deadline tick's audit event, holding the leaf of each level it recorded (a "
                "level of this case among them)")
    return "a letter to the client, rebuilt from the outbox record"


def _readme(case: Case, files: Mapping[str, bytes], checks: Any, verified: bool, now: datetime,
            cal: WorkingCalendar) -> bytes:
    lines = [
        f"Evidence pack for complaint {case.ref}",
        f"Prepared {cal.local(now):%Y-%m-%d %H:%M %Z} by mailbot. Times in the files are UTC "
        "unless marked local.",
        "",
        "Audit trail: " + ("VERIFIED - the hash chain is intact" if verified
                           else "NOT VERIFIED - see audit/events.json") + ".",
        "Deadlines: " + ("; ".join(f"{c.name} {c.status} (due {cal.local(c.due):%Y-%m-%d})"
                                   for c in checks) or "none"), "",
        "Files (SHA-256 of each, so a copy can be checked against this index):",
    ]
    for name, data in sorted(files.items()):
        what = _DESCRIBE.get(name) or _describe_by_folder(name)
        lines.append(f"  {name}\n      {what}\n      sha256 {hashlib.sha256(data).hexdigest()}")
    lines += [
        "", "emails/ holds inbound mail as stored at intake (.eml opens in any mail program).",
        "letters/ holds our letters: .eml for those sent, .txt for drafts never sent.", ""
    ]
    return "\n".join(lines).encode("utf-8")
