"""What an approval request asks the handler about the firm's duties (issue 19), and the
duties' deadlines it lists: an escalation, the ICO decision on a breach, a subject access
request, reasonable adjustments for a vulnerable client, and the first letter that restates
the complaint. Each check says what to reply."""

from __future__ import annotations

from typing import Any

from ..duty_clocks import ico_due
from ..regimes import Regime
from .listening import ADJUSTMENTS_HEADING, SUBSTANTIVE_KINDS, UNDERSTANDING_HEADING


def duty_deadlines(case: Any) -> list[dict[str, Any]]:
    """The duties' due dates still open on a case (an ICO decision, a subject access answer), for
    letters and status."""
    out = []
    if getattr(case, "breach_aware_at", None) is not None and case.breach_decided_at is None:
        out.append({"label": "Decide whether to notify the ICO of the breach by",
                    "due": ico_due(case.breach_aware_at)})
    if getattr(case, "sar_due_at", None) is not None and case.sar_done_at is None:
        out.append({"label": "Answer the subject access request by", "due": case.sar_due_at})
    return out


def duty_checks(regime: Regime, case: Any, kind: str) -> list[dict[str, str]]:
    """What the handler must do about the case's duties, with dates, as they read it in an
    approval request: a duty nobody sees is missed."""
    cal = regime.calendar

    def when(moment: Any) -> str:
        local = cal.local(moment)
        return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"

    checks = []
    escalated = [t.replace("_", " ") for t in (getattr(case, "escalated", None) or [])]
    if escalated:
        checks.append({"title": "Act today", "text": (
            f"Compliance and the partner were alerted at once ({', '.join(escalated)}). Deal with "
            "this case today.")})
    if getattr(case, "breach_aware_at", None) is not None and case.breach_decided_at is None:
        checks.append({"title": "Personal-data breach: the ICO decision", "text": (
            f"Decide by {when(ico_due(case.breach_aware_at))} whether the breach must be notified "
            "to the Information Commissioner (UK GDPR Art 33), and record it with why: reply "
            "'breach notifiable yes REASON' or 'breach notifiable no REASON'. Reminders go to you "
            "and compliance until it is recorded.")})
    if getattr(case, "sar_due_at", None) is not None and case.sar_done_at is None:
        checks.append({"title": "Subject access request", "text": (
            f"The writer asks for their personal data: answer by {when(case.sar_due_at)} (one "
            "month from receipt; reply 'sar extend REASON' for two more months if the request is "
            "complex, and tell them so within the first month). Export it with 'mailbot "
            f"export-person ADDRESS --request {case.ref} --out DIR', review it for other people's "
            "data, send it, then reply 'sar done'. Not a subject access request: reply 'sar "
            "no'.")})
    vulnerable = "vulnerability" in (getattr(case, "flags", None) or [])
    if vulnerable and getattr(case, "adjustments", None) is None:
        offered = (f" The draft offers them under '{ADJUSTMENTS_HEADING}': sent with it, the "
                   "offer is recorded." if kind in SUBSTANTIVE_KINDS else "")
        checks.append({"title": "Reasonable adjustments", "text": (
            "Triage found signs that the client may be vulnerable (illness, disability, "
            "bereavement, age or mental health). Offer reasonable adjustments: by phone, large "
            f"print, through someone they trust, more time.{offered} Reply 'adjustments offered', "
            "'adjustments declined' or 'adjustments not needed REASON' to record it.")})
    first = (kind in SUBSTANTIVE_KINDS and case.is_complaint is not False
             and getattr(case, "understanding_sent_at", None) is None)
    if first:
        checks.append({"title": "Our understanding of the complaint", "text": (
            f"This is the first letter after the acknowledgement: under '{UNDERSTANDING_HEADING}' "
            "it restates the complaint's points as triage read them. Correct them between the "
            "draft markers so they say what the client complained of. The client is asked to "
            "tell us what we got wrong; their reply is filed on the case as a correction.")})
    return checks
