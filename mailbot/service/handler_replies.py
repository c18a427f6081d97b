"""A handler's emailed reply: check trust first, then carry out the commands.

Nothing changes unless every trust check passes (trust.py): the sender is the token's handler
(or an alias), the reply answers that very approval request, and the firm's server vouched
for the sender. A refused reply is audited and the real handler, the one the token belongs
to, is told (at most once per period, the rest combined); the sender of a forgery learns
nothing from us.

The reply is read as the handler saw it (reply_reading.py): instructions from the plain
text, an edited draft from the HTML. An edited letter is not sent on the strength of the
edit: it comes back to the handler exactly as it will go out, for one more "approve"
(`approvals.confirm_edits`), so no transformation by a mail program reaches a client unseen.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from .. import commands as cmd
from .. import routing
from ..cases import OPEN_STATES, AuditEvent, Event
from ..cases import apply as apply_event
from ..deadlines import summary_resolution_refusal
from ..errors import TransitionRefused
from ..letters import RULES, LetterKind
from ..link_rewrites import gateway_links
from ..records import Case, Letter
from ..reports.register import close_kind
from ..reply_reading import ReplyText, read_reply
from ..sender_auth import AuthPolicy
from ..store import audit, casebook, raw_mail
from ..store import outbox as outbox_q
from ..store.outbox import TokenRow
from ..trust import REFUSAL_TEXT, Refusal, SenderCheck, TokenRecord, check_approval, token_hash
from . import actions as corrective
from . import case_rules as rules
from . import duties
from .assigning import assign
from .context import App, log
from .escalation import escalate
from .drafting import (
    combined_notice,
    draft_for_approval,
    gate,
    redate,
    redraft_pending,
    replace_draft_text,
    request_approval,
    staff_mail,
    supersede_drafts,
)


@dataclass(frozen=True)
class ReplyOutcome:
    case_ref: str | None
    detail: str


@dataclass
class _Run:
    """One reply being carried out: what was done, what to tell the handler, what to audit."""

    conn: Connection
    app: App
    case: Case
    letter: Letter
    token: TokenRow  # the approval token the reply answers
    actor: str
    now: datetime
    done: list[str] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)
    events: list[AuditEvent] = field(default_factory=list)
    # A command changed what the case's letters must say (its regime, date of receipt, who
    # complains, whether it is a complaint): its pending drafts are written again, and the draft
    # this reply answers can no longer be approved as it stands.
    redraft: str | None = None  # the note the handler gets with the drafts written again
    then_draft: str | None = None  # the first letter of a case converted to or from a complaint

    def refresh(self) -> None:
        self.case = casebook.existing_case(self.conn, self.case.id)


def sender_check(app: App, msg: Any) -> SenderCheck:
    approvals = app.config.approvals
    if not approvals.require_dkim or not approvals.authserv_id:
        return SenderCheck(None, msg.auth_results)
    return SenderCheck(AuthPolicy(approvals.authserv_id, approvals.max_received_above),
                       msg.auth_results)


def _lookup(conn: Connection,
            token: str | None) -> tuple[TokenRow | None, Letter | None, TokenRecord | None]:
    if not token:
        return None, None, None
    tok = outbox_q.token_by_hash(conn, token_hash(token))
    if tok is None:
        return None, None, None
    letter = outbox_q.existing_letter(conn, tok.outbox_id)  # approval_tokens: a foreign key
    record = TokenRecord(
        outbox_id=tok.outbox_id,
        handler_email=tok.handler_email,
        expires_at=tok.expires_at,
        used=tok.used_at is not None,
        draft_status=letter.status,
        request_message_id=tok.request_message_id,
    )
    return tok, letter, record


def handler_reply(conn: Connection, app: App, route: routing.HandlerReply, *, raw_id: int,
                  now: datetime) -> ReplyOutcome:
    msg = route.msg
    handler = app.config.handler(msg.from_addr)
    tok, letter, record = _lookup(conn, route.token)
    case_id = letter.case_id if letter is not None else _case_of_request(conn, msg)
    case = casebook.case_by_id(conn, case_id) if case_id else None
    ref = case.ref if case else None
    raw_mail.mark_raw(conn, raw_id, status="processed", kind="handler_reply",
                      case_id=case.id if case else None)
    refusal = check_approval(
        token=route.token,
        record=record,
        from_addr=msg.from_addr,
        handler=handler.email if handler else None,
        thread=routing.thread_ids(msg),
        sender_check=sender_check(app, msg),
        now=now,
    )
    if refusal is not None:
        _refuse(conn, app, refusal, sender=msg.from_addr, record=record, case=case, raw_id=raw_id,
                now=now)
        return ReplyOutcome(ref, f"refused: {refusal.value}")
    assert letter is not None and tok is not None and case is not None and handler is not None
    casebook.add_case_message(
        conn, case_id=case.id, direction="in", kind="handler_reply", message_id=msg.message_id,
        from_addr=msg.from_addr, subject=msg.subject, body=msg.text, at=now, raw_message_id=raw_id,
    )
    parsed = cmd.parse_handler_reply(_reply_text(conn, raw_id, msg), letter.body_text,
                                     nonce=tok.marker)
    actor = handler.email.lower()
    if parsed.problems:
        _help(conn, app, case, actor, list(parsed.problems), now)
        audit.append(conn, [
            AuditEvent("handler.reply_unclear", ref, actor, now,
                       {"problems": list(parsed.problems)})
        ])
        return ReplyOutcome(ref, "problems")
    done = _carry_out(_Run(conn, app, case, letter, tok, actor, now), parsed)
    return ReplyOutcome(ref, ",".join(done) or "nothing")


def _reply_text(conn: Connection, raw_id: int, msg: Any) -> ReplyText:
    """The reply's parts as the handler saw them, read again from the stored bytes."""
    row = raw_mail.raw_by_id(conn, raw_id)
    if row is None or row.raw is None:
        return ReplyText(msg.text, msg.text)
    return read_reply(row.raw)


def _case_of_request(conn: Connection, msg: Any) -> int | None:
    """Without a valid token, the case is still known from the approval request being answered."""
    for mid in reversed(routing.thread_ids(msg)):
        row = outbox_q.letter_by_message_id(conn, mid)
        if row is not None and row.kind == "approval_request":
            return row.case_id
    return None


def _refuse(conn: Connection, app: App, refusal: Refusal, *, sender: str,
            record: TokenRecord | None, case: Case | None, raw_id: int, now: datetime) -> None:
    ref = case.ref if case else None
    # Tell the real handler: the one the token was minted for, or the sender's handler if any.
    handler = app.config.handler(sender)
    notify = record.handler_email.lower() if record else (
        handler.email.lower() if handler else None)
    audit.append(conn, [
        AuditEvent("approval.refused", ref, "mailbot", now, {
            "reason": refusal.value,
            "sender": sender,
            "raw_id": raw_id,
            "notify": notify
        })
    ])
    log.warning("approval.refused", extra={"case": ref or "-", "reason": refusal.value})
    if notify:
        combined_notice(conn, app, "approval_refused", notify, case=case, now=now,
                        told="approval.refused", extra={
                            "reason": REFUSAL_TEXT[refusal],
                            "sender": sender,
                            "draft_kind_label": "draft",
                            **({} if case else {"case": {"ref": "an unidentified case"}}),
                        })


def _help(conn: Connection, app: App, case: Case, to: str, problems: list[str],
          now: datetime) -> None:
    staff_mail(conn, app, "command_help", to, case=case, now=now, extra={"problems": problems})


# --- carrying out the commands ------------------------------------------------------------


def _carry_out(run: _Run, parsed: cmd.Instructions) -> list[str]:
    """Every command in the order written, then the answered draft's fate (approve, keep the
    edit, or nothing), so a change a command makes reaches the letter before it goes."""
    for action in parsed.actions:
        _command(run, action)
    _settle_draft(run, parsed)
    audit.append(run.conn, run.events)
    if run.unclear:
        _help(run.conn, run.app, run.case, run.actor, run.unclear, run.now)
    return run.done


def _command(run: _Run, action: cmd.Command) -> None:
    """One command, by family: each family's module (or function) has one function per command."""
    match action:
        case cmd.Edit() | cmd.Approve():
            pass  # the draft's fate is settled once every other command is done
        case cmd.Reject(reason=reason):
            _reject(run, reason)
        case (cmd.SetCategory() | cmd.SetUrgency() | cmd.SetFlag() | cmd.Assign() | cmd.Note()
              | cmd.Draft() | cmd.Close()):
            _handling(run, action)
        case cmd.Cause() | cmd.Outcome() | cmd.Redress() | cmd.Learning():
            _record(run, action)
        case (cmd.SetComplaint() | cmd.SetRegime() | cmd.SetReceived() | cmd.SetComplainant()
              | cmd.WaiveTimeLimits()):
            _rules(run, action)
        case cmd.CreateAction() | cmd.ActionDone() | cmd.ActionWorked():
            _corrective(run, action)
        case (cmd.BreachSuspected() | cmd.BreachDecision() | cmd.SubjectAccess()
              | cmd.Adjustments() | cmd.SetPerson() | cmd.SetArea() | cmd.AddSecondary()
              | cmd.SetResolved()):
            _duty(run, action)
        case cmd.Unclear(lines=lines, hint=hint):
            run.unclear.append(hint or f"not understood: {' / '.join(lines)}")


def _handling(run: _Run, action: cmd.Command) -> None:
    """How the case is handled: its triage corrected, its handler, a note, a draft, closing."""
    match action:
        case cmd.SetCategory(value=label):
            _correct(run, "category", label)
        case cmd.SetUrgency(value=level):
            _correct(run, "urgency", level)
        case cmd.SetFlag(flag=flag, on=on):
            _set_flag(run, flag, on)
        case cmd.Assign(email=email):
            _assign(run, email)
        case cmd.Note(text=text):
            kept = duties.note(run.conn, run.case, "note", text, actor=run.actor, now=run.now)
            run.events.append(AuditEvent("case.note", run.case.ref, run.actor, run.now, kept))
            run.done.append("note")
        case cmd.Draft(kind=kind):
            _draft(run, kind)
        case cmd.Close(reason=reason):
            _close(run, reason)
        case _:  # pragma: no cover - _command sends only these here
            raise AssertionError(action)


def _settle_draft(run: _Run, parsed: cmd.Instructions) -> None:
    """The answered draft: written again for a change that alters it, approved, or an edit kept
    and shown back; a rejection was carried out with the commands."""
    kinds = {type(a) for a in parsed.actions}
    if run.redraft is not None:
        _redraft(run, approving=cmd.Approve in kinds)
    elif cmd.Approve in kinds:
        _settle_approval(run, parsed.edited_text)
    elif parsed.edited_text is not None and cmd.Reject not in kinds:
        _confirm_edit(
            run, parsed.edited_text,
            note="Your edit is saved. This is the letter exactly as it will "
            "go out: reply 'approve' to send it", approving=False)


def _reject(run: _Run, reason: str) -> None:
    letter = run.letter
    if outbox_q.use_token(run.conn, run.token.id, run.now) and outbox_q.set_status(
            run.conn, letter.id, expected="draft", status="rejected"):
        kept = duties.note(run.conn, run.case, "rejection", reason, actor=run.actor, now=run.now)
        run.events.append(AuditEvent("letter.rejected", run.case.ref, run.actor, run.now,
                                     {"outbox_id": letter.id, "kind": letter.kind, **kept}))
        run.done.append("rejected")


def _correct(run: _Run, name: str, value: str) -> None:
    old = getattr(run.case, name)
    casebook.record_correction(run.conn, run.case.id, name, old, value, by=run.actor, at=run.now)
    casebook.update_case(run.conn, run.case.id, run.now, **{name: value})
    run.events.append(
        AuditEvent(f"case.{name}_set", run.case.ref, run.actor, run.now, {
            "from": old,
            "to": value
        }))
    run.done.append(name)
    if name == "urgency" and value == "critical":  # rated critical by a person: alerted at once
        run.refresh()
        escalate(run.conn, run.app, run.case, now=run.now, actor=run.actor)


def _set_flag(run: _Run, flag: str, on: bool) -> None:
    """A flag triage missed or set wrongly. One that needs compliance today (a conduct matter,
    the insurer, safeguarding) alerts them at once, as triage's own flag would have."""
    if flag == "safeguarding" and not on and not _may_clear_safeguarding(run.app, run.actor):
        run.unclear.append("A safeguarding flag stays: only compliance or a partner may clear it "
                           "(someone's safety may be at risk); assign the case to one of them if "
                           "it should go. Nothing was changed.")
        return
    flags = set(run.case.flags or [])
    flags = flags | {flag} if on else flags - {flag}
    casebook.update_case(run.conn, run.case.id, run.now, flags=sorted(flags))
    run.events.append(AuditEvent("case.flag_set", run.case.ref, run.actor, run.now,
                                 {"flag": flag, "on": on}))
    run.done.append("flag")
    run.refresh()
    if on:
        escalate(run.conn, run.app, run.case, now=run.now, actor=run.actor)


def _assign(run: _Run, email: str) -> None:
    problem = assign(run.conn, run.app, run.case, email, actor=run.actor, now=run.now)
    if problem:
        run.unclear.append(problem)
    else:
        run.done.append("assigned")


def _summary_too_late(run: _Run, kind: str) -> str | None:
    """Why a letter of `kind` may not be a summary resolution now (FCA DISP 1.5: only by the
    third business day after receipt), or None: for drafting one and for approving one."""
    if kind != LetterKind.SUMMARY_RESOLUTION:
        return None
    regime = run.app.regime_of(run.case)
    return summary_resolution_refusal(run.case.received_at, run.now, regime.profile,
                                      regime.calendar)


def _draft(run: _Run, kind: LetterKind) -> None:
    too_late = _summary_too_late(run, kind)
    if too_late:
        run.unclear.append(f"No draft written: {too_late}.")
        return
    mismatch = _letter_for_other_kind(run.case, kind)
    if mismatch:
        run.unclear.append(f"No draft written: {mismatch}")
        return
    supersede_drafts(run.conn, run.app, run.case, now=run.now)
    draft_for_approval(run.conn, run.app, run.case, kind, now=run.now,
                       note=f"Drafted at {run.actor}'s request")
    run.done.append(f"draft:{RULES[kind].command_word}")


def _close(run: _Run, reason: str) -> None:
    """Close the case. Before a final response the handler must write why (F12): the case is
    then reported as closed without a final response, never as a deadline met."""
    try:
        moved = apply_event(run.case.snapshot(), Event.CLOSE, now=run.now, actor=run.actor,
                            reason=reason or None)
    except TransitionRefused as exc:
        run.unclear.append(f"{exc}. Write the reason after the word close, for example 'close "
                           "withdrawn: the client phoned on 3 March to withdraw it' or 'close "
                           "accepted our response in writing'.")
        return
    casebook.save_snapshot(run.conn, run.case.id, moved.case, run.now)
    if reason and run.case.responded_at is None:
        casebook.update_case(run.conn, run.case.id, run.now, close_reason=reason[:255])
        if close_kind(reason) == "accepted" and run.case.resolved is None:
            casebook.update_case(run.conn, run.case.id, run.now, resolved="yes")
    for event in moved.events:  # the handler's words go to case_notes; the trail keeps a hash
        if event.detail.get("reason"):
            kept = duties.note(run.conn, run.case, "close", reason, actor=run.actor, now=run.now)
            detail = {k: v for k, v in event.detail.items() if k != "reason"}
            event = AuditEvent(event.kind, event.case_ref, event.actor, event.at,
                               {**detail, **kept})
        run.events.append(event)
    run.done.append("closed")
    run.refresh()


def _record(run: _Run, action: cmd.Command) -> None:
    """The register's own fields, as the handler writes them (LSS Rule B5; DOMAIN.md records),
    cut to their columns' widths; the case is read again for the commands after it."""
    match action:
        case cmd.Cause(text=text):
            name, value = "root_cause", text[:255]
        case cmd.Outcome(value=outcome):
            name, value = "outcome", outcome
        case cmd.Redress(amount=amount, currency=currency, text=text):
            given = f"{currency + ' ' if currency else ''}{amount} {text}"
            name, value = "redress", given.strip()[:64]
        case cmd.Learning(text=text):
            name, value = "learning", text
        case _:  # pragma: no cover - _command sends only these here
            raise AssertionError(action)
    casebook.update_case(run.conn, run.case.id, run.now, **{name: value})
    run.events.append(AuditEvent(f"case.{name}_set", run.case.ref, run.actor, run.now,
                                 {"value": value}))
    run.done.append(name)
    run.refresh()


def _rules(run: _Run, action: cmd.Command) -> None:
    """A command that changes the rules the case falls under (case_rules.py)."""
    conn, app, case, actor, now, events = (run.conn, run.app, run.case, run.actor, run.now,
                                           run.events)
    match action:
        case cmd.SetComplaint(value=value):
            change = rules.set_complaint(conn, case, value, actor=actor, now=now, events=events)
        case cmd.SetRegime(value=profile):
            change = rules.set_regime(conn, app, case, profile, actor=actor, now=now,
                                      events=events)
        case cmd.SetReceived(when=when):
            moment = rules.received_moment(app, case, when)
            partner = actor if _is_partner(app, actor) else None
            change = rules.set_received(conn, app, case, moment, partner=partner, actor=actor,
                                        now=now, events=events)
        case cmd.SetComplainant(value=role):
            change = rules.set_complainant(conn, case, role, actor=actor, now=now, events=events)
        case cmd.WaiveTimeLimits(value=value):
            change = rules.set_waiver(conn, app, case, value, actor=actor, now=now, events=events)
        case _:  # pragma: no cover - _command sends only these here
            raise AssertionError(action)
    _outcome(run, change)
    if change.redraft:
        run.redraft, run.then_draft = change.redraft, change.then_draft or run.then_draft


def _corrective(run: _Run, action: cmd.Command) -> None:
    """A corrective action made, done, or judged (service/actions.py)."""
    conn, actor, now, case_id = run.conn, run.actor, run.now, run.case.id
    match action:
        case cmd.CreateAction(text=text, owner=owner, due=due):
            result = corrective.create_action(conn, run.app, run.case, text=text, owner=owner,
                                              due=due, actor=actor, now=now)
        case cmd.ActionDone(number=number):
            result = corrective.mark_done(conn, run.app, number, case_id=case_id, actor=actor,
                                          now=now)
        case cmd.ActionWorked(number=number, worked=worked, note=note):
            result = corrective.mark_worked(conn, number, worked, note=note, case_id=case_id,
                                            actor=actor, now=now)
        case _:  # pragma: no cover - _command sends only these here
            raise AssertionError(action)
    _outcome(run, result)


def _duty(run: _Run, action: cmd.Command) -> None:
    """Data protection, adjustments and the register's fields (service/duties.py)."""
    _outcome(run, duties.carry_out(run.conn, run.app, run.case, action, actor=run.actor,
                                   now=run.now, events=run.events))


def _outcome(run: _Run, result: rules.Change | corrective.ActionResult) -> None:
    """What a command did goes into the outcome (and the case is read again), or its problem
    to the handler."""
    if result.problem:
        run.unclear.append(result.problem)
    if result.done:
        run.done.append(result.done)
        run.refresh()


def _may_clear_safeguarding(app: App, email: str) -> bool:
    handler = app.config.handler(email)
    return handler is not None and bool({"compliance", "partner"} & set(handler.roles))


def _is_partner(app: App, email: str) -> bool:
    handler = app.config.handler(email)
    return handler is not None and "partner" in handler.roles


def _redraft(run: _Run, *, approving: bool) -> None:
    """Write the pending drafts again for the change; the answered draft goes with them. A case
    converted to or from a complaint gets the first letter of its new kind instead."""
    assert run.redraft is not None
    if run.then_draft:
        supersede_drafts(run.conn, run.app, run.case, now=run.now)
        if run.case.handler_email and run.case.state in OPEN_STATES:
            draft_for_approval(run.conn, run.app, run.case, run.then_draft, now=run.now,
                               note=run.redraft)
    else:
        redraft_pending(run.conn, run.app, run.case, now=run.now, note=run.redraft)
    if approving:
        run.unclear.append("Nothing was sent: what you changed alters the letter, so it has been "
                           "written again and sent to you for approval. Approve the new one.")


# --- the draft's fate ---------------------------------------------------------------------


def _settle_approval(run: _Run, edited: str | None) -> None:
    """Approve as drafted, or (edited) show the handler the letter as it will go out first."""
    if edited is not None and run.app.config.approvals.confirm_edits:
        _confirm_edit(
            run, edited,
            note="You approved this letter with changes. This is the letter exactly as "
            "it will go out: reply 'approve' to send it", approving=True)
        return
    problem = _approve(run, edited)
    if problem:
        run.unclear.append(problem)
    else:
        run.done.append("approved")


def _letter_for_other_kind(case: Case, kind: str) -> str | None:
    """Complaint letters for complaints, the neutral reply for enquiries (F3): why not, or None."""
    enquiry = case.is_complaint is False
    if enquiry and kind != "enquiry_reply":
        return ("the case is held as an enquiry, not a complaint. Reply 'complaint yes' first if "
                "it is a complaint, or 'draft reply' for a neutral reply.")
    if not enquiry and kind == "enquiry_reply":
        return "the case is a complaint. Reply 'complaint no' first if it is not one."
    return None


def _refusal_to_send(run: _Run, text: str) -> str | None:
    """Why this text must not go to the client now, or None."""
    kind = run.letter.kind
    mismatch = _letter_for_other_kind(run.case, kind)
    if mismatch:
        return _refused(run, ["is_complaint"],
                        f"The {kind.replace('_', ' ')} was not sent: {mismatch}")
    too_late = _summary_too_late(run, kind)
    if too_late:
        return _refused(run, ["summary_resolution_window"],
                        f"The summary resolution communication was not sent: {too_late}.")
    missing = gate(run.app, run.case, kind, text)
    if missing:
        return _refused(run, missing,
                        f"The {kind.replace('_', ' ')} was not sent: it lacks "
                        f"{', '.join(missing)}. Restore it and reply again.")
    if gateway_links(text):
        return _refused(run, ["no_gateway_links"],
                        "The letter was not sent: it contains a link rewritten by a security "
                        "gateway, which must never reach a client. Type the link out again, or "
                        "remove it.")
    return None


def _refused(run: _Run, missing: list[str], problem: str) -> str:
    """A letter the gate keeps back: audited with what it lacks; the problem for the handler."""
    run.events.append(AuditEvent("letter.gate_refused", run.case.ref, run.actor, run.now,
                                 {"outbox_id": run.letter.id, "missing": missing}))
    return problem


def _approve(run: _Run, edited: str | None) -> str | None:
    """Approve (after the edit, if any); returns a problem for the handler, or None.

    A draft mailbot wrote on an earlier day goes out dated today, its dates worked out again
    (F25). Approving a neutral reply to an enquiry confirms that it is not a complaint."""
    conn, letter = run.conn, run.letter
    text = edited if edited is not None else (redate(conn, run.app, run.case, letter, run.now)
                                              or letter.body_text)
    problem = _refusal_to_send(run, text)
    if problem:
        return problem
    if not outbox_q.use_token(conn, run.token.id, run.now):
        return REFUSAL_TEXT[Refusal.TOKEN_USED]
    if edited is not None:
        run.events.append(_record_edit(run, edited))
    if not outbox_q.set_status(conn, letter.id, expected="draft", status="approved",
                               approved_at=run.now, approved_by=run.actor):
        return REFUSAL_TEXT[Refusal.DRAFT_NOT_PENDING]
    run.events.append(AuditEvent("letter.approved", run.case.ref, run.actor, run.now,
                                 {"outbox_id": letter.id, "kind": letter.kind,
                                  "sender_verified": run.app.config.approvals.require_dkim}))
    case = run.case
    if letter.kind == "enquiry_reply" and case.is_complaint is False \
            and not case.complaint_decided_by:
        casebook.update_case(conn, case.id, run.now, complaint_decided_by=run.actor,
                             complaint_decided_at=run.now)
        run.events.append(AuditEvent("case.complaint_set", case.ref, run.actor, run.now,
                                     {"from": False, "to": False,
                                      "how": "approved the enquiry reply"}))
    return None


def _record_edit(run: _Run, edited: str) -> AuditEvent:
    """The diff is kept on the letter (purged with it); the permanent audit trail keeps its hash."""
    letter = run.letter
    diff = "\n".join(
        difflib.unified_diff(letter.body_text.splitlines(), edited.splitlines(), "draft",
                             "approved", lineterm=""))
    replace_draft_text(run.conn, run.app, letter, edited, diff=diff)
    digest = hashlib.sha256(diff.encode()).hexdigest()
    changed = sum(1 for line in diff.splitlines()
                  if line[:1] in "+-" and not line.startswith(("+++", "---")))
    return AuditEvent("letter.edited", run.case.ref, run.actor, run.now,
                      {"outbox_id": letter.id, "diff_sha256": digest, "lines_changed": changed})


def _confirm_edit(run: _Run, edited: str, *, note: str, approving: bool) -> None:
    """Keep the handler's text and send it back, exactly as it would go out, with a fresh token.

    When the handler meant to send it (`approving`), a letter that could not be sent is refused
    now, with the reason, rather than sent back for an approval that would fail; a plain "edit"
    is saved either way (work in progress), and the reason goes into the note.
    """
    conn, letter = run.conn, run.letter
    problem = _refusal_to_send(run, edited)
    if problem and (approving or "security gateway" in problem):
        run.unclear.append(problem)
        return
    if not outbox_q.use_token(conn, run.token.id, run.now):
        run.unclear.append(REFUSAL_TEXT[Refusal.TOKEN_USED])
        return
    run.events.append(_record_edit(run, edited))
    fresh = outbox_q.existing_letter(conn, letter.id)
    rendered = run.app.letters.from_text(fresh.kind, fresh.subject, fresh.body_text)
    request_approval(conn, run.app, run.case, letter.id, rendered, now=run.now,
                     note=note + (f". Before it can go: {problem.rstrip('.')}" if problem else ""))
    run.done.append("edited")
