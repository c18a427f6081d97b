"""Notices that mail systems add to a client's words: confidentiality disclaimers and
external-sender banners.

A client writing from work sends a footer such as "If you have received this email in error,
please notify the sender and delete it". Triage read it as the client's own words and rated
every such complaint a critical data breach ("sent ... in error"), alerting the compliance
officer for nothing; the firm's own mail system may add "CAUTION: This email originated from
outside the organisation" to every message. Triage reads the message without them; the handler
still sees everything.

A notice speaks of the message itself ("this email ... is confidential", "if you are not the
intended recipient") and never in the first person singular, which a client telling us that
something was sent to the wrong person nearly always uses ("you sent me ..."). So text is cut
only from the line where such words start to the end, and only when no "I", "me" or "my" follows;
a banner is cut only from the top. Bounded: at most MAX_SCAN characters are searched. Pure.
"""

from __future__ import annotations

import re

MAX_SCAN = 50_000

_NOTICE = re.compile(
    r"\bthis\s+(?:e-?mail|message|communication|transmission)\b(?:\s+\w+){0,6}?\s+"
    r"(?:is|are|may\s+(?:be|contain)|contains?)\s+(?:\w+\s+){0,3}?(?:confidential|privileged"
    r"|intended\s+(?:solely\s+|only\s+)?for)"
    r"|\bif\s+you\s+(?:have\s+)?received\s+this\s+(?:e-?mail|message|communication"
    r"|transmission)(?:\s+\w+){0,3}?\s+(?:in\s+error|by\s+mistake)"
    r"|\bif\s+you\s+are\s+not\s+the\s+(?:intended|named)\s+(?:recipient|addressee)"
    r"|\b(?:confidentiality|legal)\s+(?:notice|disclaimer)\s*:",
    re.IGNORECASE)
_BANNER = re.compile(
    r"\s*\W{0,3}\s*(?:caution|warning|notice|external(?:\s+e-?mail)?)\W{0,3}\s*[:\-]?\s*"
    r"this\s+(?:e-?mail|message)\s+(?:originated|came|was\s+sent|is\s+from)\s+(?:from\s+)?"
    r"outside\b[^\n]*",
    re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|I[’']m|I[’']ve|I[’']d|I[’']ll|(?i:me|my|mine|myself))\b")


def without_notices(text: str) -> str:
    """`text` without a leading external-sender banner and a trailing disclaimer; unchanged when
    nothing would be left."""
    scanned = text[:MAX_SCAN]
    banner = _BANNER.match(scanned)
    start = banner.end() if banner else 0
    end = len(text)
    for match in _NOTICE.finditer(scanned, start):
        line_start = scanned.rfind("\n", start, match.start()) + 1 or start
        if not _FIRST_PERSON.search(scanned, line_start):
            end = line_start
            break
    kept = text[max(start, 0):max(end, start)].strip()
    return kept or text
