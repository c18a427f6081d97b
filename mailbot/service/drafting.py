"""Writing outbox rows: client letters, drafts awaiting approval, and mail to staff.

Every row is written in the caller's transaction, beside the case change that caused it.
A letter's Message-ID is minted here, once. Client letters pass the policy profile's
required-content gate before they are queued; a draft that fails it is still shown to the
handler (who must complete it), but can never be approved as it stands.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Mapping
from urllib.parse import quote

from sqlalchemy import Connection, Row, update

from .. import marks
from ..cases import AuditEvent
from ..compose import Marker, RenderedLetter
from ..content_gate import PLACEHOLDER
from ..content_gate import check as gate_check
from ..deadlines import case_deadlines
from ..store import audit, casebook
from ..store import outbox as outbox_q
from ..store.tables import outbox
from ..trimming import trim_reply
from ..trust import new_token, token_hash
from .context import App

CLIENT_KINDS = frozenset({"acknowledgement", "progress_update", "request_info", "holding_letter", "final_response",
                          "summary_resolution"})
DRAFT_KIND_BY_COMMAND = {
    "update": "progress_update",
    "info": "request_info",
    "holding": "holding_letter",
    "final": "final_response",
    "summary": "summary_resolution",
}
KIND_LABELS = {
    "acknowledgement": "acknowledgement",
    "progress_update": "progress update",
    "request_info": "request for information",
    "holding_letter": "holding letter",
    "final_response": "final response",
    "summary_resolution": "summary resolution communication",
}


def _bare(message_id: str) -> str:
    return message_id.strip().strip("<>")


def handler_name(app: App, email: str | None) -> str:
    handler = app.config.handler(email) if email else None
    return handler.name if handler else "The complaints team"


def _firm(app: App) -> dict[str, Any]:
    f = app.config.firm
    return {"name": f.name, "complaints_address": f.complaints_address, "phone": f.phone,
            "postal_address": f.postal_address, "website": f.website}


def letter_context(app: App, case: Row[Any], kind: str, now: datetime) -> dict[str, Any]:
    """Everything a client letter template may print. Client words appear only in approved kinds."""
    cal = app.calendar
    d = case_deadlines(case.received_at, app.profile, cal)
    soon = cal.due(now, app.profile.stalled_after)
    context: dict[str, Any] = {
        "firm": _firm(app),
        "profile": app.profile.name,
        "ombudsman": app.profile.signpost,
        "case": {
            "ref": case.ref,
            "received_at": case.received_at,
            "category": case.category or "other",
            "urgency": case.urgency or "normal",
            "handler_name": handler_name(app, case.handler_email),
            "client_address": case.client_address,
        },
        # The acknowledgement goes out unapproved: it must not print anything the sender wrote.
        "client_name": None if kind == "acknowledgement" else case.client_name,
        "next_contact_by": min(soon, d.respond_by) if d.respond_by else soon,
        "response_due": d.respond_by or d.regulator_by or soon,
        # Once the regulator's date has passed, letters say the client "may now refer".
        "regulator_deadline": d.regulator_by if d.regulator_by and d.regulator_by > now else None,
        "done": f"{handler_name(app, case.handler_email)} is reviewing your file and our correspondence with you.",
        "next_step": "We will complete our review and write to you with our findings.",
        "questions": [f"{PLACEHOLDER}: the questions you need the client to answer]]"],
        "reply_by": soon,
        "reason": "We are still gathering the information we need to answer every point you raised fully and fairly.",
        "expected_by": max(d.regulator_by or soon, soon),
        "points": [],
        "apology": "",
        "remedy": "",
        "fos_waives_time_limits": False,
    }
    return context


def _thread(conn: Connection, case: Row[Any]) -> tuple[str | None, list[str]]:
    ids = casebook.thread_ids(conn, case.id)
    if not ids:
        return None, []
    return ids[-1], ids[:-1]


def _insert(conn: Connection, app: App, case: Row[Any] | None, letter: RenderedLetter, *, to: list[str], status: str,
            requires_approval: bool, now: datetime, reply_to: str | None = None, auto_submitted: str = "auto-replied",
            in_reply_to: str | None = None, references: list[str] | None = None, handler_email: str | None = None,
            approved_by: str | None = None, message_id: str | None = None,
            not_before: datetime | None = None) -> int:
    return outbox_q.add_letter(
        conn,
        case_id=case.id if case is not None else None,
        kind=letter.kind,
        status=status,
        requires_approval=requires_approval,
        handler_email=handler_email,
        sender=app.config.firm.complaints_address,
        recipients=to,
        message_id=message_id or _bare(marks.mint_message_id(app.config.firm.domain)),
        subject=letter.subject,
        body_text=letter.text,
        body_html=letter.html,
        in_reply_to=in_reply_to,
        references=references or [],
        reply_to=reply_to or app.config.firm.complaints_address,
        auto_submitted=auto_submitted,
        attempts=0,
        next_attempt_at=not_before,
        created_at=now,
        approved_at=now if status == "approved" else None,
        approved_by=approved_by if status == "approved" else None,
    )


def render_client_letter(conn: Connection, app: App, case: Row[Any], kind: str, now: datetime) -> RenderedLetter:
    return app.letters.render(kind, letter_context(app, case, kind, now))


def queue_client_letter(conn: Connection, app: App, case: Row[Any], kind: str, *, now: datetime,
                        approved_by: str) -> int | None:
    """A letter that goes out without a handler's approval: only the acknowledgement, by policy."""
    assert kind == "acknowledgement", "only the acknowledgement may reach a client unapproved"
    letter = render_client_letter(conn, app, case, kind, now)
    missing = gate_check(kind, app.profile, letter.text, html=letter.html)
    if missing:
        audit.append(conn, [AuditEvent("letter.gate_refused", case.ref, "mailbot", now, {"kind": kind, "missing": missing})])
        return None
    parent, refs = _thread(conn, case)
    row_id = _insert(conn, app, case, letter, to=[case.client_address], status="approved", requires_approval=False,
                     now=now, in_reply_to=parent, references=refs, approved_by=approved_by)
    audit.append(conn, [AuditEvent("letter.queued", case.ref, "mailbot", now, {"outbox_id": row_id, "kind": kind, "approval": approved_by})])
    return row_id


def draft_for_approval(conn: Connection, app: App, case: Row[Any], kind: str, *, now: datetime, note: str) -> int:
    """A draft client letter plus the approval request that carries its token to the handler."""
    letter = render_client_letter(conn, app, case, kind, now)
    parent, refs = _thread(conn, case)
    draft_id = _insert(conn, app, case, letter, to=[case.client_address], status="draft", requires_approval=True,
                       now=now, in_reply_to=parent, references=refs, handler_email=case.handler_email)
    request_approval(conn, app, case, draft_id, letter, now=now, note=note)
    return draft_id


def request_approval(conn: Connection, app: App, case: Row[Any], draft_id: int, letter: RenderedLetter, *,
                     now: datetime, note: str) -> int:
    """Send the handler the draft with a fresh token and markers; returns the request's outbox id.

    The token is bound to this draft, this handler and this request's Message-ID (a reply acts
    only if it answers this request), and the markers carry a nonce of this request alone.
    """
    token, nonce = new_token(), marks.new_nonce()
    expires = now + timedelta(hours=app.config.approvals.token_ttl_hours)
    message_id = _bare(marks.mint_message_id(app.config.firm.domain))
    context = _request_context(conn, app, case, letter, token=token, nonce=nonce, expires=expires, note=note,
                               message_id=message_id, now=now)
    request = app.letters.render("approval_request", context)
    request_id = _insert(conn, app, case, request, to=[case.handler_email], status="approved",
                         requires_approval=False, now=now, message_id=message_id,
                         reply_to=marks.approval_address(app.config.firm.complaints_address, token),
                         auto_submitted="auto-generated", approved_by="system")
    outbox_q.add_token(conn, outbox_id=draft_id, handler_email=case.handler_email, token_sha256=token_hash(token),
                       expires_at=expires, now=now, request_message_id=message_id, marker=nonce)
    audit.append(conn, [AuditEvent("approval.requested", case.ref, "mailbot", now,
                                   {"outbox_id": draft_id, "request_id": request_id, "kind": letter.kind,
                                    "handler": case.handler_email, "expires_at": expires.isoformat()})])
    return request_id


def refresh_request(conn: Connection, app: App, case: Row[Any], request: Row[Any], draft: Row[Any], *,
                    now: datetime, note: str) -> bool:
    """Re-render an approval request not yet sent (the client wrote again meanwhile), keeping its
    token, markers and Message-ID: one live request per case, updated rather than sent again."""
    token = marks.token_from_address(request.reply_to)
    record = outbox_q.token_for_request(conn, request.message_id)
    if token is None or record is None or record.marker is None:
        return False
    letter = RenderedLetter(draft.kind, draft.subject, draft.body_text, draft.body_html)
    context = _request_context(conn, app, case, letter, token=token, nonce=record.marker,
                               expires=record.expires_at, note=note, message_id=request.message_id, now=now)
    fresh = app.letters.render("approval_request", context)
    return outbox_q.rewrite_unsent(conn, request.id, subject=fresh.subject, body_text=fresh.text,
                                   body_html=fresh.html)


def _request_context(conn: Connection, app: App, case: Row[Any], letter: RenderedLetter, *, token: str,
                     nonce: str, expires: datetime, note: str, message_id: str, now: datetime) -> dict[str, Any]:
    shown = casebook.last_from_client(conn, case.id)
    d = case_deadlines(case.received_at, app.profile, app.calendar)
    deadlines = [{"label": label, "due": due} for label, due in (
        ("Acknowledge by", d.acknowledge_by), ("Full response by", d.respond_by), ("Regulator deadline", d.regulator_by)) if due]
    if d.summary_resolution_by and now <= d.summary_resolution_by:  # FCA: while a summary resolution may still go
        deadlines.insert(0, {"label": "Summary resolution (FCA; reply 'draft summary' if resolved) by",
                             "due": d.summary_resolution_by})
    suggestion = case.suggestion or {}
    address = marks.approval_address(app.config.firm.complaints_address, token)
    start, end = marks.draft_start(nonce), marks.draft_end(nonce)
    return {
        "firm": _firm(app),
        "case": {"ref": case.ref, "received_at": case.received_at, "category": case.category, "urgency": case.urgency,
                 "client_address": case.client_address, "handler_name": handler_name(app, case.handler_email)},
        "handler_name": handler_name(app, case.handler_email),
        "handler_email": case.handler_email,
        "token": token,
        "subject_tag": marks.subject_tag(token),
        "expires_at": expires,
        "note": note,
        "deadlines": deadlines,
        "suggestion": {"category": suggestion.get("category", case.category),
                       "confidence": suggestion.get("category_confidence"),
                       "top2": suggestion.get("category_top2") or [],
                       "uncertain": bool(suggestion.get("category_uncertain")),
                       "urgency": suggestion.get("urgency", case.urgency),
                       "flags": suggestion.get("flags", []),
                       "reasons": suggestion.get("reasons", [])},
        "complaint_text": _trimmed(shown.body if shown else ""),
        "draft": {"kind": letter.kind, "kind_label": KIND_LABELS.get(letter.kind, letter.kind), "subject": letter.subject,
                  "text": _shown_draft(letter.text)},
        "draft_start": Marker(start),
        "draft_end": Marker(end),
        "links": one_click_links(address, case.ref, token, message_id, start, letter.text, end),
    }


def _shown_draft(text: str) -> str:
    """The draft as the handler sees it: a "-- " line would make mail programs that strip
    signatures from a quote drop everything after it, the end marker included."""
    return re.sub(r"(?m)^-- $", "--", text)


MAX_MAILTO = 1900  # longer mailto: links are cut by some mail programs


def one_click_links(address: str, ref: str, token: str, message_id: str, start: str, draft: str,
                    end: str) -> dict[str, str | None]:
    """mailto: links that open a reply already addressed, tagged and worded (RFC 6068)."""
    subject = f"Re: [{ref}] approval {marks.subject_tag(token)}"

    def link(body: str) -> str | None:
        url = (f"mailto:{address}?subject={quote(subject)}&in-reply-to={quote(f'<{message_id}>')}"
               f"&body={quote(body)}")
        return url if len(url) <= MAX_MAILTO else None

    return {"approve": link("approve"), "reject": link("reject REASON"),
            "edit": link(f"edit\n\n{start}\n{_shown_draft(draft)}\n{end}\n")}


def _trimmed(text: str | None, limit: int = 6000) -> str:
    body = trim_reply(text or "") or (text or "")
    return body if len(body) <= limit else body[:limit] + "\n[... shortened; the full message is in the case record]"


def supersede_drafts(conn: Connection, app: App, case: Row[Any], *, now: datetime) -> list[str]:
    """Pending drafts need fresh approval after news arrives; returns their kinds."""
    kinds = []
    for draft in outbox_q.drafts_for_case(conn, case.id):
        if outbox_q.set_status(conn, draft.id, expected="draft", status="superseded"):
            kinds.append(draft.kind)
            audit.append(conn, [AuditEvent("letter.superseded", case.ref, "mailbot", now, {"outbox_id": draft.id, "kind": draft.kind})])
    return kinds


def replace_draft_text(conn: Connection, app: App, letter: Row[Any], text: str, *, diff: str) -> None:
    """A handler's edited text becomes the letter, with a plain HTML twin of exactly that text."""
    rendered = app.letters.from_text(letter.kind, letter.subject, text)
    conn.execute(update(outbox).where(outbox.c.id == letter.id)
                 .values(body_text=rendered.text, body_html=rendered.html, edit_diff=diff))


def insert_staff_letter(conn: Connection, app: App, letter: RenderedLetter, *, to: str, now: datetime) -> int:
    """A finished staff letter (not from a template) queued for sending."""
    return _insert(conn, app, None, letter, to=[to], status="approved", requires_approval=False, now=now,
                   auto_submitted="auto-generated", approved_by="system")


def staff_mail(conn: Connection, app: App, kind: str, to: str, *, case: Row[Any] | None, now: datetime,
               extra: Mapping[str, Any], not_before: datetime | None = None) -> int:
    """Notifications to staff (alerts, help, reminders): auto-generated, never answered by clients."""
    letter = _staff_letter(app, kind, to, case=case, now=now, extra=extra)
    return _insert(conn, app, case, letter, to=[to], status="approved", requires_approval=False, now=now,
                   auto_submitted="auto-generated", approved_by="system", not_before=not_before)


def combined_notice(conn: Connection, app: App, kind: str, to: str, *, case: Row[Any] | None, now: datetime,
                    extra: Mapping[str, Any], told: str) -> None:
    """Tell a person at once, but at most once per period: whatever else happens in that period
    goes into one more notice sent when it ends. Forged mail must not become a mail flood.

    `told` is the audit event kind being told; its details name the person in "notify".
    """
    period = timedelta(minutes=app.config.approvals.notice_period_minutes)
    recent = outbox_q.letters_to(conn, kind, to, now - period)
    if not recent:
        staff_mail(conn, app, kind, to, case=case, now=now, extra=extra)
        return
    first = recent[0]
    events = [d for d in audit.details_since(conn, told, first.created_at) if d.get("notify") == to.lower()]
    summary = {**extra, "count": max(len(events) - 1, 1), "since": first.created_at}
    pending = next((r for r in recent[1:] if r.sent_at is None and r.status == "approved"), None)
    if pending is not None:
        letter = _staff_letter(app, kind, to, case=case, now=now, extra=summary)
        if outbox_q.rewrite_unsent(conn, pending.id, subject=letter.subject, body_text=letter.text,
                                   body_html=letter.html):
            return
    staff_mail(conn, app, kind, to, case=case, now=now, extra=summary, not_before=first.created_at + period)


def _staff_letter(app: App, kind: str, to: str, *, case: Row[Any] | None, now: datetime,
                  extra: Mapping[str, Any]) -> RenderedLetter:
    context: dict[str, Any] = {
        "firm": _firm(app),
        "handler_name": handler_name(app, to),
        "handler_email": to,
        "recipient_name": handler_name(app, to),
        "received_at": now,
        "case": {"ref": case.ref, "category": case.category, "urgency": case.urgency} if case is not None
        else ({"ref": "an unidentified case"} if kind == "approval_refused" else None),
        "draft_kind_label": KIND_LABELS.get(str(extra.get("letter_kind", "")), "draft"),
        "problems": [],
        "unclear": [],
        "count": 0,
        "since": None,
        **extra,
    }
    if kind == "bounce_alert":
        context.setdefault("letter_kind_label", KIND_LABELS.get(str(extra.get("letter_kind")), "letter"))
        context.setdefault("recipient", case.client_address if case is not None else "")
        context.setdefault("sent_at", now)
        context.setdefault("status", str(extra.get("code") or ""))
        context.setdefault("permanent", True)
        context.setdefault("diagnostic", str(extra.get("reason", "")))
    return app.letters.render(kind, context)
