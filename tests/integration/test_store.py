"""The store on both engines (SQLite embedded, PostgreSQL on loopback): the same tests, the same answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Connection,
    LargeBinary,
    delete,
    exc,
    func,
    inspect,
    select,
    text,
    type_coerce,
    update,
)

from mailbot.cases import AuditEvent, Event, State, apply
from mailbot.errors import ConfigError
from mailbot.records import Case, Letter
from mailbot.store import Store, audit, make_engine, migrate, raw_mail
from mailbot.store import casebook as cb
from mailbot.store import outbox as ob
from mailbot.store.sealing import Sealer, new_key
from mailbot.store.tables import audit_events, metadata, raw_messages
from mailbot.trust import new_token, token_hash

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))


# --- helpers ------------------------------------------------------------------------------------


def new_case(conn: Connection, ref: str = "C-2026-0001", client: str = "jane.doe@example.com", **values: Any) -> int:
    row = {"client_address": client, "profile": "ew_sra", "received_at": NOW, **values}
    return cb.create_case(conn, ref=ref, values=row, now=NOW)


def new_letter(conn: Connection, *, message_id: str, status: str = "draft", kind: str = "acknowledgement",
               recipients: list[str] | None = None, case_id: int | None = None, **values: Any) -> int:
    row: dict[str, Any] = {
        "case_id": case_id, "kind": kind, "status": status, "requires_approval": status == "draft",
        "sender": "complaints+b-1@example.co.uk", "recipients": recipients or ["jane.doe@example.com"],
        "message_id": message_id, "subject": "Your complaint C-2026-0001", "body_text": "Dear Ms Doe",
        "reply_to": "complaints@example.co.uk", "auto_submitted": "auto-replied", "created_at": NOW, **values,
    }
    return ob.add_letter(conn, **row)


def event(kind: str, n: int, case_ref: str | None = "C-2026-0001", **detail: Any) -> AuditEvent:
    return AuditEvent(kind=kind, case_ref=case_ref, actor="system", at=NOW + timedelta(minutes=n), detail=detail)


def three_events(store: Store) -> list[int]:
    with store.transaction() as conn:
        audit.append(conn, [event("case.created", 0), event("letter.queued", 1, outbox_id=3)])
    with store.transaction() as conn:  # a second transaction continues the same chain
        audit.append(conn, [event("case.transition", 2, reason="withdrawn by client")])
        return [r.id for r in conn.execute(select(audit_events.c.id).order_by(audit_events.c.id))]


def drop_audit_triggers(conn: Connection) -> None:
    """What someone with admin rights on the database could do before editing history."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("DROP TRIGGER audit_events_append_only ON audit_events"))
    else:
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("DROP TRIGGER audit_events_no_delete"))


# --- schema -----------------------------------------------------------------------------------


def test_migrations_create_exactly_the_declared_tables(store: Store) -> None:
    found = set(inspect(store.engine).get_table_names()) - {"alembic_version"}
    assert found == set(metadata.tables)
    for name, table in metadata.tables.items():
        columns = {c["name"] for c in inspect(store.engine).get_columns(name)}
        assert columns == set(table.c.keys()), name


def test_upgrade_twice_is_a_no_op(store: Store) -> None:
    with store.transaction() as conn:
        new_case(conn)
    first = store.upgrade()
    second = store.upgrade()
    assert first == second == migrate.head_revision()
    with store.transaction() as conn:
        assert cb.case_by_ref(conn, "C-2026-0001") is not None


# --- raw messages and quarantine -------------------------------------------------------------------


def record(conn: Connection, key: str = "k" * 64, raw: bytes = b"Subject: hi\r\n\r\nbody") -> int | None:
    return raw_mail.record_raw(conn, raw=raw, dedupe_key=key, content_sha256="c" * 64, message_id="m1@example.com",
                             where=raw_mail.MailboxCoordinates("INBOX", 777, 12), internaldate=NOW, now=NOW)


def test_record_raw_is_idempotent(store: Store) -> None:
    with store.transaction() as conn:
        first = record(conn)
    with store.transaction() as conn:
        second = record(conn, raw=b"refetched copy")
        count = conn.execute(select(func.count()).select_from(raw_messages)).scalar_one()
        row = raw_mail.raw_by_id(conn, first)  # type: ignore[arg-type]
    assert first is not None
    assert second is None
    assert count == 1
    assert row is not None
    assert row.raw == b"Subject: hi\r\n\r\nbody"  # the first copy is kept, byte for byte
    assert (row.mailbox, row.uidvalidity, row.uid, row.size) == ("INBOX", 777, 12, len(b"Subject: hi\r\n\r\nbody"))
    assert row.status == "received"


def test_different_keys_are_different_messages(store: Store) -> None:
    with store.transaction() as conn:
        assert record(conn, key="a" * 64) != record(conn, key="b" * 64)


def test_quarantine_keeps_the_bytes_until_resolved(store: Store) -> None:
    with store.transaction() as conn:
        raw_id = record(conn, raw=b"\x00\xffnot mail")
        assert raw_id is not None
        qid = raw_mail.add_quarantine(conn, raw_id, "no email headers", NOW)
    with store.transaction() as conn:
        assert raw_mail.count_open_quarantine(conn) == 1
        entry = raw_mail.quarantine_entry(conn, qid)
        assert entry is not None and entry.raw == b"\x00\xffnot mail" and entry.reason == "no email headers"
        assert raw_mail.raw_by_id(conn, raw_id).status == "quarantined"  # type: ignore[union-attr]
        raw_mail.resolve_quarantine(conn, qid, "deleted by admin", NOW)
    with store.transaction() as conn:
        assert raw_mail.count_open_quarantine(conn) == 0
        assert raw_mail.list_quarantine(conn) == []
        assert [r.resolution for r in raw_mail.list_quarantine(conn, include_resolved=True)] == ["deleted by admin"]


# --- time -------------------------------------------------------------------------------------------


def test_timestamps_come_back_as_aware_utc(store: Store) -> None:
    received = datetime(2026, 3, 2, 11, 30, 15, 123456, tzinfo=PARIS)
    with store.transaction() as conn:
        case_id = new_case(conn, received_at=received)
    with store.transaction() as conn:
        row = cb.case_by_id(conn, case_id)
    assert row is not None
    assert row.received_at == received
    assert row.received_at.utcoffset() == timedelta(0)
    assert row.received_at.replace(tzinfo=None) == datetime(2026, 3, 2, 10, 30, 15, 123456)
    assert row.created_at.tzinfo is not None and row.created_at == NOW


def test_naive_timestamps_are_refused_and_nothing_is_written(store: Store) -> None:
    with pytest.raises((ValueError, exc.StatementError), match="naive"), store.transaction() as conn:
        new_case(conn, received_at=datetime(2026, 3, 2, 10, 0))
    with store.transaction() as conn:
        assert cb.list_cases(conn) == []


def test_naive_time_in_a_query_is_refused(store: Store) -> None:
    with pytest.raises((ValueError, exc.StatementError), match="naive"), store.transaction() as conn:
        ob.due_for_sending(conn, datetime(2026, 3, 2, 10, 0))


# --- cases ---------------------------------------------------------------------------------------------


def test_case_references_count_up_per_year(store: Store) -> None:
    with store.transaction() as conn:
        refs = [cb.next_reference(conn, 2026) for _ in range(2)]
    with store.transaction() as conn:
        refs += [cb.next_reference(conn, 2027), cb.next_reference(conn, 2026)]
    assert refs == ["C-2026-0001", "C-2026-0002", "C-2027-0001", "C-2026-0003"]


def test_a_rolled_back_reference_is_used_up_on_postgresql_only_and_never_given_twice(
        store: Store) -> None:
    """SQLite (one instance) takes the number in the case's transaction: nothing is skipped.
    PostgreSQL takes it in a short transaction of its own, so instances deciding side by side do
    not wait for each other's batches (casebook.next_reference): a rolled-back case skips it."""
    with pytest.raises(RuntimeError), store.transaction() as conn:
        cb.next_reference(conn, 2026)
        raise RuntimeError("crash before commit")
    with store.transaction() as conn:
        again = cb.next_reference(conn, 2026)
    assert again == ("C-2026-0002" if store.shared else "C-2026-0001")


def test_every_reference_given_out_without_a_case_is_named(store: Store) -> None:
    """The register's gaps are accounted for: `mailbot status` and `mailbot register` name each
    number a rolled-back case took (PostgreSQL), and none another database gave (adopted)."""
    from mailbot.cases import AuditEvent
    from mailbot.store import status

    with pytest.raises(RuntimeError), store.transaction() as conn:
        cb.next_reference(conn, 2026)
        raise RuntimeError("the case's transaction rolled back")
    with store.transaction() as conn:
        new_case(conn, ref=cb.next_reference(conn, 2026))
        cb.reserve_references(conn, 2027, 49)  # `db adopt-mailbox --next-reference C-2027-0050`
        audit.append(conn, [AuditEvent("intake.mailbox_adopted", None, "cli", NOW,
                                       {"mailbox": "complaints", "next_reference": "C-2027-0050"})])
    with store.transaction() as conn:
        new_case(conn, ref=cb.next_reference(conn, 2027), client="ann@example.com")
        cb.next_reference(conn, 2027)  # taken, and its case never written
    with store.transaction() as conn:
        unused = status.unused_references(conn)
    skipped_2026 = ["C-2026-0001"] if store.shared else []
    assert unused == [*skipped_2026, "C-2027-0051"]


def test_instances_taking_references_at_once_never_share_one(store: Store) -> None:
    """Two transactions open side by side, as two instances' batches are: neither waits for the
    other to commit, and no number is given twice."""
    if not store.shared:
        pytest.skip("SQLite has one writer: one instance by design")
    with store.transaction() as first, store.transaction() as second:
        refs = [cb.next_reference(first, 2026), cb.next_reference(second, 2026),
                cb.next_reference(first, 2026)]
    assert refs == ["C-2026-0001", "C-2026-0002", "C-2026-0003"]


def test_a_transition_round_trips_through_the_store(store: Store) -> None:
    with store.transaction() as conn:
        case_id = new_case(conn)
        snap = cb.existing_case(conn, case_id).snapshot()
        moved = apply(snap, Event.ACKNOWLEDGE, now=NOW + timedelta(hours=1), actor="system")
        cb.save_snapshot(conn, case_id, moved.case, NOW + timedelta(hours=1))
        audit.append(conn, moved.events)
    with store.transaction() as conn:
        case = cb.existing_case(conn, case_id)
        assert case.snapshot() == moved.case
        assert case.state is State.ACKNOWLEDGED
        assert case.updated_at == NOW + timedelta(hours=1)
        assert [e.detail["to"] for e in audit.for_case(conn, "C-2026-0001")] == ["acknowledged"]


def test_cases_and_letters_come_back_as_typed_records(store: Store) -> None:
    with store.transaction() as conn:
        case_id = new_case(conn)
        new_letter(conn, message_id="mb.1@x", case_id=case_id)
    with store.transaction() as conn:
        case = cb.case_by_ref(conn, "C-2026-0001")
        [letter] = ob.letters_for_case(conn, case_id)
        assert isinstance(case, Case) and case.id == case_id and case.client_address
        assert isinstance(letter, Letter) and letter.case_id == case_id
        assert cb.list_cases(conn) == [case] and ob.drafts_for_case(conn, case_id) == [letter]
        assert ob.existing_letter(conn, letter.id) == letter
        with pytest.raises(LookupError, match="case #999"):
            cb.existing_case(conn, 999)


def test_open_case_for_sender_ignores_closed_cases_and_address_case(store: Store) -> None:
    with store.transaction() as conn:
        older = new_case(conn, "C-2026-0001")
        newer = new_case(conn, "C-2026-0002")
        new_case(conn, "C-2026-0003", client="sam.lee@example.org")
        cb.update_case(conn, newer, NOW, state=State.CLOSED.value)
        found = cb.open_case_for_sender(conn, "Jane.Doe@Example.com")
        assert found is not None and found.id == older
        cb.update_case(conn, older, NOW, state=State.CLOSED.value)
        assert cb.open_case_for_sender(conn, "jane.doe@example.com") is None


def test_cases_are_found_by_any_message_id_of_their_thread(store: Store) -> None:
    with store.transaction() as conn:
        jane = new_case(conn, "C-2026-0001")
        sam = new_case(conn, "C-2026-0002", client="sam.lee@example.org")
        for case_id, mid, kind in [(jane, "client-1@example.com", "complaint"), (jane, "mb.1@example.co.uk", "acknowledgement"),
                                   (jane, "mb.2@example.co.uk", "approval_request"), (sam, "sam-1@example.org", "complaint")]:
            cb.add_case_message(conn, case_id=case_id, direction="in", kind=kind, message_id=mid, from_addr=None,
                                subject=None, body=None, at=NOW)
        assert cb.cases_by_message_ids(conn, ["nope@x", "mb.1@example.co.uk", "client-1@example.com"]) == [jane]
        assert cb.cases_by_message_ids(conn, []) == []
        # The client's thread leaves out staff mail such as approval requests.
        assert cb.thread_ids(conn, jane) == ["client-1@example.com", "mb.1@example.co.uk"]
        assert cb.case_by_ref(conn, "c-2026-0002").id == sam  # type: ignore[union-attr]


def test_open_load_counts_only_cases_still_being_worked(store: Store) -> None:
    with store.transaction() as conn:
        for n, (handler, state) in enumerate([("priya@x", "new"), ("priya@x", "investigating"), ("priya@x", "closed"),
                                              ("tom@x", "responded"), ("tom@x", "awaiting_client"), (None, "new")]):
            case_id = new_case(conn, f"C-2026-{n + 1:04d}", handler_email=handler)
            cb.update_case(conn, case_id, NOW, state=state)
        assert cb.open_case_counts_by_handler(conn) == {"priya@x": 2, "tom@x": 1}


# --- watermarks -------------------------------------------------------------------------------------------


def test_watermark_never_rewinds_within_one_uidvalidity(store: Store) -> None:
    with store.transaction() as conn:
        assert raw_mail.get_watermark(conn, "INBOX") is None
        raw_mail.set_watermark(conn, "INBOX", 1000, 50, NOW)
        raw_mail.set_watermark(conn, "INBOX", 1000, 40, NOW + timedelta(minutes=1))
        row = raw_mail.get_watermark(conn, "INBOX")
        assert (row.uidvalidity, row.last_uid) == (1000, 50)  # type: ignore[union-attr]
        assert row.last_success_at == NOW + timedelta(minutes=1)  # type: ignore[union-attr]
        raw_mail.set_watermark(conn, "INBOX", 1000, 61, NOW)
        assert raw_mail.get_watermark(conn, "INBOX").last_uid == 61  # type: ignore[union-attr]


def test_watermark_resets_when_uidvalidity_changes(store: Store) -> None:
    with store.transaction() as conn:
        raw_mail.set_watermark(conn, "INBOX", 1000, 500, NOW)
        raw_mail.set_watermark(conn, "INBOX", 2000, 3, NOW)
        row = raw_mail.get_watermark(conn, "INBOX")
        assert (row.uidvalidity, row.last_uid) == (2000, 3)  # type: ignore[union-attr]


def test_watermarks_are_per_mailbox(store: Store) -> None:
    with store.transaction() as conn:
        raw_mail.set_watermark(conn, "INBOX", 1000, 500, NOW)
        raw_mail.set_watermark(conn, "Archive", 9, 1, NOW)
        assert raw_mail.get_watermark(conn, "INBOX").last_uid == 500  # type: ignore[union-attr]
        raw_mail.touch_watermark(conn, "Archive", NOW + timedelta(hours=1))
        row = raw_mail.get_watermark(conn, "Archive")
        assert (row.last_uid, row.last_success_at) == (1, NOW + timedelta(hours=1))  # type: ignore[union-attr]


# --- outbox and tokens --------------------------------------------------------------------------------------


def test_outbox_status_is_compare_and_set(store: Store) -> None:
    with store.transaction() as conn:
        letter_id = new_letter(conn, message_id="mb.1@example.co.uk")
    with store.transaction() as conn:
        assert ob.set_status(conn, letter_id, expected="draft", status="approved", approved_by="priya@x", approved_at=NOW)
    with store.transaction() as conn:  # a second instance acting on the same stale view gets nothing
        assert not ob.set_status(conn, letter_id, expected="draft", status="approved", approved_by="tom@x")
        assert not ob.set_status(conn, letter_id, expected="sent", status="failed")
        row = ob.letter(conn, letter_id)
    assert row is not None
    assert (row.status, row.approved_by, row.approved_at) == ("approved", "priya@x", NOW)


def test_due_for_sending_takes_approved_letters_whose_time_has_come(store: Store) -> None:
    with store.transaction() as conn:
        now_due = new_letter(conn, message_id="mb.1@x", status="approved")
        later = new_letter(conn, message_id="mb.2@x", status="approved", next_attempt_at=NOW + timedelta(minutes=5))
        retry_due = new_letter(conn, message_id="mb.3@x", status="approved", next_attempt_at=NOW)
        new_letter(conn, message_id="mb.4@x", status="draft")
        new_letter(conn, message_id="mb.5@x", status="sent")
    with store.transaction() as conn:
        assert [r.id for r in ob.due_for_sending(conn, NOW)] == [now_due, retry_due]
        assert [r.id for r in ob.due_for_sending(conn, NOW + timedelta(minutes=5))] == [now_due, later, retry_due]
        assert ob.letter_by_message_id(conn, "<mb.2@x>").id == later  # type: ignore[union-attr]


def test_auto_reply_counts_per_sender(store: Store) -> None:
    with store.transaction() as conn:
        jane = new_case(conn, "C-2026-0001", "jane.doe@example.com")
        sam = new_case(conn, "C-2026-0002", "sam@example.org")
        # automatic acknowledgements (queued approved, no person asked)
        new_letter(conn, message_id="mb.1@x", recipients=["Jane.Doe@example.com"], case_id=jane, status="approved")
        new_letter(conn, message_id="mb.2@x", recipients=["sam@example.org"], case_id=sam, status="approved",
                   created_at=NOW - timedelta(days=2))
        new_letter(conn, message_id="mb.3@x", recipients=["jane.doe@example.com"], case_id=jane, kind="final_response")
        # held back for a person (a draft): not an automatic reply, so never counted
        new_letter(conn, message_id="mb.4@x", recipients=["jane.doe@example.com"], case_id=jane)
        assert ob.recent_auto_replies_to(conn, "jane.doe@example.com", NOW - timedelta(hours=24)) == 1
        assert ob.recent_auto_replies_to(conn, "sam@example.org", NOW - timedelta(hours=24)) == 0
        assert ob.count_auto_replies_since(conn, NOW - timedelta(days=3), cap=10) == 2
        # The breaker asks only whether its limit is reached: counting stops there.
        assert ob.count_auto_replies_since(conn, NOW - timedelta(days=3), cap=1) == 1


def test_the_open_load_stays_exact_within_a_transaction(store: Store) -> None:
    """Counted once per transaction, then kept by the store's own writes: a case opened, closed,
    reopened or reassigned, and one rolled back with its savepoint."""
    with store.transaction() as conn:
        assert cb.open_case_counts_by_handler(conn) == {}
        first = new_case(conn, "C-2026-0001", handler_email="a@x")
        assert cb.open_case_counts_by_handler(conn) == {"a@x": 1}
        cb.update_case(conn, first, NOW, state=State.ACKNOWLEDGED.value)
        assert cb.open_case_counts_by_handler(conn) == {"a@x": 1}
        cb.update_case(conn, first, NOW, state=State.CLOSED.value)
        assert cb.open_case_counts_by_handler(conn) == {}
        cb.update_case(conn, first, NOW, state=State.REOPENED.value)
        assert cb.open_case_counts_by_handler(conn) == {"a@x": 1}
        cb.update_case(conn, first, NOW, handler_email="b@x")
        assert cb.open_case_counts_by_handler(conn) == {"b@x": 1}
        with pytest.raises(RuntimeError), conn.begin_nested():
            new_case(conn, "C-2026-0002", "sam@example.org", handler_email="b@x")
            assert cb.open_case_counts_by_handler(conn) == {"b@x": 2}
            raise RuntimeError("a poison message")
        assert cb.open_case_counts_by_handler(conn) == {"b@x": 1}


def test_approval_request_ids_are_recognised(store: Store) -> None:
    with store.transaction() as conn:
        new_letter(conn, message_id="mb.req@x", kind="approval_request", status="sent")
        new_letter(conn, message_id="mb.ack@x", kind="acknowledgement", status="sent")
        assert ob.approval_request_ids(conn, ["mb.req@x", "mb.ack@x", "other@x"]) == frozenset({"mb.req@x"})


def add_token(conn: Connection, letter_id: int, token: str) -> int:
    ob.add_token(conn, outbox_id=letter_id, handler_email="Priya.Shah@example.co.uk", token_sha256=token_hash(token),
                 expires_at=NOW + timedelta(hours=72), now=NOW, request_message_id=f"mb.req{letter_id}@x",
                 marker="0123456789ab")
    row = ob.token_by_hash(conn, token_hash(token))
    assert row is not None
    return row.id


def test_a_token_is_stored_hashed_and_used_once(store: Store) -> None:
    token = new_token()
    with store.transaction() as conn:
        letter_id = new_letter(conn, message_id="mb.1@x")
        token_id = add_token(conn, letter_id, token)
    with store.transaction() as conn:
        row = ob.token_by_hash(conn, token_hash(token.upper()))
        assert row is not None and row.id == token_id
        assert row.token_sha256 != token and token not in str(tuple(row))
        assert row.handler_email == "priya.shah@example.co.uk"
        assert row.expires_at == NOW + timedelta(hours=72)
        assert ob.use_token(conn, token_id, NOW + timedelta(minutes=1))
    with store.transaction() as conn:
        assert not ob.use_token(conn, token_id, NOW + timedelta(minutes=2))
        assert ob.token_by_hash(conn, token_hash(token)).used_at == NOW + timedelta(minutes=1)  # type: ignore[union-attr]


# --- the audit trail -----------------------------------------------------------------------------------------


def test_audit_chain_appends_and_verifies(store: Store) -> None:
    ids = three_events(store)
    with store.transaction() as conn:
        rows = list(conn.execute(select(audit_events).order_by(audit_events.c.id)))
        assert audit.verify(conn) == []
    assert [r.id for r in rows] == ids
    assert rows[0].prev_hash == audit.GENESIS
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert rows[2].detail == {"reason": "withdrawn by client"}
    assert rows[1].at == NOW + timedelta(minutes=1)


def test_audit_verifies_with_awkward_values(store: Store) -> None:
    """Microseconds, a non-UTC time, non-ASCII text and nested detail all survive the round trip."""
    odd = AuditEvent(kind="letter.edited", case_ref=None, actor="zoë.o'brien@example.co.uk",
                     at=datetime(2026, 3, 2, 11, 0, 0, 999999, tzinfo=PARIS),
                     detail={"changes": {"category": ["delay", "costs"]}, "n": 3, "ok": True, "when": NOW, "none": None})
    with store.transaction() as conn:
        audit.append(conn, [odd])
        audit.append(conn, [odd, odd])  # a batch too: PostgreSQL writes one with arrays
    with store.transaction() as conn:
        assert audit.verify(conn) == []
        assert conn.execute(select(func.count()).select_from(audit_events)).scalar_one() == 3


def test_appends_in_one_transaction_chain_on_each_other_and_a_rollback_is_forgotten(store: Store) -> None:
    """Within a transaction the chain's head is remembered between appends; a rolled-back
    transaction's head must not be: the next event chains onto what was committed."""
    with store.transaction() as conn:
        audit.append(conn, [event("case.created", 0)])
        audit.append(conn, [event("letter.queued", 1), event("approval.requested", 2)])
    with pytest.raises(RuntimeError), store.transaction() as conn:
        audit.append(conn, [event("letter.queued", 3)])
        raise RuntimeError("the work around it failed")
    with store.transaction() as conn:
        audit.append(conn, [event("case.transition", 4)])
    with store.transaction() as conn:
        rows = list(conn.execute(select(audit_events).order_by(audit_events.c.id)))
        assert audit.verify(conn) == []
    assert [r.kind for r in rows] == ["case.created", "letter.queued", "approval.requested", "case.transition"]
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(rows, rows[1:]))


def test_a_rolled_back_savepoint_puts_the_chains_head_back(store: Store) -> None:
    """A batch decides each message in a savepoint: events appended in one rolled back are gone,
    and the next event chains onto the last one kept, in the same transaction."""
    with store.batch_transaction() as conn:
        audit.append(conn, [event("case.created", 0)])
        with conn.begin_nested():
            audit.append(conn, [event("letter.queued", 1)])
        with pytest.raises(RuntimeError), conn.begin_nested():
            audit.append(conn, [event("case.created", 2), event("approval.requested", 3)])
            raise RuntimeError("a poison message")
        audit.append(conn, [event("intake.quarantined", 4)])
    with store.transaction() as conn:
        rows = list(conn.execute(select(audit_events).order_by(audit_events.c.id)))
        assert audit.verify(conn) == []
    assert [r.kind for r in rows] == ["case.created", "letter.queued", "intake.quarantined"]


def test_a_batch_writes_its_audit_events_when_it_ends(store: Store) -> None:
    """A batch's events wait until it ends, then go in chained and in order. On PostgreSQL
    another writer of the trail (a second instance's tick) is not held up meanwhile: the
    chain's lock is taken only at the end. (SQLite has one writer at a time anyway.)"""
    postgres = store.engine.dialect.name == "postgresql"
    with store.batch_transaction() as conn:
        with conn.begin_nested():
            audit.append(conn, [event("case.created", 0), event("letter.queued", 1)])
        assert conn.execute(select(func.count()).select_from(audit_events)).scalar_one() == 0
        if postgres:
            with store.engine.connect() as other, other.begin():
                other.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
                audit.append(other, [event("deadline.levels_fired", 2, case_ref=None)])
    with store.transaction() as conn:
        rows = list(conn.execute(select(audit_events).order_by(audit_events.c.id)))
        assert audit.verify(conn) == []
    assert [r.kind for r in rows] == (["deadline.levels_fired"] if postgres else []) + [
        "case.created", "letter.queued"]


def test_a_read_of_the_trail_inside_a_batch_sees_the_batchs_events(store: Store) -> None:
    """A notice counts earlier events of its kind (drafting.combined_notice) in the same batch;
    a savepoint rolled back after such a read still takes only its own events with it."""
    with store.batch_transaction() as conn:
        audit.append(conn, [event("approval.forged", 0, notify="h@example.co.uk")])
        with pytest.raises(RuntimeError), conn.begin_nested():
            audit.append(conn, [event("approval.forged", 1, notify="h@example.co.uk")])
            assert len(audit.details_since(conn, "approval.forged", NOW)) == 2
            raise RuntimeError("a poison message")
        assert len(audit.details_since(conn, "approval.forged", NOW)) == 1
        audit.append(conn, [event("case.transition", 2)])
    with store.transaction() as conn:
        rows = list(conn.execute(select(audit_events).order_by(audit_events.c.id)))
        assert audit.verify(conn) == []
    assert [r.kind for r in rows] == ["approval.forged", "case.transition"]


def test_a_batch_that_fails_writes_none_of_its_audit_events(store: Store) -> None:
    with pytest.raises(RuntimeError), store.batch_transaction() as conn:
        audit.append(conn, [event("case.created", 0)])
        raise RuntimeError("a database fault later in the batch")
    with store.transaction() as conn:
        audit.append(conn, [event("case.created", 1)])
        assert [r.at for r in conn.execute(select(audit_events))] == [NOW + timedelta(minutes=1)]
        assert audit.verify(conn) == []


def test_a_batch_rolled_back_takes_its_released_savepoints_with_it(store: Store) -> None:
    """pysqlite opens a transaction only at its first write: a SAVEPOINT sent first would open
    it, and RELEASE would commit it. A batch transaction must undo all of it on a rollback."""
    with pytest.raises(RuntimeError), store.batch_transaction() as conn:
        with conn.begin_nested():
            raw_mail.record_raw(conn, raw=b"x", dedupe_key="k1", content_sha256="0" * 64,
                                message_id=None, where=None, internaldate=None, now=NOW)
        raise RuntimeError("a database fault later in the batch")
    with store.transaction() as conn:
        assert conn.execute(select(func.count()).select_from(raw_messages)).scalar_one() == 0


def test_an_empty_audit_trail_verifies(store: Store) -> None:
    with store.transaction() as conn:
        audit.append(conn, [])
        assert audit.verify(conn) == []


def test_audit_rows_cannot_be_updated(store: Store) -> None:
    ids = three_events(store)
    with pytest.raises(exc.DBAPIError, match="append-only"), store.transaction() as conn:
        conn.execute(update(audit_events).where(audit_events.c.id == ids[1]).values(actor="mallory"))
    with store.transaction() as conn:
        assert audit.verify(conn) == []


def test_audit_rows_cannot_be_deleted(store: Store) -> None:
    ids = three_events(store)
    with pytest.raises(exc.DBAPIError, match="append-only"), store.transaction() as conn:
        conn.execute(delete(audit_events).where(audit_events.c.id == ids[0]))
    with store.transaction() as conn:
        assert conn.execute(select(func.count()).select_from(audit_events)).scalar_one() == 3


def test_verify_names_an_edited_event(store: Store) -> None:
    ids = three_events(store)
    with store.transaction() as conn:
        drop_audit_triggers(conn)
        conn.execute(update(audit_events).where(audit_events.c.id == ids[2]).values(detail={"reason": "upheld"}))
    with store.transaction() as conn:
        problems = audit.verify(conn)
    assert [p.event_id for p in problems] == [ids[2]]
    assert "edited" in problems[0].problem


def test_verify_names_an_edited_event_in_the_middle(store: Store) -> None:
    ids = three_events(store)
    with store.transaction() as conn:
        drop_audit_triggers(conn)
        conn.execute(update(audit_events).where(audit_events.c.id == ids[1]).values(actor="mallory"))
    with store.transaction() as conn:
        assert [p.event_id for p in audit.verify(conn)] == [ids[1]]


def test_verify_names_the_event_after_a_deleted_one(store: Store) -> None:
    ids = three_events(store)
    with store.transaction() as conn:
        drop_audit_triggers(conn)
        conn.execute(delete(audit_events).where(audit_events.c.id == ids[1]))
    with store.transaction() as conn:
        problems = audit.verify(conn)
    assert [p.event_id for p in problems] == [ids[2]]
    assert "deleted" in problems[0].problem


def test_verify_catches_a_rehashed_forgery_by_the_broken_link(store: Store) -> None:
    """Recomputing the edited row's own hash is not enough: the next row still points at the old one."""
    ids = three_events(store)
    with store.transaction() as conn:
        drop_audit_triggers(conn)
        row = conn.execute(select(audit_events).where(audit_events.c.id == ids[1])).one()
        forged = audit.chain_hash(row.prev_hash, row.at, row.kind, row.case_ref, "mallory", row.detail)
        conn.execute(update(audit_events).where(audit_events.c.id == ids[1]).values(actor="mallory", hash=forged))
    with store.transaction() as conn:
        assert [p.event_id for p in audit.verify(conn)] == [ids[2]]


# --- encryption at rest -----------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def sealed_pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Store, Store]]:
    """One database seen three ways: with the key, without any key, and with another key."""
    key, other = Sealer([new_key().encode()]), Sealer([new_key().encode()])
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'sealed.sqlite3'}"
        stores = tuple(Store(make_engine(url, sealer=s)) for s in (key, None, other))
    else:
        schema = request.getfixturevalue("pg_schema")
        stores = tuple(Store(schema.engine(sealer=s)) for s in (key, None, other))
    stores[0].upgrade()
    yield stores  # type: ignore[misc]
    for s in stores:
        s.dispose()


def test_sealed_content_is_unreadable_at_rest_and_readable_with_the_key(sealed_pair: tuple[Store, Store, Store]) -> None:
    sealed, plain, _ = sealed_pair
    with sealed.transaction() as conn:
        raw_id = record(conn, raw=b"Subject: my divorce file\r\n\r\nprivate words")
        audit.append(conn, [event("case.created", 0, note="private words")])
        audit.append(conn, [event("case.updated", 1, note="more private words"), event("case.updated", 2, note="private words")])
    with plain.engine.connect() as conn:
        stored = conn.execute(select(type_coerce(raw_messages.c.raw, LargeBinary))).scalar_one()
        details = conn.execute(select(type_coerce(audit_events.c.detail, LargeBinary))).scalars().all()
    assert len(details) == 3  # one event alone, then a batch (PostgreSQL writes a batch another way)
    assert b"private words" not in bytes(stored) and not any(b"private words" in bytes(d) for d in details)
    with sealed.transaction() as conn:
        assert raw_mail.raw_by_id(conn, raw_id).raw == b"Subject: my divorce file\r\n\r\nprivate words"  # type: ignore[arg-type, union-attr]
        assert audit.verify(conn) == []
    with pytest.raises(ConfigError), plain.transaction() as conn:
        raw_mail.raw_by_id(conn, raw_id)  # type: ignore[arg-type]


def test_verify_on_a_sealed_store_still_names_an_edited_event(sealed_pair: tuple[Store, Store, Store]) -> None:
    sealed, _, _ = sealed_pair
    ids = three_events(sealed)
    with sealed.transaction() as conn:
        drop_audit_triggers(conn)
        conn.execute(update(audit_events).where(audit_events.c.id == ids[0]).values(detail={"forged": True}))
    with sealed.transaction() as conn:
        assert [p.event_id for p in audit.verify(conn)] == [ids[0]]


def test_verify_with_the_wrong_key_says_so_instead_of_reporting_tampering(sealed_pair: tuple[Store, Store, Store]) -> None:
    sealed, _, wrong = sealed_pair
    three_events(sealed)
    try:
        with wrong.transaction() as conn:
            problems = audit.verify(conn)
    except ConfigError:
        return
    assert not any("edited" in p.problem for p in problems), problems


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'mailbot.sqlite3'}")
    Store(engine).upgrade()
    engine.dispose()
    assert (tmp_path / "new" / "mailbot.sqlite3").stat().st_mode & 0o777 == 0o600
