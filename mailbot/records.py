"""A case and a letter as the store keeps them: typed, frozen values instead of database rows.

The store's queries return these (store/casebook.py, store/outbox.py), so a misspelt field is a
type error rather than an AttributeError on a mail path at run time, and the core can be handed a
case without knowing SQL. Each holds one field per column of its table (`cases`, `outbox` in
store/tables.py), read by name, in the table's order (so JSON output keeps its order); a unit
test keeps them in step. The state is a cases.State; timestamps are timezone-aware UTC, as the
store returns them. JSON columns keep the list or dict the database gave, typed read-only
(Sequence, Mapping): change a case through the store, never in place. Pure: standard library
and the core's own modules only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from operator import itemgetter
from typing import Any

from .cases import CaseSnapshot, State


@dataclass(frozen=True, slots=True)
class Case:
    """One complaint (or enquiry) case: a row of `cases`."""

    id: int
    ref: str
    state: State
    category: str | None
    secondary_categories: Sequence[str]
    urgency: str | None
    is_complaint: bool | None  # None: triage could not tell; False: an enquiry
    flags: Sequence[str] | None
    suggestion: Mapping[str, Any] | None  # the triage suggestion with its reasons
    client_address: str
    client_name: str | None
    handler_email: str | None
    subject: str | None
    profile: str  # the regime's name (regimes.py)
    received_at: datetime
    acknowledged_at: datetime | None
    responded_at: datetime | None
    closed_at: datetime | None
    last_client_letter_at: datetime | None
    awaiting_client_since: datetime | None
    legal_hold: bool
    purged_at: datetime | None
    person_complained_about: str | None
    root_cause: str | None
    outcome: str | None
    redress: str | None
    learning: str | None
    created_at: datetime
    updated_at: datetime
    complaint_decided_by: str | None
    complaint_decided_at: datetime | None
    complainant: str  # client | third_party
    channel: str  # email | phone | letter | in_person
    waive_time_limits: bool | None
    close_reason: str | None
    area_of_law: str | None
    resolved: str | None  # yes | no; None: not known
    adjustments: str | None  # offered | declined | not_needed; None: not recorded
    understanding_letter_id: int | None
    understanding_sent_at: datetime | None
    sar_received_at: datetime | None
    sar_due_at: datetime | None
    sar_done_at: datetime | None
    breach_aware_at: datetime | None
    breach_decided_at: datetime | None
    breach_notifiable: bool | None
    escalated: Sequence[str] | None  # the triggers already alerted (service/escalation.py)

    def __post_init__(self) -> None:
        # The store gives the state as text: an unknown one fails here, not in a transition.
        object.__setattr__(self, "state", State(self.state))

    @classmethod
    def from_mapping(cls, values: Mapping[Any, Any]) -> Case:
        """A case from a row's columns, read by name (the store's one conversion)."""
        return cls(*_CASE_FIELDS(values))

    def snapshot(self) -> CaseSnapshot:
        """What the transition rules (cases.apply) need of it."""
        return CaseSnapshot(ref=self.ref, state=self.state, acknowledged_at=self.acknowledged_at,
                            responded_at=self.responded_at, closed_at=self.closed_at)


@dataclass(frozen=True, slots=True)
class Letter:
    """One outgoing mail, to a client or to staff, in any status: a row of `outbox`."""

    id: int
    case_id: int | None
    kind: str
    status: str  # draft | approved | sent | failed | rejected | superseded
    requires_approval: bool
    handler_email: str | None
    sender: str  # the envelope sender (VERP for client letters)
    recipients: Sequence[str]
    message_id: str  # without angle brackets
    subject: str
    body_text: str
    body_html: str | None
    edit_diff: str | None
    in_reply_to: str | None
    references: Sequence[str]
    reply_to: str
    auto_submitted: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    approved_at: datetime | None
    approved_by: str | None
    sent_at: datetime | None

    @classmethod
    def from_mapping(cls, values: Mapping[Any, Any]) -> Letter:
        """A letter from a row's columns, read by name (the store's one conversion)."""
        return cls(*_LETTER_FIELDS(values))


# Each field's value picked by name, then passed by position: cheaper than keyword arguments for
# fifty fields (store reads of a case are on every mail's path).
_CASE_FIELDS = itemgetter(*(f.name for f in fields(Case)))
_LETTER_FIELDS = itemgetter(*(f.name for f in fields(Letter)))
