"""Every handler command and every refusal, through `receive()` on a real store: milliseconds each.

What a handler would check: the letter's status, the case's fields, the audit trail, the mail
queued for the client and for the handler. The end-to-end tests prove the same paths over real
mail servers; these prove each branch of the command handling.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from mailbot.store.notes import note_by_id, text_sha256
from mailbot.store.tables import audit_events, cases, corrections, outbox
from tests.service.conftest import CLIENT, COMPLIANCE, HANDLER, HOUR, T0, Desk, MakeDesk

COMPLAINT = "You sent my deeds to the wrong address and nobody has answered my calls. I want a refund."


def _letters(desk: Desk, kind: str) -> list[Any]:
    with desk.app.store.transaction() as conn:
        return list(conn.execute(select(outbox).where(outbox.c.kind == kind).order_by(outbox.c.id)))


def _case(desk: Desk) -> Any:
    with desk.app.store.transaction() as conn:
        return conn.execute(select(cases)).one()


def _events(desk: Desk, kind: str) -> list[dict[str, Any]]:
    with desk.app.store.transaction() as conn:
        return [dict(r.detail) for r in conn.execute(select(audit_events).where(audit_events.c.kind == kind))]


def _draft_block(desk: Desk) -> str:
    text = desk.request().body_text
    start = text.index("----- DRAFT START")
    end = text.index(" -----", text.index("----- DRAFT END")) + len(" -----")
    return text[start:end]


def test_approve_queues_the_draft_for_the_client(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    desk.reply("approve", at=T0 + HOUR)
    (update,) = _letters(desk, "progress_update")
    assert update.status == "approved" and update.recipients == [CLIENT]
    assert _events(desk, "letter.approved")[0]["outbox_id"] == update.id


def test_reject_keeps_its_reason_and_sends_nothing(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    desk.reply("reject I will phone the client first", at=T0 + HOUR)
    assert _letters(desk, "progress_update")[0].status == "rejected"
    event = _events(desk, "letter.rejected")[0]
    # The reason is kept as a purgeable note; the permanent audit trail holds only its hash.
    with desk.app.store.transaction() as conn:
        note = note_by_id(conn, event["note_id"])
    assert note is not None and note.body == "I will phone the client first"
    assert event["note_sha256"] == text_sha256("I will phone the client first")


def test_an_edit_comes_back_and_a_second_approve_sends_exactly_it(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    block = _draft_block(desk)
    edited = block.replace("is reviewing your file", "has found your deeds and is reviewing your file")
    desk.reply(f"approve\n\n{edited}", at=T0 + HOUR)
    (update,) = _letters(desk, "progress_update")
    assert update.status == "draft" and "has found your deeds" in update.body_text
    assert "This is the letter exactly as it will go out" in desk.request().body_text
    desk.reply("approve", at=T0 + 2 * HOUR)
    (update,) = _letters(desk, "progress_update")
    assert update.status == "approved" and "has found your deeds" in update.body_text


def test_category_and_urgency_corrections_are_kept_for_training(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    desk.reply("category documents funds\nurgency high", at=T0 + HOUR)
    case = _case(desk)
    assert (case.category, case.urgency) == ("documents_funds", "high")
    with desk.app.store.transaction() as conn:
        fixed = {r.field: r.new_value for r in conn.execute(select(corrections))}
    assert fixed == {"category": "documents_funds", "urgency": "high"}


def test_assign_moves_the_case_and_its_draft_to_the_other_person(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    desk.reply("assign alex@firm.test", at=T0 + HOUR)
    assert "not a configured handler" in _letters(desk, "command_help")[-1].body_text  # compliance, not a handler


def test_a_note_goes_into_the_record(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    desk.reply("note spoke to the client, she wants the deeds back", at=T0 + HOUR)
    event = _events(desk, "case.note")[0]
    with desk.app.store.transaction() as conn:
        note = note_by_id(conn, event["note_id"])
    assert note is not None and note.body == "spoke to the client, she wants the deeds back"
    assert event["note_sha256"] == text_sha256(note.body)


def test_draft_final_prepares_a_final_response_for_approval(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    desk.reply("draft final", at=T0 + HOUR)
    assert [r.status for r in _letters(desk, "final_response")] == ["draft"]
    assert "final response" in desk.request().subject


def test_close_before_a_final_response_needs_a_reason(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    desk.reply("close", at=T0 + HOUR)
    assert _case(desk).state != "closed"
    assert _letters(desk, "command_help"), "the handler is told what to write"
    desk.reply("close withdrawn: the client phoned to withdraw it", at=T0 + 2 * HOUR,
               request=desk.request())
    assert _case(desk).state == "closed"


def test_unknown_words_get_the_command_list_back_and_change_nothing(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    desk.reply("aprove", at=T0 + HOUR)
    assert _letters(desk, "progress_update")[0].status == "draft"
    assert "not a command we know" in _letters(desk, "command_help")[-1].body_text


def test_complaint_no_makes_it_an_enquiry_and_complaint_yes_back(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    desk.reply("complaint no", at=T0 + HOUR)
    assert _case(desk).is_complaint is False
    desk.reply("complaint yes", at=T0 + 2 * HOUR)
    assert _case(desk).is_complaint is True
    with desk.app.store.transaction() as conn:
        labels = [r.new_value for r in conn.execute(select(corrections).where(corrections.c.field == "is_complaint"))]
    assert len(labels) == 2, "each conversion is a training label"


def test_regime_changes_the_cases_rules(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    desk.reply("regime generic", at=T0 + HOUR)
    assert _case(desk).profile == "generic"


def test_a_reply_from_someone_else_is_refused_and_the_handler_told(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    request = desk.request()
    from email.message import EmailMessage

    from mailbot.service.decide import receive
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "mallory@evil.test", request.reply_to, f"Re: {request.subject}"
    msg["In-Reply-To"] = f"<{request.message_id}>"
    msg.set_content("approve")
    receive(desk.app, bytes(msg), now=T0 + HOUR)
    assert [d["reason"] for d in _events(desk, "approval.refused")] == ["not_a_handler"]
    assert _letters(desk, "approval_refused")[0].recipients == [HANDLER]
    assert _letters(desk, "progress_update")[0].status == "draft"


def test_a_follow_up_keeps_the_live_request_instead_of_sending_another(desk: Desk) -> None:
    desk.complaint(COMPLAINT)
    requests = len(_letters(desk, "approval_request"))
    desk.complaint("And another thing: I still have no reply.", at=T0 + HOUR)
    assert len(_letters(desk, "approval_request")) == requests
    assert _events(desk, "approval.request_kept")


def test_a_flag_triage_missed_is_set_by_the_handler_and_alerts_compliance_at_once(desk: Desk) -> None:
    desk.complaint("Nobody has answered my calls for a month.")
    assert "insurer_notification" not in (_case(desk).flags or [])
    assert not _letters(desk, "escalation_alert")
    desk.reply("flag insurer", at=T0 + HOUR)
    assert "insurer_notification" in _case(desk).flags
    (alert,) = _letters(desk, "escalation_alert")
    assert alert.recipients == [COMPLIANCE] and "insurer" in alert.body_text
    assert _events(desk, "case.flag_set") == [{"flag": "insurer_notification", "on": True}]


def test_a_flag_set_wrongly_is_cleared_and_the_trail_says_who(desk: Desk) -> None:
    desk.complaint("I am a widow and nobody has answered my calls for a month.")
    assert "vulnerability" in _case(desk).flags
    desk.reply("flag vulnerability no", at=T0 + HOUR)
    assert "vulnerability" not in _case(desk).flags
    with desk.app.store.transaction() as conn:
        (row,) = conn.execute(select(audit_events).where(audit_events.c.kind == "case.flag_set"))
    assert (row.actor, dict(row.detail)) == (HANDLER, {"flag": "vulnerability", "on": False})


def test_only_compliance_or_a_partner_may_clear_a_safeguarding_flag(desk: Desk) -> None:
    desk.complaint("I can't go on like this, I want to end it all. Nobody answers my calls.")
    assert "safeguarding" in _case(desk).flags
    desk.reply("flag safeguarding no", at=T0 + HOUR)
    assert "safeguarding" in _case(desk).flags, "a handler alone cannot clear it"
    (told,) = _letters(desk, "command_help")
    assert "only compliance or a partner" in told.body_text
    assert not _events(desk, "case.flag_set")


def test_a_handler_with_the_compliance_role_clears_a_safeguarding_flag(make_desk: MakeDesk) -> None:
    desk = make_desk(handlers=[{"name": "Alex Morgan", "email": HANDLER, "roles": ["handler", "compliance"]}])
    desk.complaint("I can't go on like this, I want to end it all. Nobody answers my calls.")
    desk.reply("flag safeguarding no", at=T0 + HOUR)
    assert "safeguarding" not in _case(desk).flags
    assert _events(desk, "case.flag_set") == [{"flag": "safeguarding", "on": False}]
