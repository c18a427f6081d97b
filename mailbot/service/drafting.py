"""Writing outbox rows: client letters, drafts awaiting approval, and mail to staff.

Every row is written in the caller's transaction, beside the case change that caused it.
A letter's Message-ID is minted here, once. Client letters pass the policy profile's
required-content gate before they are queued; a draft that fails it is still shown to the
handler (who must complete it), but can never be approved as it stands.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping, NamedTuple, Sequence
from urllib.parse import quote

from sqlalchemy import Connection

from .. import marks
from ..cases import AuditEvent
from ..compose import Marker, RenderedLetter
from ..content_gate import PLACEHOLDER
from ..content_gate import check as gate_check
from ..deadlines import TRIAGE_WITHIN, case_deadlines
from ..documents import split
from ..letters import CLIENT_KINDS, LetterKind, label, rule_of
from ..records import Case, Letter
from ..regimes import Regime
from ..store import audit, casebook
from ..store import outbox as outbox_q
from ..trimming import forwards, trim_reply
from ..trust import new_token, token_hash
from ..working_days import add_months
from .context import App
from .duty_checks import duty_checks, duty_deadlines
from .listening import letter_extras

# A concern about the firm's conduct: the final response also names the conduct regulator (F20).
CONDUCT_CATEGORIES = frozenset({"integrity_misconduct", "staff_conduct", "documents_funds"})


def _bare(message_id: str) -> str:
    return message_id.strip().strip("<>")


def handler_name(app: App, email: str | None) -> str:
    handler = app.config.handler(email) if email else None
    return handler.name if handler else "The complaints team"


def _firm(app: App) -> dict[str, Any]:
    f = app.config.firm
    return {"name": f.name, "complaints_address": f.complaints_address, "phone": f.phone,
            "postal_address": f.postal_address, "website": f.website,
            "complaints_procedure_url": f.complaints_procedure_url,
            "privacy_notice_url": f.privacy_notice_url}


def complainant_of(case: Any) -> str:
    return getattr(case, "complainant", None) or "client"


def letter_context(app: App, case: Case, kind: str, now: datetime) -> dict[str, Any]:
    """Everything a client letter template may print, under the case's own regime (its profile
    and calendar). Client words appear only in approved kinds. The letter is dated `now`."""
    regime = app.regime_of(case)
    profile, cal = regime.profile, regime.calendar
    d = case_deadlines(case.received_at, profile, cal)
    soon = cal.due(now, profile.stalled_after)
    today = cal.local(now).date()
    signpost = profile.signpost
    third_party = complainant_of(case) == "third_party"
    whose = "the" if third_party else "your"
    rule = rule_of(kind)
    context: dict[str, Any] = {
        "firm": _firm(app),
        "profile": profile.name,
        "ombudsman": signpost,
        "eight_week": profile.regulator is not None,
        "letter_date": today,
        "complainant": complainant_of(case),
        "channel": getattr(case, "channel", None) or "email",
        "referral_deadline": (add_months(today, signpost.referral_months)
                              if signpost and signpost.referral_months else None),
        "conduct_body": profile.conduct_body if case.category in CONDUCT_CATEGORIES else None,
        "case": {
            "ref": case.ref,
            "received_at": case.received_at,
            "category": case.category or "other",
            "urgency": case.urgency or "normal",
            "handler_name": handler_name(app, case.handler_email),
            "client_address": case.client_address,
        },
        # A letter that goes out unapproved (the acknowledgement) must not print anything the
        # sender wrote.
        "client_name": case.client_name if rule and rule.needs_approval else None,
        # A letter never promises a date already past (a late-opened or late-approved case): the
        # next such date, else one stall period from now.
        "next_contact_by": (min(soon, d.respond_by)
                            if d.respond_by and d.respond_by > now else soon),
        "response_due": next((t for t in (d.respond_by, d.regulator_by) if t and t > now), soon),
        # Once the regulator's date has passed, letters say the client "may now refer".
        "regulator_deadline": d.regulator_by if d.regulator_by and d.regulator_by > now else None,
        "done": (f"{handler_name(app, case.handler_email)} is reviewing {whose} file and our "
                 "correspondence with you."),
        "next_step": "We will complete our review and write to you with our findings.",
        "questions": [f"{PLACEHOLDER}: the questions you need the client to answer]]"],
        "reply_by": soon,
        "reason": ("We are still gathering the information we need to answer every point you "
                   "raised fully and fairly."),
        "expected_by": max(d.regulator_by or soon, soon),
        "points": [],
        "apology": "",
        "remedy": "",
        "reply": "",
        "fos_waives_time_limits": bool(getattr(case, "waive_time_limits", None)),
        **letter_extras(case, kind),
    }
    return context


def gate(app: App, case: Any, kind: str, text: str, html: str | None = None) -> list[str]:
    """The content gate for a letter of this case: its regime, its complainant, its FCA waiver."""
    regime = app.regime_of(case)
    return gate_check(kind, regime.profile, text, html=html, complainant=complainant_of(case),
                      waive_time_limits=bool(getattr(case, "waive_time_limits", None)))


@dataclass(frozen=True)
class Opening:
    """A new case's first message, just filed by intake (its only one): the thread its letters
    answer and the words an approval request shows are in hand, not read back."""

    message_id: str | None
    text: str
    subject: str = ""


def _thread(conn: Connection, case: Case,
            opening: Opening | None = None) -> tuple[str | None, list[str]]:
    ids = _opening_ids(opening) if opening is not None else casebook.thread_ids(conn, case.id)
    return _parent_and_references(ids)


def _opening_ids(opening: Opening) -> list[str]:
    return [opening.message_id] if opening.message_id else []


def _parent_and_references(ids: list[str]) -> tuple[str | None, list[str]]:
    """The thread's Message-IDs, oldest first, as In-Reply-To and References."""
    if not ids:
        return None, []
    return ids[-1], ids[:-1]


def _insert(conn: Connection, app: App, case: Case | None, letter: RenderedLetter, *,
            to: list[str], status: str, requires_approval: bool, now: datetime,
            reply_to: str | None = None, auto_submitted: str = "auto-replied",
            in_reply_to: str | None = None, references: list[str] | None = None,
            handler_email: str | None = None, approved_by: str | None = None,
            message_id: str | None = None, not_before: datetime | None = None) -> int:
    return outbox_q.add_letter(conn, **_letter_row(
        app, case, letter, to=to, status=status, requires_approval=requires_approval, now=now,
        reply_to=reply_to, auto_submitted=auto_submitted, in_reply_to=in_reply_to,
        references=references, handler_email=handler_email, approved_by=approved_by,
        message_id=message_id, not_before=not_before))


def _letter_row(app: App, case: Case | None, letter: RenderedLetter, *,
                to: list[str], status: str, requires_approval: bool, now: datetime,
                reply_to: str | None = None, auto_submitted: str = "auto-replied",
                in_reply_to: str | None = None, references: list[str] | None = None,
                handler_email: str | None = None, approved_by: str | None = None,
                message_id: str | None = None,
                not_before: datetime | None = None) -> dict[str, Any]:
    """A letter's outbox row: who it is from and to, its threading, its status."""
    return dict(
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


def render_client_letter(app: App, case: Case, kind: str, now: datetime) -> RenderedLetter:
    return app.letters.render(kind, letter_context(app, case, kind, now))


def queue_client_letter(conn: Connection, app: App, case: Case, kind: str, *, now: datetime,
                        approved_by: str, opening: Opening | None = None) -> int | None:
    """A letter that goes out without a handler's approval: only the acknowledgement, by policy."""
    rule = rule_of(kind)
    assert rule and rule.to_client and not rule.needs_approval, \
        "only the acknowledgement may reach a client unapproved"
    letter = render_client_letter(app, case, kind, now)
    missing = gate(app, case, kind, letter.text, letter.html)
    if missing:
        audit.append(conn, [
            AuditEvent("letter.gate_refused", case.ref, "mailbot", now, {
                "kind": kind,
                "missing": missing
            })
        ])
        return None
    parent, refs = _thread(conn, case, opening)
    row_id = _insert(conn, app, case, letter, to=[case.client_address], status="approved",
                     requires_approval=False, now=now, in_reply_to=parent, references=refs,
                     approved_by=approved_by)
    audit.append(conn, [
        AuditEvent("letter.queued", case.ref, "mailbot", now, {
            "outbox_id": row_id,
            "kind": kind,
            "approval": approved_by
        })
    ])
    return row_id


def draft_for_approval(conn: Connection, app: App, case: Case, kind: str, *, now: datetime,
                       note: str, opening: Opening | None = None) -> int:
    """A draft client letter plus the approval request that carries its token to the handler."""
    return draft_all(conn, app, [DraftNeed(case, kind, note, opening)], now=now)[0]


class DraftNeed(NamedTuple):
    """A draft to write for a case with a handler, with what its approval request says."""

    case: Case
    kind: str
    note: str
    opening: Opening | None = None


def draft_all(conn: Connection, app: App, needs: Sequence[DraftNeed], *,
              now: datetime) -> list[int]:
    """`draft_for_approval` for several cases at once (a tick's letters step drafts thousands):
    their threads and last messages read, their drafts and requests written with one statement,
    and their tokens with one, instead of one each per draft. At most one need per case: a second
    draft for a case must first supersede the first (deadline_letters does). Returns the drafts'
    ids in the needs' order."""
    if len({need.case.id for need in needs}) < len(needs):
        raise ValueError("one draft per case per call")
    stored = [need.case.id for need in needs if need.opening is None]
    threads = casebook.thread_ids_of(conn, stored)
    shown = {case_id: client_words(row.body, row.subject) for case_id, row in
             casebook.last_from_clients(conn, stored).items()}
    letters, rows = [], []
    for need in needs:
        letter = render_client_letter(app, need.case, need.kind, now)
        parent, refs = _parent_and_references(
            _opening_ids(need.opening) if need.opening is not None
            else threads.get(need.case.id, []))
        letters.append(letter)
        rows.append(_letter_row(app, need.case, letter, to=[need.case.client_address],
                                status="draft", requires_approval=True, now=now,
                                in_reply_to=parent, references=refs,
                                handler_email=need.case.handler_email))
    requests = [
        _approval_request(app, need.case, letter, now=now, note=need.note,
                          shown_text=client_words(need.opening.text, need.opening.subject)
                          if need.opening is not None else shown.get(need.case.id, ""))
        for need, letter in zip(needs, letters)]
    # The drafts and their requests in one statement, the drafts first (the ids come out in the
    # rows' order, as from two statements): a new complaint's draft is written with one fewer.
    ids = outbox_q.add_letters(conn, rows + [r.row for r in requests])
    draft_ids = ids[:len(rows)]
    _write_requests(conn, requests, draft_ids, now=now, request_ids=ids[len(rows):])
    return draft_ids


def request_approval(conn: Connection, app: App, case: Case, draft_id: int,
                     letter: RenderedLetter, *, now: datetime, note: str) -> int:
    """Send the handler the draft with a fresh token and markers; returns the request's outbox id.
    """
    shown = casebook.last_from_client(conn, case.id)
    request = _approval_request(app, case, letter, now=now, note=note,
                                shown_text=client_words(shown.body, shown.subject) if shown else "")
    return _write_requests(conn, [request], [draft_id], now=now)[0]


@dataclass(frozen=True)
class _Request:
    """An approval request rendered and not yet written, with the token it carries."""

    case: Case
    kind: str
    row: dict[str, Any]
    token: str
    nonce: str
    expires: datetime


def _approval_request(app: App, case: Case, letter: RenderedLetter, *, now: datetime, note: str,
                      shown_text: str) -> _Request:
    """The request to the handler, with a fresh token and markers.

    The token is bound to this draft, this handler and this request's Message-ID (a reply acts
    only if it answers this request), and the markers carry a nonce of this request alone.
    """
    handler = case.handler_email
    if handler is None:  # the callers draft only for a case with a handler
        raise ValueError(f"case {case.ref} has no handler to ask for approval")
    token, nonce = new_token(), marks.new_nonce()
    expires = now + timedelta(hours=app.config.approvals.token_ttl_hours)
    message_id = _bare(marks.mint_message_id(app.config.firm.domain))
    context = _request_context(app, case, letter, token=token, nonce=nonce, expires=expires,
                               note=note, message_id=message_id, now=now, shown_text=shown_text)
    request = app.letters.render(LetterKind.APPROVAL_REQUEST, context)
    row = _letter_row(app, case, request, to=[handler], status="approved",
                      requires_approval=False, now=now, message_id=message_id,
                      reply_to=marks.approval_address(app.config.firm.complaints_address, token),
                      auto_submitted="auto-generated", approved_by="system")
    return _Request(case, letter.kind, row, token, nonce, expires)


def _write_requests(conn: Connection, requests: Sequence[_Request], draft_ids: Sequence[int], *,
                    now: datetime, request_ids: Sequence[int] | None = None) -> list[int]:
    """Write the requests (unless the caller wrote them with their drafts: `request_ids`),
    their drafts' tokens and the audit events; the requests' ids."""
    if request_ids is None:
        request_ids = outbox_q.add_letters(conn, [r.row for r in requests])
    outbox_q.add_tokens(conn, [
        outbox_q.token_row(outbox_id=draft_id, handler_email=str(r.case.handler_email),
                           token_sha256=token_hash(r.token), expires_at=r.expires, now=now,
                           request_message_id=r.row["message_id"], marker=r.nonce)
        for r, draft_id in zip(requests, draft_ids)])
    audit.append(conn, [
        AuditEvent("approval.requested", r.case.ref, "mailbot", now, {
            "outbox_id": draft_id,
            "request_id": request_id,
            "kind": r.kind,
            "handler": r.case.handler_email,
            "expires_at": r.expires.isoformat()
        }) for r, draft_id, request_id in zip(requests, draft_ids, request_ids)])
    return list(request_ids)


def refresh_request(conn: Connection, app: App, case: Case, request: Letter, draft: Letter,
                    *, now: datetime, note: str) -> bool:
    """Re-render an approval request not yet sent (the client wrote again meanwhile), keeping its
    token, markers and Message-ID: one live request per case, updated rather than sent again."""
    token = marks.token_from_address(request.reply_to)
    record = outbox_q.token_for_request(conn, request.message_id)
    if token is None or record is None or record.marker is None:
        return False
    letter = RenderedLetter(draft.kind, draft.subject, draft.body_text, draft.body_html)
    shown = casebook.last_from_client(conn, case.id)
    context = _request_context(app, case, letter, token=token, nonce=record.marker,
                               expires=record.expires_at, note=note, message_id=request.message_id,
                               now=now,
                               shown_text=client_words(shown.body, shown.subject) if shown else "")
    fresh = app.letters.render(LetterKind.APPROVAL_REQUEST, context)
    return outbox_q.rewrite_unsent(conn, request.id, subject=fresh.subject, body_text=fresh.text,
                                   body_html=fresh.html)


def _request_context(app: App, case: Case, letter: RenderedLetter, *, token: str, nonce: str,
                     expires: datetime, note: str, message_id: str, now: datetime,
                     shown_text: str) -> dict[str, Any]:
    regime = app.regime_of(case)
    suggestion = case.suggestion or {}
    address = marks.approval_address(app.config.firm.complaints_address, token)
    start, end = marks.draft_start(nonce), marks.draft_end(nonce)
    return {
        "firm": _firm(app),
        "case": {
            "ref": case.ref,
            "received_at": case.received_at,
            "category": case.category,
            "urgency": case.urgency,
            "client_address": case.client_address,
            "handler_name": handler_name(app, case.handler_email),
            "is_complaint": case.is_complaint is not False
        },
        "regime": {
            "name": regime.name,
            "ombudsman": regime.profile.signpost.name if regime.profile.signpost else None
        },
        "checks": approval_checks(regime, case, letter.kind),
        "handler_name": handler_name(app, case.handler_email),
        "handler_email": case.handler_email,
        "token": token,
        "subject_tag": marks.subject_tag(token),
        "expires_at": expires,
        "note": note,
        "deadlines": _request_deadlines(regime, case, now),
        "suggestion": {
            "category": suggestion.get("category", case.category),
            "confidence": suggestion.get("category_confidence"),
            "top2": suggestion.get("category_top2") or [],
            "uncertain": bool(suggestion.get("category_uncertain")),
            "urgency": suggestion.get("urgency", case.urgency),
            "flags": suggestion.get("flags", []),
            "reasons": suggestion.get("reasons", [])
        },
        "complaint_text": _shortened(shown_text),
        "draft": {
            "kind": letter.kind,
            "kind_label": label(letter.kind),
            "subject": letter.subject,
            "text": _shown_draft(letter.text)
        },
        "draft_start": Marker(start),
        "draft_end": Marker(end),
        "links": one_click_links(address, case.ref, token, message_id, start, letter.text, end),
    }


def _request_deadlines(regime: Regime, case: Any, now: datetime) -> list[dict[str, Any]]:
    """What the handler sees under DEADLINES: the case's own clocks, or an enquiry's triage."""
    cal = regime.calendar
    if case.is_complaint is False:
        triage_by = cal.due(case.received_at, TRIAGE_WITHIN)
        return duty_deadlines(case) + [{"label": "Decide whether it is a complaint by",
                                        "due": triage_by}]
    d = case_deadlines(case.received_at, regime.profile, cal)
    clocks = (("Acknowledge by", d.acknowledge_by), ("Full response by", d.respond_by),
              ("Regulator deadline", d.regulator_by))
    deadlines = [{"label": label, "due": due} for label, due in clocks if due]
    if d.summary_resolution_by and now <= d.summary_resolution_by:  # FCA: while one may still go
        label = "Summary resolution (FCA; reply 'draft summary' if resolved) by"
        deadlines.insert(0, {"label": label, "due": d.summary_resolution_by})
    return duty_deadlines(case) + deadlines


def approval_checks(regime: Regime, case: Any, kind: str) -> list[dict[str, str]]:
    """What the handler must check before approving, each with what to reply (issue 17)."""
    checks = []
    if case.is_complaint is False and not getattr(case, "complaint_decided_by", None):
        checks.append(_complaint_check(regime, case))
    if complainant_of(case) == "third_party":
        checks.append(_third_party_check(regime, case))
    if regime.name == "fca_disp" and kind in (LetterKind.FINAL_RESPONSE,
                                              LetterKind.SUMMARY_RESOLUTION):
        consent = bool(getattr(case, "waive_time_limits", None))
        text = ("The letter says we consent to the Financial Ombudsman Service considering the "
                "complaint outside its time limits; reply 'waive time limits no' if we do not."
                if consent else
                "The letter says we do not consent to the Financial Ombudsman Service "
                "considering the complaint outside its time limits (DISP 1 Annex 3R); reply "
                "'waive time limits yes' if we do.")
        checks.append({"title": "Time limits (FCA)", "text": text})
    return duty_checks(regime, case, kind) + checks


def _complaint_check(regime: Regime, case: Any) -> dict[str, str]:
    """Held as an enquiry: triage's view, why, and how the handler decides (F3, F11)."""
    record = case.suggestion or {}
    received = regime.calendar.local(case.received_at)
    signal = record.get("complaint_signal") or "not_complaint"
    probability = record.get("complaint_probability")
    odds = (f" (probability of a complaint {probability:.2f})"
            if isinstance(probability, (int, float)) else "")
    reasons = "; ".join(str(r) for r in record.get("reasons", [])[:6]) or "no reasons given"
    lead = ("Triage could not tell whether this message is a complaint" if signal == "uncertain"
            else "Triage read this message as not a complaint")
    return {
        "title": "Is this a complaint?" if signal == "uncertain" else "Read as not a complaint",
        "text": (f"{lead}{odds}. Why: {reasons}. It is held as an enquiry: no complaint clocks "
                 "run, no acknowledgement went out and it is not counted as a complaint. Reply "
                 "'complaint yes' to handle it as a complaint (its clocks count from its receipt "
                 f"on {received:%A} {received.day} {received:%B %Y}), or 'complaint no' to "
                 "confirm it is not one; approving this reply also confirms it is not."),
    }


def _third_party_check(regime: Regime, case: Any) -> dict[str, str]:
    """Not our client (F4): what the letters say, and what the regime's ombudsman accepts."""
    detected = "third_party" in (getattr(case, "flags", None) or [])
    signpost = regime.profile.signpost
    why = ("Triage found signs that the writer is not our client (a beneficiary, a relative or "
           "the other side)" if detected else "The complainant is recorded as not our client")
    eligibility = ""
    if signpost is not None and signpost.non_clients:
        eligibility = (f" Under {regime.name}: {signpost.non_clients} So the letters say they can "
                       f"ask the {signpost.name} whether it can consider their complaint, rather "
                       "than that they may refer it.")
    return {
        "title": "The complainant may not be our client",
        "text": (f"{why}. Letters say 'the matter', never 'your matter', and that our duty of "
                 "confidentiality to our client limits what we can say: do not disclose anything "
                 f"confidential to our client.{eligibility} Reply 'complainant client' if the "
                 "writer is our client."),
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
    head = f"mailto:{address}?subject={quote(subject)}&in-reply-to={quote(f'<{message_id}>')}&body="

    def link(body: str) -> str | None:
        if len(head) + _quoted_length(body) > MAX_MAILTO:
            return None  # most drafts: not quoted only to be thrown away
        url = head + quote(body)
        return url if len(url) <= MAX_MAILTO else None

    return {"approve": link("approve"), "reject": link("reject REASON"),
            "edit": link(f"edit\n\n{start}\n{_shown_draft(draft)}\n{end}\n")}


# What quote() leaves as it is (its documentation: letters, digits and "_.-~" never, and its
# default safe="/"); every other UTF-8 byte becomes "%XX".
_QUOTE_KEEPS = (string.ascii_letters + string.digits + "_.-~/").encode()


def _quoted_length(text: str) -> int:
    """len(quote(text)), counted at C speed: one character per byte kept, three per other byte
    (tests/unit/test_letters.py compares the links with quoting every body)."""
    data = text.encode()
    return len(data) + 2 * len(data.translate(None, _QUOTE_KEEPS))


def client_words(body: str | None, subject: str | None) -> str:
    """What an approval request shows of the client's message: the new words, not the thread a
    reply quotes; but all of it when it forwards earlier mail, which is then most often the
    complaint itself ("See below. Can someone deal with this." over the client's email to their
    solicitor), and a handler approving a letter must see what it answers; and the letters
    attached to it (documents.py), which are often the complaint itself."""
    whole, documents = split(body or "")
    shown = whole if forwards(subject or "", whole) else (trim_reply(whole) or whole)
    return f"{shown}\n\n{documents}" if documents else shown


def _shortened(body: str, limit: int = 6000) -> str:
    return body if len(
        body
    ) <= limit else body[:limit] + "\n[... shortened; the full message is in the case record]"


def supersede_drafts(conn: Connection, app: App, case: Case, *, now: datetime) -> list[str]:
    """Pending drafts need fresh approval after news arrives; returns their kinds."""
    return supersede_all(conn, [case], now=now).get(case.id, [])


def supersede_all(conn: Connection, cases: Sequence[Case], *,
                  now: datetime) -> dict[int, list[str]]:
    """`supersede_drafts` for several cases with one read and one write; the kinds per case."""
    refs = {case.id: case.ref for case in cases}
    drafts = [d for found in outbox_q.drafts_of_cases(conn, refs).values() for d in found]
    changed = set(outbox_q.supersede(conn, [d.id for d in drafts]))
    kinds: dict[int, list[str]] = {}
    events = []
    for draft in sorted(drafts, key=lambda d: d.id):
        if draft.id in changed and draft.case_id is not None:
            kinds.setdefault(draft.case_id, []).append(draft.kind)
            events.append(AuditEvent("letter.superseded", refs[draft.case_id], "mailbot", now,
                                     {"outbox_id": draft.id, "kind": draft.kind}))
    audit.append(conn, events)
    return kinds


def redraft_pending(conn: Connection, app: App, case: Case, *, now: datetime,
                    note: str) -> list[str]:
    """Write every pending draft again under the case as it now stands (its regime, its date of
    receipt, its complainant): the old ones are superseded; returns the kinds written again."""
    kinds = supersede_drafts(conn, app, case, now=now)
    fresh = casebook.existing_case(conn, case.id)
    if fresh.handler_email:
        for kind in dict.fromkeys(kinds):
            draft_for_approval(conn, app, fresh, kind, now=now, note=note)
    return kinds


def redate(conn: Connection, app: App, case: Case, letter: Letter,
           now: datetime) -> str | None:
    """A draft approved on a later day than it was written goes out dated the day it is approved
    (F25); returns its new text, or None if unchanged.

    A draft mailbot wrote is written again with `now`, so the dates it promises are worked out
    again too. A handler's edited words are theirs: only the date line mailbot put at the top is
    brought up to date, and only if the handler left it as it was. The change is audited with a
    hash of the difference.
    """
    if letter.kind not in CLIENT_KINDS:
        return None
    cal = app.regime_of(case).calendar
    drafted, today = cal.local(letter.created_at).date(), cal.local(now).date()
    if drafted >= today:
        return None
    if letter.edit_diff is None:
        fresh = render_client_letter(app, case, letter.kind, now)
    else:
        first, newline, rest = letter.body_text.partition("\n")
        if first.strip() != app.letters.longdate(drafted):
            return None
        dated = app.letters.longdate(today) + newline + rest
        fresh = app.letters.from_text(letter.kind, letter.subject, dated)
    if fresh.text == letter.body_text:
        return None
    outbox_q.rewrite_draft(conn, letter.id, subject=fresh.subject, body_text=fresh.text,
                           body_html=fresh.html)
    diff = "\n".join(difflib.unified_diff(letter.body_text.splitlines(), fresh.text.splitlines(),
                                          lineterm=""))
    audit.append(conn, [AuditEvent("letter.redated", case.ref, "mailbot", now, {
        "outbox_id": letter.id, "kind": letter.kind, "drafted_on": drafted.isoformat(),
        "dated": today.isoformat(), "edited": letter.edit_diff is not None,
        "diff_sha256": hashlib.sha256(diff.encode()).hexdigest()})])
    return fresh.text


def replace_draft_text(conn: Connection, app: App, letter: Letter, text: str, *,
                       diff: str) -> None:
    """A handler's edited text becomes the letter, with a plain HTML twin of exactly that text."""
    rendered = app.letters.from_text(letter.kind, letter.subject, text)
    outbox_q.replace_text(conn, letter.id, body_text=rendered.text, body_html=rendered.html,
                          edit_diff=diff)


def insert_staff_letter(conn: Connection, app: App, letter: RenderedLetter, *, to: str,
                        now: datetime) -> int:
    """A finished staff letter (not from a template) queued for sending."""
    return _insert(conn, app, None, letter, to=[to], status="approved", requires_approval=False,
                   now=now, auto_submitted="auto-generated", approved_by="system")


def staff_mail(conn: Connection, app: App, kind: str, to: str, *, case: Case | None,
               now: datetime, extra: Mapping[str, Any], not_before: datetime | None = None) -> int:
    """Notifications to staff (alerts, help, reminders): auto-generated, never answered by clients.
    """
    letter = _staff_letter(app, kind, to, case=case, now=now, extra=extra)
    return _insert(conn, app, case, letter, to=[to], status="approved", requires_approval=False,
                   now=now, auto_submitted="auto-generated", approved_by="system",
                   not_before=not_before)


def combined_notice(conn: Connection, app: App, kind: str, to: str, *, case: Case | None,
                    now: datetime, extra: Mapping[str, Any], told: str) -> None:
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
    events = [
        d for d in audit.details_since(conn, told, first.created_at)
        if d.get("notify") == to.lower()
    ]
    summary = {**extra, "count": max(len(events) - 1, 1), "since": first.created_at}
    pending = next((r for r in recent[1:] if r.sent_at is None and r.status == "approved"), None)
    if pending is not None:
        letter = _staff_letter(app, kind, to, case=case, now=now, extra=summary)
        if outbox_q.rewrite_unsent(conn, pending.id, subject=letter.subject, body_text=letter.text,
                                   body_html=letter.html):
            return
    staff_mail(conn, app, kind, to, case=case, now=now, extra=summary,
               not_before=first.created_at + period)


def _staff_letter(app: App, kind: str, to: str, *, case: Case | None, now: datetime,
                  extra: Mapping[str, Any]) -> RenderedLetter:
    context: dict[str, Any] = {
        "firm": _firm(app),
        "handler_name": handler_name(app, to),
        "handler_email": to,
        "recipient_name": handler_name(app, to),
        "received_at": now,
        "case": {
            "ref": case.ref,
            "category": case.category,
            "urgency": case.urgency
        } if case is not None else None,
        "problems": [],
        "unclear": [],
        "count": 0,
        "since": None,
        **extra,
    }
    return app.letters.render(kind, context)
