"""A handler's emailed reply: check trust first, then carry out the commands.

Nothing changes unless every trust check passes (see trust.py). A refused reply is audited
and the real handler, the one the token belongs to, is told; the sender of a forgery learns
nothing from us.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row

from .. import commands as cmd
from .. import routing
from ..assignment import Candidate, named_in
from ..cases import AuditEvent, Event
from ..cases import apply as apply_event
from ..content_gate import check as gate_check
from ..deadlines import summary_resolution_refusal
from ..errors import TransitionRefused
from ..store import audit, casebook, intake
from ..store import outbox as outbox_q
from ..store.tables import corrections
from ..trust import REFUSAL_TEXT, Refusal, TokenRecord, check_approval, token_hash
from .context import App, log
from .drafting import (
    DRAFT_KIND_BY_COMMAND,
    draft_for_approval,
    replace_draft_text,
    request_approval,
    staff_mail,
    supersede_drafts,
)


@dataclass(frozen=True)
class ReplyOutcome:
    case_ref: str | None
    detail: str


def _lookup(conn: Connection, token: str | None) -> tuple[Row[Any] | None, Row[Any] | None, TokenRecord | None]:
    if not token:
        return None, None, None
    tok = outbox_q.token_by_hash(conn, token_hash(token))
    if tok is None:
        return None, None, None
    letter = outbox_q.letter(conn, tok.outbox_id)
    assert letter is not None
    record = TokenRecord(
        outbox_id=tok.outbox_id,
        handler_email=tok.handler_email,
        expires_at=tok.expires_at,
        used=tok.used_at is not None,
        draft_status=letter.status,
    )
    return tok, letter, record


def handler_reply(conn: Connection, app: App, route: routing.HandlerReply, *, raw_id: int, now: datetime) -> ReplyOutcome:
    msg = route.msg
    tok, letter, record = _lookup(conn, route.token)
    case_id = letter.case_id if letter is not None else _case_of_request(conn, msg)
    case = casebook.case_by_id(conn, case_id) if case_id else None
    ref = case.ref if case else None
    intake.mark_raw(conn, raw_id, status="processed", kind="handler_reply", case_id=case.id if case else None)
    refusal = check_approval(
        token=route.token,
        record=record,
        sender=msg.from_addr,
        handler_addresses=app.handler_addresses,
        auth_results=msg.auth_results,
        require_auth=app.config.approvals.require_dkim,
        authserv_id=app.config.approvals.authserv_id,
        now=now,
    )
    if refusal is not None:
        _refuse(conn, app, refusal, sender=msg.from_addr, record=record, case=case, raw_id=raw_id, now=now)
        return ReplyOutcome(ref, f"refused: {refusal.value}")
    assert letter is not None and tok is not None and case is not None
    casebook.add_case_message(
        conn, case_id=case.id, direction="in", kind="handler_reply", message_id=msg.message_id,
        from_addr=msg.from_addr, subject=msg.subject, body=msg.text, at=now, raw_message_id=raw_id,
    )
    parsed = cmd.parse_handler_reply(msg.text, original_draft=letter.body_text)
    if parsed.problems:
        _help(conn, app, case, msg.from_addr, list(parsed.problems), now)
        audit.append(conn, [AuditEvent("handler.reply_unclear", ref, msg.from_addr, now, {"problems": list(parsed.problems)})])
        return ReplyOutcome(ref, "problems")
    done = _carry_out(conn, app, case, letter, tok, parsed, actor=msg.from_addr, now=now)
    return ReplyOutcome(ref, ",".join(done) or "nothing")


def _case_of_request(conn: Connection, msg: Any) -> int | None:
    """Without a valid token, the case is still known from the approval request being answered."""
    for mid in reversed(routing.thread_ids(msg)):
        row = outbox_q.letter_by_message_id(conn, mid)
        if row is not None and row.kind == "approval_request":
            return row.case_id
    return None


def _refuse(conn: Connection, app: App, refusal: Refusal, *, sender: str, record: TokenRecord | None,
            case: Row[Any] | None, raw_id: int, now: datetime) -> None:
    ref = case.ref if case else None
    audit.append(conn, [AuditEvent("approval.refused", ref, "mailbot", now,
                                   {"reason": refusal.value, "sender": sender, "raw_id": raw_id})])
    log.warning("approval.refused", extra={"case": ref or "-", "reason": refusal.value})
    # Tell the real handler: the one the token was minted for, or the sender only if it is a handler.
    notify = record.handler_email if record else (sender.lower() if sender.lower() in app.handler_addresses else None)
    if notify:
        staff_mail(conn, app, "approval_refused", notify, case=case, now=now,
                   extra={"reason": REFUSAL_TEXT[refusal], "sender": sender})


def _help(conn: Connection, app: App, case: Row[Any], to: str, problems: list[str], now: datetime) -> None:
    staff_mail(conn, app, "command_help", to, case=case, now=now, extra={"problems": problems})


def _carry_out(conn: Connection, app: App, case: Row[Any], letter: Row[Any], tok: Row[Any],
               parsed: cmd.HandlerReply, *, actor: str, now: datetime) -> list[str]:
    done: list[str] = []
    events: list[AuditEvent] = []
    unclear: list[str] = []
    for action in parsed.actions:
        if isinstance(action, cmd.Edit):
            continue  # applied together with the approval below
        if isinstance(action, cmd.Approve):
            continue
        if isinstance(action, cmd.Reject):
            if outbox_q.use_token(conn, tok.id, now) and outbox_q.set_status(conn, letter.id, expected="draft", status="rejected"):
                events.append(AuditEvent("letter.rejected", case.ref, actor, now, {"outbox_id": letter.id, "kind": letter.kind, "reason": action.reason}))
                done.append("rejected")
        elif isinstance(action, (cmd.SetCategory, cmd.SetUrgency)):
            field = "category" if isinstance(action, cmd.SetCategory) else "urgency"
            value = action.label if isinstance(action, cmd.SetCategory) else action.level
            conn.execute(corrections.insert().values(case_id=case.id, field=field, old_value=getattr(case, field), new_value=value, by=actor, at=now))
            casebook.update_case(conn, case.id, now, **{field: value})
            events.append(AuditEvent(f"case.{field}_set", case.ref, actor, now, {"from": getattr(case, field), "to": value}))
            done.append(field)
        elif isinstance(action, cmd.Assign):
            problem = _reassign(conn, app, case, action.email, actor=actor, now=now)
            if problem:
                unclear.append(problem)
            else:
                done.append("assigned")
        elif isinstance(action, cmd.Note):
            events.append(AuditEvent("case.note", case.ref, actor, now, {"note": action.text}))
            done.append("note")
        elif isinstance(action, cmd.Draft):
            too_late = (summary_resolution_refusal(case.received_at, now, app.profile, app.calendar)
                        if action.kind == "summary" else None)
            if too_late:
                unclear.append(f"No draft written: {too_late}.")
                continue
            supersede_drafts(conn, app, case, now=now)
            draft_for_approval(conn, app, case, DRAFT_KIND_BY_COMMAND[action.kind], now=now, note=f"Drafted at {actor}'s request")
            done.append(f"draft:{action.kind}")
        elif isinstance(action, cmd.Close):
            try:
                moved = apply_event(casebook.snapshot(case), Event.CLOSE, now=now, actor=actor, reason="closed by handler")
            except TransitionRefused as exc:
                unclear.append(str(exc))
                continue
            casebook.save_snapshot(conn, case.id, moved.case, now)
            events.extend(moved.events)
            done.append("closed")
        elif isinstance(action, (cmd.Cause, cmd.Outcome, cmd.Redress, cmd.Learning)):
            field, value = _record_field(action)
            casebook.update_case(conn, case.id, now, **{field: value})
            events.append(AuditEvent(f"case.{field}_set", case.ref, actor, now, {"value": value}))
            done.append(field)
        elif isinstance(action, cmd.Unclear):
            unclear.append(action.hint or f"not understood: {' / '.join(action.lines)}")
    approving = any(isinstance(a, cmd.Approve) for a in parsed.actions)
    if approving:
        result = _approve(conn, app, case, letter, tok, parsed.edited_text, actor=actor, now=now)
        if result:
            unclear.append(result)
        else:
            done.append("approved")
    elif parsed.edited_text is not None and not any(isinstance(a, cmd.Reject) for a in parsed.actions):
        _keep_edit(conn, app, case, letter, tok, parsed.edited_text, actor=actor, now=now)
        done.append("edited")
    audit.append(conn, events)
    if unclear:
        _help(conn, app, case, actor, unclear, now)
    return done


def _approve(conn: Connection, app: App, case: Row[Any], letter: Row[Any], tok: Row[Any],
             edited: str | None, *, actor: str, now: datetime) -> str | None:
    """Approve (after the edit, if any); returns a problem for the handler, or None."""
    text = edited if edited is not None else letter.body_text
    missing = gate_check(letter.kind, app.profile, text)
    too_late = (summary_resolution_refusal(case.received_at, now, app.profile, app.calendar)
                if letter.kind == "summary_resolution" else None)
    if too_late:
        audit.append(conn, [AuditEvent("letter.gate_refused", case.ref, actor, now,
                                       {"outbox_id": letter.id, "missing": ["summary_resolution_window"]})])
        return f"The summary resolution communication was not sent: {too_late}."
    if missing:
        audit.append(conn, [AuditEvent("letter.gate_refused", case.ref, actor, now, {"outbox_id": letter.id, "missing": missing})])
        return f"The {letter.kind.replace('_', ' ')} was not sent: it lacks {', '.join(missing)}. Restore it and reply again."
    if not outbox_q.use_token(conn, tok.id, now):
        return REFUSAL_TEXT[Refusal.TOKEN_USED]
    events = []
    if edited is not None:
        events.append(_record_edit(conn, app, case, letter, edited, actor=actor, now=now))
    if not outbox_q.set_status(conn, letter.id, expected="draft", status="approved", approved_at=now, approved_by=actor):
        return REFUSAL_TEXT[Refusal.DRAFT_NOT_PENDING]
    events.append(AuditEvent("letter.approved", case.ref, actor, now, {"outbox_id": letter.id, "kind": letter.kind}))
    audit.append(conn, events)
    return None


def _record_edit(conn: Connection, app: App, case: Row[Any], letter: Row[Any], edited: str, *, actor: str,
                 now: datetime) -> AuditEvent:
    """The diff is kept on the letter (purged with it); the permanent audit trail keeps its hash."""
    diff = "\n".join(difflib.unified_diff(letter.body_text.splitlines(), edited.splitlines(), "draft", "approved", lineterm=""))
    replace_draft_text(conn, app, letter, edited, diff=diff)
    digest = hashlib.sha256(diff.encode()).hexdigest()
    changed = sum(1 for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---")))
    return AuditEvent("letter.edited", case.ref, actor, now, {"outbox_id": letter.id, "diff_sha256": digest, "lines_changed": changed})


def _keep_edit(conn: Connection, app: App, case: Row[Any], letter: Row[Any], tok: Row[Any], edited: str, *,
               actor: str, now: datetime) -> None:
    """'edit' without 'approve': keep the handler's text and ask again, with a fresh token."""
    if not outbox_q.use_token(conn, tok.id, now):
        return
    audit.append(conn, [_record_edit(conn, app, case, letter, edited, actor=actor, now=now)])
    fresh = outbox_q.letter(conn, letter.id)
    rendered = app.letters.from_text(fresh.kind, fresh.subject, fresh.body_text)
    request_approval(conn, app, case, letter.id, rendered, now=now, note="Your edit is saved; approve to send it")


def _record_field(action: Any) -> tuple[str, str]:
    if isinstance(action, cmd.Cause):
        return "root_cause", action.text
    if isinstance(action, cmd.Outcome):
        return "outcome", action.value
    if isinstance(action, cmd.Redress):
        amount = f"{action.currency + ' ' if action.currency else ''}{action.amount}"
        return "redress", f"{amount} {action.text}".strip()
    return "learning", action.text


def _reassign(conn: Connection, app: App, case: Row[Any], email: str, *, actor: str, now: datetime) -> str | None:
    handler = app.config.handler(email)
    if handler is None or "handler" not in handler.roles:
        return f"{email} is not a configured handler; nothing was reassigned."
    candidate = Candidate(handler.name, handler.email, tuple(handler.roles), tuple(handler.categories))
    first = next((m for m in casebook.messages_for_case(conn, case.id) if m.direction == "in"), None)
    if first is not None and first.body and named_in(first.body, candidate):
        return f"{handler.name} is named in the complaint and cannot handle it."
    casebook.update_case(conn, case.id, now, handler_email=handler.email.lower())
    audit.append(conn, [AuditEvent("case.assigned", case.ref, actor, now, {"handler": handler.email.lower()})])
    kinds = supersede_drafts(conn, app, case, now=now)
    fresh = casebook.case_by_id(conn, case.id)
    for kind in kinds:
        draft_for_approval(conn, app, fresh, kind, now=now, note=f"Reassigned to you by {actor}")
    return None
