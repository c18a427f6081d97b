"""The kinds of letter mailbot writes, and one rule row per kind. Pure.

Which kinds reach a client, how a sentence names each one, which word in a handler's
`draft WORD` asks for it and what sending it does to the case were once string sets and maps
kept in about seven modules, and they drifted. Here each kind has one row in `RULES`, and
every set or map of kinds is derived from that table.

Kinds are stored as strings (outbox.kind, case_messages.kind): each member's value is the
string the database already holds, and a `LetterKind` compares and hashes equal to it, so a
stored string can be looked up in the sets below as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from .cases import Event


class LetterKind(StrEnum):
    # To the client
    ACKNOWLEDGEMENT = "acknowledgement"
    PROGRESS_UPDATE = "progress_update"
    REQUEST_INFO = "request_info"
    HOLDING_LETTER = "holding_letter"
    FINAL_RESPONSE = "final_response"
    SUMMARY_RESOLUTION = "summary_resolution"
    ENQUIRY_REPLY = "enquiry_reply"
    # To staff
    APPROVAL_REQUEST = "approval_request"
    REMINDER = "reminder"
    DIGEST = "digest"
    BOUNCE_ALERT = "bounce_alert"
    APPROVAL_REFUSED = "approval_refused"
    COMMAND_HELP = "command_help"
    MAIL_KEPT = "mail_kept"
    INTAKE_ALERT = "intake_alert"
    SYSTEM_ALERT = "system_alert"
    ESCALATION_ALERT = "escalation_alert"
    ACTION_NOTICE = "action_notice"
    FORWARD_LOGGED = "forward_logged"
    TREND_REPORT = "trend_report"


@dataclass(frozen=True)
class LetterRule:
    """What is true of every letter of one kind.

    `to_client`: written to the complainant, so the content gate checks it and the outbox
    sends it first; only the acknowledgement goes out without a handler's approval
    (`needs_approval`), so only it may never print words the sender wrote. `command_word`
    (and its `synonyms`) in a handler's `draft WORD` asks for a fresh draft of this kind.
    `on_sent`: the case event sending it records. `alert_if_undelivered`: a person is told
    when it cannot be delivered (not for alerts about the system itself: a bad address there
    would loop). `from_template`: rendered from templates/<kind>.txt.j2 (the trend report is
    composed in Python around its charts).
    """

    kind: LetterKind
    label: str  # how a sentence names it: "Our {label} could not be delivered"
    to_client: bool
    needs_approval: bool = False
    command_word: str | None = None
    synonyms: tuple[str, ...] = ()
    on_sent: Event | None = None
    alert_if_undelivered: bool = True
    from_template: bool = True


def _client(kind: LetterKind, label: str, word: str | None, *synonyms: str,
            on_sent: Event | None = None) -> LetterRule:
    return LetterRule(kind, label, to_client=True, needs_approval=True, command_word=word,
                      synonyms=synonyms, on_sent=on_sent)


def _staff(kind: LetterKind, *, alert_if_undelivered: bool = True,
           from_template: bool = True) -> LetterRule:
    return LetterRule(kind, kind.value.replace("_", " "), to_client=False,
                      alert_if_undelivered=alert_if_undelivered, from_template=from_template)


_K = LetterKind
_ROWS = (
    LetterRule(_K.ACKNOWLEDGEMENT, "acknowledgement", to_client=True, on_sent=Event.ACKNOWLEDGE),
    # Sent only once the case is acknowledged (sending checks the state, not the event table).
    _client(_K.PROGRESS_UPDATE, "progress update", "update", "progress",
            on_sent=Event.INVESTIGATE),
    _client(_K.REQUEST_INFO, "request for information", "info", "information", "request", "rfi",
            on_sent=Event.REQUEST_INFO),
    _client(_K.HOLDING_LETTER, "holding letter", "holding"),
    _client(_K.FINAL_RESPONSE, "final response", "final", on_sent=Event.RESPOND),
    # FCA: a complaint resolved within three business days, in place of a final response.
    _client(_K.SUMMARY_RESOLUTION, "summary resolution communication", "summary", "src",
            on_sent=Event.RESPOND),
    _client(_K.ENQUIRY_REPLY, "reply", "reply", "enquiry"),
    _staff(_K.APPROVAL_REQUEST),
    _staff(_K.REMINDER),
    _staff(_K.DIGEST),
    _staff(_K.BOUNCE_ALERT),
    _staff(_K.APPROVAL_REFUSED),
    _staff(_K.COMMAND_HELP),
    _staff(_K.MAIL_KEPT),
    _staff(_K.INTAKE_ALERT, alert_if_undelivered=False),
    _staff(_K.SYSTEM_ALERT, alert_if_undelivered=False),
    _staff(_K.ESCALATION_ALERT),
    _staff(_K.ACTION_NOTICE),
    _staff(_K.FORWARD_LOGGED),
    _staff(_K.TREND_REPORT, from_template=False),
)
RULES: Mapping[LetterKind, LetterRule] = MappingProxyType({r.kind: r for r in _ROWS})

CLIENT_KINDS = frozenset(k for k, r in RULES.items() if r.to_client)
STAFF_KINDS = frozenset(k for k, r in RULES.items() if not r.to_client)
# The words `draft WORD` takes, in the order the command help lists them.
DRAFT_WORDS = tuple(r.command_word for r in RULES.values() if r.command_word)
DRAFT_KIND_BY_WORD: Mapping[str, LetterKind] = MappingProxyType({
    word: r.kind for r in RULES.values() if r.command_word
    for word in (r.command_word, *r.synonyms)
})

_BY_VALUE: Mapping[str, LetterRule] = {k.value: r for k, r in RULES.items()}


def rule_of(kind: str) -> LetterRule | None:
    """The rule for a stored kind string; None for a string that is no kind."""
    return _BY_VALUE.get(kind)


def label(kind: str, default: str | None = None) -> str:
    """How a sentence names a letter of this kind; for a string that is no kind, `default`,
    else the string's own words."""
    rule = rule_of(kind)
    if rule is not None:
        return rule.label
    return default if default is not None else kind.replace("_", " ")
