"""The evidence pack for one case and the subject access export for one person."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mailbot.cases import AuditEvent
from mailbot.cli import wiring
from mailbot.config import load_config, parse_config
from mailbot.reports import register as reg
from mailbot.reports.evidence import build_evidence_pack
from mailbot.reports.subject_access import export_person
from mailbot.store import Store, audit, casebook, raw_mail
from mailbot.store import outbox as outbox_q
from mailbot.service import tick
from mailbot.store.tables import audit_events, reminders_fired
from tests.integration.test_reports import CAL, HANDLER, PROFILE, add_case, at, cli, write_config

FIRM = parse_config({
    "firm": {"name": "Example & Co", "complaints_address": "complaints@firm.example", "domain": "firm.example"},
    "approvals": {"authserv_id": "mx.firm.example"},
    "handlers": [{"name": "Hal Jordan", "email": HANDLER, "roles": ["handler"]}],
}).firm
REF = "C-2025-0042"
ANN = "ann.client@example.org"


def _raw(sender: str, subject: str, body: str, mid: str) -> bytes:
    return (f"From: {sender}\r\nTo: complaints@firm.example\r\nSubject: {subject}\r\nMessage-ID: <{mid}>\r\n"
            f"Date: Mon, 03 Mar 2025 10:00:00 +0000\r\n\r\n{body}\r\n").encode()


def _evidence_case(conn: Any) -> bytes:
    """A case acknowledged the same day, answered after 6 weeks, with one rejected draft; returns the raw mail."""
    received = at("2025-03-03 10:00")
    raw = _raw(ANN, "Complaint", "Nobody answers my calls.", "m1@client")
    case_id = add_case(conn, REF, received, ack=at("2025-03-03 10:05"), responded=at("2025-04-14 11:00"),
                       closed=at("2025-04-20 09:00"), outcome="upheld", raw=raw)
    outbox_q.add_letter(conn, case_id=case_id, kind="progress_update", status="rejected", requires_approval=True,
                        handler_email=HANDLER, sender="complaints@firm.example", recipients=[ANN],
                        message_id="draft-1@firm.example", subject=f"Your complaint [{REF}]", body_text="A draft.",
                        reply_to="complaints@firm.example", auto_submitted="auto-replied", created_at=received)
    other = add_case(conn, "C-2025-0043", received, client="bob@example.org")
    assert other
    audit.append(conn, [
        AuditEvent("case.created", REF, "mailbot", received, {"raw_id": 1}),
        AuditEvent("case.created", "C-2025-0043", "mailbot", received, {"raw_id": 2}),
        AuditEvent("approval.requested", REF, "mailbot", at("2025-04-14 09:00"), {"outbox_id": 2, "kind": "final_response"}),
        AuditEvent("letter.approved", REF, HANDLER, at("2025-04-14 10:55"), {"outbox_id": 2, "kind": "final_response"}),
        AuditEvent("letter.sent", REF, "mailbot", at("2025-04-14 11:00"), {"outbox_id": 2, "kind": "final_response"}),
    ])
    return raw


def _pack(conn: Any) -> Any:
    pack = build_evidence_pack(conn, REF, firm=FIRM, profile_for=reg.profiles_for(PROFILE), cal=CAL,
                               now=at("2025-06-01 00:00"))
    assert pack is not None
    return pack


def test_evidence_pack_holds_mail_letters_approvals_deadlines_and_a_verified_chain(store: Store, tmp_path: Path) -> None:
    with store.transaction() as conn:
        raw = _evidence_case(conn)
        pack = _pack(conn)
    zip_path = tmp_path / "evidence.zip"
    pack.write_zip(zip_path)
    with zipfile.ZipFile(zip_path) as zf:
        files = {name.removeprefix(f"{REF}/"): zf.read(name) for name in zf.namelist()}
    assert set(files) == {"README.txt", "case.json", "approvals.json", "deadlines.json", "audit/events.json",
                          "emails/01-2025-03-03-human.eml", "letters/01-acknowledgement-sent-2025-03-03.eml",
                          "letters/02-final_response-sent-2025-04-14.eml", "letters/03-progress_update-rejected.txt"}
    assert files["emails/01-2025-03-03-human.eml"] == raw  # exactly as received
    final = message_from_bytes(files["letters/02-final_response-sent-2025-04-14.eml"], policy=policy.default)
    assert final["Message-ID"] == f"<{REF}-final_response@firm.example>" and REF in final["Subject"]
    assert final["To"] == ANN and "Our final_response about" in final.get_body(("plain",)).get_content()
    assert files["letters/03-progress_update-rejected.txt"].startswith(b"NOT SENT - status: rejected")

    trail = json.loads(files["audit/events.json"])
    assert trail["chain"]["verified"] is True and trail["chain"]["problems"] == []
    assert [e["kind"] for e in trail["events"]] == ["case.created", "approval.requested", "letter.approved", "letter.sent"]
    assert all(e["case_ref"] == REF and e["hash_matches_content"] for e in trail["events"])
    approvals = json.loads(files["approvals.json"])
    final_row = next(r for r in approvals["letters"] if r["kind"] == "final_response")
    assert final_row["approved_by"] == HANDLER and final_row["status"] == "sent"
    assert [e["kind"] for e in approvals["events"]] == ["approval.requested", "letter.approved"]
    # From Monday 3 March: 20 working days end on 31 March (answered 14 April: missed); 8 weeks on 28 April.
    deadlines = {d["deadline"]: d["status"] for d in json.loads(files["deadlines.json"])["deadlines"]}
    assert deadlines == {"acknowledge": "met", "respond": "missed", "regulator": "met"}

    readme = files["README.txt"].decode()
    assert "Audit trail: VERIFIED" in readme
    for name, data in files.items():
        if name != "README.txt":
            assert name in readme and hashlib.sha256(data).hexdigest() in readme


def test_evidence_pack_reports_a_broken_chain(store: Store) -> None:
    with store.transaction() as conn:
        _evidence_case(conn)
        forged = conn.execute(audit_events.insert().values(
            at=at("2025-04-15 09:00"), kind="case.note", case_ref=REF, actor="mallory@example.org",
            detail={"note": "inserted later"}, prev_hash="f" * 64, hash="e" * 64).returning(audit_events.c.id)).scalar_one()
        pack = _pack(conn)
    trail = json.loads(pack.files["audit/events.json"])
    assert pack.chain_verified is False and trail["chain"]["verified"] is False
    assert forged in trail["chain"]["problems_in_this_case"]
    assert next(e for e in trail["events"] if e["id"] == forged)["hash_matches_content"] is False
    assert "NOT VERIFIED" in pack.files["README.txt"].decode()


def _hash_as_documented(event: dict[str, Any]) -> str:
    """An outside checker's recomputation of an event's hash, from the pack's JSON and its how_to_check text."""
    at_utc = datetime.fromisoformat(event["at"]).astimezone(UTC).isoformat(timespec="microseconds")
    body = {"at": at_utc, "kind": event["kind"], "case_ref": event["case_ref"], "actor": event["actor"], "detail": event["detail"]}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{event['prev_hash']}\n{canonical}".encode()).hexdigest()


def test_evidence_pack_proves_the_deadline_levels_from_the_ticks_batch_event(store: Store, tmp_path: Path) -> None:
    """The tick audits a transaction's levels as one event of leaves: the pack carries that event,
    so each of the case's levels can be checked by anyone, and no other case shows in it."""
    app = wiring.build_app(parse_config({"firm": {"name": "Example & Co", "complaints_address": "complaints@firm.example",
                                                  "domain": "firm.example"},
                                         "approvals": {"authserv_id": "mx.firm.example"},
                                         "handlers": [{"name": "Hal Jordan", "email": HANDLER}],
                                         "paths": {"data_dir": str(tmp_path)}}), store=store, with_classifier=False)
    with store.transaction() as conn:
        add_case(conn, REF, at("2025-03-03 10:00"), ack=at("2025-03-03 10:05"))
        add_case(conn, "C-2025-0043", at("2025-03-03 11:00"), client="bob@example.org", ack=at("2025-03-03 11:05"))
    report = tick.deadline_tick(app, now=at("2025-05-06 09:00"))  # past 8 weeks: stalls, warnings, holding letter, breach
    ours = sorted(key for ref, key in report.fired if ref == REF)
    assert "regulator_breach" in ours and len(report.fired) == 2 * len(ours)
    with store.transaction() as conn:
        conn.execute(reminders_fired.insert().values(case_id=casebook.case_by_ref(conn, REF).id, key="stalled:forged:9",
                                                     fired_at=at("2025-05-06 09:00"), due_at=at("2025-05-05 16:30")))
        pack = _pack(conn)

    trail = json.loads(pack.files["audit/events.json"])
    levels = [e for e in trail["events"] if e["kind"] == "deadline.fired"]
    assert sorted(e["detail"]["key"] for e in levels) == sorted([*ours, "stalled:forged:9"])
    forged = next(e for e in levels if e["detail"]["key"] == "stalled:forged:9")
    assert forged["hash_matches_content"] is False and "recorded_in" not in forged  # written around mailbot
    for entry in (e for e in levels if e is not forged):
        assert entry["hash_matches_content"] is True
        batch_file = pack.files[f"audit/batches/{entry['recorded_in']['event_id']}.json"]
        batch = json.loads(batch_file)
        assert b"C-2025-0043" not in batch_file  # the other case's levels are there only as leaves
        due = datetime.fromisoformat(entry["detail"]["due_at"]).astimezone(UTC).isoformat(timespec="microseconds")
        leaf = hashlib.sha256(f"{REF}\n{entry['detail']['key']}\n{due}".encode()).hexdigest()
        assert leaf == entry["recorded_in"]["leaf"]
        assert entry["recorded_in"]["leaf"] in batch["detail"]["leaves"] and batch["detail"]["levels"] == len(report.fired)
        assert _hash_as_documented(batch) == batch["hash"] == entry["hash"]
    assert trail["chain"]["verified"] is True


def test_audit_export_command(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'mailbot.sqlite3'}")
    store = wiring.build_store(load_config(config))
    with store.transaction() as conn:
        raw = _evidence_case(conn)
    store.dispose()
    out = tmp_path / "packs" / f"{REF}.zip"
    result = CliRunner().invoke(cli(), ["audit", "export", REF.lower(), "--out", str(out), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "audit chain verified" in result.output
    with zipfile.ZipFile(out) as zf:
        assert zf.read(f"{REF}/emails/01-2025-03-03-human.eml") == raw  # decrypted from the sealed store
    missing = CliRunner().invoke(cli(), ["audit", "export", "C-1999-0001", "--out", str(out), "--config", str(config)])
    assert missing.exit_code == 1 and "no case C-1999-0001" in missing.output


# -- subject access ---------------------------------------------------------------------------------

BOB_SECRET = "my divorce settlement is being hidden from my wife"
ANN_RAW = _raw(ANN, "Where are my deeds", "The deeds to 3 Mill Lane are missing.", "ann-1@client")


def _people(conn: Any) -> None:
    add_case(conn, "C-2025-0001", at("2025-01-06 10:00"), client=ANN, body="The deeds to 3 Mill Lane are missing.",
             subject="Where are my deeds", ack=at("2025-01-06 10:02"), responded=at("2025-02-03 10:00"), raw=ANN_RAW)
    add_case(conn, "C-2025-0002", at("2025-05-06 10:00"), client=ANN, body="Still no deeds.")
    bob = add_case(conn, "C-2025-0003", at("2025-03-03 10:00"), client="bob@example.org", client_name="Bob Brown",
                   body=BOB_SECRET, subject="Private", ack=at("2025-03-03 10:01"))
    # Ann, a beneficiary, also wrote about Bob's matter: her message is hers; Bob's complaint is not.
    casebook.add_case_message(conn, case_id=bob, direction="in", kind="follow_up", message_id="ann-2@client",
                              from_addr="Ann.Client@Example.org", subject="About the estate",
                              body="I am the beneficiary and was never told.", at=at("2025-03-10 10:00"))
    audit.append(conn, [AuditEvent("case.created", r, "mailbot", at("2025-01-06 10:00"), {})
                        for r in ("C-2025-0001", "C-2025-0002", "C-2025-0003")])


def _all_text(directory: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in directory.rglob("*") if p.is_file())


def test_subject_access_export_finds_only_that_persons_records(store: Store, tmp_path: Path) -> None:
    with store.transaction() as conn:
        _people(conn)
        result = export_person(conn, "ANN.Client@example.org", tmp_path / "sar", firm=FIRM, cal=CAL,
                               now=at("2025-06-01 09:00"))
    out = tmp_path / "sar"
    assert result.case_refs == ("C-2025-0001", "C-2025-0002")
    assert (result.messages, result.letters, result.audit_events) == (3, 2, 2)  # 2 complaints + her note on Bob's
    text = _all_text(out)
    assert BOB_SECRET not in text and "bob@example.org" not in text and "Bob Brown" not in text
    assert "C-2025-0003" not in text  # her message is exported, not the other matter's reference
    assert "I am the beneficiary and was never told." in text
    data = json.loads((out / "data.json").read_text(encoding="utf-8"))
    assert [c["case"]["ref"] for c in data["cases"]] == ["C-2025-0001", "C-2025-0002"]
    assert (out / "C-2025-0001/messages/01-2025-01-06-in-complaint.eml").read_bytes() == ANN_RAW
    assert (out / "C-2025-0001/letters/02-final_response-sent.eml").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Complaint C-2025-0001" in index and "Complaint C-2025-0002" in index and "from you" in index
    for name in result.files:
        assert (out / name).is_file()


def test_subject_access_includes_her_mail_that_belongs_to_no_case(store: Store, tmp_path: Path) -> None:
    """Unreadable mail in quarantine and auto-replies are hers too; someone else's stay out."""
    broken = b"From: Ann Client <ANN.client@example.org>\r\nSubject: =?bogus?=\r\nContent-Type: multipart/mixed\r\n\r\nhalf a message"
    away = _raw(ANN, "Out of office", "I am away until Monday.", "ooo-1@client")
    bobs = _raw("bob@example.org", "Undeliverable", BOB_SECRET, "bob-9@client")
    with store.transaction() as conn:
        _people(conn)
        ids = []
        for n, raw in enumerate((broken, away, bobs)):
            ids.append(raw_mail.record_raw(conn, raw=raw, dedupe_key=f"k{n}", content_sha256=hashlib.sha256(raw).hexdigest(),
                                         message_id=None, where=None, internaldate=at("2025-05-20 08:00"),
                                         now=at("2025-05-20 08:01")))
        raw_mail.add_quarantine(conn, ids[0], "not a readable email: broken MIME structure", at("2025-05-20 08:01"))
        raw_mail.mark_raw(conn, ids[1], status="ignored", kind="auto_reply")
        raw_mail.mark_raw(conn, ids[2], status="ignored", kind="bounce")
        result = export_person(conn, ANN, tmp_path / "sar", firm=FIRM, cal=CAL, now=at("2025-06-01 09:00"))
    out = tmp_path / "sar"
    unfiled = json.loads((out / "data.json").read_text(encoding="utf-8"))["messages_in_no_case"]
    assert [(m["kind"], m["reason"]) for m in unfiled] == [
        ("malformed", "not a readable email: broken MIME structure"), ("auto_reply", None)]
    assert (out / unfiled[0]["file"]).read_bytes() == broken and (out / unfiled[1]["file"]).read_bytes() == away
    assert result.messages == 3 + 2
    assert BOB_SECRET not in _all_text(out)
    assert "Messages from you that belong to no complaint" in (out / "index.html").read_text(encoding="utf-8")


def test_subject_access_for_an_unknown_address_and_a_used_directory(store: Store, tmp_path: Path) -> None:
    with store.transaction() as conn:
        _people(conn)
        nobody = export_person(conn, "nobody@example.org", tmp_path / "none", firm=FIRM, cal=CAL, now=at("2025-06-01 09:00"))
        assert nobody.case_refs == () and "We hold no complaint records" in (tmp_path / "none/index.html").read_text()
        with pytest.raises(FileExistsError):
            export_person(conn, ANN, tmp_path / "none", firm=FIRM, cal=CAL, now=at("2025-06-01 09:00"))


def test_export_person_command(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'mailbot.sqlite3'}")
    store = wiring.build_store(load_config(config))
    with store.transaction() as conn:
        _people(conn)
    store.dispose()
    out = tmp_path / "sar"
    result = CliRunner().invoke(cli(), ["export-person", ANN, "--out", str(out), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "2 case(s) (C-2025-0001, C-2025-0002)" in result.output
    assert BOB_SECRET not in _all_text(out) and (out / "README.txt").exists()
    again = CliRunner().invoke(cli(), ["export-person", ANN, "--out", str(out), "--config", str(config)])
    assert again.exit_code == 1 and "not empty" in again.output
