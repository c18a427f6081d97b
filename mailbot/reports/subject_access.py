"""Subject access: everything held about one email address, in a form a person can read.

Writes a directory: index.html and README.txt to read, data.json for completeness, and per
case the messages (.txt, plus the original .eml while it is still stored) and our letters.
Only cases whose client is that address are included, and of anyone else's case only the
messages this address itself sent: other people's data must not leak into the export. Mail
from the address that belongs to no case (quarantined as unreadable, or filed away as an
auto-reply) is personal data too: it is found by reading each such message's From header
(the address is kept only inside the sealed bytes) and exported as it arrived.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, func, select

from ..cases import AuditEvent
from ..config import FirmConfig
from ..letters import CLIENT_KINDS
from ..working_days import WorkingCalendar
from ..store import audit
from ..store import outbox as outbox_q
from ..store.notes import notes_for_case
from ..store.tables import case_messages, cases, quarantine, raw_messages
from .evidence import letter_eml, letter_txt, plain, to_json


@dataclass(frozen=True)
class PersonExport:
    address: str
    case_refs: tuple[str, ...]
    messages: int
    letters: int
    audit_events: int
    files: tuple[str, ...]


def _write(out: Path, name: str, data: bytes, written: list[str]) -> None:
    path = out / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    written.append(name)


def _raw(conn: Connection, raw_id: int | None) -> bytes | None:
    if raw_id is None:
        return None
    value = conn.execute(select(raw_messages.c.raw).where(raw_messages.c.id == raw_id)).scalar()
    return bytes(value) if value is not None else None


def _message_files(conn: Connection, out: Path, folder: str, rows: list[Row[Any]],
                   written: list[str]) -> list[dict[str, Any]]:
    listed = []
    for n, m in enumerate(rows, 1):
        stem = f"{folder}/{n:02d}-{m.at.date().isoformat()}-{m.direction}-{m.kind}"
        text = (
            f"Date: {m.at.isoformat()}\nFrom: {m.from_addr or ''}\nSubject: {m.subject or ''}\n\n"
            f"{m.body if m.body is not None else '[text removed under the retention policy]'}\n")
        _write(out, f"{stem}.txt", text.encode("utf-8"), written)
        files = [f"{stem}.txt"]
        raw = _raw(conn, m.raw_message_id)
        if raw is not None:
            _write(out, f"{stem}.eml", raw, written)
            files.append(f"{stem}.eml")
        listed.append({**plain(m), "files": files})
    return listed


def export_person(conn: Connection, address: str, out: Path, *, firm: FirmConfig,
                  cal: WorkingCalendar, now: datetime) -> PersonExport:
    """Write the export into `out`, which must not exist yet or be empty."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; choose a new directory for the export")
    out.mkdir(parents=True, exist_ok=True)
    who = address.strip().lower()
    written: list[str] = []
    own = list(
        conn.execute(
            select(cases).where(cases.c.client_address == who).order_by(cases.c.received_at)))
    record: dict[str, Any] = {
        "address": who,
        "prepared_at": now,
        "cases": [],
        "messages_in_other_cases": []
    }
    n_msgs = n_letters = n_events = 0
    for case in own:
        msgs = list(
            conn.execute(
                select(case_messages).where(case_messages.c.case_id == case.id).order_by(
                    case_messages.c.id)))
        msg_list = _message_files(conn, out, f"{case.ref}/messages", msgs, written)
        letters = []
        for n, r in enumerate(
            [r for r in outbox_q.letters_for_case(conn, case.id) if r.kind in CLIENT_KINDS], 1):
            name = f"{case.ref}/letters/{n:02d}-{r.kind}-{r.status}" + (".eml" if r.status
                                                                        == "sent" else ".txt")
            _write(out, name,
                   letter_eml(r, firm, case.ref) if r.status == "sent" else letter_txt(r), written)
            letters.append({
                **plain({
                    k: getattr(r, k)
                    for k in ("kind", "status", "subject", "created_at", "sent_at")
                }), "file": name
            })
        events = [plain(e.as_dict()) for e in audit.for_case(conn, case.ref)]
        n_msgs, n_letters, n_events = n_msgs + len(msgs), n_letters + len(letters), n_events + len(
            events)
        # Staff's notes about the person are their personal data too (review them before sending).
        notes = [plain({k: getattr(n, k) for k in ("at", "kind", "by", "body")})
                 for n in notes_for_case(conn, case.id)]
        record["cases"].append({"case": plain(case), "messages": msg_list, "letters": letters,
                                "audit_events": events, "notes": notes})
    own_ids = [c.id for c in own]
    elsewhere = select(case_messages).where(func.lower(case_messages.c.from_addr) == who)
    if own_ids:
        elsewhere = elsewhere.where(case_messages.c.case_id.notin_(own_ids))
    other = list(conn.execute(elsewhere.order_by(case_messages.c.id)))
    record["messages_in_other_cases"] = _message_files(conn, out, "other-messages", other, written)
    record["messages_in_no_case"] = _unfiled(conn, who, out, written)
    n_msgs += len(other) + len(record["messages_in_no_case"])
    _write(out, "data.json", to_json(record), written)
    _write(out, "index.html", _index(record, firm, cal).encode("utf-8"), written)
    _write(out, "README.txt",
           _readme(who, record, firm, cal, now, written).encode("utf-8"), written)
    return PersonExport(who, tuple(c.ref for c in own), n_msgs, n_letters, n_events,
                        tuple(sorted(written)))


def record_export(conn: Connection, export: PersonExport, *, request: str | None, by: str,
                  now: datetime) -> None:
    """The export on the record (accountability, UK GDPR Art 5(2)): who made it, when, what it
    held, and for which request; the address only as a SHA-256, since the trail is permanent."""
    detail = {"address_sha256": hashlib.sha256(export.address.encode()).hexdigest(),
              "cases": list(export.case_refs), "messages": export.messages,
              "letters": export.letters, "audit_events": export.audit_events,
              "files": len(export.files)}
    refs: list[str | None] = [request.upper()] if request else [*export.case_refs] or [None]
    audit.append(conn, [AuditEvent("subject_access.exported", ref, by, now, detail)
                        for ref in refs])


def _sender(raw: bytes) -> set[str]:
    try:
        headers = BytesHeaderParser().parsebytes(raw)
        return {
            addr.lower()
            for _name, addr in getaddresses([str(v) for v in headers.get_all("From", [])]) if addr
        }
    except Exception:  # noqa: BLE001 - bytes that are not an email have no sender to match
        return set()


def _unfiled(conn: Connection, who: str, out: Path, written: list[str]) -> list[dict[str, Any]]:
    """Mail from `who` that belongs to no case, with why (quarantine reason or what it was filed
    as)."""
    r = raw_messages.c
    rows = conn.execute(
        select(r.id, r.raw, r.kind, r.status,
               r.internaldate, r.created_at, quarantine.c.reason).outerjoin(
                   quarantine,
                   quarantine.c.raw_message_id == r.id).where(r.case_id.is_(None),
                                                              r.raw.is_not(None)).order_by(r.id))
    listed: list[dict[str, Any]] = []
    for row in rows:
        raw = bytes(row.raw)
        if who not in _sender(raw):
            continue
        when = row.internaldate or row.created_at
        name = (f"no-case/{len(listed) + 1:02d}-{when.date().isoformat()}-"
                f"{row.kind or row.status}.eml")
        _write(out, name, raw, written)
        listed.append({
            "at": when,
            "status": row.status,
            "kind": row.kind,
            "reason": row.reason,
            "file": name
        })
    return listed


def _local(value: str | None, cal: WorkingCalendar) -> str:
    return cal.local(datetime.fromisoformat(value)).strftime("%d %b %Y %H:%M") if value else "-"


def _index(record: dict[str, Any], firm: FirmConfig, cal: WorkingCalendar) -> str:
    e = html.escape
    parts = [
        f"<h1>Information {e(firm.name)} holds about {e(record['address'])}</h1>",
        (f"<p>Prepared {e(_local(plain(record['prepared_at']), cal))} ({e(cal.timezone)}). "
         "Each complaint is listed with its key dates, the messages we received and sent, and the "
         "record "
         "of what was done (the audit trail). The files named are in this folder.</p>")
    ]
    if not record["cases"] and not record["messages_in_other_cases"] and not record[
            "messages_in_no_case"]:
        parts.append("<p><strong>We hold no complaint records about this address.</strong></p>")
    for item in record["cases"]:
        c = item["case"]
        parts.append(f"<h2>Complaint {e(c['ref'])}</h2><table>")
        for label, key in (("Received", "received_at"), ("Acknowledged", "acknowledged_at"),
                           ("Final response", "responded_at"), ("Closed", "closed_at")):
            parts.append(f"<tr><th>{label}</th><td>{e(_local(c[key], cal))}</td></tr>")
        for label, key in (("Status", "state"), ("Category", "category"), ("Urgency", "urgency"),
                           ("Handled by", "handler_email"), ("Outcome", "outcome"), ("Redress",
                                                                                     "redress")):
            parts.append(f"<tr><th>{label}</th><td>{e(str(c.get(key) or '-'))}</td></tr>")
        parts.append("</table><h3>Messages</h3><ul>")
        parts += [_msg_li(m, cal, record["address"]) for m in item["messages"]] or ["<li>none</li>"]
        parts.append("</ul><h3>Our letters</h3><ul>")
        parts += [
            f"<li>{e(_local(letter['sent_at'] or letter['created_at'], cal))}: "
            f"{e(letter['kind'].replace('_', ' '))} "
            f"({e(letter['status'])}): <a href='{e(letter['file'])}'>{e(letter['file'])}</a></li>"
            for letter in item["letters"]
        ] or ["<li>none</li>"]
        parts.append(
            "</ul><h3>What was done (audit "
            "trail)</h3><table><tr><th>When</th><th>What</th><th>By</th></tr>"
        )
        parts += [
            f"<tr><td>{e(_local(ev['at'], cal))}</td><td>{e(_describe(ev))}</td>"
            f"<td>{e(ev['actor'])}</td></tr>"
            for ev in item["audit_events"]
        ]
        parts.append("</table>")
    if record["messages_in_other_cases"]:
        parts.append("<h2>Messages you sent that are filed with other matters</h2><ul>")
        parts += [_msg_li(m, cal, record["address"]) for m in record["messages_in_other_cases"]]
        parts.append("</ul>")
    if record["messages_in_no_case"]:
        parts.append("<h2>Messages from you that belong to no complaint</h2><ul>")
        parts += [
            f"<li>{e(_local(plain(m)['at'], cal))}: "
            f"{e(m['reason'] or str(m['kind'] or m['status']).replace('_', ' '))} "
            f"(<a href='{e(m['file'])}'>eml</a>)</li>" for m in record["messages_in_no_case"]
        ]
        parts.append("</ul>")
    style = (
        "body{font-family:Helvetica,Arial,sans-serif;max-width:960px;margin:24px auto;padding:0 "
        "20px;"
        "line-height:1.5}table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:4px "
        "10px;"
        "text-align:left}th{background:#f4f4f4}")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Subject access "
        "export</title>"
        f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")


def _describe(event: dict[str, Any]) -> str:
    """An audit event in words a client can follow ("letter sent: final response")."""
    detail = event.get("detail") or {}
    what = event["kind"].replace(".", " ").replace("_", " ")
    if event["kind"] == "case.transition" and isinstance(detail, dict):
        return f"status changed from {detail.get('from', '?')} to {detail.get('to', '?')}".replace(
            "_", " ")
    if isinstance(detail, dict) and detail.get("kind"):
        return f"{what}: {str(detail['kind']).replace('_', ' ')}"
    return what


def _msg_li(m: dict[str, Any], cal: WorkingCalendar, who: str) -> str:
    e = html.escape
    links = ", ".join(f"<a href='{e(f)}'>{e(f.rsplit('.', 1)[1])}</a>" for f in m["files"])
    sender = (m["from_addr"] or "").lower()
    direction = "to you" if m["direction"] == "out" else (
        "from you" if sender == who else f"from {sender or 'unknown'}")
    return (f"<li>{e(_local(m['at'], cal))}: {e(m['kind'].replace('_', ' '))} {direction}, "
            f"&ldquo;{e(m['subject'] or '')}&rdquo; ({links})</li>")


def _readme(who: str, record: dict[str, Any], firm: FirmConfig, cal: WorkingCalendar, now: datetime,
            written: list[str]) -> str:
    refs = ", ".join(item["case"]["ref"] for item in record["cases"]) or "none"
    return "\n".join([
        f"Subject access export for {who}",
        f"Prepared by {firm.name} on {cal.local(now):%Y-%m-%d %H:%M %Z}.", "",
        f"Complaints with this address as the complainant: {refs}.",
        "Messages from this address filed with other matters: "
        f"{len(record['messages_in_other_cases'])}.",
        "Messages from this address that belong to no complaint (unreadable, or automatic "
        "replies): "
        f"{len(record['messages_in_no_case'])}.", "",
        "Open index.html in a web browser to read everything in order. data.json holds the same "
        "records",
        "in machine-readable form. Each message is saved as .txt and, while the original is kept, "
        "as .eml.",
        "",
        "Before sending: review for third parties' personal data and legally privileged material.",
        "Handlers' internal replies filed with a case are included and marked with their sender; "
        "approval",
        "requests sent to staff are not (the audit trail lists them). Notes staff recorded on",
        "a case (notes, rejection and closing reasons) are in data.json under its notes.", "",
        "Files:", *[f"  {name}" for name in sorted(written)], "",
    ])
