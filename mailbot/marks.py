"""Every mark mailbot writes on the wire and reads back, as paired make/parse functions. Pure.

A mark written by one module and parsed by another drifts (the token once allowed 1-64
characters when written and 16-64 when read). Here each mark has one pattern, used both
ways, and a round-trip test pins the pairs:
- the approval token, in a plus-address (`complaints+a-TOKEN@firm`) and a subject tag
  (`[a-TOKEN]`, for firms whose mail server has no plus-addressing);
- the VERP bounce address (`complaints+b-ID@firm`) that ties a bounce to its outbox row;
- our Message-IDs (`<mb.{32 hex}@domain>`) and the loop header on everything we send;
- the draft markers of an approval request, which carry a random per-request nonce so that
  nobody who has not seen that request (a client quoting a fake draft block) can write one.

Markers are looked for after Unicode normalisation (`normalise`): NFKC, and format
characters (zero-width space, soft hyphen, word joiner, bidi controls) removed, because
those are the classic tools for hiding a marker from a check and showing it to a person.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from functools import lru_cache

TOKEN_PATTERN = r"[A-Za-z0-9_-]{16,64}"
MESSAGE_ID_PREFIX = "mb."
LOOP_HEADER = "X-Mailbot-Loop"
SCRUBBED_TAG = "[a-removed]"  # replaces the clear token once a request is sent; not token-shaped

_TOKEN = re.compile(rf"^{TOKEN_PATTERN}$")
_TOKEN_IN_ADDRESS = re.compile(rf"^[^@+\s]+\+a-({TOKEN_PATTERN})@", re.IGNORECASE)
_TOKEN_IN_SUBJECT = re.compile(rf"\[a-({TOKEN_PATTERN})\]", re.IGNORECASE)
_ANY_TAG_IN_SUBJECT = re.compile(r"\s*\[a-[^\]\s]{0,80}\]", re.IGNORECASE)
_BOUNCE_ADDRESS = re.compile(r"^[^@+\s]+\+b-(\d{1,18})@", re.IGNORECASE)
_OWN_ID = re.compile(re.escape(MESSAGE_ID_PREFIX) + r"[0-9a-f]{32}@(\S+)", re.IGNORECASE)
_NONCE = re.compile(r"^[0-9a-f]{12}$")
# Characters that render as nothing beyond the format characters (category Cf): the combining
# grapheme joiner, variation selectors, Hangul fillers, Khmer inherent vowels, the Mongolian
# vowel separator. Removing them is what a reader's eye does.
_INVISIBLE_EXTRA = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180e\u3164\uffa0"
                             + "".join(map(chr, range(0xFE00, 0xFE10)))
                             + "".join(map(chr, range(0xE0100, 0xE01F0))))


def _plus(complaints_address: str, tag: str) -> str:
    local, at, domain = complaints_address.rpartition("@")
    if not at or not local or not domain or "+" in local:
        raise ValueError(f"not a plain email address: {complaints_address!r}")
    return f"{local}+{tag}@{domain}"


# --- approval tokens ---------------------------------------------------------------------


def is_token(value: str) -> bool:
    """Whether a string has the shape of an approval token, checked before it is put in an
    address or looked up."""
    return bool(_TOKEN.match(value))


def approval_address(complaints_address: str, token: str) -> str:
    """`local+a-TOKEN@domain`: where a handler's reply to one approval request goes."""
    if not is_token(token):
        raise ValueError("an approval token is 16-64 characters of A-Z a-z 0-9 _ -")
    return _plus(complaints_address, f"a-{token}")


def token_from_address(address: str) -> str | None:
    """The approval token from a reply's plus-address: the way a handler's answer finds its
    request."""
    match = _TOKEN_IN_ADDRESS.match(address)
    return match.group(1) if match else None


def subject_tag(token: str) -> str:
    """`[a-TOKEN]`, repeated in the request's subject so a reply to the plain address still works.
    """
    if not is_token(token):
        raise ValueError("an approval token is 16-64 characters of A-Z a-z 0-9 _ -")
    return f"[a-{token}]"


def token_from_subject(subject: str) -> str | None:
    """The approval token from a subject tag, for a reply sent to the plain complaints address."""
    match = _TOKEN_IN_SUBJECT.search(subject)
    return match.group(1) if match else None


def has_tag_shape(subject: str) -> bool:
    """True for anything that looks like our tag, token-shaped or not (`[a-...]`)."""
    return bool(_ANY_TAG_IN_SUBJECT.search(subject))


def scrub_subject(subject: str) -> str:
    """The subject with its token tag replaced: the clear token lives on only as a hash."""
    return _TOKEN_IN_SUBJECT.sub(SCRUBBED_TAG, subject)


# --- bounces -----------------------------------------------------------------------------


def bounce_address(complaints_address: str, outbox_id: int) -> str:
    """`local+b-ID@domain`: the envelope sender (VERP) that ties a bounce to its outbox row."""
    if isinstance(outbox_id, bool) or not isinstance(outbox_id, int) or outbox_id < 0:
        raise ValueError(f"not an outbox id: {outbox_id!r}")
    return _plus(complaints_address, f"b-{outbox_id}")


def bounce_id_from_address(address: str) -> int | None:
    """The outbox id from a VERP bounce address: which letter bounced, without guessing from the
    bounce's text."""
    match = _BOUNCE_ADDRESS.match(address)
    return int(match.group(1)) if match else None


# --- Message-IDs and the loop header -----------------------------------------------------


def mint_message_id(domain: str) -> str:
    """`<mb.{32 hex}@domain>`: minted once per letter, recognised as ours when it comes back."""
    if not domain or re.search(r"[\s<>@]", domain):
        raise ValueError(f"not a mail domain: {domain!r}")
    return f"<{MESSAGE_ID_PREFIX}{secrets.token_hex(16)}@{domain}>"


def own_message_id_domain(message_id: str | None) -> str | None:
    """The domain of one of our Message-IDs (with or without brackets), else None."""
    if not message_id:
        return None
    match = _OWN_ID.fullmatch(message_id.strip().strip("<>"))
    return match.group(1).lower() if match else None


def is_own_message_id(message_id: str | None, domain: str | None) -> bool:
    """Whether a Message-ID is one this firm's mailbot minted: another firm's mailbot uses the
    same prefix."""
    found = own_message_id_domain(message_id)
    return bool(found and domain and found == domain.lower())


def is_own_loop(value: str | None, domain: str | None) -> bool:
    """Our loop header carries our domain; another mailbot's (another firm's) is not ours."""
    return bool(value and domain and value.strip().lower() == domain.lower())


# --- draft markers -----------------------------------------------------------------------


def new_nonce() -> str:
    """12 hex characters (48 bits): unguessable for the life of one approval request."""
    return secrets.token_hex(6)


def draft_start(nonce: str) -> str:
    """The line above the draft in an approval request; the nonce keeps a quoted older request
    from being read as this one."""
    _check_nonce(nonce)
    return f"----- DRAFT START {nonce}: edit below this line -----"


def draft_end(nonce: str) -> str:
    """The line below the draft in an approval request, with the same nonce as its start."""
    _check_nonce(nonce)
    return f"----- DRAFT END {nonce} -----"


def _check_nonce(nonce: str) -> None:
    if not _NONCE.match(nonce):
        raise ValueError("a draft marker nonce is 12 lower-case hex characters")


@lru_cache(maxsize=64)
def _marker_patterns(nonce: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    # A rule of dashes (any dash a client may substitute), the words, then this request's
    # nonce. A letter's own "Draft start date: ..." line has no rule and no nonce.
    rule = r"^[\s*_>]*[-\u2010-\u2015\u2212=~]{2,}\s*"
    start = re.compile(rule + rf"draft\s+start\s+{nonce}\b", re.IGNORECASE)
    end = re.compile(rule + rf"draft\s+end\s+{nonce}\b", re.IGNORECASE)
    return start, end


def is_draft_start(line: str, nonce: str) -> bool:
    """`line` (already normalised) is this request's start marker."""
    return bool(_marker_patterns(nonce)[0].match(line))


def is_draft_end(line: str, nonce: str) -> bool:
    """Whether a line ends this request's draft, as mail programs may have mangled it (quoted,
    re-dashed)."""
    return bool(_marker_patterns(nonce)[1].match(line))


_ANY_MARKER = re.compile(r"^[\s*_>]*[-\u2010-\u2015\u2212=~]{2,}\s*draft\s+(?:start|end)\b",
                         re.IGNORECASE)


def looks_like_marker(line: str) -> bool:
    """Shaped like a draft marker, whatever its nonce: a stale copy, or somebody's forgery."""
    return bool(_ANY_MARKER.match(line))


def normalise(text: str) -> str:
    """NFKC with format characters removed: what a person reads, not what hides in the bytes."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text
                   if unicodedata.category(ch) != "Cf" and ch not in _INVISIBLE_EXTRA)
