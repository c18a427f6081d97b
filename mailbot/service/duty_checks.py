"""What an approval request asks the handler about the firm's duties (issue 19), and the
duties' deadlines it lists: an escalation, the ICO decision on a breach, a subject access
request, reasonable adjustments for a vulnerable client, and the first letter that restates
the complaint. Each check says what to reply."""

from __future__ import annotations

from typing import Any

from ..duty_clocks import ico_due
from ..regimes import Regime
from .listening import ADJUSTMENTS_HEADING, SUBSTANTIVE_KINDS, UNDERSTANDING_HEADING


def _ico_decision_open(case: Any) -> bool:
    """The firm knows of a breach and has not yet recorded whether to notify the ICO."""
    return getattr(case, "breach_aware_at", None) is not None and case.breach_decided_at is None


def _sar_open(case: Any) -> bool:
    """A subject access request whose clock runs and which is not yet answered."""
    return getattr(case, "sar_due_at", None) is not None and case.sar_done_at is None


def duty_deadlines(case: Any) -> list[dict[str, Any]]:
    """The duties' due dates still open on a case (an ICO decision, a subject access answer), for
    letters and status."""
    out = []
    if _ico_decision_open(case):
        out.append({"label": "Decide whether to notify the ICO of the breach by",
                    "due": ico_due(case.breach_aware_at)})
    if _sar_open(case):
        out.append({"label": "Answer the subject access request by", "due": case.sar_due_at})
    return out


# What each check tells the handler, in the order they are listed; {fields} are filled from the
# case by duty_checks, which decides which checks apply.
_CHECKS: dict[str, tuple[str, str]] = {
    "escalated": (
        "Act today",
        "Compliance and the partner were alerted at once ({triggers}). Deal with this case today."),
    "ico_decision": (
        "Personal-data breach: the ICO decision",
        "Decide by {due} whether the breach must be notified to the Information Commissioner (UK "
        "GDPR Art 33), and record it with why: reply 'breach notifiable yes REASON' or 'breach "
        "notifiable no REASON'. Reminders go to you and compliance until it is recorded."),
    "sar": (
        "Subject access request",
        "The writer asks for their personal data: answer by {due} (one month from receipt; reply "
        "'sar extend REASON' for two more months if the request is complex, and tell them so "
        "within the first month). Export it with 'mailbot export-person ADDRESS --request {ref} "
        "--out DIR', review it for other people's data, send it, then reply 'sar done'. Not a "
        "subject access request: reply 'sar no'."),
    "adjustments": (
        "Reasonable adjustments",
        "Triage found signs that the client may be vulnerable (illness, disability, bereavement, "
        "age or mental health). Offer reasonable adjustments: by phone, large print, through "
        "someone they trust, more time.{offered} Reply 'adjustments offered', 'adjustments "
        "declined' or 'adjustments not needed REASON' to record it."),
    "understanding": (
        "Our understanding of the complaint",
        "This is the first letter after the acknowledgement: under '{heading}' it restates the "
        "complaint's points as triage read them. Correct them between the draft markers so they "
        "say what the client complained of. The client is asked to tell us what we got wrong; "
        "their reply is filed on the case as a correction."),
}


def duty_checks(regime: Regime, case: Any, kind: str) -> list[dict[str, str]]:
    """What the handler must do about the case's duties, with dates, as they read it in an
    approval request: a duty nobody sees is missed."""
    cal = regime.calendar

    def when(moment: Any) -> str:
        local = cal.local(moment)
        return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"

    due: dict[str, dict[str, str]] = {}  # the checks that apply, with what their texts name
    escalated = [t.replace("_", " ") for t in (getattr(case, "escalated", None) or [])]
    if escalated:
        due["escalated"] = {"triggers": ", ".join(escalated)}
    if _ico_decision_open(case):
        due["ico_decision"] = {"due": when(ico_due(case.breach_aware_at))}
    if _sar_open(case):
        due["sar"] = {"due": when(case.sar_due_at), "ref": str(case.ref)}
    vulnerable = "vulnerability" in (getattr(case, "flags", None) or [])
    if vulnerable and getattr(case, "adjustments", None) is None:
        due["adjustments"] = {"offered": (
            f" The draft offers them under '{ADJUSTMENTS_HEADING}': sent with it, the offer is "
            "recorded." if kind in SUBSTANTIVE_KINDS else "")}
    if (kind in SUBSTANTIVE_KINDS and case.is_complaint is not False
            and getattr(case, "understanding_sent_at", None) is None):
        due["understanding"] = {"heading": UNDERSTANDING_HEADING}
    return [{"title": title, "text": text.format_map(due[key])}
            for key, (title, text) in _CHECKS.items() if key in due]
