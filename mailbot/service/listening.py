"""Active listening: the first substantive letter says what we understood the complaint to be.

The acknowledgement goes out unseen, so it may not echo the client's words (EMAIL.md). The first
letter a handler approves after it (a progress update, a request for information or a holding
letter) restates the complaint's points as triage read them, which the handler corrects between
the draft markers, and asks the client to tell us what we got wrong. Once a letter carrying that
section has gone, the case records it; the client's reply to that letter is filed on the case
as their correction (a case message of kind "correction"), and the handler is asked to read it.
A vulnerable client's letters likewise offer reasonable adjustments until one is recorded (F24).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from ..cases import AuditEvent
from ..records import Case, Letter
from ..routing import FollowUp, thread_ids
from ..store import casebook
from ..store import outbox as outbox_q

# The letters that may be the first substantive one (not the acknowledgement, not the final
# response, which answers each point instead).
SUBSTANTIVE_KINDS = frozenset({"progress_update", "request_info", "holding_letter"})
UNDERSTANDING_HEADING = "Our understanding of your complaint"
ADJUSTMENTS_HEADING = "Help with communicating"

# Each category as one point the client can recognise (and correct): "you are unhappy that ...".
POINTS: dict[str, str] = {
    "delay": "your matter has taken too long, or has stalled",
    "communication": "we have not kept you informed, or have not answered your calls, emails or "
                     "letters",
    "advice_quality": "our advice or our work was wrong, incomplete or not explained",
    "instructions": "we did not follow your instructions",
    "costs_information": "you were not given a proper estimate of our costs, or they rose without "
                         "warning",
    "costs_excessive": "our bill is too high",
    "documents_funds": "documents or money we hold have been withheld, lost or not paid out",
    "staff_conduct": "a member of our staff behaved unprofessionally towards you",
    "integrity_misconduct": "we have acted dishonestly or improperly",
    "data_security": "your information was not kept secure, or a payment was put at risk",
    "complaint_handling": "an earlier complaint was not handled properly",
}
LOSS_POINT = "you have lost money, or been put to expense, as a result"


def understood_points(case: Case) -> list[str]:
    """The points triage found, in plain words: the category, then the secondary ones, then a loss
    if one was alleged. The handler corrects them before the letter goes."""
    third_party = case.complainant == "third_party"
    categories = [case.category or "other", *case.secondary_categories]
    points = [POINTS[c] for c in dict.fromkeys(categories) if c in POINTS]
    if "insurer_notification" in (case.flags or []):
        points.append(LOSS_POINT)
    if not points:
        points.append("we have not dealt with your matter as you expected")
    return [re.sub(r"\byour matter\b", "the matter", p) if third_party else p for p in points]


def letter_extras(case: Case, kind: str) -> dict[str, Any]:
    """What a client letter adds: the understanding section in the first substantive letter of a
    complaint, and the offer of adjustments to a vulnerable client until one is recorded."""
    substantive = kind in SUBSTANTIVE_KINDS and case.is_complaint is not False
    first = substantive and case.understanding_sent_at is None
    vulnerable = "vulnerability" in (case.flags or [])
    return {
        "understanding": understood_points(case) if first else None,
        "offer_adjustments": bool(substantive and vulnerable and case.adjustments is None),
    }


def on_letter_sent(conn: Connection, case: Case, letter: Letter, now: datetime,
                   events: list[AuditEvent]) -> None:
    """A sent letter that restated the complaint, or offered adjustments: recorded on the case."""
    if letter.kind not in SUBSTANTIVE_KINDS:
        return
    values: dict[str, Any] = {}
    if case.understanding_sent_at is None and UNDERSTANDING_HEADING in letter.body_text:
        values.update(understanding_sent_at=now, understanding_letter_id=letter.id)
        events.append(AuditEvent("case.understanding_sent", case.ref, "mailbot", now,
                                 {"outbox_id": letter.id, "kind": letter.kind}))
    if case.adjustments is None and ADJUSTMENTS_HEADING in letter.body_text:
        values["adjustments"] = "offered"
        events.append(AuditEvent("case.adjustments_set", case.ref, "mailbot", now,
                                 {"to": "offered", "how": f"in the {letter.kind} sent",
                                  "outbox_id": letter.id}))
    if values:
        casebook.update_case(conn, case.id, now, **values)


def is_correction(conn: Connection, case: Case, route: FollowUp) -> bool:
    """The client answers the letter that restated their complaint: their corrections."""
    letter_id = case.understanding_letter_id
    if letter_id is None:
        return False
    letter = outbox_q.letter(conn, letter_id)
    return letter is not None and letter.message_id in thread_ids(route.msg)
